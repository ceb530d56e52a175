"""The summary sheet as plain data (Qt-free): who issues it, the numbers, and the tables printed from them.

`build_report(store, year, scope)` evaluates the targets (services.evaluation.evaluate) and gathers what a
sheet shows at each level (DOMAIN.md §8, issue 5):
- commune: each institution's values and whether it meets its criterion, and the commune's targets;
- hub: one row per commune (plus the hub's own institutions) and the hub total, and the targets;
- province: one row per hub (per commune in two-tier mode), the province total, every target with numerator,
  denominator, value, threshold and status, and the institutions missing data.
The PDF/printer layout (`layout.py`) and the workbook (`xlsx.py`) both read this one object, so paper and
Excel cannot disagree.

Issuing body (top left), chosen per level — the installation issues the sheet, whatever scope it covers:
- commune: "UBND XÃ …" (the commune People's Committee, whose culture officer makes the sheet);
- hub: "CỤM TỔNG HỢP" over the former district's name — since 1 July 2025 a hub is not a government tier,
  so the sheet does not pretend to come from a district committee;
- province: "UBND TỈNH …" over "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH": the department merges and evaluates the
  programme for the province committee (its plan, e.g. Ninh Bình's KH 87/KH-UBND), and NĐ 30 puts the
  governing body above it. The plan cited under the title is the one the province's rules name (services.config).
An installation can override the lines with the meta key `report_issuer` ("LINE 1|LINE 2"); that key and the
other NĐ 30 formalities (number line, recipients, place, signer) live in `formalities.py`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from lhtl_desktop.errors import RefusedError
from lhtl_desktop.i18n import _, fmt_int, fmt_percent
from lhtl_desktop.model.catalogue import INDICATORS, TYPES_BY_CODE, Level, indicators_for_type
from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.model.periods import MAX_YEAR, Period, max_period_year, parse_period
from lhtl_desktop.model.reporting import Coverage
from lhtl_desktop.model.targets import InstitutionFacts, Status, TargetDefinition, TargetKind
from lhtl_desktop.model.units import Unit
from lhtl_desktop.services import config as _config
from lhtl_desktop.services import evaluation as _evaluation
from lhtl_desktop.services import reporting as _reporting
from lhtl_desktop.services.installation import installation, is_ancestor_or_self, require_unit, subtree
from lhtl_desktop.services.reports.formalities import Formalities, default_place, formalities
from lhtl_desktop.services.reports.qr import SheetCode
from lhtl_desktop.storage import Store

# Short column heads for the per-unit table (the full labels are in the targets table).
TARGET_SHORT: dict[str, str] = {
    "LIB_PROV_LLL": _("TV tỉnh"),
    "LIB_DIST_LLL": _("TV huyện (cũ)"),
    "LIB_COMM_LLL": _("TV xã, phường"),
    "LIB_UNIV_LLL": _("TV đại học, chuyên ngành"),
    "LIB_ARMED_LLL": _("TV lực lượng vũ trang"),
    "LIB_SCHOOL_LLL": _("TV trường học"),
    "MUS_EDU_DIGITAL": _("Bảo tàng"),
    "CC_COMMUNE_ACTIVE": _("TTVH-TT xã"),
    "CC_VILLAGE_ACTIVE": _("Nhà văn hóa thôn"),
    "LIB_VISITS_GROWTH": _("Lượt sử dụng thư viện"),
    "MUS_LEARNING_GROWTH": _("Lượt học tập tại bảo tàng"),
}
FAMILY_CRITERION = {"lib": "LIB_LLL", "museum": "MUS_LLL", "cc": "CC_LLL"}
FAMILY_TITLES = {
    "lib": _("Thư viện"),
    "museum": _("Bảo tàng"),
    "cc": _("Trung tâm văn hóa, nhà văn hóa"),
}
CONFLICT_MARK = "⚠"
OWN_ROW_SUFFIX = _("(trực thuộc)")


@dataclass(frozen=True)
class TargetLine:
    code: str
    label: str
    kind: TargetKind
    numerator: int | None  # share: institutions meeting; growth: V_Y
    denominator: int | None  # share: active institutions; growth: V_{Y-1}
    value: float | None
    threshold: float | None
    threshold_year: int | None
    status: Status
    missing: tuple[str, ...]
    provisional: bool  # some input is an open conflict's provisional value (⚠)
    note: str = ""  # a growth base taken from former units' totals
    line: float | None = None  # share: what the on-track line asks of the year (the workbook judges with it)
    half_year: bool = False  # a 6-month report: the judgement is provisional

    @property
    def status_label(self) -> str:
        if self.half_year and self.status not in (Status.NOT_APPLICABLE, Status.INCOMPLETE):
            return _("{status} (tạm tính 6 tháng)").format(status=self.status.label)
        return self.status.label


@dataclass(frozen=True)
class UnitLine:
    """One row of the per-unit table. counts[target] = (numerator, denominator) of that row."""

    code: str
    name: str
    institutions: int
    missing: int
    counts: Mapping[str, tuple[int | None, int | None]]
    provisional: bool = False
    submitted: int = 0  # units of this row that have submitted the period's report …
    expected: int = 0  # … of those expected to (a commune: 0 or 1 of 1)

    @property
    def reported_text(self) -> str:
        return f"{self.submitted}/{self.expected}" if self.expected else "—"


@dataclass(frozen=True)
class InstitutionLine:
    id: str
    unit_code: str
    unit_name: str
    name: str
    type: str
    family: str
    values: Mapping[str, int]
    conflicted: frozenset[str]  # indicators shown from an open conflict
    meets: bool | None  # the family's criterion: True, False, None = no data


@dataclass(frozen=True)
class MissingLine:
    id: str
    unit_code: str
    unit_name: str
    name: str
    type_label: str
    targets: tuple[str, ...]


@dataclass(frozen=True)
class WorkbookInputs:
    """What the self-judging workbook needs beyond the printed tables (xlsx.py): the row of the per-unit table
    each institution counts in, the institutions active in Y−1 only (closed in Y: they count in a growth
    target's Y−1 sum), and the Y−1 values of the growth targets' indicators of institutions active in Y−1."""

    row_of: Mapping[str, str]
    closed: tuple[InstitutionLine, ...]
    previous: Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class Report:
    year: int
    level: str  # level of the scope
    scope: Unit
    issuer_lines: tuple[str, ...]  # top left, capitals; the last line is the issuing body (bold)
    place: str
    date: _dt.date
    officer: str
    fingerprint: str
    targets: list[TargetLine]
    units: list[UnitLine]
    total: UnitLine
    institutions: list[InstitutionLine]
    missing: list[MissingLine]
    code: str  # verification code of the printed data
    definitions: Mapping[str, TargetDefinition] = field(repr=False)
    unsigned: tuple[str, ...] = ()  # names of institutions whose year-Y values came from an Excel form, unsigned
    basis_notes: tuple[str, ...] = ()  # «Lượt sử dụng thư viện: cơ sở năm 2024: số liệu tổng hợp theo đơn vị cũ»
    formalities: Formalities = field(default_factory=Formalities)  # NĐ 30: number, recipients, signer
    workbook: WorkbookInputs | None = field(default=None, repr=False)  # what the workbook's formulas read
    codes: tuple[SheetCode, ...] = field(default=(), repr=False)  # QR codes printed after the closing block
    plan: str = ""  # the province's plan, as its rules document cites it (model.rules.Citation.as_text)
    config_version: int = 0  # the version of the province's rules the numbers were evaluated under
    config_label: str = ""
    period: Period | None = None  # None: the year
    coverage: Coverage | None = None
    deadline: _dt.date | None = None
    not_reported: tuple[_reporting.RegisterRow, ...] = ()  # «Đơn vị chưa báo cáo»
    # The criteria's numbers the evaluation used (the province's rules): the workbook's «Tham số» prints them.
    criteria_params: Mapping[str, Mapping[str, int]] = field(default_factory=dict, repr=False)

    @property
    def period_label(self) -> str:
        """«năm 2025» or «6 tháng đầu năm 2025»."""
        return (self.period or Period(self.year)).label().lower()

    @property
    def previous_period_label(self) -> str:
        """The period growth compares with: «năm 2024», or «6 tháng đầu năm 2024» for a half-year."""
        return (self.period or Period(self.year)).previous().label().lower()

    @property
    def coverage_line(self) -> str:
        if self.coverage is None:
            return ""
        line = self.coverage.text()
        if self.deadline is not None:
            line += _("; hạn nộp {d}").format(d=self.deadline.strftime("%d/%m/%Y"))
        return line

    # -- words printed on the sheet ----------------------------------------------------------------
    @property
    def place_date(self) -> str:
        """"Gia Lâm, ngày 05 tháng 01 năm 2026": leading zeros for days below 10 and months 1–2 (NĐ 30)."""
        d = self.date
        month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
        return _("{place}, ngày {day:02d} tháng {month} năm {year}").format(
            place=self.place, day=d.day, month=month, year=d.year)

    @property
    def title_lines(self) -> tuple[str, str]:
        if self.period is not None and not self.period.is_year:
            return (_("BÁO CÁO"), _("Kết quả thực hiện các chỉ tiêu phục vụ học tập suốt đời {period} (tạm tính)")
                    .format(period=self.period_label))
        return (_("BÁO CÁO"),
                _("Kết quả thực hiện các chỉ tiêu phục vụ học tập suốt đời năm {year}").format(year=self.year))

    @property
    def scope_line(self) -> str:
        return _("Phạm vi: {name} (mã {code})").format(name=self.scope.name, code=self.scope.code)

    @property
    def basis_line(self) -> str:
        """The national programme and the province's own plan, as the province's rules cite it (KH 87/KH-UBND
        is only Ninh Bình's), and the version of those rules the sheet was evaluated under."""
        return _("Căn cứ Quyết định số 1520/QĐ-TTg ngày 09/12/2022 của Thủ tướng Chính phủ và {plan} "
                 "(quy định của tỉnh: {version})").format(plan=self.plan, version=self.config_label)

    @property
    def row_unit_heading(self) -> str:
        lengths = {len(u.code) for u in self.units if u.code != self.scope.code} or {5}
        if lengths == {5}:
            return _("Xã, phường")
        if lengths == {3}:
            return _("Cụm tổng hợp (huyện cũ)")
        return _("Đơn vị")

    @property
    def any_provisional(self) -> bool:
        return any(t.provisional for t in self.targets) or any(i.conflicted for i in self.institutions)


# -- helpers ---------------------------------------------------------------------------------------
def _int(x: float | None) -> int | None:
    return None if x is None else int(round(x))


def format_count(x: int | None) -> str:
    return "—" if x is None else fmt_int(x)


def format_value(t: TargetLine) -> str:
    return fmt_percent(t.value)


def format_threshold(t: TargetLine) -> str:
    if t.threshold is None:
        return "—"
    text = fmt_percent(t.threshold, 0 if float(t.threshold).is_integer() else 1)
    prefix = "≥ " if t.kind == TargetKind.GROWTH else ""
    return f"{prefix}{text} ({t.threshold_year})" if t.threshold_year else prefix + text


def issuer_lines(store: Store, me_unit: Unit, province: Unit) -> tuple[str, ...]:
    return formalities(store, me_unit, province).issuer_lines


def place_of(unit: Unit) -> str:
    return default_place(unit)


def require_report_scope(store: Store, scope: str | None) -> Unit:
    """The unit of the sheet: mine or one below mine; anything else is refused with a Vietnamese message."""
    me = installation(store)
    if not scope:
        return me.unit
    unit = require_unit(store, scope)
    if not is_ancestor_or_self(store, me.unit.code, unit.code):
        raise RefusedError(
            _("{unit} nằm ngoài phạm vi của {me}: chỉ lập báo cáo cho đơn vị mình và đơn vị trực thuộc.")
            .format(unit=unit.name, me=me.unit.name), field="scope")
    return unit


# -- building ----------------------------------------------------------------------------------------
def build_report(store: Store, year: int | str, scope: str | None = None,
                 date: _dt.date | None = None, number: str | None = None) -> Report:
    from lhtl_desktop.services.reports.verification import verification_code_of

    per = parse_period(str(year), latest=MAX_YEAR)  # reading a milestone year ahead is allowed
    y = per.year
    key_y, key_p = per.key, per.previous().key
    me = installation(store)
    scope_unit = require_report_scope(store, scope)
    # One read serves the evaluation and the sheet: every indicator of Y and Y−1, grouped by key, full records
    # only where a conflict is open (the sheet prints every value of Y and marks conflicts of Y and Y−1).
    ev, table = _evaluation.evaluate_with_values(store, per.key, scope_unit.code, every_indicator=True)
    units_all = store.units()
    two_tier = me.two_tier
    codes = subtree(store, scope_unit.code)
    definitions = {t.code: t for t in store.target_definitions()}
    rules = _config.rules_in_force(store)
    criteria = _config.criteria_in_force(rules)  # the province's numbers, as the evaluation used them

    data = {yr: table.year(yr) for yr in (y, y - 1)}
    conflicted_y: dict[str, set[str]] = {}
    conflicted_any: set[str] = set()
    for inst_id, period, ind in table.conflicts:
        if period == key_y:
            conflicted_y.setdefault(inst_id, set()).add(ind)
        if period in (key_y, key_p):
            conflicted_any.add(inst_id)

    # Rows: the scope's children (hubs, or communes) and, when the scope holds institutions itself, its own row.
    from lhtl_desktop.model import hierarchy

    parent = {c: hierarchy.parent_of(units_all, c, two_tier=two_tier) for c in codes}
    children = [units_all[c] for c in codes if parent.get(c) == scope_unit.code]
    insts: dict[str, Institution] = ev.institutions

    def row_of(unit_code: str) -> str:
        current = unit_code
        while current != scope_unit.code and parent.get(current) not in (scope_unit.code, None):
            current = parent[current]  # type: ignore[assignment]
        return current

    if two_tier and scope_unit.level == Level.PROVINCE:
        # One row per commune; a former-district hub appears only for institutions of its own (lib_district).
        holding = {i.unit_code for i in insts.values()}
        children = [u for u in children if u.level == Level.COMMUNE or u.code in holding]
    if scope_unit.level == Level.COMMUNE:
        row_units = [scope_unit]
    else:
        row_units = list(children)
        if any(i.unit_code == scope_unit.code for i in insts.values()):
            row_units.insert(0, scope_unit)
    inst_row = {i.id: row_of(i.unit_code) for i in insts.values()}
    facts = {i.id: i.facts() for i in insts.values()}
    in_rows: dict[str, list[Institution]] = {}
    for inst in insts.values():
        in_rows.setdefault(inst_row[inst.id], []).append(inst)

    # Targets and per-row counts.
    from lhtl_desktop.model.targets import on_track_level

    # A half-year's line starts at a milestone only, as the evaluation draws it (no first year with data).
    line_years = {yr: table.year(yr) for yr in table.values} if per.is_year else {}
    targets: list[TargetLine] = []
    counts: dict[str, dict[str, tuple[int | None, int | None]]] = {u.code: {} for u in row_units}
    for r in ev.results:
        t = definitions[r.target]
        involved = [*r.meeting, *r.not_meeting, *r.missing]
        targets.append(TargetLine(
            r.target, r.label, r.kind, _int(r.numerator), _int(r.denominator), r.value, r.threshold,
            r.threshold_year, r.status, r.missing, any(i in conflicted_any for i in involved), r.note,
            on_track_level(t, y, [facts[i.id] for i in insts.values()], line_years, criteria=criteria),
            not per.is_year))
        if t.kind == TargetKind.SHARE:
            for u in row_units:
                counts[u.code][t.code] = (0, 0)
            for ids, meets in ((r.meeting, True), (r.not_meeting, False), (r.missing, False)):
                for inst_id in ids:
                    row = inst_row[inst_id]
                    num, den = counts[row][t.code]
                    counts[row][t.code] = ((num or 0) + int(meets), (den or 0) + 1)
        else:
            code = t.indicator or ""
            for u in row_units:
                counts[u.code][t.code] = (None, None)
            for idx, yr in ((0, y), (1, y - 1)):
                year_values = data.get(yr, {})
                for inst in insts.values():
                    if inst.type not in t.types or not facts[inst.id].active_in(yr):
                        continue
                    value = year_values.get(inst.id, {}).get(code)
                    if value is None:
                        continue
                    row = inst_row[inst.id]
                    pair = list(counts[row][t.code])
                    pair[idx] = (pair[idx] or 0) + value
                    counts[row][t.code] = (pair[0], pair[1])

    # Institutions, their values in year Y and their criterion.
    unit_names = {c: units_all[c].name for c in codes}
    inst_lines: list[InstitutionLine] = []
    year_values = data.get(y, {})
    for inst in insts.values():
        if not facts[inst.id].active_in(y):
            continue
        family = TYPES_BY_CODE[inst.type].family
        values = dict(year_values.get(inst.id, {}))
        criterion = criteria[FAMILY_CRITERION[family]]
        inst_lines.append(InstitutionLine(
            inst.id, inst.unit_code, unit_names.get(inst.unit_code, inst.unit_code), inst.name, inst.type, family,
            values, frozenset(conflicted_y.get(inst.id, ())), criterion.evaluate(values)))

    # Missing data: every institution listed as missing by some target, with those targets.
    missing_targets: dict[str, list[str]] = {}
    for r in ev.results:
        for inst_id in r.missing:
            missing_targets.setdefault(inst_id, []).append(r.target)
    missing = [
        MissingLine(i, insts[i].unit_code, unit_names.get(insts[i].unit_code, ""), insts[i].name,
                    TYPES_BY_CODE[insts[i].type].label, tuple(ts))
        for i, ts in missing_targets.items()
    ]
    missing.sort(key=lambda m: (m.unit_code, m.name.casefold(), m.id))

    if per.year <= max_period_year():
        register = _reporting.register(store, per.key, scope_unit.code, today=date)
        register_rows, coverage, deadline = register.rows, register.coverage, register.deadline
        expected_units = [e.unit for e in register_rows]
    else:  # a milestone year ahead, read only: no unit can have submitted for it (nor is there a register)
        register_rows, deadline = [], None
        coverage = ev.coverage or _reporting.coverage(store, scope_unit.code, per.key)
        expected_units = _reporting.expected_units(store, scope_unit.code)
    submitted_units = {e.unit for e in register_rows if e.status == _reporting.UnitStatus.SUBMITTED}
    expected_in_row: dict[str, list[str]] = {}
    for unit_code in expected_units:
        expected_in_row.setdefault(row_of(unit_code), []).append(unit_code)
    unit_lines: list[UnitLine] = []
    for u in row_units:
        in_row = in_rows.get(u.code, [])
        name = u.name if u.code != scope_unit.code or scope_unit.level == Level.COMMUNE \
            else f"{u.name} {OWN_ROW_SUFFIX}"
        unit_lines.append(UnitLine(
            u.code, name, sum(1 for i in in_row if facts[i.id].active_in(y)),
            sum(1 for i in in_row if i.id in missing_targets), counts[u.code],
            any(i.id in conflicted_any for i in in_row),
            sum(1 for c in expected_in_row.get(u.code, ()) if c in submitted_units), len(expected_in_row.get(u.code, ()))))
    total_counts: dict[str, tuple[int | None, int | None]] = {}
    for line in targets:
        pairs = [ul.counts[line.code] for ul in unit_lines]
        total_counts[line.code] = (
            _sum_or_none([p[0] for p in pairs]), _sum_or_none([p[1] for p in pairs]))
    total = UnitLine(scope_unit.code, _("Tổng cộng"), sum(u.institutions for u in unit_lines),
                     sum(u.missing for u in unit_lines), total_counts,
                     any(u.provisional for u in unit_lines), coverage.submitted, coverage.expected)

    workbook = _workbook_inputs(y, insts, facts, inst_row, unit_names, data, definitions.values())
    own = store.own_key()
    province = units_all.get(me.province_code, me.unit)
    paper = formalities(store, me.unit, province).with_number(number)
    report = Report(
        year=y, level=scope_unit.level, scope=scope_unit, issuer_lines=paper.issuer_lines,
        place=paper.place, date=date or _dt.date.today(), officer=me.officer,
        fingerprint=str(own["fingerprint"]) if own else "—", targets=targets, units=unit_lines, total=total,
        institutions=inst_lines, missing=missing, code="", definitions=definitions, formalities=paper,
        workbook=workbook,
        plan=rules.content.citation.as_text(), config_version=ev.config_version, config_label=ev.config_label,
        period=per, coverage=coverage, deadline=deadline,
        not_reported=tuple(e for e in register_rows if e.status != _reporting.UnitStatus.SUBMITTED),
        criteria_params={code: dict(c.params) for code, c in criteria.items() if c.params},
    )
    object.__setattr__(report, "code", verification_code_of(report))
    _add_provenance(store, report, codes, insts)
    return report


def _add_provenance(store: Store, report: Report, codes: Sequence[str], insts: Mapping[str, Institution]) -> None:
    """Say on the sheet which values are not signed data: Excel forms, and growth bases from former units."""
    from lhtl_desktop.services.forms.provenance import FORM_SOURCE
    from lhtl_desktop.storage.forms_store import institutions_with_reason_prefix

    period = report.period.key if report.period is not None else str(report.year)
    ids = institutions_with_reason_prefix(store, list(codes), period, FORM_SOURCE)
    unsigned = tuple(insts[i].name for i in ids if i in insts)
    notes = tuple(f"{TARGET_SHORT.get(t.code, t.code)}: {t.note}" for t in report.targets if t.note)
    object.__setattr__(report, "unsigned", unsigned)
    object.__setattr__(report, "basis_notes", notes)


def _workbook_inputs(y: int, insts: Mapping[str, Institution], facts: Mapping[str, InstitutionFacts],
                     inst_row: Mapping[str, str], unit_names: Mapping[str, str],
                     data: Mapping[int, Mapping[str, Mapping[str, int]]],
                     definitions: Iterable[TargetDefinition]) -> WorkbookInputs:
    growth = [t.indicator for t in definitions if t.kind == TargetKind.GROWTH and t.indicator]
    previous_year = data.get(y - 1, {})
    previous = {
        i.id: {c: previous_year[i.id][c] for c in growth if c in previous_year.get(i.id, {})}
        for i in insts.values() if facts[i.id].active_in(y - 1)
    }
    closed = tuple(
        InstitutionLine(i.id, i.unit_code, unit_names.get(i.unit_code, i.unit_code), i.name, i.type,
                        TYPES_BY_CODE[i.type].family, {}, frozenset(), None)
        for i in insts.values() if facts[i.id].active_in(y - 1) and not facts[i.id].active_in(y)
    )
    return WorkbookInputs(dict(inst_row), closed, {k: v for k, v in previous.items() if v})


def _sum_or_none(values: Sequence[int | None]) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def indicator_columns(family: str) -> list[str]:
    """Indicator codes shown for a family, in catalogue order."""
    return [i.code for i in INDICATORS if i.family == family]


def family_types(family: str) -> list[str]:
    return [code for code, t in TYPES_BY_CODE.items() if t.family == family]


def criterion_word(meets: bool | None) -> str:
    if meets is None:
        return _("Thiếu số liệu")
    return _("Đạt") if meets else _("Chưa đạt")


def indicators_of(inst: InstitutionLine) -> list[str]:
    return [i.code for i in indicators_for_type(inst.type)]
