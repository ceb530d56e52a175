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


@dataclass(frozen=True)
class InstitutionConflict:
    """An institution edited concurrently in two places (sync.institution_merge): every version, the one
    shown first. Resolved by editing the institution (`institution edit`, the Thiết chế page)."""

    institution_id: str
    unit: str
    unit_name: str
    fields: tuple[str, ...]  # which of type, name, village, opened_year, closed_year differ
    versions: tuple[dict[str, object], ...]

    def as_json(self) -> dict[str, object]:
        return {"kind": "institution", "institution": self.institution_id,
                "institution_name": self.versions[0]["name"], "unit": self.unit, "period": None,
                "indicator": None, "fields": list(self.fields), "values": list(self.versions)}


def institution_conflicts(store: Store, unit_codes: list[str] | None = None) -> list[InstitutionConflict]:
    from lhtl_desktop.storage import institution_store, sync_store
    from lhtl_desktop.sync.institution_merge import differing_fields, version_of_row
    from lhtl_desktop.sync.merge import InstitutionVersion

    ids = institution_store.conflicted_ids(store)
    if not ids:
        return []
    keys = {k["key_id"]: k for k in sync_store.key_rows(store)}
    units = store.units()
    shown = sync_store.institution_versions(store, ids)
    others: dict[str, list[InstitutionVersion]] = {}
    for r in institution_store.sibling_rows(store, ids):
        others.setdefault(r["id"], []).append(version_of_row(r))

    def wire(v: InstitutionVersion) -> dict[str, object]:
        key = keys.get(v.author_key, {})
        inst = v.institution
        return {"name": inst.name, "village": inst.village, "type": inst.type, "opened_year": inst.opened_year,
                "closed_year": inst.closed_year, "unit": key.get("unit_code", ""),
                "author": key.get("officer") or v.author_key, "author_key": v.author_key,
                "updated": v.updated_at, "edit_id": v.edit_id}

    out: list[InstitutionConflict] = []
    for inst_id in ids:
        row = shown.get(inst_id)
        if row is None or (unit_codes is not None and row["unit_code"] not in unit_codes):
            continue
        versions = [version_of_row(row), *others.get(inst_id, [])]
        unit = units.get(row["unit_code"])
        out.append(InstitutionConflict(inst_id, row["unit_code"], unit.name if unit else row["unit_code"],
                                       tuple(differing_fields(versions)), tuple(wire(v) for v in versions)))
    return sorted(out, key=lambda c: (c.unit, str(c.versions[0]["name"])))
