"""Bulk reads for the entry screen: the institution list with completeness, and one form's data.

Both read everything they show in a fixed, small number of queries (never one per institution or per
field), so that switching institution stays cheap on a province-sized database.
"""

from __future__ import annotations

from dataclasses import dataclass

from lhtl_desktop.model.catalogue import Indicator, indicators_for_type
from lhtl_desktop.model.corrections import is_correction_from_above, needs_reason
from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.model.periods import parse_period
from lhtl_desktop.model.records import ValueRecord
from lhtl_desktop.services.entry import (
    Completeness,
    CurrentValue,
    completeness_of,
    current_from_records,
)
from lhtl_desktop.services.installation import installation, subtree
from lhtl_desktop.services.institutions import require_institution
from lhtl_desktop.storage import Store


@dataclass(frozen=True)
class InstitutionProgress:
    institution: Institution
    unit_name: str
    completeness: Completeness
    filled: int
    expected: int


@dataclass(frozen=True)
class EntryForm:
    institution: Institution
    period: str
    indicators: tuple[Indicator, ...]
    current: dict[str, CurrentValue]
    previous: dict[str, int]  # same kind of period one year earlier
    needs_reason: bool  # a correction from above, or a field in conflict (`model.corrections`)
    from_above: bool = False  # the institution belongs to a unit below this installation's


def entry_overview(store: Store, period: str, *, include_closed: bool = False) -> list[InstitutionProgress]:
    """Every institution in scope with how complete its values for `period` are (two queries)."""
    per = parse_period(period)
    me = installation(store)
    units = subtree(store, me.unit.code)
    unit_names = {code: u.name for code, u in store.units().items()}
    insts = [i for i in store.institutions(units) if include_closed or i.closed_year is None
             or (per.year < i.closed_year)]
    by_inst: dict[str, list[ValueRecord]] = {}
    for rec in store.records_for(units, [per.key]):
        by_inst.setdefault(rec.institution_id, []).append(rec)
    out: list[InstitutionProgress] = []
    for inst in insts:
        values = current_from_records(by_inst.get(inst.id, []))
        expected = len(indicators_for_type(inst.type))
        out.append(InstitutionProgress(inst, unit_names.get(inst.unit_code, inst.unit_code),
                                       completeness_of(inst.type, values), len(values), expected))
    return out


def entry_form(store: Store, inst_id: str, period: str) -> EntryForm:
    """What the form shows for one institution and period: indicators, current and last year's values."""
    inst = require_institution(store, inst_id)
    per = parse_period(period)
    me = installation(store)
    current = current_from_records(store.current_records(inst.id, per.key))
    prev = current_from_records(store.current_records(inst.id, per.previous().key))
    previous = {code: cv.value for code, cv in prev.items() if cv.value is not None}
    from_above = is_correction_from_above(me.unit.code, inst.unit_code)
    conflict = any(cv.conflict for cv in current.values())
    return EntryForm(inst, per.key, indicators_for_type(inst.type), current, previous,
                     needs_reason=needs_reason(me.unit.code, inst.unit_code, resolves_conflict=conflict),
                     from_above=from_above)


def institution_progress(store: Store, inst_id: str, period: str) -> InstitutionProgress:
    """One row of `entry_overview`, after a save (one query for the values)."""
    inst = require_institution(store, inst_id)
    per = parse_period(period)
    values = current_from_records(store.current_records(inst.id, per.key))
    unit = store.unit(inst.unit_code)
    return InstitutionProgress(inst, unit.name if unit else inst.unit_code, completeness_of(inst.type, values),
                               len(values), len(indicators_for_type(inst.type)))
