"""The fast read behind evaluate() and the summary sheet (Store.grouped_values, evaluation.ValueTable) gives the
numbers of the straightforward computation: every current record as a ValueRecord, every year, grouped in
Python (values_by_year), then the target maths over all of it.

- an open conflict is still read provisionally through the fast path: the higher level's edit first, then the
  later one; a tombstone chosen that way leaves no value but the key is still marked;
- on seeded random provinces (institutions opening and closing, sparse values, conflicts, tombstones, six-month
  reports, milestones drawn at random) evaluate() and build_report() equal the reference for every scope
  level and for years before, at and after milestones — including on-track lines drawn from the first year
  with data.
"""

from __future__ import annotations

import datetime as _dt
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from lhtl_desktop.model.catalogue import INDICATORS, indicators_for_type
from lhtl_desktop.model.records import ValueRecord
from lhtl_desktop.model.targets import Status, TargetKind, TargetResult, evaluate_target, with_coverage
from lhtl_desktop.services import reporting
from lhtl_desktop.services.evaluation import _indicators_of, evaluate, evaluate_with_values, values_by_year
from lhtl_desktop.services.installation import init_installation, require_unit, subtree
from lhtl_desktop.services.institutions import add_institution, close_institution
from lhtl_desktop.services.reports import build_report
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.sync.keys import generate_key

PROVINCE = "37"
HUB = "372"
COMMUNE = "14389"  # under hub 372
ALL_PERIODS = [str(y) for y in range(2015, 2036)] + [f"{y}-H1" for y in range(2015, 2036)]
DATE = _dt.date(2026, 1, 5)


def _store(tmp_path: Path, name: str = "prov") -> Store:
    store = open_store(tmp_path / f"{name}.sqlite3")
    init_installation(store, PROVINCE, "Phạm Minh Tuấn", generate_key(None))
    return store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = _store(tmp_path)
    yield s
    s.close()


def _rec(edit_id: str, inst: str, unit: str, period: str, code: str, value: int | None, author_unit: str,
         created: str, vv: dict[str, int] | None = None) -> ValueRecord:
    return ValueRecord(edit_id, inst, unit, period, code, value, vv or {f"k-{edit_id}": 1}, f"key-{author_unit}",
                       author_unit, created, author_name=f"Cán bộ {author_unit}")


# -- the reference: every record, every year, grouped in Python ----------------------------------------------------
def reference(store: Store, year: int, scope: str) -> tuple[list[TargetResult], dict[int, dict[str, dict[str, int]]]]:
    units = subtree(store, require_unit(store, scope).code)
    facts = [i.facts() for i in store.institutions(units)]
    data, _prov = values_by_year(store.records_for(units, ALL_PERIODS))
    results = [evaluate_target(t, year, scope, facts, data, t.milestones) for t in store.target_definitions()]
    # Coverage is not what this reference checks (tests/test_reporting.py does): the same for both sides.
    cov = reporting.coverage(store, scope, str(year))
    results = [with_coverage(r, cov, str(year)) for r in results]
    return results, {yr: {i: dict(v) for i, v in data.get(yr, {}).items()} for yr in (year, year - 1)}


def reference_conflicts(store: Store, scope: str, periods: set[str]) -> set[tuple[str, str, str]]:
    return {k for k in store.conflict_keys(subtree(store, scope)) if k[1] in periods}


# -- conflicts through the fast path -----------------------------------------------------------------------------
def test_conflict_is_read_provisionally_higher_level_first_then_later(store: Store) -> None:
    lib = add_institution(store, COMMUNE, "lib_commune", "Thư viện xã").id
    lib2 = add_institution(store, COMMUNE, "lib_commune", "Thư viện xã hai").id
    with store.atomic():
        # lib, LIB_SKILL_CLASSES: the commune's later 0 against the hub's earlier 2 → the hub's (meets)
        store.insert_record(_rec("c1", lib, COMMUNE, "2025", "LIB_SKILL_CLASSES", 0, COMMUNE, "2026-01-05T08:00:00.000Z"))
        store.insert_record(_rec("h1", lib, COMMUNE, "2025", "LIB_SKILL_CLASSES", 2, HUB, "2026-01-02T08:00:00.000Z"))
        # lib, LIB_VISITS 2025: two commune edits → the later one (900)
        store.insert_record(_rec("c2", lib, COMMUNE, "2025", "LIB_VISITS", 700, COMMUNE, "2026-01-01T08:00:00.000Z"))
        store.insert_record(_rec("c3", lib, COMMUNE, "2025", "LIB_VISITS", 900, COMMUNE, "2026-01-03T08:00:00.000Z"))
        store.insert_record(_rec("c4", lib, COMMUNE, "2024", "LIB_VISITS", 600, COMMUNE, "2025-01-03T08:00:00.000Z"))
        # lib2, LIB_READING_EVENTS: the province deleted it (tombstone) against the commune's 5 → no value
        store.insert_record(_rec("c5", lib2, COMMUNE, "2025", "LIB_READING_EVENTS", 5, COMMUNE, "2026-01-04T08:00:00.000Z"))
        store.insert_record(_rec("p1", lib2, COMMUNE, "2025", "LIB_READING_EVENTS", None, PROVINCE,
                                 "2026-01-01T08:00:00.000Z"))

    singles, conflicted = store.grouped_values(subtree(store, PROVINCE), ["2025", "2024"])
    assert singles == [(lib, "2024", "LIB_VISITS", 600)]
    assert {r.edit_id for r in conflicted} == {"c1", "h1", "c2", "c3", "c5", "p1"}

    ev, table = evaluate_with_values(store, 2025)
    r = {x.target: x for x in ev.results}
    comm = r["LIB_COMM_LLL"]
    assert (comm.numerator, comm.denominator, comm.meeting, comm.missing) == (1, 2, (lib,), (lib2,))
    visits = r["LIB_VISITS_GROWTH"]
    assert (visits.numerator, visits.denominator) == (900, 600)
    assert visits.value == pytest.approx(50.0)
    assert ev.provisional == frozenset({(lib, "LIB_SKILL_CLASSES"), (lib, "LIB_VISITS")})
    assert table.year(2025) == {lib: {"LIB_SKILL_CLASSES": 2, "LIB_VISITS": 900}}
    assert table.conflicts == {(lib, "2025", "LIB_SKILL_CLASSES"), (lib, "2025", "LIB_VISITS"),
                               (lib2, "2025", "LIB_READING_EVENTS")}
    assert ev.results == reference(store, 2025, PROVINCE)[0]

    report = build_report(store, 2025, None, DATE)
    lines = {line.id: line for line in report.institutions}
    assert lines[lib].values == {"LIB_SKILL_CLASSES": 2, "LIB_VISITS": 900}
    assert lines[lib].conflicted == {"LIB_SKILL_CLASSES", "LIB_VISITS"}
    assert lines[lib].meets is True
    assert lines[lib2].values == {} and lines[lib2].conflicted == {"LIB_READING_EVENTS"} and lines[lib2].meets is None
    targets = {t.code: t for t in report.targets}
    assert targets["LIB_COMM_LLL"].provisional and (targets["LIB_COMM_LLL"].numerator, targets["LIB_COMM_LLL"].denominator) == (1, 2)
    assert (targets["LIB_VISITS_GROWTH"].numerator, targets["LIB_VISITS_GROWTH"].denominator) == (900, 600)


def test_many_conflicts_are_read_in_chunks(store: Store) -> None:
    """More conflicted keys than one statement's chunk: every one still decided by choose_provisional."""
    insts = [add_institution(store, COMMUNE, "village_house", f"Nhà văn hóa thôn {n}", village=f"Thôn {n}").id
             for n in range(60)]
    codes = [i.code for i in indicators_for_type("village_house")]
    with store.atomic():
        for n, inst in enumerate(insts):
            for code in codes:
                store.insert_record(_rec(f"c-{n}-{code}", inst, COMMUNE, "2025", code, 1, COMMUNE,
                                         "2026-01-05T08:00:00.000Z"))
                store.insert_record(_rec(f"h-{n}-{code}", inst, COMMUNE, "2025", code, 20 + n, HUB,
                                         "2026-01-01T08:00:00.000Z"))
    assert len(insts) * len(codes) > 300
    singles, conflicted = store.grouped_values([COMMUNE], ["2025"])
    assert singles == [] and len(conflicted) == 2 * len(insts) * len(codes)
    _ev, table = evaluate_with_values(store, 2025, every_indicator=True)
    assert table.year(2025) == {inst: {code: 20 + n for code in codes} for n, inst in enumerate(insts)}


# -- seeded random provinces against the reference -----------------------------------------------------------------
MILESTONE_PATTERNS: list[dict[int, float | None]] = [
    {2025: None, 2030: 100.0},
    {2027: 60.0, 2030: 90.0},
    {2025: 40.0, 2030: 60.0},
    {2030: 100.0},
    {2022: 30.0},
]


def _random_province(store: Store, rng: random.Random) -> None:
    units = store.units()
    hubs = sorted(c for c, u in units.items() if u.level == "district")[:3]
    communes = [c for h in hubs for c in sorted(c for c, u in units.items() if u.parent == h)[:2]]
    plan: list[tuple[str, str]] = [(PROVINCE, "lib_province"), (PROVINCE, "museum"), (PROVINCE, "museum")]
    plan += [(h, "lib_district") for h in hubs]
    for c in communes:
        plan += [(c, "lib_commune"), (c, "cc_commune")]
        plan += [(c, "village_house")] * rng.randint(1, 4)
        if rng.random() < 0.3:
            plan.append((c, "lib_school"))
    for target in store.target_definitions():
        if target.kind == TargetKind.SHARE and rng.random() < 0.5:
            for year in target.milestones:
                store.set_threshold(target.code, year, None, "test", "2026-01-01T00:00:00.000Z")
            for year, threshold in rng.choice(MILESTONE_PATTERNS).items():
                store.set_threshold(target.code, year, threshold, "test", "2026-01-01T00:00:00.000Z")
    kinds = {i.code: str(i.kind) for i in INDICATORS}
    edit = 0
    for n, (unit, type_code) in enumerate(plan):
        opened = rng.choice([None, None, None, 2021, 2023])
        inst = add_institution(store, unit, type_code, f"Thiết chế {n}",
                               village=f"Thôn {n}" if type_code == "village_house" else None, opened_year=opened)
        if rng.random() < 0.15:
            close_institution(store, inst.id, rng.choice([2022, 2024, 2025, 2026]))
        codes = [i.code for i in indicators_for_type(type_code)]
        start = rng.choice([2019, 2020, 2021, 2022, 2024])
        records: list[ValueRecord] = []
        for year in range(start, 2028):
            keen = 0.3 + 0.08 * (year - 2019)  # activity grows over the years: on-track lines get exercised
            for code in codes:
                if rng.random() < 0.45:
                    continue
                period = f"{year}-H1" if rng.random() < 0.08 else str(year)
                value = rng.choice([0, 1]) if kinds[code] == "flag" else (
                    rng.randint(1, 30) if rng.random() < keen else 0)
                if code in ("LIB_VISITS", "MUS_LEARNING_VISITS"):
                    value = rng.randint(0, 3000)
                siblings = 1 + (rng.random() < 0.12) + (rng.random() < 0.05)
                for s in range(siblings):
                    edit += 1
                    author = rng.choice([unit, unit, HUB, PROVINCE]) if s else unit
                    tomb = rng.random() < 0.06
                    stamp = f"{year + 1}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T08:00:00.{rng.randint(0, 999):03d}Z"
                    records.append(_rec(f"e{edit:06d}", inst.id, unit, period, code,
                                        None if tomb else value + s * rng.randint(0, 5), author, stamp))
        with store.atomic():
            for rec in records:
                store.insert_record(rec)


@pytest.mark.parametrize("seed", range(6))
def test_fast_path_equals_reference_on_random_provinces(tmp_path: Path, seed: int) -> None:
    store = _store(tmp_path, f"seed{seed}")
    try:
        rng = random.Random(1000 + seed)
        _random_province(store, rng)
        assert store.conflict_keys(), "the dataset must hold open conflicts"
        target_codes = set(_indicators_of(store.target_definitions()))
        scopes = [PROVINCE, HUB, COMMUNE]
        statuses: set[Status] = set()
        for year in range(2019, 2032):
            for scope in scopes:
                expected, data = reference(store, year, scope)
                ev = evaluate(store, year, scope)
                assert ev.results == expected, (seed, year, scope)
                statuses |= {r.measured_status or r.status for r in ev.results}
                # provisional: every conflict of year Y feeding a target; nothing that was never read
                _all, every_prov = values_by_year(store.records_for(subtree(store, scope), ALL_PERIODS))
                data_y = values_by_year(store.records_for(subtree(store, scope), [str(year)]))[1]
                assert {(i, c) for i, c in data_y if c in target_codes} <= ev.provisional <= every_prov
                if year in (2021, 2025, 2026, 2030) and scope != HUB:
                    report = build_report(store, year, scope, DATE)
                    ev2, _table = evaluate_with_values(store, year, scope, every_indicator=True)
                    assert ev2 == ev
                    assert [(t.code, t.numerator, t.denominator, t.value, t.status) for t in report.targets] == [
                        (r.target, None if r.numerator is None else round(r.numerator),
                         None if r.denominator is None else round(r.denominator), r.value, r.status)
                        for r in expected]
                    active = {i.id for i in store.institutions(subtree(store, scope)) if i.facts().active_in(year)}
                    assert {line.id: dict(line.values) for line in report.institutions} == {
                        i: data[year].get(i, {}) for i in active}
                    conflicts = reference_conflicts(store, scope, {str(year), str(year - 1)})
                    assert {(line.id, c) for line in report.institutions for c in line.conflicted} == {
                        (i, c) for i, p, c in conflicts if p == str(year) and i in active}
        # the random data reaches the interesting branches, so the comparison above means something
        assert {Status.MET, Status.BEHIND, Status.MISSING_DATA} <= statuses
    finally:
        store.close()


def test_random_provinces_reach_an_on_track_line_from_the_first_year(tmp_path: Path) -> None:
    """At least one seed draws a share target on track by a line that starts at the first year with data."""
    found = []
    for seed in range(6):
        store = _store(tmp_path, f"line{seed}")
        try:
            _random_province(store, random.Random(1000 + seed))
            targets = {t.code: t for t in store.target_definitions()}
            for year in range(2019, 2032):
                for r in evaluate(store, year).results:
                    t = targets[r.target]
                    defined = [y for y, v in t.milestones.items() if v is not None]
                    if r.measured_status == Status.ON_TRACK and defined and min(defined) > year:
                        found.append((seed, year, r.target))
        finally:
            store.close()
    assert found
