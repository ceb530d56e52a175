"""Merge properties (ARCHITECTURE.md §3.5), with Hypothesis: whatever the order and duplication of deliveries,
replicas converge; re-import changes nothing; an older snapshot never overwrites a newer value."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from lhtl_desktop.model.records import ValueRecord
from lhtl_desktop.model.version_vector import Order, advance, compare
from lhtl_desktop.sync.merge import Outcome, merge_one, plan_records

KEYS = ["k1", "k2", "k3"]
ITEMS = [("inst-1", "2025", "LIB_VISITS"), ("inst-1", "2025", "LIB_READERS")]
_ids = itertools.count()

State = dict[tuple[str, str, str], list[ValueRecord]]


def edit(state: State, key_id: str, item: tuple[str, str, str], value: int | None) -> ValueRecord:
    siblings = state.get(item, [])
    rec = ValueRecord(edit_id=f"e{next(_ids):06d}", institution_id=item[0], unit_code="14389", period=item[1],
                      indicator=item[2], value=value, vv=advance((s.vv for s in siblings), key_id),
                      author_key=key_id, author_unit="14389", created_at="2026-01-01T00:00:00.000Z")
    state[item] = [rec]
    return rec


def deliver(state: State, records: Iterable[ValueRecord]) -> None:
    plan = plan_records(state, records)
    for key, recs in plan.final.items():
        state[key] = recs


def snapshot(state: State) -> dict[tuple[str, str, str], frozenset[str]]:
    return {k: frozenset(r.edit_id for r in v) for k, v in state.items() if v}


operations = st.lists(
    st.one_of(
        st.tuples(st.just("edit"), st.integers(0, 2), st.integers(0, 1), st.one_of(st.none(), st.integers(0, 99))),
        st.tuples(st.just("sync"), st.integers(0, 2), st.integers(0, 2), st.just(0)),
    ),
    min_size=1, max_size=30,
)


def run_history(ops: list[tuple[str, int, int, int | None]]) -> tuple[list[State], list[ValueRecord]]:
    replicas: list[State] = [{}, {}, {}]
    created: list[ValueRecord] = []
    for op, a, b, value in ops:
        if op == "edit":
            created.append(edit(replicas[a], KEYS[a], ITEMS[b], value))
        else:
            deliver(replicas[b], [r for recs in replicas[a].values() for r in recs])
    return replicas, created


@settings(max_examples=300, deadline=None)
@given(ops=operations, data=st.data())
def test_any_order_and_duplication_converges(ops, data) -> None:  # type: ignore[no-untyped-def]
    _replicas, created = run_history([("edit", 0, 0, 1), *ops])
    deliveries = data.draw(st.lists(st.sampled_from(created), min_size=len(created), max_size=3 * len(created))
                           .map(lambda extra: [*created, *extra]).flatmap(st.permutations))
    first: State = {}
    second: State = {}
    deliver(first, created)
    for rec in deliveries:  # one by one, duplicates included
        deliver(second, [rec])
    assert snapshot(first) == snapshot(second)
    # The result is exactly the set of records nothing else dominates: concurrent edits all kept.
    for item in ITEMS:
        mine = [r for r in created if r.key == item]
        maximal = {r.edit_id for r in mine
                   if not any(compare(r.vv, o.vv) == Order.BEFORE for o in mine)}
        assert snapshot(first).get(item, frozenset()) == maximal


@settings(max_examples=200, deadline=None)
@given(ops=operations)
def test_reimport_and_old_after_new_change_nothing(ops) -> None:  # type: ignore[no-untyped-def]
    replicas, created = run_history(ops)
    receiver: State = {}
    deliver(receiver, created)
    before = snapshot(receiver)
    for rec in created:  # every record again, including every older one
        siblings, outcome, gone = merge_one(receiver.get(rec.key, []), rec)
        assert outcome in (Outcome.UNCHANGED, Outcome.STALE) and not gone
    deliver(receiver, reversed(created))
    assert snapshot(receiver) == before
    # A replica's own state, delivered to a receiver that has everything, is a no-op too.
    for state in replicas:
        plan = plan_records(receiver, [r for recs in state.values() for r in recs])
        assert not plan.inserts and not plan.supersede


def test_concurrent_edits_kept_as_siblings_and_resolution_dominates() -> None:
    commune: State = {}
    district: State = {}
    base = edit(commune, "k1", ITEMS[0], 100)
    deliver(district, [base])
    correction = edit(district, "k2", ITEMS[0], 150)
    concurrent = edit(commune, "k1", ITEMS[0], 120)
    deliver(district, [concurrent])
    assert {r.value for r in district[ITEMS[0]]} == {150, 120}  # a conflict, nothing lost
    resolution = edit(district, "k2", ITEMS[0], 130)
    assert compare(resolution.vv, correction.vv) == Order.AFTER
    assert compare(resolution.vv, concurrent.vv) == Order.AFTER
    deliver(commune, [correction, resolution])
    assert [r.value for r in commune[ITEMS[0]]] == [130]
