"""The key's fingerprint sheet, the page the set-up wizard prints («In dấu vân tay…»), as a PDF for the CLI
(`key show --pdf F.pdf`): unit, officer, date, the 24 digits in large type, and a line to sign.

The parent types these digits when it enrols the key, so the sheet must be readable on paper: A4 portrait,
the margins of Nghị định 30/2020 (top 20, left 30, right 15 mm), the sheet font (Times New Roman or Tinos).
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

from lhtl_desktop import __version__
from lhtl_desktop.errors import ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.services.reports.fonts import sheet_fonts
from lhtl_desktop.storage.output_paths import check_output_path, require_creatable_file

FONT = "SheetSerif"


def check_pdf_output(path: str | os.PathLike[str], db_path: str | os.PathLike[str] | None = None) -> Path:
    """A `.pdf` file we can create (the one output-path check, then the folder), refused before anything is
    done otherwise."""
    out = check_output_path(path, db_path, field="pdf")
    if out.suffix.lower() != ".pdf":
        raise ValidationError(_("Tệp dấu vân tay «{name}» phải có đuôi .pdf.").format(name=out.name), field="pdf")
    return require_creatable_file(out, field="pdf")


def fingerprint_sheet_pdf(unit_name: str, unit_code: str, officer: str, fingerprint: str,
                          today: _dt.date | None = None) -> bytes:
    from fpdf import FPDF  # the PDF writer is imported only when a sheet is made

    fonts = sheet_fonts()
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_margins(30, 20, 15)
    pdf.set_auto_page_break(False)
    pdf.add_font(FONT, "", str(fonts.face("").path))
    pdf.add_font(FONT, "B", str(fonts.face("B").path))
    pdf.set_title(_("Dấu vân tay khóa ký gói dữ liệu"))
    pdf.set_creator(f"lhtl {__version__}")
    pdf.set_lang("vi")
    pdf.add_page()
    width = pdf.w - 45

    def line(text: str, size: float, style: str = "", gap: float = 4) -> None:
        pdf.set_font(FONT, style, size)
        pdf.multi_cell(width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    date = (today or _dt.date.today()).strftime("%d/%m/%Y")
    line(_("DẤU VÂN TAY KHÓA KÝ GÓI DỮ LIỆU"), 16, "B", 8)
    line(_("Đơn vị: {unit} (mã {code})").format(unit=unit_name, code=unit_code), 13)
    line(_("Cán bộ phụ trách: {officer}").format(officer=officer), 13)
    line(_("Ngày in: {date}").format(date=date), 13, gap=10)
    line(fingerprint, 22, "B", 10)
    line(_("Cấp trên đọc dãy số này để xác nhận khóa trước khi nhận số liệu của đơn vị."), 13, gap=16)
    line(_("Người lập (ký, ghi rõ họ tên)"), 13)
    return bytes(pdf.output())


def write_fingerprint_sheet(out: str | os.PathLike[str], unit_name: str, unit_code: str, officer: str,
                            fingerprint: str, db_path: str | os.PathLike[str] | None = None) -> Path:
    from lhtl_desktop.services.reports import write_atomically

    path = check_pdf_output(out, db_path)
    write_atomically(path, fingerprint_sheet_pdf(unit_name, unit_code, officer, fingerprint))
    return path
