"""Writes a `FormSpec` as an Excel return form (openpyxl) that opens and fills in Excel and LibreOffice.

Sheets: «Hướng dẫn» (the cover: who, which period, how to fill), one sheet per family of institutions
(«Thư viện», «Bảo tàng», «Văn hóa, nhà văn hóa»), and a hidden «_lhtl» sheet with the machine keys.
A family sheet:
- rows 1–2 title and unit; row 3 (hidden) the indicator code above each value column; rows 4–5 the headers
  (each indicator's Vietnamese label and unit over two columns: this period, and last year's for reference);
- one row per institution (column A, hidden, holds its id), then empty rows for new institutions, whose type
  is chosen from a list;
- value cells are the only unlocked cells of an existing row: whole numbers 0–10^9, or 0/1 for flags (Excel data
  validation); the sheet is protected without a password, so nothing moves by accident but no password is
  needed to fill it; A4 landscape, fit to width, rows 4–5 printed on every page.
Every text cell is written as a string, never as a formula, whatever the text begins with.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from lhtl_desktop.i18n import _
from lhtl_desktop.model.catalogue import MAX_VALUE, IndicatorKind
from lhtl_desktop.services.forms.spec import FORM_FORMAT, FORM_VERSION, FormSpec, Section

COVER = _("Hướng dẫn")
META = "_lhtl"
FONT = "Times New Roman"
CODES_ROW, HEAD_ROW, SUB_ROW, FIRST_ROW = 3, 4, 5, 6
ID_COL, NO_COL, TYPE_COL, NAME_COL, VILLAGE_COL, FIRST_VALUE_COL = 1, 2, 3, 4, 5, 6
CODES_MARK = "lhtl:codes"

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
BODY = Font(name=FONT, size=11)
BOLD = Font(name=FONT, size=11, bold=True)
TITLE = Font(name=FONT, size=14, bold=True)
GREY = Font(name=FONT, size=10, italic=True, color="555555")
INPUT_FILL = PatternFill("solid", fgColor="FFF9DB")  # the cells to fill: pale yellow
PREV_FILL = PatternFill("solid", fgColor="EEEEEE")
HEAD = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)


def value_column(n: int) -> int:
    """Column of the n-th indicator's value (this period); last year's is the next one."""
    return FIRST_VALUE_COL + 2 * n


def text_cell(ws: Worksheet, row: int, col: int, text: str, font: Font = BODY) -> Cell:
    """A string cell, whatever the text begins with ('=' included): never a formula."""
    cell = ws.cell(row=row, column=col)
    cell.value = text
    cell.data_type = "s"
    cell.font = font
    return cell


def render_form_xlsx(spec: FormSpec) -> bytes:
    wb = Workbook()
    _cover(wb, spec)
    meta = wb.create_sheet(META)
    _meta(meta, spec)
    for section in spec.sections:
        _section(wb, meta, spec, section)
    meta.sheet_state = "hidden"
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)  # no password: sheets cannot be moved or deleted
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cover(wb: Workbook, spec: FormSpec) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = COVER
    ws.column_dimensions["A"].width = 110
    lines: list[tuple[str, Font]] = [(line, BOLD) for line in spec.issuer_lines]
    lines += [
        ("", BODY),
        (_("BIỂU THU THẬP SỐ LIỆU PHỤC VỤ HỌC TẬP SUỐT ĐỜI"), TITLE),
        (_("Đơn vị: {name} (mã {code})").format(name=spec.unit.name, code=spec.unit.code), BOLD),
        (_("Kỳ báo cáo: {period}").format(period=spec.period.label()), BOLD),
        ("", BODY),
        (_("Cách điền:"), BOLD),
        (_("1. Mỗi trang tính là một nhóm thiết chế (thư viện; bảo tàng; trung tâm văn hóa, nhà văn hóa). "
           "Mỗi dòng là một thiết chế."), BODY),
        (_("2. Chỉ điền vào các ô màu vàng, cột «{period}». Cột bên cạnh (màu xám) là số liệu năm trước để đối "
           "chiếu, không sửa.").format(period=spec.period.label()), BODY),
        (_("3. Nhập số nguyên, không dấu chấm, dấu phẩy (ví dụ 1234, không viết 1.234); không nhập số âm. Ô có "
           "ghi (0/1): nhập 1 nếu có, 0 nếu không. Ô để trống là chưa có số liệu."), BODY),
        (_("4. Thiết chế chưa có trong danh sách (ví dụ nhà văn hóa thôn mới): điền vào các dòng trống cuối "
           "trang, chọn loại thiết chế trong danh sách, ghi tên và tên thôn, tổ dân phố."), BODY),
        (_("5. Không thêm, xóa hay di chuyển dòng, cột, trang tính; không đặt mật khẩu. Biểu bị sửa cấu trúc sẽ "
           "không nhập được."), BODY),
        (_("6. Lưu tệp dạng .xlsx (không dùng .xlsm) và gửi lại cho cán bộ văn hóa của đơn vị."), BODY),
        ("", BODY),
        (_("Số liệu từ biểu Excel được ghi nguồn «biểu Excel, chưa ký» khi nhập vào chương trình."), GREY),
        (_("Ngày lập biểu: {d:02d}/{m:02d}/{y}. Người lập: {officer}.").format(
            d=spec.date.day, m=spec.date.month, y=spec.date.year, officer=spec.officer), GREY),
    ]
    for n, (text, font) in enumerate(lines, 1):
        cell = text_cell(ws, n, 1, text, font)
        cell.alignment = WRAP
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.protection.sheet = True


def _meta(ws: Worksheet, spec: FormSpec) -> None:
    pairs: list[tuple[str, str]] = [
        ("format", FORM_FORMAT), ("version", str(FORM_VERSION)), ("unit", spec.unit.code),
        ("unit_name", spec.unit.name), ("period", spec.period.key), ("digest", spec.digest),
        ("created", spec.date.isoformat()),
    ]
    for n, (key, value) in enumerate(pairs, 1):
        text_cell(ws, n, 1, key)
        text_cell(ws, n, 2, value)
    # Type lists for the new rows' drop-down (a range: labels may hold commas, which an inline list cannot).
    for k, section in enumerate(spec.sections):
        col = 4 + k
        text_cell(ws, 1, col, section.family)
        for n, (_code, label) in enumerate(section.types, 2):
            text_cell(ws, n, col, label)
    ws.protection.sheet = True


def _section(wb: Workbook, meta: Worksheet, spec: FormSpec, s: Section) -> None:
    ws = wb.create_sheet(s.sheet)
    ncols = FIRST_VALUE_COL - 1 + 2 * len(s.indicators)
    text_cell(ws, 1, NO_COL, _("BIỂU SỐ LIỆU {title} — {period}").format(
        title=s.title, period=spec.period.label().upper()), TITLE)
    text_cell(ws, 2, NO_COL, _("Đơn vị: {name} (mã {code}). Điền các ô màu vàng; cột xám là năm trước.").format(
        name=spec.unit.name, code=spec.unit.code), BOLD)

    # Machine keys: row 3 (hidden) and column A (hidden).
    text_cell(ws, CODES_ROW, ID_COL, CODES_MARK)
    for n, ind in enumerate(s.indicators):
        text_cell(ws, CODES_ROW, value_column(n), ind.code)
    ws.row_dimensions[CODES_ROW].hidden = True
    ws.column_dimensions["A"].hidden = True

    heads = {NO_COL: (_("STT"), 4), TYPE_COL: (_("Loại thiết chế"), 18), NAME_COL: (_("Tên thiết chế"), 26),
             VILLAGE_COL: (_("Thôn, tổ dân phố"), 12)}
    text_cell(ws, HEAD_ROW, ID_COL, _("Mã thiết chế"))
    for col, (title, width) in heads.items():
        cell = text_cell(ws, HEAD_ROW, col, title, BOLD)
        cell.alignment, cell.border = HEAD, BORDER
        ws.merge_cells(start_row=HEAD_ROW, start_column=col, end_row=SUB_ROW, end_column=col)
        ws.cell(row=SUB_ROW, column=col).border = BORDER
        ws.column_dimensions[get_column_letter(col)].width = width
    this_year, last_year = spec.period.label(), spec.period.previous().label()
    for n, ind in enumerate(s.indicators):
        col = value_column(n)
        cell = text_cell(ws, HEAD_ROW, col, f"{ind.label} ({ind.unit})", BOLD)
        cell.alignment, cell.border = HEAD, BORDER
        ws.cell(row=HEAD_ROW, column=col + 1).border = BORDER
        ws.merge_cells(start_row=HEAD_ROW, start_column=col, end_row=HEAD_ROW, end_column=col + 1)
        for c, text in ((col, this_year), (col + 1, last_year)):
            sub = text_cell(ws, SUB_ROW, c, text, BOLD if c == col else GREY)
            sub.alignment, sub.border = HEAD, BORDER
        # Narrow columns (a lib sheet has 8 indicators × 2): fit to one page wide stays legible on A4 landscape.
        ws.column_dimensions[get_column_letter(col)].width = 10
        ws.column_dimensions[get_column_letter(col + 1)].width = 8
        cell.comment = Comment(ind.help, "lhtl")
    ws.row_dimensions[HEAD_ROW].height = 90

    count_dv = DataValidation(type="whole", operator="between", formula1="0", formula2=str(MAX_VALUE),
                              allow_blank=True, showErrorMessage=True, errorTitle=_("Số liệu không hợp lệ"),
                              error=_("Chỉ nhập số nguyên từ 0 đến 1.000.000.000, không dấu chấm, dấu phẩy."))
    flag_dv = DataValidation(type="list", formula1='"0,1"', allow_blank=True, showErrorMessage=True,
                             errorTitle=_("Số liệu không hợp lệ"), error=_("Chỉ nhập 1 (có) hoặc 0 (không)."))
    k = [sec.family for sec in spec.sections].index(s.family)
    type_col = get_column_letter(4 + k)
    type_range = f"{quote_sheetname(META)}!${type_col}$2:${type_col}${1 + max(len(s.types), 1)}"
    type_dv = DataValidation(type="list", formula1=f"={type_range}", allow_blank=True, showErrorMessage=True,
                             errorTitle=_("Loại thiết chế"), error=_("Chọn loại thiết chế trong danh sách."))
    for dv in (count_dv, flag_dv, type_dv):
        ws.add_data_validation(dv)

    row = FIRST_ROW
    for number, r in enumerate(s.rows, 1):
        text_cell(ws, row, ID_COL, r.institution_id)
        _fixed(ws, row, NO_COL, str(number))
        _fixed(ws, row, TYPE_COL, r.type_label)
        _fixed(ws, row, NAME_COL, r.name)
        _fixed(ws, row, VILLAGE_COL, r.village)
        _value_cells(ws, row, s, r.last_year, count_dv, flag_dv)
        ws.row_dimensions[row].height = 30  # room for a two-line type or name, and for a pen on paper
        row += 1
    for number in range(len(s.rows) + 1, len(s.rows) + 1 + s.blank_rows):
        _fixed(ws, row, NO_COL, str(number))
        for col in (TYPE_COL, NAME_COL, VILLAGE_COL):
            cell = ws.cell(row=row, column=col)
            cell.font, cell.border, cell.fill, cell.protection = BODY, BORDER, INPUT_FILL, UNLOCKED
            cell.alignment = WRAP
            cell.number_format = "@"  # text: a name typed here stays text
        type_dv.add(ws.cell(row=row, column=TYPE_COL))
        _value_cells(ws, row, s, {}, count_dv, flag_dv)
        ws.row_dimensions[row].height = 30
        row += 1
    last = row - 1
    text_cell(meta, 10 + [sec.sheet for sec in spec.sections].index(s.sheet), 1, f"sheet:{s.sheet}")
    text_cell(meta, 10 + [sec.sheet for sec in spec.sections].index(s.sheet), 2, f"{FIRST_ROW}:{last}")
    text_cell(ws, last + 2, NO_COL, _("Người điền biểu (ký, ghi rõ họ tên): ………………………………   "
                                     "Ngày … tháng … năm …"), GREY)

    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=FIRST_VALUE_COL)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEAD_ROW}:{SUB_ROW}"
    ws.print_area = f"B1:{get_column_letter(ncols)}{last + 2}"
    ws.page_margins.left, ws.page_margins.right = 20 / 25.4, 15 / 25.4
    ws.page_margins.top, ws.page_margins.bottom = 20 / 25.4, 20 / 25.4
    ws.oddFooter.center.text = _("{unit} · {period} · trang &P/&N").format(unit=spec.unit.name,
                                                                          period=spec.period.label())
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widening a column is allowed
    ws.protection.formatRows = False


def _fixed(ws: Worksheet, row: int, col: int, text: str) -> None:
    cell = text_cell(ws, row, col, text)
    cell.border, cell.alignment = BORDER, WRAP


def _value_cells(ws: Worksheet, row: int, s: Section, last_year: dict[str, int], count_dv: Any,
                 flag_dv: Any) -> None:
    for n, ind in enumerate(s.indicators):
        col = value_column(n)
        cell = ws.cell(row=row, column=col)
        cell.font, cell.border, cell.fill, cell.protection = BODY, BORDER, INPUT_FILL, UNLOCKED
        cell.number_format = "0"
        (flag_dv if ind.kind == IndicatorKind.FLAG else count_dv).add(cell)
        prev = ws.cell(row=row, column=col + 1)
        if ind.code in last_year:
            prev.value = last_year[ind.code]
        prev.font, prev.border, prev.fill = GREY, BORDER, PREV_FILL
        prev.number_format = "#,##0"
