"""Consistent copies of the database (ARCHITECTURE.md §2): before every import, on exit, to a USB stick.

A copy is made with SQLite's online backup API from the open connection (so it sees one committed state
even in WAL mode), written to a temporary file beside the destination, fsynced, then renamed over the final
name: a reader only ever finds the previous file or the complete new one, never half a backup.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lhtl_desktop.errors import DatabaseError
from lhtl_desktop.i18n import _
from lhtl_desktop.storage.store import Store

BACKUP_DIRNAME = "backups"
KEEP_BACKUPS = 10
BACKUP_SUFFIX = ".sqlite3"
_NAME_RE = re.compile(r"^lhtl-(\d{8}T\d{6}\d{6}Z)-([a-z0-9_-]+)\.sqlite3$")


def fsync_dir(directory: Path) -> None:
    """Make a rename durable (POSIX); a no-op where directories cannot be opened (Windows)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _source_connection(store: Store) -> tuple[sqlite3.Connection, bool]:
    """A connection that sees only committed data: a fresh read-only one on the file when the store's own
    connection is inside a transaction (its uncommitted pages must never end up in a backup)."""
    conn = store.db.conn
    if conn.in_transaction and Path(store.path).exists():
        ro = sqlite3.connect(f"{Path(store.path).resolve().as_uri()}?mode=ro", uri=True)
        return ro, True
    return conn, False


def _backup_connection(store: Store, tmp_path: Path) -> None:
    src, owned = _source_connection(store)
    dst = sqlite3.connect(str(tmp_path))
    try:
        src.backup(dst)
        # A backup must be a single self-contained file: no WAL beside it.
        dst.execute("PRAGMA journal_mode = DELETE")
        dst.commit()
    finally:
        dst.close()
        if owned:
            src.close()


def backup_to(store: Store, dest_path: Path | str) -> Path:
    """Write a consistent copy of `store` to `dest_path` (temp file, fsync, rename). Returns the path.

    Raises DatabaseError with a Vietnamese message if the destination cannot be written (full, read-only,
    stick pulled out); the destination is then either absent or the previous complete file.
    """
    dest = Path(dest_path)
    dest_dir = dest.parent if str(dest.parent) else Path(".")
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest_dir)
        os.close(fd)
    except OSError as exc:
        raise DatabaseError(
            _("Không ghi được bản sao lưu vào «{path}»: {err}").format(path=dest, err=exc.strerror or exc)
        ) from exc
    tmp = Path(tmp_name)
    try:
        _backup_connection(store, tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, dest)
        fsync_dir(dest_dir)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        message = str(exc)
        if isinstance(exc, OSError):
            message = exc.strerror or message
        if "full" in message.lower() or (isinstance(exc, OSError) and exc.errno == 28):
            raise DatabaseError(
                _("Ổ đĩa đầy: không ghi được bản sao lưu vào «{path}». Hãy giải phóng chỗ trống "
                  "hoặc chọn nơi khác.").format(path=dest)
            ) from exc
        raise DatabaseError(
            _("Không ghi được bản sao lưu vào «{path}»: {err}").format(path=dest, err=message)
        ) from exc
    return dest


def backup_dir(store: Store) -> Path:
    """The `backups/` folder beside the database file."""
    return Path(store.path).resolve().parent / BACKUP_DIRNAME


def _slug(reason: str) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", reason.lower()).strip("-")
    return slug[:40] or "manual"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    reason: str
    size: int


def parse_backup_name(path: Path) -> BackupInfo | None:
    match = _NAME_RE.match(path.name)
    if not match:
        return None
    stamp = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    try:
        size = path.stat().st_size
    except OSError:
        return None
    return BackupInfo(path=path, taken_at=stamp, reason=match.group(2), size=size)


def list_backups(directory: Path) -> list[BackupInfo]:
    """Rolling backups in `directory`, newest first (temporary and foreign files ignored)."""
    if not directory.is_dir():
        return []
    found = [info for p in directory.iterdir() if (info := parse_backup_name(p)) is not None]
    return sorted(found, key=lambda i: (i.taken_at, i.path.name), reverse=True)


def rolling_backup(store: Store, reason: str, *, keep: int = KEEP_BACKUPS,
                   now: datetime | None = None) -> Path:
    """A timestamped backup into `backups/` beside the database; only the newest `keep` are kept.

    `reason` is a short ASCII tag (e.g. "import", "exit", "restore") that ends up in the file name.
    """
    directory = backup_dir(store)
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    name = f"lhtl-{stamp.strftime('%Y%m%dT%H%M%S%f')}Z-{_slug(reason)}{BACKUP_SUFFIX}"
    dest = directory / name
    counter = 1
    while dest.exists():  # two backups within the same microsecond: never overwrite one
        stamp = stamp.replace(microsecond=(stamp.microsecond + counter) % 1_000_000)
        dest = directory / f"lhtl-{stamp.strftime('%Y%m%dT%H%M%S%f')}Z-{_slug(reason)}{BACKUP_SUFFIX}"
        counter += 1
    backup_to(store, dest)
    prune_backups(directory, keep=keep)
    return dest


def prune_backups(directory: Path, *, keep: int = KEEP_BACKUPS) -> list[Path]:
    """Delete all but the newest `keep` rolling backups; returns what was removed."""
    removed = []
    for info in list_backups(directory)[keep:]:
        with contextlib.suppress(OSError):
            info.path.unlink()
            removed.append(info.path)
    # Leftover temp files from an interrupted backup (a crash between mkstemp and rename).
    cutoff = datetime.now(UTC).timestamp() - 3600
    for leftover in directory.glob(".lhtl-*.tmp"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
    return removed
