"""One rotating log for the window and the CLI: what happened, for whoever supports 129 communes.

`lhtl.log` lives in the per-user data folder (`logs/` in %LOCALAPPDATA%\\lhtl or ~/.local/share/lhtl), one
for every database the officer opens (each line names its unit), never beside a database given with --db:
a refused command must leave that folder exactly as it was. It rotates at 1 MB and keeps 5 old files. Imports,
exports, restores, enrolments, key and settings changes are logged at INFO with the unit and the counts
(`event()`); crashes with their traceback; Qt's own warnings (routed here by the window); and a hard crash
inside a C library (a printer driver, Qt) through `faulthandler`, which writes the Python stacks into the
same file. Never a passphrase or a private key: callers pass counts and codes, not secrets.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
from collections import deque
from pathlib import Path
from typing import Any, TextIO

import platformdirs

from lhtl_desktop import APP_NAME

LOG_NAME = "lhtl.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
log = logging.getLogger("lhtl")

_state: dict[str, Any] = {"path": None, "fault_file": None, "face": ""}


class _Rotating(logging.FileHandler):
    """`lhtl.log`, rolled over to `lhtl.log.1` … `.N` before a line would take it to `max_bytes`, as
    `logging.handlers.RotatingFileHandler` does; faulthandler is pointed at the new file after each roll-over.

    Written on `logging.FileHandler` rather than imported: `logging.handlers` brings socket, pickle and queue
    with it, about 9 ms of the window's cold start before its first frame, for these few lines.
    """

    def __init__(self, path: Path, max_bytes: int, backup_count: int) -> None:
        super().__init__(path, mode="a", encoding="utf-8")
        self.max_bytes = max_bytes
        self.backup_count = backup_count

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._should_roll(record):
                self.doRollover()
        except Exception:  # noqa: BLE001 — logging must never raise into the program (logging's own rule)
            self.handleError(record)
            return
        super().emit(record)

    def _should_roll(self, record: logging.LogRecord) -> bool:
        base = self.baseFilename
        if self.max_bytes <= 0 or (os.path.exists(base) and not os.path.isfile(base)):
            return False  # only a regular file is rolled over
        if self.stream is None:
            self.stream = self._open()
        pos = self.stream.tell()
        return bool(pos) and pos + len(self.format(record) + self.terminator) >= self.max_bytes  # never an empty file

    def doRollover(self) -> None:  # noqa: N802 — logging's name
        if self.stream is not None:
            self.stream.close()
            self.stream = None  # type: ignore[assignment]
        base = self.baseFilename
        for n in range(self.backup_count - 1, 0, -1):
            older, newer = f"{base}.{n}", f"{base}.{n + 1}"
            if os.path.exists(older):
                if os.path.exists(newer):
                    os.remove(newer)
                os.rename(older, newer)
        if self.backup_count > 0:
            if os.path.exists(f"{base}.1"):
                os.remove(f"{base}.1")
            if os.path.exists(base):
                os.rename(base, f"{base}.1")
        self.stream = self._open()
        _point_faulthandler(Path(base))


def _point_faulthandler(path: Path) -> None:
    old: TextIO | None = _state["fault_file"]
    try:
        fault_file = open(path, "a", encoding="utf-8")  # noqa: SIM115 — kept open: faulthandler writes to its fd
    except OSError:
        return
    faulthandler.enable(file=fault_file, all_threads=True)
    _state["fault_file"] = fault_file
    if old is not None:
        old.close()


def default_log_folder() -> Path:
    """`logs/` in the per-user data folder (LHTL_LOG_DIR overrides it, for a support officer's own runs)."""
    override = os.environ.get("LHTL_LOG_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "logs"


def setup_logging(folder: Path | str, face: str) -> Path | None:
    """Log into `folder/lhtl.log` from now on (`face`: "cửa sổ"/"window" or "cli", shown on each line).

    Idempotent for the same folder; a later call for another database's folder moves the log there. Returns
    the log's path, or None when the folder cannot be written (the program still runs, unlogged)."""
    path = Path(folder).resolve() / LOG_NAME
    if _state["path"] == path:
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = _Rotating(path, MAX_BYTES, BACKUP_COUNT)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(
        f"%(asctime)s %(levelname)s [{face} %(process)d] %(name)s: %(message)s"))
    for old in [h for h in log.handlers if isinstance(h, _Rotating)]:
        log.removeHandler(old)
        old.close()
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    _state.update(path=path, face=face)
    _point_faulthandler(path)
    return path


def log_path() -> Path | None:
    """Where the log is being written, or None before set-up."""
    return _state["path"]


def event(action: str, **fields: Any) -> None:
    """One INFO line: `import unit=14389 status=accepted new=12 …` (values without spaces are unquoted)."""
    parts = [action]
    for key, value in fields.items():
        text = str(value)
        parts.append(f"{key}={text!r}" if (" " in text or not text) else f"{key}={text}")
    log.info(" ".join(parts))


def tail(path: Path | str | None = None, lines: int = 200) -> list[str]:
    """The last `lines` lines of the log (fewer if it is shorter; none if there is no log)."""
    target = Path(path) if path is not None else log_path()
    if target is None:
        return []
    try:
        with open(target, encoding="utf-8", errors="replace") as fh:
            return [line.rstrip("\n") for line in deque(fh, maxlen=lines)]
    except OSError:
        return []


def log_files(folder: Path | str) -> list[Path]:
    """`lhtl.log` and its rotated copies in `folder`, oldest last."""
    base = Path(folder) / LOG_NAME
    found = [base] if base.exists() else []
    found += [p for n in range(1, BACKUP_COUNT + 1) if (p := Path(f"{base}.{n}")).exists()]
    return found


def reset_for_tests() -> None:
    """Close the handler and the faulthandler file (tests that set up logs in several temp folders)."""
    for old in [h for h in log.handlers if isinstance(h, _Rotating)]:
        log.removeHandler(old)
        old.close()
    if _state["fault_file"] is not None:
        if sys.__stderr__ is not None:
            faulthandler.enable(file=sys.__stderr__, all_threads=True)  # back where the test runner had it
        _state["fault_file"].close()
    _state.update(path=None, fault_file=None, face="")
