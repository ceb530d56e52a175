"""Institution edits merge like values (issue 12, part 3): concurrent versions kept as siblings, a conflict.

An institution's name, village, type and status (opened/closed years) are one version with a version vector.
As for values (sync.merge), the store keeps the set of maximal versions: a received version dominated by or
equal to one held is a no-op; one that dominates replaces what it dominates; a concurrent one is kept beside
it. The `institutions` row holds the version shown — the later edit (ties by edit id), a choice every
replica makes alike — and `institution_siblings` the others. A local edit joins every sibling's vector, so it
dominates them all and closes the conflict; it travels up and down like any edit.

Bundles carry the shown version in `institutions` (as before) and the others in the optional field
`institution_siblings` (same shape), so a conflict and its resolution reach every level.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lhtl_desktop.i18n import _
from lhtl_desktop.model.version_vector import Order, compare
from lhtl_desktop.storage import Store, institution_store, sync_store
from lhtl_desktop.sync.merge import InstitutionVersion, Outcome

FIELDS = ("type", "name", "village", "opened_year", "closed_year")


def content_of(v: InstitutionVersion) -> tuple[Any, ...]:
    return tuple(getattr(v.institution, f) for f in FIELDS)


def merge_versions(held: Sequence[InstitutionVersion],
                   incoming: InstitutionVersion) -> tuple[list[InstitutionVersion], Outcome]:
    """The new set of maximal versions and what the incoming one did."""
    superseded: list[str] = []
    for s in held:
        if s.edit_id == incoming.edit_id:
            return list(held), Outcome.UNCHANGED
        order = compare(incoming.vv, s.vv)
        if order == Order.EQUAL:
            if content_of(s) == content_of(incoming):
                return list(held), Outcome.UNCHANGED
            continue  # one vector, two contents (a restore): kept both
        if order == Order.BEFORE:
            return list(held), Outcome.STALE
        if order == Order.AFTER:
            superseded.append(s.edit_id)
    kept = [s for s in held if s.edit_id not in superseded]
    if kept:
        return [*kept, incoming], Outcome.CONFLICT
    return [incoming], Outcome.CHANGED if held else Outcome.NEW


def shown(versions: Sequence[InstitutionVersion]) -> InstitutionVersion:
    """The version the `institutions` row holds: the later edit, ties by edit id (the same on every replica)."""
    return max(versions, key=lambda v: (v.updated_at, v.edit_id))


def differing_fields(versions: Sequence[InstitutionVersion]) -> list[str]:
    return [f for f in FIELDS if len({getattr(v.institution, f) for v in versions}) > 1]


# -- the importer's part ----------------------------------------------------------------------------
@dataclass
class InstitutionPlan:
    rows: list[dict[str, Any]] = field(default_factory=list)  # `institutions` rows to upsert
    sibling_ids: list[str] = field(default_factory=list)  # institutions whose siblings are replaced …
    sibling_rows: list[dict[str, Any]] = field(default_factory=list)  # … by these
    counts: dict[str, int] = field(default_factory=dict)
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # id → (unit, name shown)


def version_of_row(row: Mapping[str, Any]) -> InstitutionVersion:
    return InstitutionVersion(sync_store.institution_from_row({**row, "id": row["id"]}), json.loads(row["vv"]),
                              row["author_key"], row["edit_id"], row["updated_at"])


def plan_institutions(store: Store, incoming: Sequence[InstitutionVersion], siblings_in: Sequence[InstitutionVersion],
                      created: Mapping[str, str],
                      check_written: Callable[[str, str], None] | None = None) -> InstitutionPlan:
    """Merge a bundle's institution versions (shown ones and siblings) into what is stored.

    `check_written(author_key, what)` is asked for every version this merge would newly write (authorship:
    sync.authority); a short reference the stored row lacks is filled from the bundle (it never changes)."""
    ids = list(dict.fromkeys(v.institution.id for v in (*incoming, *siblings_in)))
    stored_rows = sync_store.institution_versions(store, ids)
    stored_sibs: dict[str, list[InstitutionVersion]] = {}
    for r in institution_store.sibling_rows(store, ids):
        stored_sibs.setdefault(r["id"], []).append(version_of_row(r))
    arriving: dict[str, list[InstitutionVersion]] = {}
    for v in (*incoming, *siblings_in):
        arriving.setdefault(v.institution.id, []).append(v)
    plan = InstitutionPlan(counts={str(o): 0 for o in Outcome})
    for inst_id in ids:
        row = stored_rows.get(inst_id)
        held = ([version_of_row(row)] if row is not None else []) + stored_sibs.get(inst_id, [])
        before = {v.edit_id for v in held}
        state = list(held)
        for v in arriving[inst_id]:
            state, _outcome = merge_versions(state, v)
        top = shown(state)
        plan.names[inst_id] = (top.institution.unit_code, top.institution.name)
        ref = next((v.institution.ref for v in arriving[inst_id] if v.institution.ref), None)
        if check_written is not None:
            for v in state:
                if v.edit_id not in before:
                    check_written(v.author_key, _("thiết chế «{name}»").format(name=v.institution.name))
        if {v.edit_id for v in state} == before:
            plan.counts[str(Outcome.UNCHANGED)] += 1
            if row is not None and not _stored_ref(row) and ref:  # only the short reference is new here
                plan.rows.append({**_row(version_of_row(row), row["created_at"], with_edit_id=True), "ref": ref})
            continue
        final = Outcome.NEW if row is None else (Outcome.CONFLICT if len(state) > 1 else Outcome.CHANGED)
        plan.counts[str(final)] += 1
        created_at = row["created_at"] if row is not None else created.get(inst_id, top.updated_at)
        if row is None or row["edit_id"] != top.edit_id:
            plan.rows.append({**_row(top, created_at, with_edit_id=True), "ref": top.institution.ref or ref})
        plan.sibling_ids.append(inst_id)
        plan.sibling_rows += [_row(v, created_at, with_edit_id=True) for v in state if v.edit_id != top.edit_id]
    return plan


def _stored_ref(row: Mapping[str, Any]) -> str | None:
    try:
        return row["ref"]  # type: ignore[no-any-return]
    except (KeyError, IndexError):
        return None


def _row(v: InstitutionVersion, created_at: str, *, with_edit_id: bool) -> dict[str, Any]:
    inst = v.institution
    return {"id": inst.id, "unit_code": inst.unit_code, "type": inst.type, "name": inst.name, "village": inst.village,
            "opened_year": inst.opened_year, "closed_year": inst.closed_year, "created_at": created_at,
            "updated_at": v.updated_at, "vv": sync_store.vv_text(v.vv), "author_key": v.author_key,
            "edit_id": v.edit_id}


def apply(store: Store, plan: InstitutionPlan) -> None:
    if plan.rows:
        sync_store.upsert_institutions(store, plan.rows)
    if plan.sibling_ids:
        institution_store.replace_siblings(store, plan.sibling_ids, plan.sibling_rows)
