"""Reports: the printed summary sheet (PDF and printer) and the Excel workbook, Qt-free.

- `build_report(store, year, scope)` → `Report` (sheet.py): the data a sheet shows.
- `layout_report(report)` → `Document` (layout.py): A4 pages of drawing operations, shared by the PDF
  writer and the window's printer.
- `render_pdf(document)` / `render_xlsx(report)` → bytes; `write_report(...)` writes a file atomically.
- `verification_code(store, year, scope)` (verification.py): the code in the footer.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from lhtl_desktop.errors import RefusedError, ValidationError, os_error_reason
from lhtl_desktop.i18n import _
from lhtl_desktop.services.reports.layout import Document, layout_report
from lhtl_desktop.services.reports.pdf import render_pdf
from lhtl_desktop.services.reports.sheet import Report, build_report, require_report_scope
from lhtl_desktop.services.reports.verification import (
    sheet_code_payload,
    verification_code,
    verification_code_of,
    verification_payload,
)
from lhtl_desktop.services.reports.xlsx import render_xlsx
from lhtl_desktop.storage import Store
from lhtl_desktop.storage.files import write_atomic
from lhtl_desktop.storage.output_paths import check_output_path, require_creatable_file

FORMATS = {".pdf": "pdf", ".xlsx": "xlsx"}

__all__ = [
    "Document", "Report", "build_report", "check_output", "layout_report", "render_pdf", "render_xlsx",
    "report_bytes", "require_report_scope", "sheet_code_payload", "verification_code", "verification_code_of",
    "verification_payload", "with_codes", "write_atomically", "write_report",
]

# Makes the QR codes of a sheet about to be printed: (caption, bytes) each. Signing needs the sync layer, so
# the caller (CLI or window) hands it in; services only draw what it returns.
CodeMaker = Callable[[Report, str], Sequence[tuple[str, bytes]]]


def check_output(path: str | os.PathLike[str], db_path: str | os.PathLike[str] | None = None) -> tuple[Path, str]:
    """(path, "pdf"|"xlsx") for a file we can create; anything else refused before any work is done.
    With `db_path`, the database, its companions and its backup folder are refused too."""
    out = check_output_path(path, db_path)
    kind = FORMATS.get(out.suffix.lower())
    if kind is None:
        raise ValidationError(
            _("Tệp kết quả «{name}» phải có đuôi .pdf (biểu in) hoặc .xlsx (Excel).").format(name=out.name),
            field="out")
    return require_creatable_file(out), kind


def write_atomically(path: Path, data: bytes) -> None:
    """The whole file or nothing, durably (`storage.files.write_atomic`: fsync of the file and its folder)."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise RefusedError(_("Không ghi được tệp «{path}»: {why}.").format(path=path, why=os_error_reason(exc)),
                           field="out") from exc


def report_bytes(report: Report, kind: str) -> bytes:
    return render_pdf(layout_report(report)) if kind == "pdf" else render_xlsx(report)


def with_codes(report: Report, codes: Sequence[tuple[str, bytes]]) -> Report:
    from lhtl_desktop.services.reports.qr import make_code

    return dataclasses.replace(report, codes=tuple(make_code(label, data) for label, data in codes))


def write_report(store: Store, year: int | str, scope: str | None, out: str | os.PathLike[str],
                 date: _dt.date | None = None, number: str | None = None,
                 codes: CodeMaker | None = None) -> Report:
    """Check the output, build the sheet for (year, scope), write it as PDF or xlsx by the file's extension.
    `date` and `number` are this document's (else today, and the installation's number setting); `codes`
    makes the sheet's QR codes (PDF only) from the report and the file's name."""
    path, kind = check_output(out, store.path)
    report = build_report(store, year, scope, date, number)
    if codes is not None and kind == "pdf":
        report = with_codes(report, codes(report, path.name))
    write_atomically(path, report_bytes(report, kind))
    return report
