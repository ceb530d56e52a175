"""Where the program may write a file the officer chose: one check used by every command and window action
that writes one (bundle export, key export, `key new --out`, report, backup to USB).

Refused, before any work is done:
- the open database itself, its `-wal`, `-shm` or `-journal` (an export given the database's own path used to
  replace the database with a bundle), also through a symbolic or hard link;
- anything inside the `backups/` folder beside the database (rolling backups are pruned there, and a restore
  looks there for the newest good copy);
- names Windows cannot hold or would silently change: the reserved device names CON, PRN, AUX, NUL, COM1–9,
  LPT1–9 (with any extension: `NUL.lhtl` is the null device), a trailing dot or space (dropped by Windows, so
  `lhtl.sqlite3.` *is* the database), `:` (an NTFS alternate stream) and `< > " | ? *` or control characters.
  The same files travel by USB stick to Windows machines, so these are refused on every system.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from lhtl_desktop.errors import RefusedError
from lhtl_desktop.i18n import _
from lhtl_desktop.storage.backup import BACKUP_DIRNAME

DATABASE_COMPANIONS = ("", "-wal", "-shm", "-journal")
_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[1-9¹²³]|LPT[1-9¹²³])", re.IGNORECASE)
_FORBIDDEN_CHARS = set('<>:"|?*\\') | {chr(c) for c in range(32)}


def name_problem(name: str) -> str | None:
    """Why a file name cannot be used on Windows (a Vietnamese reason), or None when it can."""
    if name in ("", ".", ".."):
        return _("tên tệp trống")
    if name != name.rstrip(". "):
        return _("tên tệp không được kết thúc bằng dấu chấm hay dấu cách")
    bad = sorted({c for c in name if c in _FORBIDDEN_CHARS})
    if bad:
        shown = " ".join(c if c.isprintable() else f"U+{ord(c):04X}" for c in bad)
        return _("tên tệp không được chứa ký tự {chars}").format(chars=shown)
    stem = name.split(".", 1)[0].rstrip(" ")
    if _RESERVED.fullmatch(stem):
        return _("«{stem}» là tên thiết bị dành riêng của Windows").format(stem=stem.upper())
    return None


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.normcase(str(a.resolve())) == os.path.normcase(str(b.resolve()))


def _inside(path: Path, folder: Path) -> bool:
    target = os.path.normcase(str(path.resolve()))
    root = os.path.normcase(str(folder.resolve()))
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def check_output_path(path: str | os.PathLike[str], db_path: str | os.PathLike[str] | None,
                      field: str = "out") -> Path:
    """`path` if the program may write a file there, else RefusedError (`field`) with the reason.

    `db_path`: the open database (None before one is open: only the name is checked)."""
    out = Path(path)
    problem = name_problem(out.name)
    if problem is not None:
        raise RefusedError(_("Không ghi được tệp «{name}»: {why}. Hãy đặt tên khác.").format(
            name=out.name, why=problem), field=field)
    if db_path is None:
        return out
    db = Path(db_path)
    for suffix in DATABASE_COMPANIONS:
        if _same(out, Path(f"{db}{suffix}")):
            raise RefusedError(_("«{path}» là tệp cơ sở dữ liệu đang dùng: ghi vào đó sẽ làm mất số liệu. Hãy "
                                 "chọn tệp hoặc thư mục khác.").format(path=out), field=field)
    backups = db.resolve().parent / BACKUP_DIRNAME
    if _inside(out.parent if str(out.parent) else Path("."), backups) or _inside(out, backups):
        raise RefusedError(_("Không ghi tệp vào thư mục sao lưu tự động «{dir}»: chương trình tự dọn thư mục này. "
                             "Hãy chọn thư mục khác.").format(dir=backups), field=field)
    return out


def require_creatable_file(out: Path, field: str = "out") -> Path:
    """`out` if a file can be created there: not a folder, and its folder exists and takes writes."""
    if out.is_dir():
        raise RefusedError(_("«{path}» là một thư mục, không phải tệp.").format(path=out), field=field)
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise RefusedError(_("Thư mục «{path}» không tồn tại.").format(path=parent), field=field)
    if not os.access(parent, os.W_OK):
        raise RefusedError(_("Không có quyền ghi vào thư mục «{path}».").format(path=parent), field=field)
    return out
