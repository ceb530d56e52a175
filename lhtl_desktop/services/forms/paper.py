"""The paper return form: the same form as the Excel one, laid out to print and fill by hand.

It reuses the summary sheet's page machinery (`services/reports/layout.py`: NĐ 30 header block, tables with
repeated headers, signature block; `pdf.py`: fpdf2 with embedded fonts): A4 landscape, one table per family
of institutions, one row per institution with a tall empty box per indicator and last year's value printed
small in it, empty rows for institutions not yet listed, and «Người lập biểu» / «Thủ trưởng đơn vị».
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from lhtl_desktop.i18n import _, fmt_int
from lhtl_desktop.model.catalogue import IndicatorKind
from lhtl_desktop.services.forms.spec import FormSpec, Section
from lhtl_desktop.services.reports.fonts import sheet_fonts
from lhtl_desktop.services.reports.formalities import Formalities
from lhtl_desktop.services.reports.layout import (
    MARGIN_BOTTOM,
    MARGIN_TOP,
    Column,
    Document,
    Page,
    Row,
    Table,
    _Writer,
)
from lhtl_desktop.services.reports.pdf import render_pdf
from lhtl_desktop.services.reports.sheet import Report, place_of

PAPER_BLANK_ROWS = 3


@dataclass(frozen=True)
class _Header:
    """What the page machinery reads from a report, for a form."""

    issuer_lines: tuple[str, ...]
    place_date: str
    title_lines: tuple[str, str]
    scope_line: str
    basis_line: str
    officer: str
    fingerprint: str = ""
    code: str = ""
    formalities: Formalities = field(default_factory=Formalities)  # a form carries no document number


class _FormWriter(_Writer):
    def number_line(self, centre: float, baseline: float) -> float:
        return baseline  # a blank form is not a numbered document: no «Số: …/BC-…» line

    def new_page(self) -> None:
        self.pages.append(Page(self.width, self.height))
        number = len(self.pages)
        if number > 1:
            self.text(str(number), self.width / 2, MARGIN_TOP / 2 + 2, 13, "", "C")
        footer = _("Biểu giấy điền tay: khi nhập vào chương trình, số liệu được ghi nguồn «biểu giấy», chưa ký.")
        self.text(footer, self.width / 2, self.height - MARGIN_BOTTOM / 2, 9, "I", "C")
        self.y = MARGIN_TOP


def _header(spec: FormSpec) -> _Header:
    place = place_of(spec.unit)
    return _Header(
        issuer_lines=spec.issuer_lines,
        place_date=_("{place}, ngày …… tháng …… năm ……").format(place=place),  # dated when it is filled
        title_lines=(_("BIỂU THU THẬP SỐ LIỆU"),
                     _("Hoạt động phục vụ học tập suốt đời — {period}").format(period=spec.period.label())),
        scope_line=_("Đơn vị: {name} (mã {code})").format(name=spec.unit.name, code=spec.unit.code),
        basis_line=_("Ghi số nguyên vào ô trống, không dùng dấu chấm, dấu phẩy; ô (0/1): ghi 1 nếu có, 0 nếu không. "
                     "Số nhỏ trong ô là số liệu năm trước để đối chiếu."),
        officer="",
    )


def _table(spec: FormSpec, s: Section, number: int) -> Table:
    prev_year = spec.period.previous().year
    columns = [Column(_("STT"), 7, "C"), Column(_("Tên thiết chế (thôn, tổ dân phố)"), 40)]
    columns += [Column(i.label if i.kind == IndicatorKind.FLAG else f"{i.label} ({i.unit})", 20)
                for i in s.indicators]  # a flag's label already ends «(0/1)»
    rows = []
    for n, r in enumerate(s.rows, 1):
        name = f"{r.name} ({r.village})" if r.village and r.village not in r.name else r.name
        cells = [str(n), name]
        for ind in s.indicators:
            last = r.last_year.get(ind.code)
            cells.append("\n\n" + (_("{y}: {v}").format(y=prev_year, v=fmt_int(last)) if last is not None else ""))
        rows.append(Row(tuple(cells)))
    for n in range(len(s.rows) + 1, len(s.rows) + 1 + (PAPER_BLANK_ROWS if s.types else 0)):
        rows.append(Row((str(n), _("Loại: ……………………\nTên: ……………………\nThôn: ……………………"),
                         *(["\n\n"] * len(s.indicators)))))
    return Table(f"{number}. {s.title.capitalize()}", tuple(columns), tuple(rows), 9)


def layout_form(spec: FormSpec) -> Document:
    fonts = sheet_fonts()
    header = _header(spec)
    w = _FormWriter(fonts, cast(Report, header))
    w.new_page()
    w.header_block()
    # A family with no institution and none typical at this level (a museum in a commune) is left off paper.
    sections = [s for s in spec.sections if s.rows or s.family in ("lib", "cc")]
    for n, section in enumerate(sections, 1):
        w.table(_table(spec, section, n))
    w.paragraph(_("Nhà văn hóa thôn, thiết chế mới chưa có tên trong biểu: ghi vào các dòng trống, ghi rõ loại thiết "
                  "chế và tên thôn, tổ dân phố."), 11, "I")
    w.signatures()
    title = " ".join(header.title_lines)
    return Document(w.pages, fonts, title, header.scope_line, frozenset(w.substituted))


def render_form_pdf(spec: FormSpec) -> bytes:
    return render_pdf(layout_form(spec))
