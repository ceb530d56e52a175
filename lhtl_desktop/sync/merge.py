"""The merge of received records into stored ones (ARCHITECTURE.md §3.5): pure functions, property-tested.

For one key (institution, period, indicator) the store holds the current siblings: records no other record
dominates. A received record
- already present, or dominated by / equal to a sibling → no-op (`unchanged` / `stale`): idempotent, no rollback;
- dominating siblings → replaces them (`new` when there were none, `changed` otherwise);
- concurrent with a sibling → kept beside it: an open conflict (`conflict`), nothing dropped.
The result is the set of maximal records among everything ever received, whatever the order and duplication
of deliveries, so replicas converge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from lhtl_desktop.i18n import _
from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.model.records import ValueRecord
from lhtl_desktop.model.version_vector import Order, compare, join

RecordKey = tuple[str, str, str]


class Outcome(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    STALE = "stale"
    CONFLICT = "conflict"


OUTCOME_LABELS = {
    Outcome.NEW: _("mới"),
    Outcome.CHANGED: _("thay đổi"),
    Outcome.UNCHANGED: _("không đổi"),
    Outcome.STALE: _("cũ hơn (bỏ qua)"),
    Outcome.CONFLICT: _("xung đột"),
}


def merge_one(siblings: Sequence[ValueRecord], incoming: ValueRecord) -> tuple[list[ValueRecord], Outcome, list[str]]:
    """New sibling set, the outcome, and the edit ids that `incoming` supersedes."""
    superseded: list[str] = []
    for s in siblings:
        if s.edit_id == incoming.edit_id:
            return list(siblings), Outcome.UNCHANGED, []
        order = compare(incoming.vv, s.vv)
        if order == Order.EQUAL:
            if same_content(incoming, s):
                return list(siblings), Outcome.UNCHANGED, []
            # One version vector, two contents: a sender restored from a backup reused its counter. Never
            # «không đổi»: both are kept as siblings (a conflict the officer resolves), and the importer says so.
            continue
        if order == Order.BEFORE:
            return list(siblings), Outcome.STALE, []
        if order == Order.AFTER:
            superseded.append(s.edit_id)
    kept = [s for s in siblings if s.edit_id not in superseded]
    result = [*kept, incoming]
    if kept:
        outcome = Outcome.CONFLICT
    elif siblings:
        outcome = Outcome.CHANGED
    else:
        outcome = Outcome.NEW
    return result, outcome, superseded


def same_content(a: ValueRecord, b: ValueRecord) -> bool:
    """Whether two records under one version vector say the same thing (the value and the reason for it)."""
    return a.value == b.value and (a.reason or "") == (b.reason or "")


def is_fork(siblings: Sequence[ValueRecord], incoming: ValueRecord) -> bool:
    """A received record whose version vector equals a stored one's while its content differs."""
    return any(s.edit_id != incoming.edit_id and compare(incoming.vv, s.vv) == Order.EQUAL
               and not same_content(incoming, s) for s in siblings)


@dataclass
class RecordPlan:
    inserts: list[ValueRecord] = field(default_factory=list)
    supersede: list[str] = field(default_factory=list)
    outcomes: list[tuple[ValueRecord, Outcome]] = field(default_factory=list)
    final: dict[RecordKey, list[ValueRecord]] = field(default_factory=dict)


def plan_records(current: Mapping[RecordKey, Sequence[ValueRecord]], incoming: Iterable[ValueRecord],
                 merge: Callable[[Sequence[ValueRecord], ValueRecord], tuple[list[ValueRecord], Outcome, list[str]]]
                 = merge_one) -> RecordPlan:
    """Merge many received records; only records that end up current are inserted. `merge` decides one record
    (sync.lineage.merge_aware: merge_one that knows the branches restores made)."""
    plan = RecordPlan()
    state: dict[RecordKey, list[ValueRecord]] = {}
    inserted: set[str] = set()
    superseded_stored: list[str] = []
    for rec in incoming:
        key = (rec.institution_id, rec.period, rec.indicator)
        held = state.get(key)
        if held is None:
            stored = current.get(key)
            if not stored:  # nothing stored or received yet for this key: merge_one would say NEW
                state[key] = [rec]
                plan.outcomes.append((rec, Outcome.NEW))
                inserted.add(rec.edit_id)
                continue
            held = state[key] = list(stored)
        siblings, outcome, gone = merge(held, rec)
        state[key] = siblings
        plan.outcomes.append((rec, outcome))
        if outcome in (Outcome.NEW, Outcome.CHANGED, Outcome.CONFLICT):
            inserted.add(rec.edit_id)
            for edit_id in gone:
                if edit_id in inserted:
                    inserted.discard(edit_id)  # received and superseded within the same bundle
                else:
                    superseded_stored.append(edit_id)
    by_id = {rec.edit_id: rec for recs in state.values() for rec in recs}
    plan.inserts = [by_id[e] for e in by_id if e in inserted]
    plan.supersede = superseded_stored
    plan.final = state
    return plan


@dataclass(frozen=True)
class InstitutionVersion:
    institution: Institution
    vv: Mapping[str, int]
    author_key: str
    edit_id: str
    updated_at: str


def merge_institution(stored: InstitutionVersion | None, incoming: InstitutionVersion) -> tuple[InstitutionVersion | None, Outcome]:
    """The version to store (None: keep what is stored). Concurrent edits of an institution's name or status
    cannot sit side by side in one row: the later edit wins (ties by edit id) and the vectors are joined,
    so the result dominates both and later edits see them."""
    if stored is None:
        return incoming, Outcome.NEW
    order = compare(incoming.vv, stored.vv)
    if order == Order.EQUAL:
        return None, Outcome.UNCHANGED
    if order == Order.BEFORE:
        return None, Outcome.STALE
    if order == Order.AFTER:
        return incoming, Outcome.CHANGED
    winner = max(stored, incoming, key=lambda v: (v.updated_at, v.edit_id))
    merged = InstitutionVersion(winner.institution, join([stored.vv, incoming.vv]), winner.author_key,
                                winner.edit_id, winner.updated_at)
    if merged.institution == stored.institution and dict(merged.vv) == dict(stored.vv):
        return None, Outcome.UNCHANGED
    return merged, Outcome.CHANGED
