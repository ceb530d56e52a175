"""Typed errors that carry a message for the officer, in Vietnamese.

Domain code raises these; the CLI prints `.message` on stderr and exits 2 (or 3 for imports), the window
shows it in a dialog or beside the field. Anything else escaping is a bug and goes to the crash report.
"""

from __future__ import annotations


class LhtlError(Exception):
    """Base: `message` is shown to the user as is."""

    exit_code = 2

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(LhtlError):
    """Input that breaks a rule (value, period, code, name). Nothing was written."""


class NotFoundError(LhtlError):
    """A unit, institution, key or file that does not exist."""


class RefusedError(LhtlError):
    """An action that is not allowed here (second init, out of scope, no authority, ...)."""


class DatabaseError(LhtlError):
    """The database cannot be used as it is (newer than the app, corrupt, wrong place)."""


class DatabaseTooNewError(DatabaseError):
    """The file was written by a newer version of the program; it is left untouched."""


class NotInitialisedError(DatabaseError):
    """No installation has been set up in this database yet."""


class BundleError(LhtlError):
    """A sync bundle that cannot be read, verified or accepted."""


class ConstraintError(LhtlError):
    """A write broke a database constraint (an id already used, a reference to nothing); rolled back whole."""


class DatabaseCorruptError(DatabaseError):
    """The file fails SQLite's integrity check (or is not a database): the window offers a backup to restore."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class DatabaseSchemaError(DatabaseCorruptError):
    """The file's tables, indexes, triggers or views are not exactly those our migrations make (a trigger added
    with another tool would run inside our writes): refused untouched, like a damaged file."""


class DiskFullError(DatabaseError):
    """The disk filled up during a write; the transaction was rolled back and nothing was saved."""


class UnsafeLocationError(DatabaseError):
    """The database is on removable media or a network share; it must be copied to the local disk."""


class DatabaseBusyError(DatabaseError):
    """Another process (the window, a second command) held the database longer than the busy timeout."""


class FileAccessError(LhtlError):
    """A file or folder the officer named cannot be read or written as asked (missing, a folder, a pipe or
    device, no permission, a read-only disk, a dangling link)."""


# -- the environment's faults, as one Vietnamese line each ---------------------------------------------------
# One place for the window and the CLI: sqlite3 and OS errors that are the machine's doing (locked, read-only,
# missing, disk) become typed errors with a message; anything else stays a bug for the crash report.

# SQLite's primary result codes (stable C API values; sqlite3 itself is imported only in storage).
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 3, 5, 6, 8, 10, 11, 13, 14, 26


def os_error_reason(exc: OSError) -> str:
    """Why an OS call failed, in Vietnamese (strerror is the system's language, usually English)."""
    import errno

    from lhtl_desktop.i18n import _

    reasons = {
        errno.ENOENT: _("không tồn tại"),
        errno.EACCES: _("không có quyền truy cập"),
        errno.EPERM: _("không có quyền truy cập"),
        errno.EISDIR: _("là một thư mục, không phải tệp"),
        errno.ENOTDIR: _("đường dẫn có phần không phải thư mục"),
        errno.EROFS: _("ổ đĩa chỉ cho đọc"),
        errno.ENOSPC: _("ổ đĩa đầy"),
        errno.ELOOP: _("liên kết vòng quanh"),
        errno.ENXIO: _("thiết bị không sẵn sàng"),
        errno.EBUSY: _("tệp đang được dùng"),
        errno.EIO: _("lỗi đọc/ghi ổ đĩa"),
        errno.ENAMETOOLONG: _("tên quá dài"),
        errno.EEXIST: _("đã có tệp trùng tên"),
    }
    return reasons.get(exc.errno or -1) or _("lỗi hệ thống ({detail})").format(detail=exc.strerror or exc)


def file_access_error(exc: OSError, path: object, *, writing: bool = False) -> FileAccessError:
    """«Không đọc được tệp «x»: không có quyền truy cập.» (or «ghi»)."""
    from lhtl_desktop.i18n import _

    text = _("Không ghi được tệp «{path}»: {why}.") if writing else _("Không đọc được tệp «{path}»: {why}.")
    return FileAccessError(text.format(path=path, why=os_error_reason(exc)))


def environment_error(exc: BaseException, path: object = None) -> LhtlError | None:
    """`sqlite_environment_error` for sqlite3 errors, `file_access_error` for an OS error naming a file, None
    for anything else: the one question a face (CLI, window) asks of an exception it did not expect."""
    if isinstance(exc, OSError):
        return file_access_error(exc, exc.filename) if exc.filename else None
    return sqlite_environment_error(exc, path)


def sqlite_environment_error(exc: BaseException, path: object = None) -> LhtlError | None:
    """The typed error for an sqlite3 error caused by the environment — busy/locked, read-only, cannot open,
    disk I/O, disk full, damaged file — with one Vietnamese line naming `path`; None for any other (a bug).
    Small and pure, so the CLI's last resort and the window's error handler can both route through it."""
    from lhtl_desktop.i18n import _

    if isinstance(exc, LhtlError):
        return exc
    if not type(exc).__module__.startswith("sqlite3"):  # sqlite3.Error and its subclasses, without importing it
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    where = path if path is not None else _("(cơ sở dữ liệu)")
    busy = _(
        "Cơ sở dữ liệu «{path}» đang được một chương trình khác dùng (cửa sổ chương trình hoặc một lệnh khác "
        "đang ghi); đã chờ mà chưa được. Không có gì bị thay đổi; hãy đóng chương trình kia hoặc thử lại sau.")
    cannot_open = _(
        "Không mở được cơ sở dữ liệu «{path}»: tệp không mở được hoặc thư mục chứa nó không cho ghi. Không có "
        "gì bị thay đổi; hãy kiểm tra đường dẫn và quyền ghi.")
    corrupt = _(
        "Cơ sở dữ liệu «{path}» đã hỏng hoặc không phải cơ sở dữ liệu của chương trình ({detail}). "
        "Hãy khôi phục từ bản sao lưu gần nhất; tệp hỏng được giữ lại, không bị xóa.")
    by_code: dict[int | None, tuple[type[LhtlError], str]] = {
        _BUSY: (DatabaseBusyError, busy),
        _LOCKED: (DatabaseBusyError, busy),
        _READONLY: (DatabaseError, _(
            "Không ghi được vào cơ sở dữ liệu «{path}»: tệp hoặc thư mục chứa nó chỉ cho đọc. Không có gì bị thay "
            "đổi; hãy cho phép ghi (hoặc chép tệp sang ổ đĩa của máy) rồi thử lại.")),
        _CANTOPEN: (DatabaseError, cannot_open),
        _PERM: (DatabaseError, cannot_open),
        _IOERR: (DatabaseError, _(
            "Lỗi đọc/ghi ổ đĩa với cơ sở dữ liệu «{path}»; thao tác không hoàn tất và không có gì được lưu. Hãy "
            "kiểm tra ổ đĩa (hoặc USB) rồi thử lại.")),
        _FULL: (DiskFullError, _(
            "Không lưu được vì ổ đĩa đầy; cơ sở dữ liệu vẫn như trước khi lưu, không mất gì. "
            "Hãy xóa bớt tệp hoặc giải phóng chỗ trống trên ổ đĩa rồi thử lại.")),
        _CORRUPT: (DatabaseCorruptError, corrupt),
        _NOTADB: (DatabaseCorruptError, corrupt),
    }
    if primary not in by_code:
        return None
    kind, text = by_code[primary]
    message = text.format(path=where, detail=exc)
    if kind is DatabaseCorruptError:
        return DatabaseCorruptError(message, path=str(path) if path is not None else None)
    return kind(message)
