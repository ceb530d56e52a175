"""Opening the database: location, refusal of newer files, pragmas and migrations (ARCHITECTURE.md §2)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from lhtl_desktop import APP_NAME
from lhtl_desktop.errors import (
    DatabaseCorruptError,
    DatabaseError,
    DatabaseSchemaError,
    DatabaseTooNewError,
    file_access_error,
    os_error_reason,
    sqlite_environment_error,
)
from lhtl_desktop.i18n import _
from lhtl_desktop.storage.location import require_safe_location
from lhtl_desktop.storage.migrations import MIGRATIONS, SCHEMA_VERSION
from lhtl_desktop.storage.store import Store

if TYPE_CHECKING:
    import sqlite_utils

DB_FILENAME = "lhtl.sqlite3"
BUSY_TIMEOUT_MS = 5000
"""How long a statement waits for another process's lock (the window saving, a second command) before the
officer is told the database is busy."""


def require_database_file(path: Path) -> None:
    """Refuse, before anything opens it, a path that cannot be a database file: a link to nothing (SQLite would
    create the file at the link's target), a folder, a pipe or a device (reading a FIFO's header would hang)."""
    if path.is_symlink() and not path.exists():
        raise DatabaseError(_("«{path}» là liên kết tới tệp không còn tồn tại: không mở, không tạo gì. Hãy chọn "
                              "đúng tệp cơ sở dữ liệu.").format(path=path))
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise file_access_error(exc, path) from exc
    if not stat.S_ISREG(mode):
        what = _("một thư mục") if stat.S_ISDIR(mode) else _("một ống dẫn hay thiết bị")
        raise DatabaseError(_("«{path}» là {what}, không phải tệp cơ sở dữ liệu: không mở, không tạo gì.").format(
            path=path, what=what))


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
        raise DatabaseError(_("Không đọc được tệp «{path}»: {err}").format(path=path, err=os_error_reason(exc))) from exc
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


def schema_error(conn: sqlite3.Connection, path: Path, version: int) -> DatabaseSchemaError | None:
    """The refusal for a file whose objects are not exactly those `MIGRATIONS[:version]` make (None if they are)."""
    from lhtl_desktop.storage.schema_check import compare_schema

    difference = compare_schema(conn, version)
    if not difference:
        return None
    return DatabaseSchemaError(
        _("Cơ sở dữ liệu «{path}» có cấu trúc khác với cấu trúc chương trình tạo ra ({detail}): tệp có thể đã bị "
          "sửa bằng công cụ khác. Chương trình không mở và không thay đổi tệp này; hãy khôi phục từ bản sao lưu "
          "gần nhất.").format(path=path, detail=difference.describe()),
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
    require_database_file(db_path)
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
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise file_access_error(exc, db_path.parent, writing=True) from exc

    # Autocommit at the driver level: every write goes through Store.atomic() (explicit BEGIN … COMMIT).
    try:
        conn = sqlite3.connect(str(db_path), isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise sqlite_environment_error(exc, db_path) or DatabaseError(
            _("Không mở được cơ sở dữ liệu «{path}»: {err}").format(path=db_path, err=exc)) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if existed:
            # Before any pragma that writes (journal_mode rewrites the header of a rollback-mode file), any
            # migration or write: a foreign trigger would run inside them, and a refused file stays as it was.
            found = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if check or found < SCHEMA_VERSION:
                foreign = schema_error(conn, db_path, found)
                if foreign is not None:
                    conn.close()
                    raise foreign
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
        mapped = sqlite_environment_error(exc, db_path)  # busy past the timeout, read-only, cannot open, I/O
        if mapped is not None:
            raise mapped from exc
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
        else:  # same schema as the migrations make, or refused (tables, indexes, triggers, views)
            error = schema_error(store._conn, Path(store.path), store.schema_version())
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
