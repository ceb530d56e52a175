"""Opening the database: location, refusal of newer files, pragmas and migrations (ARCHITECTURE.md §2)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from lhtl_desktop import APP_NAME
from lhtl_desktop.errors import DatabaseCorruptError, DatabaseError, DatabaseTooNewError
from lhtl_desktop.i18n import _
from lhtl_desktop.storage.location import require_safe_location
from lhtl_desktop.storage.migrations import MIGRATIONS, SCHEMA_VERSION
from lhtl_desktop.storage.sqlite_errors import BUSY_TIMEOUT_MS, typed_error
from lhtl_desktop.storage.store import Store

if TYPE_CHECKING:
    import sqlite_utils

DB_FILENAME = "lhtl.sqlite3"


def default_db_path() -> Path:
    """`LHTL_DB` if set, else the per-user data folder (%LOCALAPPDATA%\\lhtl, ~/.local/share/lhtl)."""
    env = os.environ.get("LHTL_DB")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DB_FILENAME


_SQLITE_MAGIC = b"SQLite format 3\x00"


def _header_user_version(path: Path) -> int | None:
    """user_version straight from the file header (offset 60), without SQLite: even a read-only connection
    creates -wal/-shm files beside a WAL database, and a refused file must be left exactly as it was.
    None when the header cannot be trusted alone (a non-empty -wal may hold a newer value)."""
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return None
    with open(path, "rb") as handle:
        header = handle.read(100)
    if len(header) == 0:
        return 0
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        return None  # let SQLite produce its own diagnosis
    return int.from_bytes(header[60:64], "big", signed=True)


def read_schema_version(path: Path) -> int:
    """user_version of an existing file, read-only (opening it read-write could already change it)."""
    try:
        from_header = _header_user_version(path)
    except OSError as exc:
        raise DatabaseError(_("Không đọc được tệp «{path}»: {err}").format(path=path, err=exc.strerror)) from exc
    if from_header is not None:
        return from_header
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseCorruptError(
            _("Tệp «{path}» không phải cơ sở dữ liệu của chương trình hoặc đã hỏng ({err}).").format(
                path=path, err=exc
            ),
            path=str(path),
        ) from exc


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _first_problem(check: str) -> str:
    """The first line of a quick_check report that says something (not "*** in database main ***")."""
    lines = [line for line in check.splitlines() if line.strip() and not line.startswith("***")]
    return lines[0] if lines else check.strip()


def _corrupt(path: Path, detail: str) -> DatabaseCorruptError:
    return DatabaseCorruptError(
        _("Cơ sở dữ liệu «{path}» đã hỏng hoặc không phải cơ sở dữ liệu của chương trình ({detail}). "
          "Hãy khôi phục từ bản sao lưu gần nhất; tệp hỏng được giữ lại, không bị xóa.").format(
            path=path, detail=detail),
        path=str(path),
    )


def open_store(path: Path | str | None = None, *, create: bool = True,
               allow_unsafe_location: bool | None = None, check: bool = True) -> Store:
    """Open (and migrate) the installation's database. A newer file is refused and left untouched.

    Refused too: a file on removable media or a network share (UnsafeLocationError, unless
    `allow_unsafe_location` or LHTL_ALLOW_UNSAFE_LOCATION=1), and a file that fails `PRAGMA quick_check`
    (DatabaseCorruptError: the window then offers the newest good backup).

    `check=False` (the window, which draws itself first) leaves the quick_check of an existing file for
    `quick_check(store)`, which the window's writer runs before any write (`ui.ops`). A file that needs a
    migration is still checked here, before it is migrated.
    """
    db_path = Path(path) if path is not None else default_db_path()
    require_safe_location(db_path, allow=allow_unsafe_location)
    existed = db_path.exists()
    if existed:
        version = read_schema_version(db_path)
        if version > SCHEMA_VERSION:
            raise DatabaseTooNewError(
                _(
                    "Cơ sở dữ liệu «{path}» được tạo bởi phiên bản mới hơn của chương trình "
                    "(lược đồ {found}, phiên bản này hiểu đến {known}). Hãy cập nhật chương trình; "
                    "tệp không bị thay đổi."
                ).format(path=db_path, found=version, known=SCHEMA_VERSION)
            )
    elif not create:
        raise DatabaseError(_("Không tìm thấy cơ sở dữ liệu «{path}».").format(path=db_path))
    else:
        db_path.parent.mkdir(parents=True, exist_ok=True)

    # Autocommit at the driver level: every write goes through Store.atomic() (explicit BEGIN … COMMIT).
    try:
        conn = sqlite3.connect(str(db_path), isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise (typed_error(exc, db_path) or DatabaseError(str(exc))) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils sets it, whether it is built or not
        store = Store(conn, db_path)
        pending = store.schema_version() < SCHEMA_VERSION
        if existed and (check or pending):
            result = store.integrity_check()
            if result != "ok":
                conn.close()
                raise _corrupt(db_path, _first_problem(result))
        # sqlite-utils (imported by `store.db`) only when there is something to migrate: not at a usual start.
        if pending:
            migrate(store.db)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if existed and _is_corruption(exc):
            raise _corrupt(db_path, str(exc)) from exc
        typed = typed_error(exc, db_path)
        if typed is not None:
            raise typed from exc
        raise DatabaseError(
            _("Không mở được cơ sở dữ liệu «{path}»: {err}").format(path=db_path, err=exc)
        ) from exc
    return store


def quick_check(store: Store) -> DatabaseError | None:
    """`PRAGMA quick_check` of an open store: None when the file passed, else the error
    (DatabaseCorruptError: offer the newest good backup). What `open_store(check=False)` left out; the
    window runs it as its writer's first job, so that no write happens before it has passed."""
    error: DatabaseError | None = None
    try:
        result = store.integrity_check()
        if result != "ok":
            error = _corrupt(store.path, _first_problem(result))
    except sqlite3.DatabaseError as exc:
        error = corruption_error(exc, store.path) or DatabaseError(
            _("Không kiểm tra được cơ sở dữ liệu «{path}»: {err}").format(path=store.path, err=exc))
    return error


def corruption_error(exc: BaseException, path: Path | str) -> DatabaseCorruptError | None:
    """The DatabaseCorruptError for an sqlite3 error that says the file is damaged (None for any other):
    a read may meet a damaged page before the deferred check has run."""
    if isinstance(exc, DatabaseCorruptError):
        return exc
    if isinstance(exc, sqlite3.DatabaseError) and _is_corruption(exc):
        return _corrupt(Path(path), str(exc))
    return None


def migrate(db: sqlite_utils.Database) -> int:
    """Apply pending migrations, each in its own transaction. Returns the version reached."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    for index in range(version, len(MIGRATIONS)):
        with db.atomic():
            MIGRATIONS[index](db)
            db.execute(f"PRAGMA user_version = {index + 1}")
    return len(MIGRATIONS)
