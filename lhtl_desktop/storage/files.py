"""Writing a whole file or nothing: the one helper every file the program writes goes through (bundles,
enrolment files, sheets and workbooks).

A temporary file in the destination's folder, written and fsynced, renamed over the destination, then the
folder fsynced so that the rename itself survives a power cut or a pulled USB stick: a reader finds the old
file or the whole new one, never half of one. Database copies use the same steps through SQLite's backup
API (`storage.backup.backup_to`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from lhtl_desktop.storage.backup import fsync_dir

__all__ = ["fsync_dir", "write_atomic"]


def write_atomic(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` atomically and durably. Raises OSError (the temporary file removed)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
        fsync_dir(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    return path
