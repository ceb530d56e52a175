"""Writes a `Report` as an Excel workbook (openpyxl) that a province analyst can audit and extend.

Sheets: «Bìa» (cover, like the paper, portrait), «Chỉ tiêu» (targets), «Theo đơn vị» (per unit, with the total
row), «Số liệu thiết chế» (every institution's values), «Thiếu số liệu» (institutions missing data), «Chưa báo
cáo» (units expected to report that have not submitted, with the deadline) and «Tham số» (the criteria's
parameters, as the province's rules set them).

The workbook judges itself: an analyst who corrects a figure on «Số liệu thiết chế» sees everything that
depends on it follow, as the program would compute it (services.evaluation, model.targets, model.criteria):
- each institution's criterion («Đạt» / «Chưa đạt» / «Thiếu số liệu») is a formula over its row's values and
  the parameters on «Tham số»;
- the per-unit counts on «Theo đơn vị» (institutions, Đạt/Tổng of each share target, the growth targets' sums
  of Y and Y−1) are COUNTIFS/SUMIFS over «Số liệu thiết chế», and the total row sums them;
- on «Chỉ tiêu» numerator and denominator refer to that total row; the result, the number missing, the status
  and «đạt / chưa đạt» are formulas over them and over the threshold and the on-track level, which are cells
  too (change a threshold, the status follows); who reported is two cells under the table, and while fewer
  units submitted than were expected the status is «Chưa đủ đơn vị báo cáo» (a text cell: the figures alone
  can never make it «Đạt»).
Formula cells are written only by `_formula`, never from text a user typed. Rows with wrapped text get an
explicit height (LibreOffice does not grow rows on load). Each sheet has frozen header rows, number formats,
A4, fit to one page wide and repeated print titles; the cover has no page number (NĐ 30: none on page one).
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
from lhtl_desktop.model.catalogue import INDICATORS, INDICATORS_BY_CODE, TYPES_BY_CODE
from lhtl_desktop.model.targets import STATUS_LABELS, Status, TargetKind
from lhtl_desktop.services.reports.sheet import (
    CONFLICT_MARK,
    FAMILY_CRITERION,
    TARGET_SHORT,
    InstitutionLine,
    Report,
    TargetLine,
    criterion_word,
    family_types,
)

FONT = "Times New Roman"
COVER, TARGETS, UNITS, VALUES, MISSING, NOT_REPORTED, PARAMETERS = (
    _("Bìa"), _("Chỉ tiêu"), _("Theo đơn vị"), _("Số liệu thiết chế"), _("Thiếu số liệu"), _("Chưa báo cáo"),
    _("Tham số"))
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


# -- explicit row heights ----------------------------------------------------------------------------------
LINE_PT = 15.0  # one line of 11 pt Times New Roman, with leading


def _lines_in(text: str, width: float, bold: bool = False) -> int:
    """Lines a wrapped cell needs: a column of width w holds about 1.15 w characters of 11 pt Times New Roman
    (w when bold); a word never splits across lines."""
    per_line = max(1.0, width * (1.0 if bold else 1.15))
    total = 0
    for para in str(text).split("\n"):
        lines, current = 1, 0
        for word in para.split():
            need = len(word) + (1 if current else 0)
            if current and current + need > per_line:
                lines, current = lines + 1, len(word)
            else:
                current += need
        total += lines
    return total


def _fit_height(ws: Worksheet, row: int, cells: Sequence[tuple[object, float]], bold: bool = False,
                size: float = 11.0) -> None:
    """Give a row with wrapped text the height its longest cell needs (Excel grows such rows on load,
    LibreOffice does not)."""
    lines = max((_lines_in(str(text), width, bold) for text, width in cells if text), default=1)
    height = lines * LINE_PT * size / 11.0 + 3
    if height > (ws.row_dimensions[row].height or LINE_PT):
        ws.row_dimensions[row].height = height


def _width(ws: Worksheet, col: int) -> float:
    return float(ws.column_dimensions[get_column_letter(col)].width or 8.43)


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
    _fit_height(ws, row, list(zip(titles, widths, strict=True)), bold=True)


def _title(ws: Worksheet, text: str, ncols: int, row: int = 1) -> None:
    ws.cell(row=row, column=1, value=text).font = TITLE
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(ncols, 1))


def _put(ws: Worksheet, row: int, col: int, value: object, fmt: str | None = None, font: Font = BODY,
         align: Alignment | None = None) -> None:
    """Write a bordered cell. Styling a cell through openpyxl's descriptors costs a list search per
    attribute; cells of one look share a style array, so it is computed once per workbook and copied.
    A string is a text cell: openpyxl would turn any string starting with "=" into a live formula (a name
    such as `=HYPERLINK(…)` from a bundle or a form would run in the province's Excel); `_formula` is the
    only way a formula is written."""
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
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


def _formula(ws: Worksheet, row: int, col: int, formula: str, fmt: str | None = None, font: Font = BODY,
             align: Alignment | None = None) -> None:
    """A formula cell of ours (the only path that writes one): built from cell references, sheet names
    and our own words, never from text a user typed."""
    assert formula.startswith("=")
    _put(ws, row, col, formula, fmt, font, align)
    ws.cell(row=row, column=col).data_type = "f"
    ws.parent.__dict__.setdefault("_lhtl_formulas", set()).add((id(ws), ws.cell(row=row, column=col).coordinate))


def _text_is_text(wb: Workbook) -> None:
    """Safety net before saving: no formula or error cell but those `_formula` wrote (a string that reached
    a cell another way, e.g. a label, becomes text)."""
    ours: set[tuple[int, str]] = wb.__dict__.get("_lhtl_formulas", set())
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type in ("f", "e") and (id(ws), cell.coordinate) not in ours:
                    cell.data_type = "s"


def _provenance_lines(ws: Worksheet, r: Report, row: int) -> None:
    """Values that are not signed data, said on the cover as on paper (return forms, former units' totals)."""
    lines = [_("Nguồn: biểu Excel, chưa ký — số liệu năm {y} của: {names}.").format(y=r.year, names=", ".join(
        r.unsigned))] if r.unsigned else []
    lines += [note[:1].upper() + note[1:] + "." for note in r.basis_notes]
    for n, text in enumerate(lines):
        cell = ws.cell(row=row + n, column=1)
        cell.value = text
        cell.data_type = "s"
        cell.font = ITALIC
        ws.merge_cells(start_row=row + n, start_column=1, end_row=row + n, end_column=8)


def _text(value: str) -> str:
    """A string constant inside a formula."""
    return '"' + value.replace('"', '""') + '"'


# -- where things are: the columns of «Số liệu thiết chế» and the parameters' cells --------------------------
CODES = [i.code for i in INDICATORS]
VALUES_FIRST_ROW = 3
YES, NO = _("Có"), _("Không")
MEETS, NOT_MEETS, NO_DATA = criterion_word(True), criterion_word(False), criterion_word(None)


class ValuesLayout:
    """Columns of «Số liệu thiết chế»: STT, unit, unit name, institution, type label, the 19 indicators,
    criterion, note, then the columns the formulas select on (active in Y, row of «Theo đơn vị», type code,
    family) and the growth indicators' values of Y−1."""

    def __init__(self, report: Report) -> None:
        self.indicator = {code: get_column_letter(6 + k) for k, code in enumerate(CODES)}
        n = 6 + len(CODES)
        self.criterion, self.note = get_column_letter(n), get_column_letter(n + 1)
        self.active, self.row, self.type, self.family = (get_column_letter(n + k) for k in range(2, 6))
        growth = [t.code for t in report.targets if t.kind == TargetKind.GROWTH]
        indicators = [report.definitions[c].indicator or "" for c in growth]
        self.previous = {code: get_column_letter(n + 6 + k) for k, code in enumerate(dict.fromkeys(indicators))}
        self.columns = n + 5 + len(self.previous)
        closed = report.workbook.closed if report.workbook else ()
        self.lines: list[tuple[InstitutionLine, bool]] = [(i, True) for i in report.institutions]
        self.lines += [(i, False) for i in closed]
        self.last_row = VALUES_FIRST_ROW + max(len(self.lines), 1) - 1

    def range(self, letter: str) -> str:
        return f"{_quote(VALUES)}!${letter}${VALUES_FIRST_ROW}:${letter}${self.last_row}"


# «Tham số»: (criterion, what, parameter, default) — the numbers model.criteria's rules compare with; a named
# parameter takes the province's number (its rules document, Report.criteria_params), None is fixed (> 0).
CRITERIA_PARAMETERS: tuple[tuple[str, str, str | None, int], ...] = (
    ("LIB_LLL", _("Lớp kỹ năng, hoạt động khuyến đọc hoặc lượt phục vụ lưu động: tối thiểu"), None, 1),
    ("MUS_LLL", _("Chương trình giáo dục lịch sử, văn hóa: tối thiểu"), "min_programmes", 1),
    ("MUS_LLL", _("Chuyên đề trưng bày trên không gian số: tối thiểu"), "min_digital_exhibits", 1),
    ("CC_LLL", _("Lớp năng khiếu + câu lạc bộ + nhóm sở thích: tối thiểu"), "min_groups", 1),
    ("CC_LLL", _("Hoạt động văn hóa, văn nghệ, thể thao trong năm: tối thiểu"), "min_activities", 12),
)


def parameter_value(r: Report, k: int) -> int:
    """The k-th parameter's number as the evaluation used it (the province's rules, else the default)."""
    criterion, _what, name, default = CRITERIA_PARAMETERS[k]
    if name is None:
        return default
    return int(r.criteria_params.get(criterion, {}).get(name, default))
PARAM_FIRST_ROW = 4


def _param(k: int) -> str:
    return f"{_quote(PARAMETERS)}!$C${PARAM_FIRST_ROW + k}"


def criterion_formula(criterion: str, cell: dict[str, str]) -> str | None:
    """The criterion of model.criteria as a formula over one row (cell[code] = "F7"); None if not known here.
    No input recorded → «Thiếu số liệu»; an input not recorded counts as 0 (N() of an empty cell)."""
    def n(code: str) -> str:
        return f"N({cell[code]})"

    inputs: tuple[str, ...]
    if criterion == "LIB_LLL":
        inputs = ("LIB_SKILL_CLASSES", "LIB_READING_EVENTS", "LIB_DIGITAL_SERVICE", "LIB_MOBILE_RUNS")
        test = (f"OR({n('LIB_SKILL_CLASSES')}>={_param(0)},{n('LIB_READING_EVENTS')}>={_param(0)},"
                f"{n('LIB_DIGITAL_SERVICE')}=1,{n('LIB_MOBILE_RUNS')}>={_param(0)})")
    elif criterion == "MUS_LLL":
        inputs = ("MUS_EDU_PROGRAMMES", "MUS_DIGITAL_EXHIBITS")
        test = f"AND({n('MUS_EDU_PROGRAMMES')}>={_param(1)},{n('MUS_DIGITAL_EXHIBITS')}>={_param(2)})"
    elif criterion == "CC_LLL":
        inputs = ("CC_TALENT_CLASSES", "CC_CLUBS", "CC_INTEREST_GROUPS", "CC_ACTIVITIES")
        test = (f"AND({n('CC_TALENT_CLASSES')}+{n('CC_CLUBS')}+{n('CC_INTEREST_GROUPS')}>={_param(3)},"
                f"{n('CC_ACTIVITIES')}>={_param(4)})")
    else:
        return None
    count = ",".join(cell[c] for c in inputs)
    return f"=IF(COUNT({count})=0,{_text(NO_DATA)},IF({test},{_text(MEETS)},{_text(NOT_MEETS)}))"


def _selectors(layout: ValuesLayout, types: Sequence[str]) -> list[str]:
    """COUNTIFS/SUMIFS criteria pairs choosing the target's institutions: the family when the target takes
    every type of it, else one term per type."""
    families = {TYPES_BY_CODE[t].family for t in types}
    if len(families) == 1:
        family = next(iter(families))
        if set(types) == set(family_types(family)):
            return [f"{layout.range(layout.family)},{_text(family)}"]
    return [f"{layout.range(layout.type)},{_text(t)}" for t in types]


def _countifs(layout: ValuesLayout, types: Sequence[str], *extra: str) -> str:
    rest = "".join("," + e for e in extra)
    return "+".join(f"COUNTIFS({sel}{rest})" for sel in _selectors(layout, types))


def _sumifs(layout: ValuesLayout, column: str, types: Sequence[str], *extra: str) -> str:
    rest = "".join("," + e for e in extra)
    return "+".join(f"SUMIFS({layout.range(column)},{sel}{rest})" for sel in _selectors(layout, types))


def _judged_by_formula(report: Report, t: TargetLine) -> bool:
    """Share targets whose criterion is each type's family criterion have their counts as formulas."""
    d = report.definitions[t.code]
    if d.kind != TargetKind.SHARE:
        return bool(d.indicator)
    return all(FAMILY_CRITERION[TYPES_BY_CODE[ty].family] == d.criterion for ty in d.types) and \
        criterion_formula(d.criterion or "", {c: "A1" for c in CODES}) is not None


# -- sheets ----------------------------------------------------------------------------------------------
def _cover(wb: Workbook, r: Report) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = COVER
    widths = (14, 14, 14, 6, 14, 14, 14, 14)
    for col, width in zip("ABCDEFGH", widths, strict=True):
        ws.column_dimensions[col].width = width
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def merged(row: int, c1: int, c2: int, value: str, font: Font) -> None:
        cell = ws.cell(row=row, column=c1, value=value)
        cell.font, cell.alignment = font, center
        ws.merge_cells(start_row=row, start_column=c1, end_row=row, end_column=c2)
        _fit_height(ws, row, [(value, sum(widths[c1 - 1:c2]))], bold=bool(font.b), size=float(font.sz or 11))

    for i, line in enumerate(r.issuer_lines, 1):
        merged(i, 1, 3, line, Font(name=FONT, size=12, bold=i == len(r.issuer_lines)))
    merged(1, 5, 8, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), Font(name=FONT, size=12, bold=True))
    merged(2, 5, 8, _("Độc lập - Tự do - Hạnh phúc"), Font(name=FONT, size=13, bold=True, underline="single"))
    merged(4, 1, 3, r.formalities.number_line, Font(name=FONT, size=13))
    merged(4, 5, 8, r.place_date, Font(name=FONT, size=13, italic=True))
    heading, summary = r.title_lines
    merged(6, 1, 8, heading, TITLE)
    merged(7, 1, 8, summary, TITLE)
    merged(8, 1, 8, r.scope_line, Font(name=FONT, size=13))
    merged(9, 1, 8, r.basis_line, Font(name=FONT, size=11, italic=True))
    facts = [
        (_("Năm báo cáo"), r.year),
        (_("Đơn vị lập biểu"), " – ".join(r.issuer_lines)),
        (_("Cán bộ lập biểu"), r.officer),
        (_("Dấu vân tay khóa"), r.fingerprint),
        (_("Mã kiểm tra số liệu"), r.code),
        (_("Tình hình báo cáo"), r.coverage_line or "—"),
        (_("Các trang tính"), ", ".join((TARGETS, UNITS, VALUES, MISSING, NOT_REPORTED, PARAMETERS))),
    ]
    for i, (label, value) in enumerate(facts, 11):
        ws.cell(row=i, column=1, value=label).font = BOLD
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=3)
        cell = ws.cell(row=i, column=5, value=value)
        cell.font, cell.alignment = BODY, Alignment(horizontal="left", vertical="center", wrap_text=True)
        ws.merge_cells(start_row=i, start_column=5, end_row=i, end_column=8)
        _fit_height(ws, i, [(label, 42), (value, 56)])
    row = 11 + len(facts) + 1
    ws.cell(row=row, column=1, value=_("Nơi nhận:")).font = Font(name=FONT, size=12, bold=True, italic=True)
    for k, line in enumerate(r.formalities.recipients, 1):
        ws.cell(row=row + k, column=1, value=f"- {line}").font = Font(name=FONT, size=11)
    merged(row, 5, 8, r.formalities.signer_title[0] if r.formalities.signer_title else "",
           Font(name=FONT, size=13, bold=True))
    for k, line in enumerate(r.formalities.signer_title[1:], 1):
        merged(row + k, 5, 8, line, Font(name=FONT, size=13, bold=True))
    sign = row + max(1, len(r.formalities.signer_title))
    merged(sign, 5, 8, _("(Ký, ghi rõ họ tên, đóng dấu)"), Font(name=FONT, size=13, italic=True))
    if r.formalities.signer_name:
        merged(sign + 5, 5, 8, r.formalities.signer_name, Font(name=FONT, size=13, bold=True))
    below = max(sign + 7, row + len(r.formalities.recipients) + 2)
    merged(below, 1, 3, _("NGƯỜI LẬP BIỂU"), Font(name=FONT, size=13, bold=True))
    merged(below + 1, 1, 3, _("(Ký, ghi rõ họ tên)"), Font(name=FONT, size=13, italic=True))
    merged(below + 5, 1, 3, r.officer, Font(name=FONT, size=13, bold=True))
    _provenance_lines(ws, r, below + 7)
    _page_setup(ws, "1:1", r.fingerprint, r.code)
    ws.page_setup.orientation = "portrait"
    ws.oddHeader.center.text = None  # NĐ 30: no page number on the first page


def _parameters(wb: Workbook, r: Report) -> None:
    ws = wb.create_sheet(PARAMETERS)
    titles = [_("Tiêu chí"), _("Tham số"), _("Giá trị")]
    _title(ws, _("Tham số của các tiêu chí (thay đổi ở đây thì mọi đánh giá tính lại)"), len(titles))
    ws.cell(row=2, column=1, value=_("Ngưỡng của từng chỉ tiêu ở trang «{t}», cột «Ngưỡng (%)».").format(
        t=TARGETS)).font = ITALIC
    _header(ws, 3, titles, [14, 70, 10])
    for k, (criterion, what, _name, _default) in enumerate(CRITERIA_PARAMETERS):
        row = PARAM_FIRST_ROW + k
        _put(ws, row, 1, criterion)
        _put(ws, row, 2, what, align=WRAP)
        _put(ws, row, 3, parameter_value(r, k), INT_FORMAT)
    _page_setup(ws, "3:3", r.fingerprint, r.code)


def _units(wb: Workbook, r: Report, layout: ValuesLayout) -> tuple[dict[str, tuple[str, str]], int]:
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
    heads: list[tuple[object, float]] = []
    for t in r.targets:
        subs = (_("Đạt"), _("Tổng")) if t.kind == TargetKind.SHARE else (_("Năm {y}").format(y=r.year),
                                                                         _("Năm {y}").format(y=r.year - 1))
        title = TARGET_SHORT.get(t.code, t.code) + f" ({t.code})"
        head = ws.cell(row=2, column=col, value=title)
        head.font, head.alignment, head.border = BOLD, HEAD_ALIGN, BORDER
        ws.cell(row=2, column=col + 1).border = BORDER
        ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + 1)
        width = 13 if t.kind == TargetKind.GROWTH else 8
        for k, sub in enumerate(subs):
            c = ws.cell(row=3, column=col + k, value=sub)
            c.font, c.alignment, c.border = BOLD, HEAD_ALIGN, BORDER
            ws.column_dimensions[get_column_letter(col + k)].width = width
        heads.append((title, 2 * width))
        columns[t.code] = (get_column_letter(col), get_column_letter(col + 1))
        col += 2
    # Who reported, after the targets: units of the row that have submitted / that must report.
    report_cols = (col, col + 1)
    report_head = _("Báo cáo kỳ này")
    head = ws.cell(row=2, column=col, value=report_head)
    head.font, head.alignment, head.border = BOLD, HEAD_ALIGN, BORDER
    ws.cell(row=2, column=col + 1).border = BORDER
    ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + 1)
    for k, sub in enumerate((_("Đã nộp"), _("Phải báo cáo"))):
        c = ws.cell(row=3, column=col + k, value=sub)
        c.font, c.alignment, c.border = BOLD, HEAD_ALIGN, BORDER
        ws.column_dimensions[get_column_letter(col + k)].width = 10
    heads.append((report_head, 20))
    _fit_height(ws, 2, heads, bold=True)
    first = 4
    v = layout
    for n, u in enumerate(r.units, 1):
        row = first + n - 1
        name = f"{u.name} {CONFLICT_MARK}" if u.provisional else u.name
        for c, (value, fmt) in enumerate(((n, None), (u.code, None), (name, None)), 1):
            _put(ws, row, c, value, fmt, align=WRAP if c == 3 else None)
        _fit_height(ws, row, [(name, widths[2])])
        here = f"{v.range(v.row)},$B{row}"
        active = f"{v.range(v.active)},{_text(YES)}"
        _formula(ws, row, 4, f"=COUNTIFS({here},{active})", INT_FORMAT)
        _put(ws, row, 5, u.missing, INT_FORMAT)
        for t in r.targets:
            num, den = u.counts[t.code]
            ncol, dcol = columns[t.code]
            d = r.definitions[t.code]
            if not _judged_by_formula(r, t):
                _put(ws, row, _col(ncol), num, INT_FORMAT)
                _put(ws, row, _col(dcol), den, INT_FORMAT)
            elif t.kind == TargetKind.SHARE:
                total = _countifs(v, d.types, here, active)
                meeting = _countifs(v, d.types, here, active, f"{v.range(v.criterion)},{_text(MEETS)}")
                _formula(ws, row, _col(ncol), f"={meeting}", INT_FORMAT)
                _formula(ws, row, _col(dcol), f"={total}", INT_FORMAT)
            else:
                ind = v.indicator[d.indicator or ""]
                prev = v.previous[d.indicator or ""]
                reported = _countifs(v, d.types, here, active, f'{v.range(ind)},"<>"')
                summed = _sumifs(v, ind, d.types, here, active)
                _formula(ws, row, _col(ncol), f'=IF({reported}=0,"",{summed})', INT_FORMAT)
                reported = _countifs(v, d.types, here, f'{v.range(prev)},"<>"')
                summed = _sumifs(v, prev, d.types, here)
                _formula(ws, row, _col(dcol), f'=IF({reported}=0,"",{summed})', INT_FORMAT)
        _put(ws, row, report_cols[0], u.submitted, INT_FORMAT)
        _put(ws, row, report_cols[1], u.expected, INT_FORMAT)
    last = first + len(r.units) - 1
    total_row = last + 1
    _put(ws, total_row, 3, r.total.name, font=BOLD)
    for c in (1, 2):
        _put(ws, total_row, c, None)
    for c in (4, 5, *report_cols):
        letter = get_column_letter(c)
        _formula(ws, total_row, c, f"=SUM({letter}{first}:{letter}{last})", INT_FORMAT, BOLD)
    for t in r.targets:
        for letter in columns[t.code]:
            cells = f"{letter}{first}:{letter}{last}"
            _formula(ws, total_row, _col(letter), f'=IF(COUNT({cells})=0,"",SUM({cells}))', INT_FORMAT, BOLD)
    ws.freeze_panes = "D4"
    _page_setup(ws, "2:3", r.fingerprint, r.code)
    return columns, total_row


def _col(letter: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(letter)


TARGET_TITLES = [_("STT"), _("Mã chỉ tiêu"), _("Chỉ tiêu"), _("Loại"), _("Tử số"), _("Mẫu số"), _("Kết quả (%)"),
                 _("Ngưỡng (%)"), _("Năm mốc"), _("Đánh giá"), _("Số thiết chế thiếu số liệu"), _("Ghi chú"),
                 _("Mức theo lộ trình (%)"), _("Đạt chỉ tiêu")]
TARGET_WIDTHS = [6, 20, 50, 12, 12, 12, 11, 10, 9, 14, 12, 24, 12, 9]


def status_words(half_year: bool) -> dict[Status, str]:
    """The words of each status as TargetLine.status_label prints them (a half-year's are provisional)."""
    words = dict(STATUS_LABELS)
    if half_year:
        for s in Status:
            if s not in (Status.NOT_APPLICABLE, Status.INCOMPLETE):
                words[s] = _("{status} (tạm tính 6 tháng)").format(status=STATUS_LABELS[s])
    return words


def status_formula(t: TargetLine, row: int, year: int, not_applicable: str, coverage: tuple[str, str] | None = None,
                   half_year: bool = False) -> str:
    """model.targets' status over the row's own cells: E numerator, F denominator, G result, H threshold,
    I milestone year, K missing, M on-track level; then, as services.evaluation does last, «Chưa đủ đơn vị báo
    cáo» while the units that submitted (coverage[0]) are fewer than those expected (coverage[1])."""
    label = {s: _text(w) for s, w in status_words(half_year).items()}
    judged = _status_by_values(t, row, year, not_applicable, label)
    if coverage is None:
        return "=" + judged
    return f"=IF({coverage[0]}<{coverage[1]},{label[Status.INCOMPLETE]},{judged})"


def _status_by_values(t: TargetLine, row: int, year: int, not_applicable: str, label: dict[Status, str]) -> str:
    r = row
    if t.kind == TargetKind.SHARE:
        return (f"IF(F{r}=0,{label[Status.NOT_APPLICABLE]},"
                f"IF(OR(K{r}>=F{r},NOT(ISNUMBER(H{r}))),{label[Status.MISSING_DATA]},"
                f"IF(G{r}>=H{r},{label[Status.MET]},"
                f"IF(I{r}={year},{label[Status.BEHIND]},"
                f"IF(AND(ISNUMBER(M{r}),G{r}>=M{r}),{label[Status.ON_TRACK]},{label[Status.BEHIND]})))))")
    return (f"IF({not_applicable},{label[Status.NOT_APPLICABLE]},"
            f"IF(OR(NOT(ISNUMBER(G{r})),NOT(ISNUMBER(H{r}))),{label[Status.MISSING_DATA]},"
            f"IF(G{r}>=H{r},{label[Status.MET]},{label[Status.BEHIND]})))")


def _targets(wb: Workbook, r: Report, columns: dict[str, tuple[str, str]], total_row: int,
             layout: ValuesLayout) -> None:
    ws = wb.create_sheet(TARGETS, 1)
    titles, widths = TARGET_TITLES, TARGET_WIDTHS
    _title(ws, _("Kết quả thực hiện các chỉ tiêu năm {y} — {scope}").format(y=r.year, scope=r.scope_line),
           len(titles))
    note = _(
        "Tỉ lệ: tử số = số thiết chế đạt tiêu chí, mẫu số = số thiết chế đang hoạt động; tăng trưởng: tử số = "
        "tổng năm {y}, mẫu số = tổng năm {p}. Tử số, mẫu số lấy từ dòng tổng của trang «{units}»; sửa số liệu ở "
        "trang «{values}» hoặc ngưỡng ở cột H thì kết quả và đánh giá tự tính lại.").format(
            y=r.year, p=r.year - 1, units=UNITS, values=VALUES)
    cell = ws.cell(row=2, column=1, value=note)
    cell.font, cell.alignment = ITALIC, WRAP
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(titles))
    _fit_height(ws, 2, [(note, sum(widths))])
    _header(ws, 3, titles, widths)
    src = _quote(UNITS)
    v = layout
    active = f"{v.range(v.active)},{_text(YES)}"
    cov_row = 3 + len(r.targets) + 2
    coverage = (f"$E${cov_row}", f"$F${cov_row}") if r.coverage is not None else None
    complete = r.coverage is None or r.coverage.complete
    half_year = r.period is not None and not r.period.is_year
    met_word = status_words(half_year)[Status.MET]
    for n, t in enumerate(r.targets, 1):
        row = 3 + n
        ncol, dcol = columns[t.code]
        d = r.definitions[t.code]
        if t.kind == TargetKind.SHARE:
            value = f'=IF(AND(ISNUMBER(E{row}),ISNUMBER(F{row}),F{row}>0,K{row}<F{row}),E{row}/F{row}*100,"")'
            kind = _("Tỉ lệ")
        else:
            value = f'=IF(AND(ISNUMBER(E{row}),ISNUMBER(F{row}),F{row}>0),(E{row}/F{row}-1)*100,"")'
            kind = _("Tăng trưởng")
        by_formula = _judged_by_formula(r, t)
        note_text = _("{mark} số liệu tạm tính (xung đột)").format(mark=CONFLICT_MARK) if t.provisional else None
        for c, (val, fmt) in enumerate(((n, None), (t.code, None), (t.label, None), (kind, None)), 1):
            _put(ws, row, c, val, fmt, align=WRAP if c == 3 else None)
        _formula(ws, row, 5, f"={src}!{ncol}{total_row}", INT_FORMAT)
        _formula(ws, row, 6, f"={src}!{dcol}{total_row}", INT_FORMAT)
        _formula(ws, row, 7, value, PCT_FORMAT)
        _put(ws, row, 8, t.threshold, PCT_FORMAT)
        _put(ws, row, 9, t.threshold_year)
        if by_formula and t.kind == TargetKind.SHARE:
            missing = _countifs(v, d.types, active, f"{v.range(v.criterion)},{_text(NO_DATA)}")
            _formula(ws, row, 11, f"={missing}", INT_FORMAT)
        else:
            _put(ws, row, 11, len(t.missing), INT_FORMAT)
        if by_formula and complete:
            _formula(ws, row, 10, status_formula(t, row, r.year, f"{_countifs(v, d.types)}=0", coverage,
                                                 half_year))
        else:  # «Chưa đủ đơn vị báo cáo» while units are missing: whatever the figures say, never «Đạt»
            _put(ws, row, 10, t.status_label)
        _put(ws, row, 12, note_text, align=WRAP)
        _put(ws, row, 13, t.line, PCT_FORMAT)
        _formula(ws, row, 14, f"=IF(J{row}={_text(met_word)},{_text(YES)},{_text(NO)})", align=CENTER)
        _fit_height(ws, row, [(t.label, widths[2]), (note_text, widths[11])])
    # Who reported (a fact the figures cannot tell): E units that submitted, F units expected to report.
    if r.coverage is not None:
        _put(ws, cov_row, 3, _("Đơn vị đã nộp báo cáo / phải báo cáo"), font=BOLD, align=WRAP)
        _put(ws, cov_row, 5, r.coverage.submitted, INT_FORMAT)
        _put(ws, cov_row, 6, r.coverage.expected, INT_FORMAT)
    ws.freeze_panes = "D4"
    _page_setup(ws, "3:3", r.fingerprint, r.code)


def _values(wb: Workbook, r: Report, layout: ValuesLayout) -> None:
    ws = wb.create_sheet(VALUES)
    v = layout
    titles = [_("STT"), _("Mã đơn vị"), _("Xã, phường"), _("Thiết chế"), _("Loại thiết chế")]
    titles += [i.label for i in INDICATORS] + [_("Tiêu chí học tập suốt đời"), _("Ghi chú")]
    titles += [_("Hoạt động {period}").format(period=r.period_label), _("Dòng tổng hợp (mã)"), _("Mã loại"), _("Nhóm")]
    titles += [_("{label} {previous}").format(label=INDICATORS_BY_CODE[c].label, previous=r.previous_period_label)
               for c in v.previous]
    widths = [6, 10, 22, 34, 24] + [12] * len(CODES) + [14, 22] + [10, 10, 14, 8] + [14] * len(v.previous)
    _title(ws, _("Số liệu của các thiết chế {period} — {scope}").format(period=r.period_label, scope=r.scope_line), 10)
    _header(ws, 2, titles, widths)
    row_of = r.workbook.row_of if r.workbook else {}
    previous = r.workbook.previous if r.workbook else {}
    for n, (inst, active) in enumerate(v.lines, 1):
        row = VALUES_FIRST_ROW + n - 1
        base = (n, inst.unit_code, inst.unit_name, inst.name, TYPES_BY_CODE[inst.type].label)
        for c, val in enumerate(base, 1):
            _put(ws, row, c, val, align=WRAP if c in (3, 4, 5) else None)
        for k, code in enumerate(CODES, len(base) + 1):
            _put(ws, row, k, inst.values.get(code), INT_FORMAT)
        cells = {code: f"{v.indicator[code]}{row}" for code in CODES}
        formula = criterion_formula(FAMILY_CRITERION[inst.family], cells) if active else None
        if formula:
            _formula(ws, row, _col(v.criterion), formula)
        else:
            _put(ws, row, _col(v.criterion), criterion_word(inst.meets) if active else "—")
        note = (_("{mark} xung đột: {codes}").format(mark=CONFLICT_MARK, codes=", ".join(sorted(inst.conflicted)))
                if inst.conflicted else None)
        if not active:
            note = _("Ngừng hoạt động năm {y}").format(y=r.year)
        _put(ws, row, _col(v.note), note, align=WRAP)
        _put(ws, row, _col(v.active), YES if active else NO)
        _put(ws, row, _col(v.row), row_of.get(inst.id, inst.unit_code))
        _put(ws, row, _col(v.type), inst.type)
        _put(ws, row, _col(v.family), inst.family)
        for code, letter in v.previous.items():
            _put(ws, row, _col(letter), previous.get(inst.id, {}).get(code), INT_FORMAT)
        _fit_height(ws, row, [(base[2], widths[2]), (base[3], widths[3]), (base[4], widths[4]),
                              (note, widths[_col(v.note) - 1])])
    ws.freeze_panes = "E3"
    _page_setup(ws, "2:2", r.fingerprint, r.code)


def _missing(wb: Workbook, r: Report) -> None:
    ws = wb.create_sheet(MISSING)
    titles = [_("STT"), _("Mã đơn vị"), _("Xã, phường"), _("Thiết chế"), _("Loại thiết chế"),
              _("Chỉ tiêu bị ảnh hưởng")]
    widths = [6, 10, 24, 40, 30, 50]
    _title(ws, _("Thiết chế chưa có số liệu ({period} hoặc {previous}) — {scope}").format(
        period=r.period_label, previous=r.previous_period_label, scope=r.scope_line), len(titles))
    _header(ws, 2, titles, widths)
    for n, m in enumerate(r.missing, 1):
        values = (n, m.unit_code, m.unit_name, m.name, m.type_label, ", ".join(m.targets))
        for c, val in enumerate(values, 1):
            _put(ws, 2 + n, c, val, align=WRAP if c > 2 else None)
        _fit_height(ws, 2 + n, list(zip(values[2:], widths[2:], strict=True)))
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
    layout = ValuesLayout(report)
    columns, total_row = _units(wb, report, layout)
    _targets(wb, report, columns, total_row, layout)
    _values(wb, report, layout)
    _missing(wb, report)
    _not_reported(wb, report)
    _parameters(wb, report)
    wb.properties.title = " ".join(report.title_lines)
    wb.properties.creator = "lhtl"
    _text_is_text(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
