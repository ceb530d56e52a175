"""Writes a `Report` as an Excel workbook (openpyxl) that a province analyst can audit and extend.

Sheets: «Bìa» (cover, like the paper), «Chỉ tiêu» (targets), «Theo đơn vị» (per unit, with the total row),
«Số liệu thiết chế» (every institution's values) and «Thiếu số liệu» (institutions missing data).
Every share or growth result on «Chỉ tiêu» is an Excel formula over the counts on «Theo đơn vị», whose total
row is itself a SUM, so changing a count recomputes the result. Each sheet has frozen header rows, number
formats, A4 landscape, fit to one page wide and repeated print titles.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lhtl_desktop.i18n import _
from lhtl_desktop.model.catalogue import INDICATORS, TYPES_BY_CODE
from lhtl_desktop.model.targets import TargetKind
from lhtl_desktop.services.reports.sheet import CONFLICT_MARK, TARGET_SHORT, Report, criterion_word

FONT = "Times New Roman"
COVER, TARGETS, UNITS, VALUES, MISSING, NOT_REPORTED = (
    _("Bìa"), _("Chỉ tiêu"), _("Theo đơn vị"), _("Số liệu thiết chế"), _("Thiếu số liệu"), _("Chưa báo cáo"))
INT_FORMAT = "#,##0"
PCT_FORMAT = "0.0"

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
BODY = Font(name=FONT, size=11)
BOLD = Font(name=FONT, size=11, bold=True)
ITALIC = Font(name=FONT, size=11, italic=True)
TITLE = Font(name=FONT, size=14, bold=True)
HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center")


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _page_setup(ws: Worksheet, title_rows: str, fingerprint: str, code: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.page_margins.left, ws.page_margins.right = 30 / 25.4, 15 / 25.4
    ws.page_margins.top, ws.page_margins.bottom = 20 / 25.4, 20 / 25.4
    ws.oddHeader.center.text = "&P"
    ws.oddFooter.center.text = _("Dấu vân tay khóa: {fp} · Mã kiểm tra số liệu: {code}").format(fp=fingerprint, code=code)
    ws.oddFooter.center.size = 8


def _header(ws: Worksheet, row: int, titles: Sequence[str], widths: Sequence[float]) -> None:
    for col, (title, width) in enumerate(zip(titles, widths, strict=True), 1):
        cell = ws.cell(row=row, column=col, value=title)
        cell.font, cell.alignment, cell.border = BOLD, HEAD_ALIGN, BORDER
        ws.column_dimensions[get_column_letter(col)].width = width


def _title(ws: Worksheet, text: str, ncols: int, row: int = 1) -> None:
    ws.cell(row=row, column=1, value=text).font = TITLE
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(ncols, 1))


def _put(ws: Worksheet, row: int, col: int, value: object, fmt: str | None = None, font: Font = BODY,
         align: Alignment | None = None) -> None:
    """Write a bordered cell. Styling a cell through openpyxl's descriptors costs a list search per
    attribute; cells of one look share a style array, so it is computed once per workbook and copied."""
    cell = ws.cell(row=row, column=col, value=value)
    styles: dict[tuple[int, str | None, int], Any] = ws.parent.__dict__.setdefault("_lhtl_styles", {})
    key = (id(font), fmt, id(align))
    cached = styles.get(key)
    if cached is not None:
        cell._style = copy(cached)
        return
    cell.font, cell.border = font, BORDER
    if fmt:
        cell.number_format = fmt
    if align is not None:
        cell.alignment = align
    styles[key] = copy(cell._style)


def _cover(wb: Workbook, r: Report) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = COVER
    for col, width in zip("ABCDEFGH", (14, 14, 14, 6, 14, 14, 14, 14), strict=True):
        ws.column_dimensions[col].width = width
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def merged(row: int, c1: int, c2: int, value: str, font: Font) -> None:
        cell = ws.cell(row=row, column=c1, value=value)
        cell.font, cell.alignment = font, center
        ws.merge_cells(start_row=row, start_column=c1, end_row=row, end_column=c2)

    for i, line in enumerate(r.issuer_lines, 1):
        merged(i, 1, 3, line, Font(name=FONT, size=12, bold=i == len(r.issuer_lines)))
    merged(1, 5, 8, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), Font(name=FONT, size=12, bold=True))
    merged(2, 5, 8, _("Độc lập - Tự do - Hạnh phúc"), Font(name=FONT, size=13, bold=True, underline="single"))
    merged(4, 5, 8, r.place_date, Font(name=FONT, size=13, italic=True))
    heading, summary = r.title_lines
    merged(6, 1, 8, heading, TITLE)
    merged(7, 1, 8, summary, TITLE)
    ws.row_dimensions[7].height = 36
    merged(8, 1, 8, r.scope_line, Font(name=FONT, size=13))
    merged(9, 1, 8, r.basis_line, Font(name=FONT, size=11, italic=True))
    ws.row_dimensions[9].height = 30
    facts = [
        (_("Năm báo cáo"), r.year),
        (_("Đơn vị lập biểu"), " – ".join(r.issuer_lines)),
        (_("Cán bộ lập biểu"), r.officer),
        (_("Dấu vân tay khóa"), r.fingerprint),
        (_("Mã kiểm tra số liệu"), r.code),
        (_("Tình hình báo cáo"), r.coverage_line or "—"),
        (_("Các trang tính"), ", ".join((TARGETS, UNITS, VALUES, MISSING, NOT_REPORTED))),
    ]
    for i, (label, value) in enumerate(facts, 11):
        ws.cell(row=i, column=1, value=label).font = BOLD
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=3)
        ws.cell(row=i, column=5, value=value).font = BODY
        ws.merge_cells(start_row=i, start_column=5, end_row=i, end_column=8)
    merged(19, 1, 3, _("NGƯỜI LẬP BIỂU"), Font(name=FONT, size=13, bold=True))
    merged(19, 5, 8, _("THỦ TRƯỞNG ĐƠN VỊ"), Font(name=FONT, size=13, bold=True))
    merged(20, 1, 3, _("(Ký, ghi rõ họ tên)"), Font(name=FONT, size=13, italic=True))
    merged(20, 5, 8, _("(Ký, ghi rõ họ tên, đóng dấu)"), Font(name=FONT, size=13, italic=True))
    merged(25, 1, 3, r.officer, Font(name=FONT, size=13, bold=True))
    _page_setup(ws, "1:1", r.fingerprint, r.code)
    ws.page_setup.orientation = "portrait"


def _units(wb: Workbook, r: Report) -> tuple[dict[str, tuple[str, str]], int]:
    """The per-unit sheet; returns each target's (numerator column, denominator column) and the total row."""
    ws = wb.create_sheet(UNITS)
    _title(ws, _("Tổng hợp theo đơn vị năm {y} — {scope}").format(y=r.year, scope=r.scope_line), 10)
    fixed = [_("STT"), _("Mã đơn vị"), r.row_unit_heading, _("Số thiết chế"), _("Thiếu số liệu")]
    widths = [6, 10, 34, 10, 10]
    for col in range(1, len(fixed) + 1):
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    _header(ws, 2, fixed, widths)
    for col in range(1, len(fixed) + 1):
        ws.cell(row=3, column=col).border = BORDER
    columns: dict[str, tuple[str, str]] = {}
    col = len(fixed) + 1
    for t in r.targets:
        subs = (_("Đạt"), _("Tổng")) if t.kind == TargetKind.SHARE else (_("Năm {y}").format(y=r.year),
                                                                         _("Năm {y}").format(y=r.year - 1))
        head = ws.cell(row=2, column=col, value=TARGET_SHORT.get(t.code, t.code) + f" ({t.code})")
        head.font, head.alignment, head.border = BOLD, HEAD_ALIGN, BORDER
        ws.cell(row=2, column=col + 1).border = BORDER
        ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + 1)
        for k, sub in enumerate(subs):
            c = ws.cell(row=3, column=col + k, value=sub)
            c.font, c.alignment, c.border = BOLD, HEAD_ALIGN, BORDER
            ws.column_dimensions[get_column_letter(col + k)].width = 13 if t.kind == TargetKind.GROWTH else 8
        columns[t.code] = (get_column_letter(col), get_column_letter(col + 1))
        col += 2
    # Who reported, after the targets: units of the row that have submitted / that must report.
    report_cols = (col, col + 1)
    head = ws.cell(row=2, column=col, value=_("Báo cáo kỳ này"))
    head.font, head.alignment, head.border = BOLD, HEAD_ALIGN, BORDER
    ws.cell(row=2, column=col + 1).border = BORDER
    ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + 1)
    for k, sub in enumerate((_("Đã nộp"), _("Phải báo cáo"))):
        c = ws.cell(row=3, column=col + k, value=sub)
        c.font, c.alignment, c.border = BOLD, HEAD_ALIGN, BORDER
        ws.column_dimensions[get_column_letter(col + k)].width = 10
    ws.row_dimensions[2].height = 45
    first = 4
    for n, u in enumerate(r.units, 1):
        row = first + n - 1
        name = f"{u.name} {CONFLICT_MARK}" if u.provisional else u.name
        for c, (value, fmt) in enumerate(((n, None), (u.code, None), (name, None), (u.institutions, INT_FORMAT),
                                          (u.missing, INT_FORMAT)), 1):
            _put(ws, row, c, value, fmt, align=WRAP if c == 3 else None)
        for t in r.targets:
            num, den = u.counts[t.code]
            ncol, dcol = columns[t.code]
            _put(ws, row, _col(ncol), num, INT_FORMAT)
            _put(ws, row, _col(dcol), den, INT_FORMAT)
        _put(ws, row, report_cols[0], u.submitted, INT_FORMAT)
        _put(ws, row, report_cols[1], u.expected, INT_FORMAT)
    last = first + len(r.units) - 1
    total_row = last + 1
    _put(ws, total_row, 3, r.total.name, font=BOLD)
    for c in (1, 2):
        _put(ws, total_row, c, None)
    for c in (4, 5, *report_cols):
        letter = get_column_letter(c)
        _put(ws, total_row, c, f"=SUM({letter}{first}:{letter}{last})", INT_FORMAT, BOLD)
    for t in r.targets:
        total = r.total.counts[t.code]
        for letter, value in zip(columns[t.code], total, strict=True):
            formula = f"=SUM({letter}{first}:{letter}{last})" if value is not None else None
            _put(ws, total_row, _col(letter), formula, INT_FORMAT, BOLD)
    ws.freeze_panes = "D4"
    _page_setup(ws, "2:3", r.fingerprint, r.code)
    return columns, total_row


def _col(letter: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(letter)


def _targets(wb: Workbook, r: Report, columns: dict[str, tuple[str, str]], total_row: int) -> None:
    ws = wb.create_sheet(TARGETS, 1)
    titles = [_("STT"), _("Mã chỉ tiêu"), _("Chỉ tiêu"), _("Loại"), _("Tử số"), _("Mẫu số"), _("Kết quả (%)"),
              _("Ngưỡng (%)"), _("Năm mốc"), _("Đánh giá"), _("Số thiết chế thiếu số liệu"), _("Ghi chú")]
    widths = [6, 20, 50, 12, 12, 12, 11, 10, 9, 14, 12, 24]
    _title(ws, _("Kết quả thực hiện các chỉ tiêu năm {y} — {scope}").format(y=r.year, scope=r.scope_line),
           len(titles))
    ws.cell(row=2, column=1, value=_(
        "Tỉ lệ: tử số = số thiết chế đạt tiêu chí, mẫu số = số thiết chế đang hoạt động; tăng trưởng: tử số = "
        "tổng năm {y}, mẫu số = tổng năm {p}. Tử số, mẫu số lấy từ dòng tổng của trang «{units}».").format(
            y=r.year, p=r.year - 1, units=UNITS)).font = ITALIC
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(titles))
    _header(ws, 3, titles, widths)
    src = _quote(UNITS)
    for n, t in enumerate(r.targets, 1):
        row = 3 + n
        ncol, dcol = columns[t.code]
        num = f"={src}!{ncol}{total_row}" if t.numerator is not None else None
        den = f"={src}!{dcol}{total_row}" if t.denominator is not None else None
        if t.kind == TargetKind.SHARE:
            value = f'=IF(AND(ISNUMBER(E{row}),ISNUMBER(F{row}),F{row}>0),E{row}/F{row}*100,"")'
            kind = _("Tỉ lệ")
        else:
            value = f'=IF(AND(ISNUMBER(E{row}),ISNUMBER(F{row}),F{row}>0),(E{row}/F{row}-1)*100,"")'
            kind = _("Tăng trưởng")
        note = _("{mark} số liệu tạm tính (xung đột)").format(mark=CONFLICT_MARK) if t.provisional else None
        for c, (v, fmt) in enumerate(((n, None), (t.code, None), (t.label, None), (kind, None), (num, INT_FORMAT),
                                      (den, INT_FORMAT), (value, PCT_FORMAT), (t.threshold, PCT_FORMAT),
                                      (t.threshold_year, None), (t.status_label, None), (len(t.missing), INT_FORMAT),
                                      (note, None)), 1):
            _put(ws, row, c, v, fmt, align=WRAP if c in (3, 12) else None)
    ws.freeze_panes = "D4"
    _page_setup(ws, "3:3", r.fingerprint, r.code)


def _values(wb: Workbook, r: Report) -> None:
    ws = wb.create_sheet(VALUES)
    codes = [i.code for i in INDICATORS]
    titles = [_("STT"), _("Mã đơn vị"), _("Xã, phường"), _("Thiết chế"), _("Loại thiết chế")]
    titles += [i.label for i in INDICATORS] + [_("Tiêu chí học tập suốt đời"), _("Ghi chú")]
    widths = [6, 10, 22, 34, 24] + [12] * len(codes) + [14, 22]
    _title(ws, _("Số liệu của các thiết chế năm {y} — {scope}").format(y=r.year, scope=r.scope_line), 10)
    _header(ws, 2, titles, widths)
    ws.row_dimensions[2].height = 75
    for n, inst in enumerate(r.institutions, 1):
        row = 2 + n
        base = (n, inst.unit_code, inst.unit_name, inst.name, TYPES_BY_CODE[inst.type].label)
        for c, v in enumerate(base, 1):
            _put(ws, row, c, v, align=WRAP if c in (3, 4, 5) else None)
        for k, code in enumerate(codes, len(base) + 1):
            _put(ws, row, k, inst.values.get(code), INT_FORMAT)
        _put(ws, row, len(base) + len(codes) + 1, criterion_word(inst.meets))
        note = (_("{mark} xung đột: {codes}").format(mark=CONFLICT_MARK, codes=", ".join(sorted(inst.conflicted)))
                if inst.conflicted else None)
        _put(ws, row, len(base) + len(codes) + 2, note, align=WRAP)
    ws.freeze_panes = "E3"
    _page_setup(ws, "2:2", r.fingerprint, r.code)


def _missing(wb: Workbook, r: Report) -> None:
    ws = wb.create_sheet(MISSING)
    titles = [_("STT"), _("Mã đơn vị"), _("Xã, phường"), _("Thiết chế"), _("Loại thiết chế"),
              _("Chỉ tiêu bị ảnh hưởng")]
    _title(ws, _("Thiết chế chưa có số liệu (năm {y} hoặc năm {p}) — {scope}").format(
        y=r.year, p=r.year - 1, scope=r.scope_line), len(titles))
    _header(ws, 2, titles, [6, 10, 24, 40, 30, 50])
    for n, m in enumerate(r.missing, 1):
        for c, v in enumerate((n, m.unit_code, m.unit_name, m.name, m.type_label, ", ".join(m.targets)), 1):
            _put(ws, 2 + n, c, v, align=WRAP if c > 2 else None)
    ws.freeze_panes = "A3"
    _page_setup(ws, "2:2", r.fingerprint, r.code)


def _not_reported(wb: Workbook, r: Report) -> None:
    """«Đơn vị chưa báo cáo»: every expected unit that has not submitted, with the deadline and lateness."""
    ws = wb.create_sheet(NOT_REPORTED)
    titles = [_("STT"), _("Mã đơn vị"), _("Đơn vị"), _("Cụm"), _("Tình trạng"), _("Hạn nộp"), _("Quá hạn")]
    _title(ws, _("Đơn vị chưa báo cáo ({p}) — {scope}").format(p=r.period_label, scope=r.scope_line), len(titles))
    ws.cell(row=2, column=1, value=r.coverage_line).font = ITALIC
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(titles))
    _header(ws, 3, titles, [6, 10, 34, 8, 26, 12, 14])
    for n, row in enumerate(r.not_reported, 1):
        cells = (n, row.unit, row.name, row.hub, row.status.label, row.deadline,
                 _("Quá hạn") if row.late else _("Chưa đến hạn"))
        for c, v in enumerate(cells, 1):
            _put(ws, 3 + n, c, v, "DD/MM/YYYY" if c == 6 else None, align=WRAP if c in (3, 5) else None)
    ws.freeze_panes = "A4"
    _page_setup(ws, "3:3", r.fingerprint, r.code)


def render_xlsx(report: Report) -> bytes:
    wb = Workbook()
    _cover(wb, report)
    columns, total_row = _units(wb, report)
    _targets(wb, report, columns, total_row)
    _values(wb, report)
    _missing(wb, report)
    _not_reported(wb, report)
    wb.properties.title = " ".join(report.title_lines)
    wb.properties.creator = "lhtl"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
