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

from lhtl_desktop.errors import DatabaseCorruptError, DatabaseError
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


def backup_root(db_path: Path | str) -> Path:
    """The `backups/` folder beside the database file (shared by every database of that folder)."""
    return Path(db_path).resolve().parent / BACKUP_DIRNAME


def backup_dir_for(db_path: Path | str) -> Path:
    """`backups/<database file name>/`: each database keeps, and prunes, only its own backups, so the
    imports of one database in a folder never push out another's (the old layout shared one folder)."""
    path = Path(db_path).resolve()
    return path.parent / BACKUP_DIRNAME / path.name


def backup_dir(store: Store) -> Path:
    """This store's own backup folder."""
    return backup_dir_for(store.path)


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


# -- reading a backup file and swapping it in (the rules — same unit, confirmation — are in services) ----------
@dataclass(frozen=True)
class DatabaseFileInfo:
    """What a database file says about itself, read without changing it."""

    path: Path
    schema_version: int
    check: str  # PRAGMA quick_check result: "ok" or the first problem
    is_ours: bool  # has our tables (meta, units, value_records)
    meta: dict[str, str]
    records: int
    institutions: int
    last_edit: str | None

    @property
    def ok(self) -> bool:
        return self.check == "ok" and self.is_ours

    @property
    def unit_code(self) -> str | None:
        return self.meta.get("unit_code")

    @property
    def unit_name(self) -> str | None:
        return self.meta.get("unit_name")


_OUR_TABLES = {"meta", "units", "value_records", "institutions"}


def inspect_database_file(path: Path | str) -> DatabaseFileInfo:
    """Open `path` read-only and describe it. Raises DatabaseCorruptError if SQLite cannot read it at all.

    The file must be self-contained (journal_mode DELETE, as our backups are); `stage_copy` turns any copy
    (even one with its -wal beside it) into such a file first.
    """
    p = Path(path)
    try:
        conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseCorruptError(
            _("Không đọc được tệp «{path}»: {err}").format(path=p, err=exc), path=str(p)
        ) from exc
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        check_rows = conn.execute("PRAGMA quick_check").fetchall()
        check = "ok" if [r[0] for r in check_rows] == ["ok"] else str(check_rows[0][0])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        is_ours = tables >= _OUR_TABLES
        meta: dict[str, str] = {}
        records = institutions = 0
        last_edit = None
        if is_ours and check == "ok":
            meta = {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM meta").fetchall()}
            records = int(conn.execute("SELECT count(*) FROM value_records").fetchone()[0])
            institutions = int(conn.execute("SELECT count(*) FROM institutions").fetchone()[0])
            last_edit = conn.execute("SELECT max(created_at) FROM value_records").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise DatabaseCorruptError(
            _("Tệp «{path}» không phải cơ sở dữ liệu của chương trình hoặc đã hỏng ({err}).").format(
                path=p, err=exc),
            path=str(p),
        ) from exc
    finally:
        conn.close()
    return DatabaseFileInfo(p, version, check, is_ours, meta, records, institutions, last_edit)


def _copy_durably(src: Path, dest: Path) -> None:
    with open(src, "rb") as fin, open(dest, "wb") as fout:
        while chunk := fin.read(1 << 20):
            fout.write(chunk)
        fout.flush()
        os.fsync(fout.fileno())


def stage_copy(src: Path | str, directory: Path) -> Path:
    """Copy a chosen database file (and its -wal, if one lies beside it) into `directory` as one
    self-contained temporary file. The original is never opened for writing."""
    source = Path(src)
    directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".lhtl-restore-", suffix=".tmp", dir=directory)
    os.close(fd)
    staged = Path(name)
    wal = Path(str(staged) + "-wal")
    try:
        _copy_durably(source, staged)
        source_wal = Path(str(source) + "-wal")
        if source_wal.is_file() and source_wal.stat().st_size > 0:
            _copy_durably(source_wal, wal)
        conn = sqlite3.connect(str(staged))
        try:
            conn.execute("PRAGMA journal_mode = DELETE")  # folds a copied WAL into the file
        finally:
            conn.close()
    except OSError as exc:
        discard_staged(staged)
        raise DatabaseError(
            _("Không đọc được tệp «{path}»: {err}").format(path=source, err=exc.strerror or exc)
        ) from exc
    except sqlite3.DatabaseError as exc:
        discard_staged(staged)
        raise DatabaseCorruptError(
            _("Tệp «{path}» không phải cơ sở dữ liệu của chương trình hoặc đã hỏng ({err}).").format(
                path=source, err=exc),
            path=str(source),
        ) from exc
    return staged


def discard_staged(staged: Path) -> None:
    for p in (staged, Path(str(staged) + "-wal"), Path(str(staged) + "-shm"), Path(str(staged) + "-journal")):
        with contextlib.suppress(OSError):
            p.unlink()


def database_files(db_path: Path) -> list[Path]:
    """The database and its companions that exist (-wal, -shm, -journal)."""
    return [p for p in (db_path, *(Path(f"{db_path}{s}") for s in ("-wal", "-shm", "-journal"))) if p.exists()]


def _checkpoint(db_path: Path) -> None:
    """Best effort: move the WAL's content into the main file, so the file alone is the whole database."""
    try:
        conn = sqlite3.connect(str(db_path))
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.Error:
        pass  # a damaged file: its companions are kept aside as they are


def swap_in(staged: Path, db_path: Path, *, now: datetime | None = None) -> Path | None:
    """Replace the database at `db_path` with the staged file. The current files (database, -wal, -shm)
    are first copied whole into `backups/<database name>/before-restore-<time>/` (never pruned); that folder is returned
    (None if there was no database). The database path always holds a complete file: the old one until
    the final rename, then the new one. The caller must have closed every connection to `db_path`."""
    db_path = Path(db_path)
    directory = db_path.resolve().parent
    aside: Path | None = None
    try:
        if db_path.exists():
            _checkpoint(db_path)
            stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            aside = backup_dir_for(db_path) / f"before-restore-{stamp}"
            aside.mkdir(parents=True, exist_ok=False)
            for f in database_files(db_path):
                _copy_durably(f, aside / f.name)
            fsync_dir(aside)
            for suffix in ("-wal", "-shm", "-journal"):
                companion = Path(f"{db_path}{suffix}")
                if companion.exists():
                    companion.unlink()
        os.replace(staged, db_path)
        fsync_dir(directory)
    except OSError as exc:
        if exc.errno == 28:
            raise DatabaseError(
                _("Ổ đĩa đầy: chưa khôi phục được, cơ sở dữ liệu hiện tại vẫn giữ nguyên.")
            ) from exc
        raise DatabaseError(
            _("Không thay được cơ sở dữ liệu «{path}» ({err}). Hãy đóng mọi cửa sổ chương trình rồi thử lại; "
              "cơ sở dữ liệu hiện tại vẫn giữ nguyên.").format(path=db_path, err=exc.strerror or exc)
        ) from exc
    return aside


def sqlite_library_version() -> str:
    """The SQLite library the program runs on (for the support report)."""
    return sqlite3.sqlite_version
