"""Evaluating every target for a scope and year (DOMAIN.md §2), with the lists behind each number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lhtl_desktop.model.criteria import CRITERIA
from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.model.periods import parse_year
from lhtl_desktop.model.records import ValueRecord, choose_provisional
from lhtl_desktop.model.targets import (
    TargetDefinition,
    TargetKind,
    TargetResult,
    ValuesByYear,
    evaluate_target,
)
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


def evaluate(store: Store, year: int | str, scope: str | None = None) -> Evaluation:
    y = parse_year(year)
    me = installation(store)
    scope_unit = require_unit(store, scope) if scope else me.unit
    units = subtree(store, scope_unit.code)
    insts = store.institutions(units)
    targets = store.target_definitions()
    indicators = _indicators_of(targets)

    # Years: Y and Y−1 always; earlier years while Y precedes some target's first milestone (its on-track
    # line then starts at the first year with data — e.g. CC_VILLAGE_ACTIVE, whose first milestone is 2030).
    first_milestones = [min((yr for yr, thr in t.milestones.items() if thr is not None), default=y) for t in targets]
    years = {y, y - 1}
    if y <= max(first_milestones, default=y):
        years |= {yr for yr in store.years_with_data(units, indicators) if yr < y}
        years |= {yr - 1 for yr in list(years)}
    records = store.records_for(units, [str(yr) for yr in sorted(years)], indicators)
    data, provisional = values_by_year(records)
    facts = [i.facts() for i in insts]
    results = [evaluate_target(t, y, scope_unit.code, facts, data, t.milestones) for t in targets]
    return Evaluation(y, scope_unit.code, scope_unit.name, results, {i.id: i for i in insts}, provisional)


def result_as_json(result: TargetResult) -> dict[str, object]:
    """The CLI contract's shape (ARCHITECTURE.md §5): full floats, ids of missing institutions."""
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
        "status_label": result.status.label,
        "missing": list(result.missing),
        "meeting": list(result.meeting),
        "not_meeting": list(result.not_meeting),
        "rule_version": result.rule_version,
    }
