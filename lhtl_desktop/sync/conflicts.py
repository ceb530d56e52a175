"""Open conflicts: keys with more than one current sibling (ARCHITECTURE.md §3.5).

Resolving one is a normal local edit (services.entry.set_values with a reason): it joins every sibling's
version vector and advances this key's counter, so it dominates both sides and travels like any edit.
"""

from __future__ import annotations

from dataclasses import dataclass

from lhtl_desktop.model.records import ValueRecord, choose_provisional
from lhtl_desktop.storage import Store


@dataclass(frozen=True)
class Conflict:
    institution_id: str
    institution_name: str
    unit: str
    unit_name: str
    period: str
    indicator: str
    siblings: tuple[ValueRecord, ...]
    provisional: ValueRecord

    def as_json(self) -> dict[str, object]:
        return {
            "institution": self.institution_id, "institution_name": self.institution_name, "unit": self.unit,
            "period": self.period, "indicator": self.indicator, "provisional": self.provisional.value,
            "values": [{"value": r.value, "unit": r.author_unit, "author": r.author_name or r.author_key,
                        "author_key": r.author_key, "reason": r.reason, "created": r.created_at,
                        "edit_id": r.edit_id} for r in self.siblings],
        }


def open_conflicts(store: Store, unit_codes: list[str] | None = None) -> list[Conflict]:
    out: list[Conflict] = []
    units = store.units()
    for inst_id, period, indicator in store.conflict_keys(unit_codes):
        siblings = store.records_for_key(inst_id, period, indicator)
        if len(siblings) < 2:
            continue
        inst = store.institution(inst_id)
        chosen = choose_provisional(siblings)
        assert chosen is not None
        unit = units.get(siblings[0].unit_code)
        out.append(Conflict(inst_id, inst.name if inst else inst_id, siblings[0].unit_code,
                            unit.name if unit else siblings[0].unit_code, period, indicator, tuple(siblings), chosen))
    return sorted(out, key=lambda c: (c.unit, c.institution_name, c.period, c.indicator))
