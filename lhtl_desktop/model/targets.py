"""Programme targets and their evaluation maths (DOMAIN.md §2). Pure functions over plain data.

Rules, as the domain brief fixes them:
- threshold in force for year Y: the milestone of the first milestone year ≥ Y (after the last milestone,
  the last one stays in force);
- share = institutions of the group meeting the criterion ÷ active institutions of the group; an
  institution with no data stays in the denominator, does not meet, and is listed as missing;
- growth = (V_Y / V_{Y−1} − 1) × 100 over the scope's sum V; no value when V_{Y−1} is 0 or absent;
- on track (between milestones): value ≥ the straight line from the previous milestone (or the first year
  with data) to the next milestone. Share targets only: a growth threshold is a rate each year must reach
  ("≥ 10 %/year 2026–2030"), so a growth below the year's rate is behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from lhtl_desktop.i18n import N_, _
from lhtl_desktop.model.catalogue import TYPES_BY_CODE
from lhtl_desktop.model.criteria import CRITERIA, CRITERIA_RULE_VERSION, Criterion
from lhtl_desktop.model.reporting import Coverage


class TargetKind(StrEnum):
    SHARE = "share"
    GROWTH = "growth"


class Status(StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    MISSING_DATA = "missing_data"
    NOT_APPLICABLE = "not_applicable"  # no active institution of the group in the scope
    INCOMPLETE = "incomplete"  # not every expected unit has submitted: never shown as met or on track

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[Status, str] = {
    Status.MET: _("Đạt"),
    Status.ON_TRACK: _("Đúng tiến độ"),
    Status.BEHIND: _("Chậm tiến độ"),
    Status.MISSING_DATA: _("Thiếu dữ liệu"),
    Status.NOT_APPLICABLE: _("Không áp dụng"),
    Status.INCOMPLETE: _("Chưa đủ đơn vị báo cáo"),
}


@dataclass(frozen=True)
class TargetDefinition:
    code: str
    kind: TargetKind
    source_label: str  # Vietnamese, stored in the database as is; `label` is the program's language
    types: tuple[str, ...]
    criterion: str | None = None  # share targets
    indicator: str | None = None  # growth targets
    milestones: Mapping[int, float | None] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return _(self.source_label)


LIB_ALL_TYPES = tuple(code for code, t in TYPES_BY_CODE.items() if t.family == "lib")

DEFAULT_TARGETS: tuple[TargetDefinition, ...] = (
    TargetDefinition("LIB_PROV_LLL", TargetKind.SHARE, N_("Thư viện cấp tỉnh cung cấp dịch vụ học tập suốt đời"),
                     ("lib_province",), "LIB_LLL", milestones={2025: 100.0, 2030: 100.0}),
    TargetDefinition("LIB_DIST_LLL", TargetKind.SHARE, N_("Thư viện cấp huyện (cũ) cung cấp dịch vụ học tập suốt đời"),
                     ("lib_district",), "LIB_LLL", milestones={2025: 70.0, 2030: 90.0}),
    TargetDefinition("LIB_COMM_LLL", TargetKind.SHARE, N_("Thư viện cấp xã cung cấp dịch vụ học tập suốt đời"),
                     ("lib_commune",), "LIB_LLL", milestones={2025: 40.0, 2030: 60.0}),
    TargetDefinition("LIB_UNIV_LLL", TargetKind.SHARE,
                     N_("Thư viện trường đại học, chuyên ngành cung cấp dịch vụ học tập suốt đời"),
                     ("lib_university", "lib_specialised"), "LIB_LLL", milestones={2025: 90.0, 2030: 100.0}),
    TargetDefinition("LIB_ARMED_LLL", TargetKind.SHARE,
                     N_("Thư viện lực lượng vũ trang cung cấp dịch vụ học tập suốt đời"),
                     ("lib_armed_forces",), "LIB_LLL", milestones={2025: 80.0, 2030: 100.0}),
    TargetDefinition("LIB_SCHOOL_LLL", TargetKind.SHARE,
                     N_("Thư viện cơ sở giáo dục phổ thông, nghề nghiệp, khác cung cấp dịch vụ học tập suốt đời"),
                     ("lib_school", "lib_vocational", "lib_other_edu"), "LIB_LLL",
                     milestones={2025: 70.0, 2030: 90.0}),
    TargetDefinition("MUS_EDU_DIGITAL", TargetKind.SHARE,
                     N_("Bảo tàng có chương trình giáo dục và trưng bày trên không gian số"),
                     ("museum",), "MUS_LLL", milestones={2025: 70.0, 2030: 100.0}),
    TargetDefinition("CC_COMMUNE_ACTIVE", TargetKind.SHARE,
                     N_("Trung tâm văn hóa – thể thao xã hoạt động thường xuyên"),
                     ("cc_commune",), "CC_LLL", milestones={2025: 80.0, 2030: 100.0}),
    TargetDefinition("CC_VILLAGE_ACTIVE", TargetKind.SHARE,
                     N_("Nhà văn hóa thôn, tổ dân phố hoạt động thường xuyên"),
                     ("village_house",), "CC_LLL", milestones={2025: None, 2030: 100.0}),
    TargetDefinition("LIB_VISITS_GROWTH", TargetKind.GROWTH,
                     N_("Tăng lượt người sử dụng thư viện (%/năm)"),
                     LIB_ALL_TYPES, indicator="LIB_VISITS", milestones={2025: 5.0, 2030: 10.0}),
    TargetDefinition("MUS_LEARNING_GROWTH", TargetKind.GROWTH,
                     N_("Tăng lượt khách đến bảo tàng nghiên cứu, học tập (%/năm)"),
                     ("museum",), indicator="MUS_LEARNING_VISITS", milestones={2025: 5.0, 2030: 5.0}),
)


@dataclass(frozen=True)
class InstitutionFacts:
    """What the target maths needs to know of an institution."""

    id: str
    type: str
    unit: str
    name: str = ""
    opened_year: int | None = None
    closed_year: int | None = None

    def active_in(self, year: int) -> bool:
        """Closed institutions leave denominators from their closing year on."""
        if self.opened_year is not None and self.opened_year > year:
            return False
        return not (self.closed_year is not None and self.closed_year <= year)


# values_by_year[year][institution_id][indicator_code] = value
YearValues = Mapping[str, Mapping[str, int]]
ValuesByYear = Mapping[int, YearValues]


@dataclass(frozen=True)
class TargetResult:
    target: str
    kind: TargetKind
    label: str
    year: int
    scope: str
    numerator: float | None
    denominator: float | None
    value: float | None
    threshold: float | None
    threshold_year: int | None
    met: bool
    status: Status
    missing: tuple[str, ...] = ()
    meeting: tuple[str, ...] = ()
    not_meeting: tuple[str, ...] = ()
    rule_version: str = CRITERIA_RULE_VERSION
    note: str = ""  # e.g. «cơ sở năm 2024: số liệu tổng hợp theo đơn vị cũ» (growth from former units' totals)
    coverage: Coverage | None = None  # who reported (services.evaluation fills it in)
    measured_status: Status | None = None  # the status over the values received, before coverage
    period: str = ""  # "2025" or "2025-H1" (a half-year: judgements provisional); "" = the year


def with_coverage(result: TargetResult, coverage: Coverage, period: str = "") -> TargetResult:
    """The result as the programme's rule reads it: while a unit expected to report has not submitted, the
    status is «Chưa đủ đơn vị báo cáo» whatever the values say (DOMAIN.md §2: a unit that did not report is
    never counted as achieving). Value, numerator, denominator and `met` are kept as computed."""
    status = result.status if coverage.complete else Status.INCOMPLETE
    return replace(result, coverage=coverage, measured_status=result.status, status=status,
                   period=period or str(result.year))


def _defined(milestones: Mapping[int, float | None]) -> list[tuple[int, float]]:
    return sorted((y, t) for y, t in milestones.items() if t is not None)


def threshold_in_force(milestones: Mapping[int, float | None], year: int) -> tuple[int, float] | None:
    """(milestone year, threshold) in force for `year`: the first milestone year ≥ year with a value."""
    defined = _defined(milestones)
    if not defined:
        return None
    for y, t in defined:
        if y >= year:
            return y, t
    return defined[-1]


def on_track_line(
    milestones: Mapping[int, float | None], year: int, first_data: tuple[int, float] | None
) -> float | None:
    """The straight-line expectation for `year`, or None when no line can be drawn."""
    defined = _defined(milestones)
    nxt = next(((y, t) for y, t in defined if y > year), None)
    if nxt is None:
        return None
    previous = [(y, t) for y, t in defined if y < year]
    start = previous[-1] if previous else first_data
    if start is None or start[0] >= year:
        return None
    (y0, v0), (y1, v1) = start, nxt
    return v0 + (v1 - v0) * (year - y0) / (y1 - y0)


def _status(
    value: float | None,
    threshold: tuple[int, float] | None,
    milestones: Mapping[int, float | None],
    year: int,
    first_data: tuple[int, float] | None,
) -> tuple[bool, Status]:
    if value is None or threshold is None:
        return False, Status.MISSING_DATA
    if value >= threshold[1]:
        return True, Status.MET
    if threshold[0] == year:
        return False, Status.BEHIND  # a milestone year: the milestone itself is the test, no line
    line = on_track_line(milestones, year, first_data)
    if line is not None and value >= line:
        return False, Status.ON_TRACK
    return False, Status.BEHIND


@dataclass(frozen=True)
class _Share:
    numerator: int
    denominator: int
    meeting: tuple[str, ...]
    not_meeting: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator * 100 if self.denominator else None


def _share_at(target: TargetDefinition, year: int, institutions: Iterable[InstitutionFacts],
              year_values: YearValues, criteria: Mapping[str, Criterion] = CRITERIA) -> _Share:
    criterion = criteria[target.criterion or ""]
    meeting: list[str] = []
    not_meeting: list[str] = []
    missing: list[str] = []
    for inst in institutions:
        if inst.type not in target.types or not inst.active_in(year):
            continue
        verdict = criterion.evaluate(year_values.get(inst.id))
        if verdict is None:
            missing.append(inst.id)
        elif verdict:
            meeting.append(inst.id)
        else:
            not_meeting.append(inst.id)
    return _Share(len(meeting), len(meeting) + len(not_meeting) + len(missing),
                  tuple(meeting), tuple(not_meeting), tuple(missing))


def _sum_at(target: TargetDefinition, year: int, institutions: Iterable[InstitutionFacts],
            year_values: YearValues) -> tuple[int | None, list[str], list[str]]:
    """(sum or None when nobody reported, reporting ids, missing ids) of the target's indicator."""
    code = target.indicator or ""
    total = 0
    reported: list[str] = []
    missing: list[str] = []
    for inst in institutions:
        if inst.type not in target.types or not inst.active_in(year):
            continue
        value = year_values.get(inst.id, {}).get(code)
        if value is None:
            missing.append(inst.id)
        else:
            total += value
            reported.append(inst.id)
    return (total if reported else None), reported, missing


def growth_value(current: float | None, previous: float | None) -> float | None:
    """(V_Y / V_{Y−1} − 1) × 100; None when either sum is absent or V_{Y−1} is 0."""
    if current is None or previous is None or previous == 0:
        return None
    return (current / previous - 1) * 100


def evaluate_target(
    target: TargetDefinition,
    year: int,
    scope: str,
    institutions: Iterable[InstitutionFacts],
    values_by_year: ValuesByYear,
    milestones: Mapping[int, float | None] | None = None,
    criteria: Mapping[str, Criterion] | None = None,
) -> TargetResult:
    """Evaluate one target for one scope and year. `milestones` overrides the definition's defaults, `criteria`
    the criteria's numbers (the province's rules document; None: the defaults)."""
    crit = CRITERIA if criteria is None else criteria
    insts = list(institutions)
    ms = target.milestones if milestones is None else milestones
    threshold = threshold_in_force(ms, year)
    empty: YearValues = {}

    if target.kind == TargetKind.SHARE:
        share = _share_at(target, year, insts, values_by_year.get(year, empty), crit)
        first_data = _first_share(target, year, insts, values_by_year, crit)
        value = share.value
        met, status = _status(value, threshold, ms, year, first_data)
        if share.denominator == 0:
            met, status = False, Status.NOT_APPLICABLE
        elif len(share.missing) == share.denominator:
            met, status = False, Status.MISSING_DATA  # nobody reported: not a measured 0 %
            value = None  # shown as "—", never as "0 %"
        return TargetResult(
            target.code, target.kind, target.label, year, scope,
            share.numerator, share.denominator, value,
            threshold[1] if threshold else None, threshold[0] if threshold else None,
            met, status, share.missing, share.meeting, share.not_meeting,
        )

    current, reported, missing = _sum_at(target, year, insts, values_by_year.get(year, empty))
    previous, _reported_prev, missing_prev = _sum_at(target, year - 1, insts, values_by_year.get(year - 1, empty))
    value = growth_value(current, previous)
    # A growth threshold is a rate every year must reach (≥ 5 %/year to 2025, ≥ 10 %/year 2026–2030): there is
    # no straight line to be "on track" on, so a year below its rate is behind (no first-data point, no line).
    met, status = _status(value, threshold, {}, year, None)
    if not reported and not missing and not any(
        i.type in target.types and i.active_in(year - 1) for i in insts
    ):
        met, status = False, Status.NOT_APPLICABLE
    all_missing = tuple(dict.fromkeys([*missing, *missing_prev]))
    return TargetResult(
        target.code, target.kind, target.label, year, scope,
        current, previous, value,
        threshold[1] if threshold else None, threshold[0] if threshold else None,
        met, status, all_missing, tuple(reported), (),
    )


def _first_share(target: TargetDefinition, year: int, insts: list[InstitutionFacts],
                 values_by_year: ValuesByYear, criteria: Mapping[str, Criterion] = CRITERIA) -> tuple[int, float] | None:
    for y in sorted(y for y in values_by_year if y < year):
        share = _share_at(target, y, insts, values_by_year[y], criteria)
        if share.value is not None and len(share.missing) < share.denominator:
            return y, share.value
    return None


def on_track_level(target: TargetDefinition, year: int, institutions: Iterable[InstitutionFacts],
                   values_by_year: ValuesByYear, milestones: Mapping[int, float | None] | None = None,
                   criteria: Mapping[str, Criterion] | None = None) -> float | None:
    """The share a target's on-track line asks of `year` (None: no line), from the same data the evaluation
    used (`criteria`: the province's rules, as the evaluation read them): a workbook prints it beside the
    threshold so its own formulas can judge the target."""
    ms = target.milestones if milestones is None else milestones
    threshold = threshold_in_force(ms, year)
    if target.kind != TargetKind.SHARE or threshold is None or threshold[0] == year:
        return None  # a milestone year is judged by the milestone alone
    first = _first_share(target, year, list(institutions), values_by_year, CRITERIA if criteria is None else criteria)
    return on_track_line(ms, year, first)


TARGETS_BY_CODE: dict[str, TargetDefinition] = {t.code: t for t in DEFAULT_TARGETS}
