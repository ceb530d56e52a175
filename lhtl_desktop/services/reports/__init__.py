"""Reports: the printed summary sheet (PDF and printer) and the Excel workbook, Qt-free.

- `build_report(store, year, scope)` → `Report` (sheet.py): the data a sheet shows.
- `layout_report(report)` → `Document` (layout.py): A4 pages of drawing operations, shared by the PDF
  writer and the window's printer.
- `render_pdf(document)` / `render_xlsx(report)` → bytes; `write_report(...)` writes a file atomically.
- `verification_code(store, year, scope)` (verification.py): the code in the footer.
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

from lhtl_desktop.errors import RefusedError, ValidationError, os_error_reason
from lhtl_desktop.i18n import _
from lhtl_desktop.services.reports.layout import Document, layout_report
from lhtl_desktop.services.reports.pdf import render_pdf
from lhtl_desktop.services.reports.sheet import Report, build_report, require_report_scope
from lhtl_desktop.services.reports.verification import verification_code, verification_code_of
from lhtl_desktop.services.reports.xlsx import render_xlsx
from lhtl_desktop.storage import Store
from lhtl_desktop.storage.files import write_atomic

FORMATS = {".pdf": "pdf", ".xlsx": "xlsx"}

__all__ = [
    "Document", "Report", "build_report", "check_output", "layout_report", "render_pdf", "render_xlsx",
    "report_bytes", "require_report_scope", "verification_code", "verification_code_of", "write_atomically",
    "write_report",
]


def check_output(path: str | os.PathLike[str]) -> tuple[Path, str]:
    """(path, "pdf"|"xlsx") for a file we can create; anything else refused before any work is done."""
    out = Path(path)
    kind = FORMATS.get(out.suffix.lower())
    if kind is None:
        raise ValidationError(
            _("Tệp kết quả «{name}» phải có đuôi .pdf (biểu in) hoặc .xlsx (Excel).").format(name=out.name),
            field="out")
    if out.is_dir():
        raise RefusedError(_("«{path}» là một thư mục, không phải tệp.").format(path=out), field="out")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise RefusedError(_("Thư mục «{path}» không tồn tại.").format(path=parent), field="out")
    if not os.access(parent, os.W_OK):
        raise RefusedError(_("Không có quyền ghi vào thư mục «{path}».").format(path=parent), field="out")
    return out, kind


def write_atomically(path: Path, data: bytes) -> None:
    """The whole file or nothing, durably (`storage.files.write_atomic`: fsync of the file and its folder)."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise RefusedError(_("Không ghi được tệp «{path}»: {why}.").format(path=path, why=os_error_reason(exc)),
                           field="out") from exc


def report_bytes(report: Report, kind: str) -> bytes:
    return render_pdf(layout_report(report)) if kind == "pdf" else render_xlsx(report)


def write_report(store: Store, year: int | str, scope: str | None, out: str | os.PathLike[str],
                 date: _dt.date | None = None) -> Report:
    """Check the output, build the sheet for (year, scope), write it as PDF or xlsx by the file's extension."""
    path, kind = check_output(out)
    report = build_report(store, year, scope, date)
    write_atomically(path, report_bytes(report, kind))
    return report
