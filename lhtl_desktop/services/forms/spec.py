"""What a return form holds, as plain data: one unit and period, its institutions grouped by family, the
indicators of each family, last year's values, and the digest of its structure.

The Excel writer (`xlsx_out.py`), the paper form (`paper.py`) and the reader (`xlsx_in.py`) all work from a
`FormSpec`, so the three cannot disagree about which column is which indicator. The digest is taken over the
machine keys the workbook carries (sheet names, indicator code per column, institution id per row, number of
empty rows): the reader recomputes it from what it finds, so moved columns or deleted rows are caught.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from lhtl_desktop.errors import RefusedError
from lhtl_desktop.i18n import N_, _, in_every_language
from lhtl_desktop.model.catalogue import INSTITUTION_TYPES, Indicator, Level, indicators_for_type
from lhtl_desktop.model.periods import Period, parse_period
from lhtl_desktop.model.units import Unit
from lhtl_desktop.services.entry import current_from_records
from lhtl_desktop.services.installation import installation, is_ancestor_or_self, require_unit
from lhtl_desktop.storage import Store

FORM_FORMAT = "lhtl-form"
FORM_VERSION = 1
BLANK_ROWS = 8  # empty rows per sheet for institutions the form adds (a new village house, a school library)

# Sheet names in Vietnamese (the source); a form is written in the program's language (`sheet_name`) and read
# back in either, so a form made by an English installation imports into a Vietnamese one and the other way.
FAMILY_SHEETS = {"lib": N_("Thư viện"), "museum": N_("Bảo tàng"), "cc": N_("Văn hóa, nhà văn hóa")}


def sheet_name(family: str) -> str:
    return _(FAMILY_SHEETS[family])


def sheet_families() -> dict[str, str]:
    """Every accepted sheet name (in any of the program's languages) → its family."""
    return {name: family for family, source in FAMILY_SHEETS.items() for name in in_every_language(source)}
FAMILY_TITLES = {
    "lib": _("THƯ VIỆN"),
    "museum": _("BẢO TÀNG"),
    "cc": _("TRUNG TÂM VĂN HÓA, NHÀ VĂN HÓA THÔN, TỔ DÂN PHỐ"),
}
FAMILIES = ("lib", "museum", "cc")


@dataclass(frozen=True)
class FormRow:
    institution_id: str
    type: str
    type_label: str
    name: str
    village: str
    last_year: dict[str, int]


@dataclass(frozen=True)
class Section:
    family: str
    sheet: str
    title: str
    types: tuple[tuple[str, str], ...]  # (code, label) a new row may choose, allowed at the unit's level
    indicators: tuple[Indicator, ...]
    rows: tuple[FormRow, ...]
    blank_rows: int = BLANK_ROWS


@dataclass(frozen=True)
class FormSpec:
    unit: Unit
    period: Period
    province: Unit
    issuer_lines: tuple[str, ...]
    officer: str
    date: _dt.date
    sections: tuple[Section, ...] = field(default_factory=tuple)

    @property
    def form_id(self) -> str:
        return f"{self.unit.code}:{self.period.key}"

    @property
    def digest(self) -> str:
        return structure_digest(self.unit.code, self.period.key,
                                [(s.sheet, [i.code for i in s.indicators], [r.institution_id for r in s.rows],
                                  s.blank_rows) for s in self.sections])


def structure_digest(unit: str, period: str,
                     sections: Sequence[tuple[str, Sequence[str], Sequence[str], int]]) -> str:
    """SHA-256 (hex) of the canonical JSON of the form's machine keys."""
    data = {"format": FORM_FORMAT, "version": FORM_VERSION, "unit": unit, "period": period,
            "sections": [{"sheet": s, "codes": list(c), "ids": list(i), "blank": b} for s, c, i, b in sections]}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def types_for(family: str, level: str) -> tuple[tuple[str, str], ...]:
    return tuple((t.code, t.label) for t in INSTITUTION_TYPES if t.family == family and level in t.levels)


def type_labels_read(family: str, level: str) -> dict[str, str]:
    """A typed type label (case-folded, in any of the program's languages) → its type code."""
    labels = {}
    for t in INSTITUTION_TYPES:
        if t.family == family and level in t.levels:
            for spelling in in_every_language(t.source_label):
                labels[" ".join(spelling.split()).casefold()] = t.code
    return labels


def require_form_unit(store: Store, unit_code: str | None) -> Unit:
    """A form is for one commune (or the installation's own unit): mine, or a commune below me."""
    me = installation(store)
    unit = require_unit(store, unit_code) if unit_code else me.unit
    if not is_ancestor_or_self(store, me.unit.code, unit.code):
        raise RefusedError(
            _("{unit} nằm ngoài phạm vi của {me}: chỉ lập biểu cho đơn vị mình và đơn vị trực thuộc.")
            .format(unit=unit.name, me=me.unit.name), field="unit")
    return unit


def build_form(store: Store, unit_code: str | None, period: str, date: _dt.date | None = None) -> FormSpec:
    from lhtl_desktop.services.reports.formalities import default_issuer_lines
    from lhtl_desktop.services.reports.sheet import issuer_lines

    me = installation(store)
    unit = require_form_unit(store, unit_code)
    per = parse_period(period)
    province = store.unit(me.province_code) or me.unit
    insts = [i for i in store.institutions([unit.code]) if i.closed_year is None or i.closed_year > per.year]
    previous = per.previous().key
    records = store.records_for([unit.code], [previous]) if insts else []
    by_inst: dict[str, list] = {}  # type: ignore[type-arg]
    for rec in records:
        by_inst.setdefault(rec.institution_id, []).append(rec)
    sections: list[Section] = []
    type_order = {t.code: n for n, t in enumerate(INSTITUTION_TYPES)}
    for family in FAMILIES:
        allowed = types_for(family, unit.level)
        members = sorted((i for i in insts if _family(i.type) == family),
                         key=lambda i: (type_order.get(i.type, 99), (i.village or "").casefold(), i.name.casefold()))
        if not allowed and not members:
            continue
        rows = []
        for inst in members:
            last = current_from_records(by_inst.get(inst.id, []))
            rows.append(FormRow(inst.id, inst.type, inst.type_label, inst.name, inst.village or "",
                                {c: cv.value for c, cv in last.items() if cv.value is not None}))
        example_type = allowed[0][0] if allowed else members[0].type
        sections.append(Section(family, sheet_name(family), FAMILY_TITLES[family], allowed,
                                indicators_for_type(example_type), tuple(rows),
                                BLANK_ROWS if allowed else 0))
    # The form's unit issues it (the commune fills and signs it), whoever prints it.
    issuer = (issuer_lines(store, me.unit, province) if unit.code == me.unit.code
              else default_issuer_lines(unit, province))
    return FormSpec(unit, per, province, issuer, me.officer,
                    date or _dt.date.today(), tuple(sections))


def _family(type_code: str) -> str:
    for t in INSTITUTION_TYPES:
        if t.code == type_code:
            return t.family
    return ""


def form_units(store: Store, unit_code: str) -> list[Unit]:
    """The units a «one form each» export covers: a commune itself, or every commune of a hub."""
    unit = require_form_unit(store, unit_code)
    if unit.level == Level.COMMUNE:
        return [unit]
    from lhtl_desktop.services.installation import children_of

    return [u for u in children_of(store, unit.code) if u.level == Level.COMMUNE]
