"""SQLite's own failures as typed errors with a Vietnamese text, in one place (the CLI and the window use it).

`typed_error(exc, path)` maps an `sqlite3` error to the `LhtlError` an officer can act on — busy (another
program holds the file: it was retried for `BUSY_TIMEOUT_MS` first), I/O, read-only, cannot open, disk
full, damaged — and returns None for anything else (a bug: the crash report). Nothing was written in any of
these cases: each write is one transaction and SQLite rolls it back.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lhtl_desktop.errors import (
    DatabaseBusyError,
    DatabaseCantOpenError,
    DatabaseCorruptError,
    DatabaseIOError,
    DatabaseReadOnlyError,
    DiskFullError,
    LhtlError,
)
from lhtl_desktop.i18n import _

BUSY_TIMEOUT_MS = 5000
"""How long a statement waits for another program's transaction before SQLITE_BUSY (SQLite retries)."""


def busy_message() -> str:
    return _("Cơ sở dữ liệu đang được chương trình khác dùng (một cửa sổ chương trình khác, hoặc một lệnh đang "
             "chạy). Chương trình đã chờ {seconds} giây nhưng chưa ghi được; không có gì bị thay đổi. Hãy đóng "
             "chương trình kia hoặc chờ nó xong rồi thử lại.").format(seconds=BUSY_TIMEOUT_MS // 1000)


def disk_full_message() -> str:
    return _("Không lưu được vì ổ đĩa đầy; cơ sở dữ liệu vẫn như trước khi lưu, không mất gì. "
             "Hãy xóa bớt tệp hoặc giải phóng chỗ trống trên ổ đĩa rồi thử lại.")


def sqlite_code(exc: BaseException) -> int | None:
    """The primary result code of an sqlite3 error (SQLITE_BUSY, …), None when it has none."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(exc, sqlite3.Error) and isinstance(code, int) else None


def typed_error(exc: BaseException, path: Path | str | None = None) -> LhtlError | None:
    """The typed error for an sqlite3 error the officer can act on; None for any other exception."""
    if isinstance(exc, LhtlError):
        return exc
    code = sqlite_code(exc)
    if code is None:
        return None
    where = str(path) if path is not None else ""
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return DatabaseBusyError(busy_message())
    if code == sqlite3.SQLITE_FULL:
        return DiskFullError(disk_full_message())
    if code == sqlite3.SQLITE_IOERR:
        return DatabaseIOError(_(
            "Máy tính không đọc hoặc ghi được tệp dữ liệu «{path}» (lỗi ổ đĩa, hoặc ổ đĩa vừa bị rút ra). Việc "
            "vừa làm chưa được lưu. Hãy kiểm tra ổ đĩa rồi mở lại chương trình; nếu lỗi còn, hãy khôi phục từ "
            "bản sao lưu gần nhất.").format(path=where))
    if code == sqlite3.SQLITE_READONLY:
        return DatabaseReadOnlyError(_(
            "Tệp dữ liệu «{path}» chỉ đọc được, không ghi được (quyền của tệp hoặc thư mục, hoặc ổ đĩa chỉ "
            "đọc). Không có gì bị thay đổi. Hãy cho phép ghi vào tệp và thư mục chứa nó rồi thử lại.").format(
                path=where))
    if code == sqlite3.SQLITE_CANTOPEN:
        return DatabaseCantOpenError(_(
            "Không mở được tệp dữ liệu «{path}»: thư mục không còn, tên tệp không hợp lệ hoặc không có quyền. "
            "Hãy kiểm tra đường dẫn rồi thử lại.").format(path=where))
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return DatabaseCorruptError(_(
            "Cơ sở dữ liệu «{path}» đã hỏng ({detail}). Hãy khôi phục từ bản sao lưu gần nhất; tệp hỏng được "
            "giữ lại, không bị xóa.").format(path=where, detail=exc), path=where or None)
    return None
