"""Lays a `Report` out on A4 pages as a list of drawing operations (text at a baseline, lines), in mm.

One layout, two painters: `pdf.py` writes the operations with fpdf2, the window's printer draws them with
QPainter. The page follows Nghị định 30/2020/NĐ-CP, appendix I: issuing body top left in capitals with a
short rule under it; national title (12 pt, bold, capitals) and motto (13 pt, bold) top right with a rule as
long as the motto; place and date in italics under them; the title in bold; margins top 20, bottom 20,
left 30, right 15 mm; page numbers centred in the top margin, none on the first page. The tables are wide,
so the sheet is A4 landscape; every table repeats its header row on each page it spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from lhtl_desktop.i18n import _, fmt_int
from lhtl_desktop.model.catalogue import INDICATORS_BY_CODE, IndicatorKind, Level
from lhtl_desktop.model.targets import TargetKind
from lhtl_desktop.services.reports.fonts import MM_PER_PT, FontSet, sheet_fonts
from lhtl_desktop.services.reports.qr import SheetCode
from lhtl_desktop.services.reports.sheet import (
    CONFLICT_MARK,
    FAMILY_TITLES,
    TARGET_SHORT,
    Report,
    criterion_word,
    format_count,
    format_threshold,
    format_value,
    indicator_columns,
)

A4_LANDSCAPE = (297.0, 210.0)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20.0, 20.0, 30.0, 15.0
LINE = 1.22  # line height as a multiple of the font size (room for stacked Vietnamese marks)
CELL_PAD_X, CELL_PAD_Y = 1.2, 1.0
RULE = 0.25  # mm, rules of the header block
GRID = 0.2  # mm, table lines


@dataclass(frozen=True)
class TextOp:
    x: float  # left end of the run, mm
    y: float  # baseline, mm
    text: str
    size: float  # pt
    style: str  # "", "B", "I", "BI"
    marks: bool = False  # drawn with the marks font (⚠)


@dataclass(frozen=True)
class LineOp:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float


@dataclass(frozen=True)
class RectOp:
    """A filled black rectangle (the modules of a QR code)."""

    x: float
    y: float
    w: float
    h: float


@dataclass
class Page:
    width: float
    height: float
    ops: list[TextOp | LineOp | RectOp] = field(default_factory=list)

    @property
    def landscape(self) -> bool:
        return self.width > self.height


@dataclass
class Document:
    pages: list[Page]
    fonts: FontSet
    title: str
    subject: str
    substituted: frozenset[str] = frozenset()  # characters no bundled font has (drawn as "?"): a bug


@dataclass(frozen=True)
class Column:
    title: str
    weight: float
    align: str = "L"  # L, C, R


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    bold: bool = False


@dataclass(frozen=True)
class Table:
    heading: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    size: float = 10.0
    note: str = ""


def lh(size: float) -> float:
    return size * LINE * MM_PER_PT


class _Writer:
    def __init__(self, fonts: FontSet, report: Report) -> None:
        self.fonts = fonts
        self.report = report
        self.pages: list[Page] = []
        self.y = 0.0
        self.width, self.height = A4_LANDSCAPE
        self.left = MARGIN_LEFT
        self.right = self.width - MARGIN_RIGHT
        self.bottom = self.height - MARGIN_BOTTOM
        self.substituted: set[str] = set()

    @property
    def content_width(self) -> float:
        return self.right - self.left

    @property
    def page(self) -> Page:
        return self.pages[-1]

    # -- primitives ------------------------------------------------------------------------------
    def new_page(self) -> None:
        self.pages.append(Page(self.width, self.height))
        number = len(self.pages)
        if number > 1:  # NĐ 30: centred in the top margin, not on the first page
            self.text(str(number), self.width / 2, MARGIN_TOP / 2 + 2, 13, "", "C")
        footer = _("Dấu vân tay khóa của đơn vị lập biểu: {fp}    ·    Mã kiểm tra số liệu: {code}").format(
            fp=self.report.fingerprint, code=self.report.code)
        self.text(footer, self.width / 2, self.height - MARGIN_BOTTOM / 2, 9, "I", "C")
        self.y = MARGIN_TOP

    def ascent(self, size: float, style: str = "") -> float:
        face = self.fonts.face(style)
        return face.ascent / face.units_per_em * size * MM_PER_PT

    def width_of(self, text: str, size: float, style: str) -> float:
        return self.fonts.width(text, style, size)

    def text(self, text: str, x: float, y: float, size: float, style: str = "", align: str = "L") -> float:
        """Draw one line; x is the left end, the centre or the right end by `align`. Returns its width."""
        w = self.width_of(text, size, style)
        if align == "C":
            x -= w / 2
        elif align == "R":
            x -= w
        main = self.fonts.face(style)
        self.substituted.update(c for c in text if not main.has(c) and not self.fonts.marks.has(c))
        for marks, run in self.fonts.runs(text, style):
            self.page.ops.append(TextOp(x, y, run, size, "" if marks else style, marks))
            x += (self.fonts.marks if marks else main).width(run, size)
        return w

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = GRID) -> None:
        self.page.ops.append(LineOp(x1, y1, x2, y2, width))

    def wrap(self, text: str, width: float, size: float, style: str) -> list[str]:
        """Greedy word wrap; a word longer than the width is cut by characters."""
        lines: list[str] = []
        for para in text.split("\n"):
            current = ""
            for word in para.split(" "):
                candidate = f"{current} {word}" if current else word
                if self.width_of(candidate, size, style) <= width or not current:
                    current = candidate
                else:
                    lines.append(current)
                    current = word
                while self.width_of(current, size, style) > width and len(current) > 1:
                    cut = len(current) - 1
                    while cut > 1 and self.width_of(current[:cut], size, style) > width:
                        cut -= 1
                    lines.append(current[:cut])
                    current = current[cut:]
            lines.append(current)
        return lines

    def ensure(self, height: float) -> None:
        if self.y + height > self.bottom:
            self.new_page()

    def paragraph(self, text: str, size: float, style: str = "", align: str = "L", indent: float = 0.0,
                  space_after: float = 1.5) -> None:
        width = self.content_width - indent
        for line in self.wrap(text, width, size, style):
            self.ensure(lh(size))
            base = self.y + self.ascent(size, style)
            if align == "C":
                self.text(line, self.left + indent + width / 2, base, size, style, "C")
            else:
                self.text(line, self.left + indent, base, size, style)
            self.y += lh(size)
        self.y += space_after

    # -- the NĐ 30 header block ------------------------------------------------------------------
    def header_block(self) -> None:
        r = self.report
        nat, motto = _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), _("Độc lập - Tự do - Hạnh phúc")
        nat_size, motto_size, issuer_size = 12.0, 13.0, 12.0
        right_w = max(self.width_of(nat, nat_size, "B"), self.width_of(motto, motto_size, "B"))
        right_c = self.right - right_w / 2
        issuer_w = max(self.width_of(t, issuer_size, "B") for t in r.issuer_lines)
        left_c = self.left + max(issuer_w / 2, 42.0)
        top = MARGIN_TOP + self.ascent(nat_size, "B")

        # Left: governing body (regular) over the issuing body (bold), then a short centred rule.
        y = top
        for i, line in enumerate(r.issuer_lines):
            last = i == len(r.issuer_lines) - 1
            self.text(line, left_c, y, issuer_size, "B" if last else "", "C")
            if last:
                rule = self.width_of(line, issuer_size, "B") * 0.4
                self.line(left_c - rule / 2, y + 1.6, left_c + rule / 2, y + 1.6, RULE)
            y += lh(issuer_size)
        left_bottom = y

        # Right: national title, motto with a rule as long as the motto, place and date in italics.
        self.text(nat, right_c, top, nat_size, "B", "C")
        motto_y = top + lh(motto_size)
        mw = self.text(motto, right_c, motto_y, motto_size, "B", "C")
        self.line(right_c - mw / 2, motto_y + 1.6, right_c + mw / 2, motto_y + 1.6, RULE)
        date_y = motto_y + 8.5
        self.text(r.place_date, right_c, date_y, 13, "I", "C")
        number_y = self.number_line(left_c, max(left_bottom + 2.0, date_y))
        self.y = max(number_y, date_y) + 8.0

        # Title and its short rule, scope and legal basis.
        heading, summary = r.title_lines
        self.paragraph(heading, 14, "B", "C", space_after=0)
        self.paragraph(summary, 14, "B", "C", space_after=0.5)
        c = self.left + self.content_width / 2
        self.line(c - 20, self.y + 0.8, c + 20, self.y + 0.8, RULE)
        self.y += 2.5
        self.paragraph(r.scope_line, 13, "", "C", space_after=0.5)
        self.paragraph(r.basis_line, 12, "I", "C", space_after=4)

    def number_line(self, centre: float, baseline: float) -> float:
        """NĐ 30: «Số: 12/BC-UBND» centred under the issuing body, on the line of the place and date."""
        self.text(self.report.formalities.number_line, centre, baseline, 13, "", "C")
        return baseline

    # -- tables ------------------------------------------------------------------------------------
    def _cell_lines(self, text: str, width: float, size: float, style: str, align: str) -> tuple[list[str], float]:
        """Lines of a cell and the size they are drawn at: numbers stay on one line (shrunk if need be)."""
        inner = width - 2 * CELL_PAD_X
        if align == "R":
            s = size
            while s > 5 and self.width_of(text, s, style) > inner:
                s -= 0.5
            return [text], s
        return self.wrap(text, inner, size, style), size

    def _row(self, cells: Sequence[str], widths: Sequence[float], aligns: Sequence[str], size: float,
             style: str, measure_only: bool = False) -> float:
        laid = [self._cell_lines(t, w, size, style, a) for t, w, a in zip(cells, widths, aligns, strict=True)]
        height = max(len(lines) * lh(s) for lines, s in laid) + 2 * CELL_PAD_Y
        if measure_only:
            return height
        top = self.y
        x = self.left
        for (lines, s), w, a in zip(laid, widths, aligns, strict=True):
            block = len(lines) * lh(s)
            y = top + (height - block) / 2 + self.ascent(s, style)
            for line in lines:
                if a == "R":
                    self.text(line, x + w - CELL_PAD_X, y, s, style, "R")
                elif a == "C":
                    self.text(line, x + w / 2, y, s, style, "C")
                else:
                    self.text(line, x + CELL_PAD_X, y, s, style)
                y += lh(s)
            x += w
        self.line(self.left, top, self.right, top)
        self.line(self.left, top + height, self.right, top + height)
        x = self.left
        for w in (0.0, *widths):
            x += w
            self.line(x, top, x, top + height)
        self.y = top + height
        return height

    def table(self, table: Table, sub: bool = False, keep_after: float = 0.0) -> None:
        """Draw a table, its header repeated on each page. `keep_after` is the height of what must stay on
        the page of the last row (the closing block): the last row moves to a new page rather than leave
        the signatures alone on one."""
        total = sum(c.weight for c in table.columns)
        widths = [c.weight / total * self.content_width for c in table.columns]
        heads = [c.title for c in table.columns]
        head_aligns = ["C"] * len(heads)
        aligns = [c.align for c in table.columns]
        head_size = table.size - 0.5
        head_h = self._row(heads, widths, head_aligns, head_size, "B", measure_only=True)
        first_h = self._row(table.rows[0].cells, widths, aligns, table.size, "", True) if table.rows else 0.0
        heading_h = lh(12) + 1.5 if table.heading else 0.0
        after = 1.5 + (self.paragraph_height(table.note, 10, "I") if table.note else 0.0) + 2.5 + keep_after
        lone = len(table.rows) <= 1
        # a heading never ends a page alone; a one-row table keeps its closing block too
        self.ensure(heading_h + head_h + first_h + (after if lone and keep_after else 0.0))
        if table.heading:
            self.paragraph(table.heading, 12, "BI" if sub else "B", space_after=1.0)
        self._row(heads, widths, head_aligns, head_size, "B")
        for k, row in enumerate(table.rows):
            style = "B" if row.bold else ""
            h = self._row(row.cells, widths, aligns, table.size, style, measure_only=True)
            needed = h + (after if keep_after and k == len(table.rows) - 1 else 0.0)
            if self.y + needed > self.bottom:
                self.new_page()
                self._row(heads, widths, head_aligns, head_size, "B")  # header repeated on every page
            self._row(row.cells, widths, aligns, table.size, style)
        self.y += 1.5
        if table.note:
            self.paragraph(table.note, 10, "I")
        self.y += 2.5

    def paragraph_height(self, text: str, size: float, style: str = "", indent: float = 0.0,
                         space_after: float = 1.5) -> float:
        return len(self.wrap(text, self.content_width - indent, size, style)) * lh(size) + space_after

    # -- closing block: «Nơi nhận», the maker and the signer (NĐ 30) ------------------------------------
    SIGN_SPACE = 24.0  # mm left for the signature and the seal

    def _recipient_lines(self, width: float) -> list[str]:
        lines: list[str] = []
        for item in self.report.formalities.recipients:
            lines += self.wrap(f"- {item}", width, 11, "")
        return lines

    def signatures(self, measure_only: bool = False) -> float:
        """Draw the closing block (or only measure it): «Nơi nhận:» and its list at the left, «Người lập
        biểu» in the middle, the signer's position, the signature space and name at the right."""
        paper = self.report.formalities
        cw = self.content_width
        recipients_w = cw * 0.3
        recipients = self._recipient_lines(recipients_w)
        titles = paper.signer_title or ("",)
        left_h = lh(12) + len(recipients) * lh(11)
        right_h = (len(titles) + 1) * lh(13) + self.SIGN_SPACE + lh(13)
        height = 4 + max(left_h, right_h) + 4
        if measure_only:
            return height
        self.ensure(height)
        self.y += 4
        top = self.y
        middle_c = self.left + cw * 0.47
        right_c = self.left + cw * 0.79
        base = top + self.ascent(12, "BI")
        self.text(_("Nơi nhận:"), self.left, base, 12, "BI")
        for line in recipients:
            base += lh(11)
            self.text(line, self.left, base, 11, "")
        base = top + self.ascent(13, "B")
        self.text(_("NGƯỜI LẬP BIỂU"), middle_c, base, 13, "B", "C")
        for i, title in enumerate(titles):
            self.text(title, right_c, base + i * lh(13), 13, "B", "C")
        self.text(_("(Ký, ghi rõ họ tên)"), middle_c, base + lh(13), 13, "I", "C")
        sign_base = base + len(titles) * lh(13)
        self.text(_("(Ký, ghi rõ họ tên, đóng dấu)"), right_c, sign_base, 13, "I", "C")
        name_base = sign_base + lh(13) + self.SIGN_SPACE
        self.text(self.report.officer, middle_c, name_base, 13, "B", "C")
        if paper.signer_name:
            self.text(paper.signer_name, right_c, name_base, 13, "B", "C")
        self.y = top + height - 4
        return height


    # -- QR codes (services/reports/qr.py; made and signed by sync/sheet_codes.py) ------------------------------
    def codes_block(self) -> None:
        """After the closing block: the verification code, and on a commune sheet the data codes, with what each
        is for. A code never splits; codes go on as many rows and pages as they need."""
        codes = self.report.codes
        if not codes:
            return
        from lhtl_desktop.services.reports.qr import MODULE_MM

        note = _("Mã QR: mã kiểm tra để đối chiếu biểu với số liệu (lệnh «lhtl sheet verify» ảnh chụp hoặc tệp PDF)")
        if len(codes) > 1:
            note += _("; {n} mã số liệu có chữ ký để cấp trên nhập thẳng từ ảnh chụp hoặc ảnh quét của biểu "
                      "(lệnh «lhtl import» ảnh chụp), như một gói dữ liệu").format(n=len(codes) - 1)
        note += "."
        caption_h = lh(9) + 1
        # The codes stay together on one page (a photo of that page is what `import` reads): the whole block
        # starts a new page when it does not fit under the closing block.
        per_row = max(1, int((self.content_width + 6) // (codes[0].width_mm + 6)))
        rows = -(-len(codes) // per_row)
        note_h = self.paragraph_height(note, 11, "I", space_after=2)
        self.ensure(4 + note_h + rows * (max(c.width_mm for c in codes) + caption_h + 2))
        self.y += 4
        self.paragraph(note, 11, "I", space_after=2)
        x = self.left
        row_h = 0.0
        for code in codes:
            w = code.width_mm
            if x + w > self.right + 0.01:
                x, self.y = self.left, self.y + row_h
                row_h = 0.0
            if self.y + w + caption_h > self.bottom:
                self.new_page()
                x, row_h = self.left, 0.0
            self.page.ops += qr_ops(code, x, self.y, MODULE_MM)
            self.text(code.label, x + w / 2, self.y + w + self.ascent(9), 9, "", "C")
            row_h = max(row_h, w + caption_h + 2)
            x += w + 6
        self.y += row_h


def qr_ops(code: SheetCode, x: float, y: float, module: float) -> list[RectOp]:
    """A code's black runs as rectangles, its quiet zone included in (x, y). Each run reaches 0.02 mm into the
    next row, so a renderer's anti-aliasing leaves no pale seam between rows of modules."""
    from lhtl_desktop.services.reports.qr import QUIET

    top, left = y + QUIET * module, x + QUIET * module
    return [RectOp(left + start * module, top + r * module, length * module, module + 0.02)
            for r, runs in enumerate(code.rows) for start, length in runs]


# -- what each level prints ----------------------------------------------------------------------------
def _mark(text: str, flagged: bool) -> str:
    return f"{text} {CONFLICT_MARK}" if flagged else text


def targets_table(r: Report, number: str) -> Table:
    columns = (
        Column(_("STT"), 9, "C"), Column(_("Chỉ tiêu"), 78), Column(_("Tử số"), 21, "R"),
        Column(_("Mẫu số"), 21, "R"), Column(_("Kết quả"), 17, "R"), Column(_("Ngưỡng (năm mốc)"), 24, "R"),
        Column(_("Đánh giá"), 20, "C"), Column(_("Số thiết chế thiếu số liệu"), 17, "R"),
    )
    rows = tuple(
        Row((str(n), _mark(t.label, t.provisional), format_count(t.numerator), format_count(t.denominator),
             format_value(t), format_threshold(t), t.status_label, fmt_int(len(t.missing))))
        for n, t in enumerate(r.targets, 1)
    )
    note = _("Chỉ tiêu tỉ lệ: tử số là số thiết chế đạt tiêu chí, mẫu số là số thiết chế đang hoạt động của nhóm "
             "(thiết chế chưa có số liệu vẫn tính vào mẫu số và không đạt). Chỉ tiêu tăng trưởng: tử số là tổng "
             "{period}, mẫu số là tổng {previous}, kết quả = (tử số ÷ mẫu số − 1) × 100.").format(
        period=r.period_label, previous=r.previous_period_label)
    if r.coverage is not None and not r.coverage.complete:
        note += " " + _("«Chưa đủ đơn vị báo cáo»: còn đơn vị phải báo cáo chưa nộp, nên chưa kết luận đạt hay đúng "
                        "tiến độ; tử số, mẫu số và kết quả tính trên số liệu đã nhận.")
    if r.period is not None and not r.period.is_year:
        note += " " + _("Số liệu 6 tháng: đánh giá chỉ tiêu là tạm tính.")
    return Table(_("{n}. Kết quả thực hiện các chỉ tiêu {p}").format(n=number, p=r.period_label), columns, rows, 10,
                 note)


def units_table(r: Report, number: str) -> Table:
    head = r.row_unit_heading
    share = [t for t in r.targets if t.kind == TargetKind.SHARE]
    growth = [t for t in r.targets if t.kind == TargetKind.GROWTH]
    columns: list[Column] = [Column(_("STT"), 9, "C"), Column(head, 40), Column(_("Đã nộp"), 9, "C"),
                             Column(_("Số thiết chế"), 10, "R"), Column(_("Thiếu số liệu"), 10, "R")]
    columns += [Column(TARGET_SHORT.get(t.code, t.code), 13, "R") for t in share]
    for t in growth:
        short = TARGET_SHORT.get(t.code, t.code)
        columns += [Column(f"{short} {r.year}", 15, "R"), Column(f"{short} {r.year - 1}", 15, "R")]

    def cells(n: str, u_name: str, ul) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
        out = [n, u_name, ul.reported_text, fmt_int(ul.institutions), fmt_int(ul.missing)]
        for t in share:
            num, den = ul.counts[t.code]
            out.append(f"{num}/{den}" if den else "—")
        for t in growth:
            cur, prev = ul.counts[t.code]
            out += [format_count(cur), format_count(prev)]
        return tuple(out)

    rows = [Row(cells(str(n), _mark(u.name, u.provisional), u)) for n, u in enumerate(r.units, 1)]
    rows.append(Row(cells("", r.total.name, r.total), bold=True))
    note = _("Cột «Đã nộp»: số đơn vị đã nộp báo cáo / số đơn vị phải báo cáo. "
             "Cột chỉ tiêu tỉ lệ ghi: số thiết chế đạt tiêu chí / số thiết chế đang hoạt động của nhóm; "
             "«—»: không có thiết chế của nhóm hoặc không có số liệu.")
    title = _("{n}. Tổng hợp theo {unit} năm {y}").format(n=number, unit=head.lower(), y=r.year)
    return Table(title, tuple(columns), tuple(rows), 9, note)


def institution_tables(r: Report, number: str) -> list[Table]:
    tables: list[Table] = []
    families = [f for f in ("lib", "museum", "cc") if any(i.family == f for i in r.institutions)]
    for k, family in enumerate(families, 1):
        codes = indicator_columns(family)
        columns = [Column(_("STT"), 9, "C"), Column(_("Tên thiết chế"), 46)]
        columns += [Column(INDICATORS_BY_CODE[c].label, 18, "R") for c in codes]
        columns.append(Column(_("Tiêu chí học tập suốt đời"), 18, "C"))
        rows = []
        for n, inst in enumerate((i for i in r.institutions if i.family == family), 1):
            cells = [str(n), inst.name]
            for c in codes:
                v = inst.values.get(c)
                if v is None:
                    text = "—"
                elif INDICATORS_BY_CODE[c].kind == IndicatorKind.FLAG:
                    text = _("Có") if v else _("Không")
                else:
                    text = fmt_int(v)
                cells.append(_mark(text, c in inst.conflicted))
            cells.append(criterion_word(inst.meets))
            rows.append(Row(tuple(cells)))
        tables.append(Table(f"{k}. {FAMILY_TITLES[family]}", tuple(columns), tuple(rows),
                            9.5 if family == "lib" else 10))
    return tables


def missing_table(r: Report, number: str) -> Table:
    columns = (Column(_("STT"), 9, "C"), Column(_("Đơn vị"), 40), Column(_("Thiết chế"), 70),
               Column(_("Loại thiết chế"), 50), Column(_("Chỉ tiêu bị ảnh hưởng"), 60))
    rows = tuple(
        Row((str(n), m.unit_name, m.name, m.type_label, ", ".join(TARGET_SHORT.get(t, t) for t in m.targets)))
        for n, m in enumerate(r.missing, 1)
    )
    return Table(_("{n}. Thiết chế chưa có số liệu ({period} hoặc {previous})").format(
        n=number, period=r.period_label, previous=r.previous_period_label), columns, rows, 10)


def not_reported_table(r: Report, number: str) -> Table:
    """«Đơn vị chưa báo cáo»: every expected unit that has not submitted, with the deadline and lateness."""
    columns = (Column(_("STT"), 9, "C"), Column(_("Mã"), 14, "C"), Column(_("Đơn vị"), 60),
               Column(_("Cụm"), 14, "C"), Column(_("Tình trạng"), 50), Column(_("Hạn nộp"), 24, "C"),
               Column(_("Quá hạn"), 18, "C"))
    rows = tuple(
        Row((str(n), row.unit, row.name, row.hub or "", row.status.label, row.deadline.strftime("%d/%m/%Y"),
             _("Quá hạn") if row.late else _("Chưa đến hạn")))
        for n, row in enumerate(r.not_reported, 1)
    )
    return Table(_("{n}. Đơn vị chưa báo cáo ({p})").format(n=number, p=r.period_label), columns, rows, 10)


ROMAN = ("I", "II", "III", "IV", "V", "VI")


def layout_report(report: Report, fonts: FontSet | None = None) -> Document:
    fonts = fonts or sheet_fonts()
    w = _Writer(fonts, report)
    w.new_page()
    w.header_block()
    if report.coverage_line:
        w.paragraph(_("Tình hình báo cáo: {line}.").format(line=report.coverage_line), 12, "I", space_after=2.0)
    numbers = iter(ROMAN)
    # What follows the last table stays on its page: the notes (values not signed, bases from former units,
    # provisional values) and the closing block.
    closing_notes: list[str] = []
    if report.unsigned:  # values from Excel return forms are never passed off as signed data
        closing_notes.append(_("Nguồn: biểu Excel, chưa ký — số liệu năm {y} của: {names}.").format(
            y=report.year, names=", ".join(report.unsigned)))
    closing_notes += [note[:1].upper() + note[1:] + "." for note in report.basis_notes]
    if report.any_provisional:
        closing_notes.append(_("{mark} Số liệu tạm tính: giá trị đang có xung đột chưa được giải quyết giữa các "
                               "cấp; cần thống nhất trước khi ký.").format(mark=CONFLICT_MARK))
    tail = sum(w.paragraph_height(n, 11, "I") for n in closing_notes) + w.signatures(measure_only=True)
    if report.level == Level.COMMUNE:
        number = next(numbers)
        w.ensure(lh(12) * 3 + 25)
        w.paragraph(_("{n}. Số liệu của các thiết chế {period}").format(n=number, period=report.period_label), 12, "B",
                    space_after=1.0)
        tables = institution_tables(report, number)
        for t in tables:
            w.table(t, sub=True)
        if not tables:
            w.paragraph(_("Chưa có thiết chế nào đang hoạt động."), 12, "I")
    else:
        w.table(units_table(report, next(numbers)))
    later: list[Table] = [targets_table(report, next(numbers))]
    if report.missing:
        later.append(missing_table(report, next(numbers)))
    if report.not_reported:
        later.append(not_reported_table(report, next(numbers)))
    for k, table in enumerate(later):
        w.table(table, keep_after=tail if k == len(later) - 1 else 0.0)
    for note in closing_notes:
        w.paragraph(note, 11, "I")
    w.signatures()
    w.codes_block()
    title = " ".join(report.title_lines)
    return Document(w.pages, fonts, title, report.scope_line, frozenset(w.substituted))
