"""What whoever supports the program needs, in one file an officer can send: `lhtl support --out F.zip`
and the window's «Sao chép thông tin hỗ trợ».

The zip holds the log files, the versions, and a report on the database (schema version, quick_check,
unit, counts). It never holds the database itself, nor the private key, nor the passphrase: the report is
built from `inspect_database_file`, which reads the meta table and counts only.
"""

from __future__ import annotations

import platform
import sys
import zipfile
from datetime import UTC, datetime
from importlib import metadata, resources
from pathlib import Path

from lhtl_desktop import __version__, logs
from lhtl_desktop.errors import LhtlError, RefusedError
from lhtl_desktop.i18n import _
from lhtl_desktop.storage.backup import inspect_database_file, sqlite_library_version
from lhtl_desktop.storage.migrations import SCHEMA_VERSION

# meta keys that may leave the machine (who and where; never anything about the key's secret part)
_SAFE_META = ("unit_code", "unit_name", "officer", "level", "province_code", "report_to", "created_at")


GUIDE_NAME = "huong-dan-su-dung.pdf"


def guide_path() -> Path | None:
    """«Hướng dẫn sử dụng», shipped as package data (built by `make guide`), or None if this install lacks it."""
    path = Path(str(resources.files("lhtl_desktop") / "resources" / "guide" / GUIDE_NAME))
    return path if path.is_file() else None


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def version_report() -> list[str]:
    frozen = "frozen" if getattr(sys, "frozen", False) else "source"
    return [
        f"lhtl {__version__} ({frozen})",
        f"Python {platform.python_version()} — {platform.platform()}",
        f"SQLite {sqlite_library_version()}; schema {SCHEMA_VERSION}",
        "PySide6-Essentials " + _package_version("PySide6-Essentials"),
        "sqlite-utils " + _package_version("sqlite-utils") + "; openpyxl " + _package_version("openpyxl")
        + "; cryptography " + _package_version("cryptography"),
    ]


def database_report(db_path: Path | str) -> list[str]:
    path = Path(db_path)
    lines = [f"database: {path}"]
    if not path.exists():
        return [*lines, "  (missing)"]
    try:
        size = path.stat().st_size
        info = inspect_database_file(path)
    except (LhtlError, OSError) as exc:
        return [*lines, f"  unreadable: {getattr(exc, 'message', exc)}"]
    lines += [
        f"  size {size} bytes; schema version {info.schema_version}; quick_check {info.check}; ours {info.is_ours}",
        f"  institutions {info.institutions}; value records {info.records}; last edit {info.last_edit or '-'}",
    ]
    lines += [f"  {key}: {info.meta[key]}" for key in _SAFE_META if key in info.meta]
    return lines


def support_text(db_path: Path | str, log_lines: int = 40) -> str:
    """Versions, the database report and the last log lines: what the window copies to the clipboard."""
    newest = logs.log_files(logs.default_log_folder())[:1]
    tail = logs.tail(newest[0], log_lines) if newest else []
    return "\n".join([*version_report(), "", *database_report(db_path), "", f"log ({logs.LOG_NAME}):", *tail])


def write_support_zip(db_path: Path | str, out: Path | str) -> Path:
    """The support zip at `out` (a folder gets a dated name). Refuses to write onto the database."""
    target = Path(out)
    if target.is_dir():
        target = target / f"lhtl-hotro-{datetime.now().strftime('%Y%m%d-%H%M')}.zip"
    db = Path(db_path).resolve()
    if target.resolve() in {db, Path(f"{db}-wal"), Path(f"{db}-shm")}:
        raise RefusedError(_("Không ghi tệp hỗ trợ đè lên cơ sở dữ liệu."))
    if target.suffix.lower() != ".zip":
        raise RefusedError(_("Tệp hỗ trợ phải có đuôi .zip."))
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("versions.txt", "\n".join(version_report()) + "\n")
            zf.writestr("database.txt", "\n".join(database_report(db)) + "\n")
            zf.writestr("created.txt", datetime.now(UTC).isoformat(timespec="seconds") + "\n")
            for log_file in logs.log_files(logs.default_log_folder()):
                zf.write(log_file, f"logs/{log_file.name}")
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise RefusedError(_("Không ghi được tệp hỗ trợ «{path}»: {err}").format(
            path=target, err=exc.strerror or exc)) from exc
    logs.event("support", file=target.name)
    return target
