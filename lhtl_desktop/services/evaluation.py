"""Evaluating every target for a scope and year (DOMAIN.md §2), with the lists behind each number."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lhtl_desktop.i18n import _
from lhtl_desktop.model.criteria import CRITERIA, Criterion
from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.model.periods import MAX_YEAR, parse_period
from lhtl_desktop.model.records import ValueRecord, choose_provisional
from lhtl_desktop.model.reporting import Coverage
from lhtl_desktop.model.targets import (
    InstitutionFacts,
    Status,
    TargetDefinition,
    TargetKind,
    TargetResult,
    ValuesByYear,
    YearValues,
    evaluate_target,
    on_track_line,
    threshold_in_force,
    with_coverage,
)
from lhtl_desktop.services import config, reporting
from lhtl_desktop.services.installation import installation, require_unit, subtree
from lhtl_desktop.storage import Store


@dataclass(frozen=True)
class Evaluation:
    year: int
    scope: str
    scope_name: str
    results: list[TargetResult]
    institutions: dict[str, Institution]
    provisional: frozenset[tuple[str, str]]  # (institution, indicator) read from an open conflict (⚠)
    form_sourced: frozenset[str] = frozenset()  # institutions with year-Y values from an Excel form (dashboard.py)
    coverage: Coverage | None = None  # who of the units expected to report for the period has submitted
    period: str = ""  # "2025", or "2025-H1": the half-year's figures, judgements provisional
    config_version: int = 0  # the province's rules document used (0: the set-up defaults)
    config_label: str = ""  # «phiên bản 3 (01/12/2026)», printed on pages and sheets

    @property
    def half_year(self) -> bool:
        return self.period.endswith("-H1")


def _indicators_of(targets: Sequence[TargetDefinition]) -> list[str]:
    codes: list[str] = []
    for t in targets:
        codes.extend(CRITERIA[t.criterion].inputs if t.kind == TargetKind.SHARE and t.criterion else [t.indicator or ""])
    return sorted(set(codes))


def values_by_year(records: Sequence[ValueRecord]) -> tuple[ValuesByYear, frozenset[tuple[str, str]]]:
    """Yearly values per institution, taking the provisional sibling where a conflict is open."""
    groups: dict[tuple[str, str, str], list[ValueRecord]] = {}
    for rec in records:
        groups.setdefault(rec.key, []).append(rec)
    out: dict[int, dict[str, dict[str, int]]] = {}
    provisional: set[tuple[str, str]] = set()
    for (inst, period, code), recs in groups.items():
        chosen = choose_provisional(recs)
        if chosen is None or chosen.value is None or not period.isdigit():
            continue
        out.setdefault(int(period), {}).setdefault(inst, {})[code] = chosen.value
        if len(recs) > 1:
            provisional.add((inst, code))
    return out, frozenset(provisional)


class ValueTable:
    """Values read for an evaluation or a sheet: four columns a row, grouped by key in storage
    (Store.grouped_values), full records only for keys in conflict.

    values[year][institution][indicator] holds the value in force, the provisional sibling (choose_provisional:
    higher level first, then later) where a conflict is open; tombstones leave no value. conflicts holds every
    (institution, period, indicator) read that has more than one current record, provisional those of them
    whose provisional sibling carries a value. Only the periods and indicators asked for are read.
    """

    def __init__(self, units: Sequence[str] | None, suffix: str = "") -> None:
        self.units = None if units is None else list(units)  # None: every unit
        self.suffix = suffix  # "" reads years; "-H1" reads the 6-month reports of those years
        self.values: dict[int, dict[str, dict[str, int]]] = {}
        self.conflicts: set[tuple[str, str, str]] = set()
        self.provisional: set[tuple[str, str, str]] = set()
        self._read: dict[int, set[str] | None] = {}  # year → indicators read (None: every indicator)

    def read(self, store: Store, year: int, indicators: Sequence[str] | None) -> None:
        """Read one year, for these indicators (None: every indicator); what was read before is not read again."""
        have = self._read.get(year, set())
        if have is None:
            return
        need: list[str] | None = None if indicators is None else [c for c in indicators if c not in have]
        if need is not None and not need:
            return
        singles, conflicted = store.grouped_values(self.units, [f"{year}{self.suffix}"], need)
        self._read[year] = None if need is None else have | set(need)
        values = self.values.setdefault(year, {})
        for inst, _period, code, value in singles:
            if value is not None:
                row = values.get(inst)
                if row is None:
                    row = values[inst] = {}
                row[code] = value
        groups: dict[tuple[str, str, str], list[ValueRecord]] = {}
        for rec in conflicted:
            groups.setdefault(rec.key, []).append(rec)
        for key, recs in groups.items():
            self.conflicts.add(key)
            chosen = choose_provisional(recs)
            if chosen is None or chosen.value is None:
                continue
            values.setdefault(key[0], {})[key[2]] = chosen.value
            self.provisional.add(key)

    def year(self, year: int) -> dict[str, dict[str, int]]:
        return self.values.get(year, {})


def _line_needs_first_data(milestones: Mapping[int, float | None], year: int) -> bool:
    """Whether a share target's on-track line for `year` starts at the first year with data: no milestone
    before the year, one after it, and the year is not itself the milestone in force (which needs no line)."""
    threshold = threshold_in_force(milestones, year)
    if threshold is None or threshold[0] == year:
        return False
    return on_track_line(milestones, year, None) is None and on_track_line(milestones, year, (year - 1, 0.0)) is not None


def _with_first_data(store: Store, table: ValueTable, target: TargetDefinition, year: int, scope: str,
                     facts: Sequence[InstitutionFacts], used: set[tuple[int, str]],
                     criteria: Mapping[str, Criterion] = CRITERIA) -> TargetResult:
    """Evaluate a share target whose line starts at the first earlier year with data: read earlier years of its
    criterion's inputs, oldest first, only until that year is found."""
    criterion = criteria[target.criterion or ""]
    inputs = criterion.inputs
    data: dict[int, YearValues] = {year: table.year(year)}
    period = store.next_period_with_data(inputs)
    while period is not None and period < str(year):  # four-digit years: text order is year order
        if period.isdigit():  # not a six-month report: targets read years
            yr = int(period)
            table.read(store, yr, inputs)
            used.update((yr, code) for code in inputs)
            data[yr] = table.year(yr)
            year_values = data[yr]
            if any(f.type in target.types and f.active_in(yr) and criterion.evaluate(year_values.get(f.id)) is not None
                   for f in facts):
                # An active institution of the group with data: the share has a value and not everyone is
                # missing, so the line starts here (model.targets._first_share's test).
                break
        period = store.next_period_with_data(inputs, period)
    return evaluate_target(target, year, scope, facts, data, target.milestones, criteria)


def _has_history(store: Store) -> bool:
    """Whether figures of former units were imported (then a growth sum missing for a year may use them)."""
    from lhtl_desktop.storage.forms_store import has_history_totals

    return has_history_totals(store)


def evaluate(store: Store, year: int | str, scope: str | None = None) -> Evaluation:
    return evaluate_with_values(store, year, scope)[0]


def evaluate_with_values(store: Store, year: int | str, scope: str | None = None, *,
                         every_indicator: bool = False) -> tuple[Evaluation, ValueTable]:
    """`evaluate`, and the values it read. every_indicator: read every indicator of Y and Y−1 (a summary sheet
    prints them all); the evaluation is the same either way.

    Reads: year Y for the targets' indicators, Y−1 for growth indicators; earlier years only for a share
    target that is behind and whose on-track line starts at the first year with data (no milestone before Y,
    e.g. CC_VILLAGE_ACTIVE until 2030) — and then only its criterion's inputs, up to that first year.
    """
    per = parse_period(str(year), latest=MAX_YEAR)  # reading a milestone year ahead is allowed
    y = per.year
    me = installation(store)
    scope_unit = require_unit(store, scope) if scope else me.unit
    units = subtree(store, scope_unit.code)
    insts = store.institutions(units)
    rules = config.rules_in_force(store)  # thresholds are in the tables it keeps in line; the rest read here
    targets = config.targets_in_force(store, rules)
    criteria = config.criteria_in_force(rules)
    indicators = _indicators_of(targets)
    growth = sorted({t.indicator or "" for t in targets if t.kind == TargetKind.GROWTH})

    # A scope holding every unit (the province at home) reads without a unit filter: same rows, less work.
    table = ValueTable(None if set(units) >= store.units().keys() else units, "" if per.is_year else "-H1")
    table.read(store, y, None if every_indicator else indicators)
    table.read(store, y - 1, None if every_indicator else growth)
    used: set[tuple[int, str]] = {(y, code) for code in indicators} | {(y - 1, code) for code in growth}
    facts = [i.facts() for i in insts]
    results: list[TargetResult] = []
    history = _has_history(store)
    for t in targets:
        facts_t = [f for f in facts if f.type in t.types]  # the maths skips other types anyway
        if t.kind == TargetKind.GROWTH:
            result = evaluate_target(t, y, scope_unit.code, facts_t, {y: table.year(y), y - 1: table.year(y - 1)},
                                     t.milestones, criteria)
            # Former units' totals are whole years: a half-year's growth is never completed from them.
            if history and per.is_year and (result.numerator is None or result.denominator is None):
                from lhtl_desktop.services.history_import import with_history_bases

                result = with_history_bases(store, result, t.indicator or "")
        else:
            result = evaluate_target(t, y, scope_unit.code, facts_t, {y: table.year(y)}, t.milestones, criteria)
            if result.status == Status.BEHIND and per.is_year and _line_needs_first_data(t.milestones, y):
                result = _with_first_data(store, table, t, y, scope_unit.code, facts_t, used, criteria)
        results.append(result)
    provisional = frozenset((inst, code) for inst, period, code in table.provisional
                            if (int(period[:4]), code) in used)
    # «incomplete» comes last: over the status the province's rules gave, when not every unit has submitted.
    cov = reporting.coverage(store, scope_unit.code, per.key)
    results = [with_coverage(r, cov, per.key) for r in results]
    ev = Evaluation(y, scope_unit.code, scope_unit.name, results, {i.id: i for i in insts}, provisional,
                    coverage=cov, period=per.key, config_version=rules.version, config_label=rules.label)
    return ev, table


def status_text(result: TargetResult) -> str:
    """The status word as shown: a half-year's judgement is provisional («tạm tính 6 tháng»)."""
    if result.period.endswith("-H1") and result.status not in (Status.NOT_APPLICABLE, Status.INCOMPLETE):
        return _("{status} (tạm tính 6 tháng)").format(status=result.status.label)
    return result.status.label


def result_as_json(result: TargetResult, config_version: int | None = None) -> dict[str, object]:
    """The CLI contract's shape (ARCHITECTURE.md §5): full floats, ids of missing institutions, who reported
    (`coverage`), and the version of the province's rules the evaluation used (`config_version`)."""
    return {
        "target": result.target,
        "label": result.label,
        "kind": str(result.kind),
        "year": result.year,
        "scope": result.scope,
        "numerator": result.numerator,
        "denominator": result.denominator,
        "value": result.value,
        "threshold": result.threshold,
        "threshold_year": result.threshold_year,
        "met": result.met,
        "status": str(result.status),
        "status_label": status_text(result),
        "measured_status": str(result.measured_status) if result.measured_status else None,
        "period": result.period or str(result.year),
        "provisional": result.period.endswith("-H1"),
        "coverage": result.coverage.as_json() if result.coverage else None,
        "missing": list(result.missing),
        "meeting": list(result.meeting),
        "not_meeting": list(result.not_meeting),
        "rule_version": result.rule_version,
        "note": result.note,
        "config_version": config_version,
    }
