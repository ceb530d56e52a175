"""The merge of received records into stored ones (ARCHITECTURE.md §3.5): pure functions, property-tested.

For one key (institution, period, indicator) the store holds the current siblings: records no other record
dominates. A received record
- already present, or dominated by / equal to a sibling → no-op (`unchanged` / `stale`): idempotent, no rollback;
- dominating siblings → replaces them (`new` when there were none, `changed` otherwise);
- concurrent with a sibling → kept beside it: an open conflict (`conflict`), nothing dropped.
The result is the set of maximal records among everything ever received, whatever the order and duplication
of deliveries, so replicas converge.

Conflict storms are bounded: a key holds at most `MAX_SIBLINGS` open siblings. A bundle that would open more
is refused whole (TooManySiblings) — real conflicts come from a few levels editing one value at once, never
from thousands of writers. The cap also keeps the merge linear in the number of records received: each one
is compared with at most `MAX_SIBLINGS` others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from lhtl_desktop.errors import BundleError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.model.records import ValueRecord
from lhtl_desktop.model.version_vector import Order, compare, join

RecordKey = tuple[str, str, str]

MAX_SIBLINGS = 8


class TooManySiblings(BundleError):
    """A received bundle would open more than MAX_SIBLINGS concurrent values on one key."""

    def __init__(self, incoming: ValueRecord) -> None:
        super().__init__(_(
            "Gói mở quá {cap} giá trị song song (xung đột) cho chỉ số {code}, kỳ {period} của thiết chế {inst}: bị "
            "từ chối toàn bộ, không nhập gì. Hãy giải quyết các xung đột đang mở của giá trị này (chọn một giá trị, "
            "ghi lý do) rồi nhập lại; nếu xung đột cứ tăng, hãy báo đơn vị gửi kiểm tra.").format(
            cap=MAX_SIBLINGS, code=incoming.indicator, period=incoming.period, inst=incoming.institution_id))


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
    """New sibling set, the outcome, and the edit ids that `incoming` supersedes.
    Raises TooManySiblings when `incoming` would open more than MAX_SIBLINGS siblings."""
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
    gone = set(superseded)
    kept = [s for s in siblings if s.edit_id not in gone]
    result = [*kept, incoming]
    if kept:
        if len(result) > MAX_SIBLINGS and len(result) > len(siblings):
            raise TooManySiblings(incoming)
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
    # edit id → the key it was received on: an id is only "received and superseded within the bundle" on the
    # same key; a received record reusing a stored record's id elsewhere stays an insert (and is refused by
    # the importer), never silently dropped along with the stored record it shadows.
    inserted: dict[str, RecordKey] = {}
    superseded_stored: list[str] = []
    for rec in incoming:
        key = (rec.institution_id, rec.period, rec.indicator)
        held = state.get(key)
        if held is None:
            stored = current.get(key)
            if not stored:  # nothing stored or received yet for this key: merge_one would say NEW
                state[key] = [rec]
                plan.outcomes.append((rec, Outcome.NEW))
                inserted[rec.edit_id] = key
                continue
            held = state[key] = list(stored)
        siblings, outcome, gone = merge(held, rec)
        state[key] = siblings
        plan.outcomes.append((rec, outcome))
        if outcome in (Outcome.NEW, Outcome.CHANGED, Outcome.CONFLICT):
            inserted[rec.edit_id] = key
            for edit_id in gone:
                if inserted.get(edit_id) == key:
                    del inserted[edit_id]  # received and superseded within the same bundle
                else:
                    superseded_stored.append(edit_id)
    # A stored record never has its id inserted on its own key (the same id there is `unchanged`).
    plan.inserts = [rec for key, recs in state.items() for rec in recs if inserted.get(rec.edit_id) == key]
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
    so the result dominates both and later edits see them.

    The short reference is given once and never changes: the one stored here stays; a stored version without
    one takes the incoming one, whatever the order of the versions (a no-op version may still bring it)."""
    if stored is None:
        return incoming, Outcome.NEW
    ref = stored.institution.ref or incoming.institution.ref
    order = compare(incoming.vv, stored.vv)
    if order in (Order.EQUAL, Order.BEFORE):
        if ref != stored.institution.ref:
            return _with_ref(stored, ref), Outcome.CHANGED
        return None, Outcome.UNCHANGED if order == Order.EQUAL else Outcome.STALE
    if order == Order.AFTER:
        return _with_ref(incoming, ref), Outcome.CHANGED
    winner = max(stored, incoming, key=lambda v: (v.updated_at, v.edit_id))
    merged = _with_ref(InstitutionVersion(winner.institution, join([stored.vv, incoming.vv]), winner.author_key,
                                          winner.edit_id, winner.updated_at), ref)
    if merged.institution == stored.institution and dict(merged.vv) == dict(stored.vv):
        return None, Outcome.UNCHANGED
    return merged, Outcome.CHANGED


def _with_ref(version: InstitutionVersion, ref: str | None) -> InstitutionVersion:
    if version.institution.ref == ref:
        return version
    return replace(version, institution=replace(version.institution, ref=ref))
