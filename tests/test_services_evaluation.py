"""evaluate() at commune, hub and province scope over a small hand-built dataset (numbers computed by hand).

Layout (province installation 37):
    hub 372 ── commune A (14389): LA1 meets, LA2 does not, CA active
            ├─ commune B:          LB1 no data, CB not regular (11 activities)
            └─ hub itself:         LD (lib_district) meets
    hub H2  ── commune C:          LC1 meets, VC (village house) active
    province itself:               LP (lib_province) meets, M (museum) meets
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lhtl_desktop.errors import NotFoundError, ValidationError
from lhtl_desktop.model.targets import Status, TargetResult
from lhtl_desktop.services import entry, installation, reporting
from lhtl_desktop.services.evaluation import evaluate, result_as_json
from lhtl_desktop.services.institutions import add_institution, close_institution
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.sync.keys import generate_key

WHY = "Nhập hộ từ báo cáo giấy"


@dataclass
class Dataset:
    store: Store
    a: str
    b: str
    c: str
    h2: str
    ids: dict[str, str]


@pytest.fixture
def data(tmp_path: Path) -> Iterator[Dataset]:
    store = open_store(tmp_path / "prov.sqlite3")
    installation.init_installation(store, "37", "Phạm Minh Tuấn", generate_key(None))
    units = store.units()
    under_372 = [u.code for u in units.values() if u.parent == "372"]
    b = next(code for code in under_372 if code != "14389")
    h2 = next(u.code for u in units.values() if u.level == "district" and u.code != "372")
    c = next(u.code for u in units.values() if u.parent == h2)
    spec = {
        "LA1": ("14389", "lib_commune", {2025: {"LIB_SKILL_CLASSES": 1, "LIB_VISITS": 1000}, 2024: {"LIB_VISITS": 800}}),
        "LA2": ("14389", "lib_commune", {2025: {"LIB_SKILL_CLASSES": 0, "LIB_VISITS": 200}, 2024: {"LIB_VISITS": 200}}),
        "CA": ("14389", "cc_commune", {2025: {"CC_CLUBS": 2, "CC_ACTIVITIES": 12}}),
        "LB1": (b, "lib_commune", {}),
        "CB": (b, "cc_commune", {2025: {"CC_CLUBS": 1, "CC_ACTIVITIES": 11}}),
        "LD": ("372", "lib_district", {2025: {"LIB_MOBILE_RUNS": 4, "LIB_VISITS": 2000}, 2024: {"LIB_VISITS": 1500}}),
        "LC1": (c, "lib_commune", {2025: {"LIB_READING_EVENTS": 3, "LIB_VISITS": 500}, 2024: {"LIB_VISITS": 500}}),
        "VC": (c, "village_house", {2025: {"CC_INTEREST_GROUPS": 1, "CC_ACTIVITIES": 24}}),
        "LP": ("37", "lib_province", {2025: {"LIB_DIGITAL_SERVICE": 1, "LIB_VISITS": 10000},
                                      2024: {"LIB_VISITS": 10000}}),
        "M": ("37", "museum", {2025: {"MUS_EDU_PROGRAMMES": 1, "MUS_DIGITAL_EXHIBITS": 1, "MUS_VISITS": 5000,
                                      "MUS_LEARNING_VISITS": 210}, 2024: {"MUS_VISITS": 4000, "MUS_LEARNING_VISITS": 200}}),
    }
    ids: dict[str, str] = {}
    for name, (unit, type_code, values) in spec.items():
        ids[name] = add_institution(store, unit, type_code, f"Thiết chế {name}",
                                    village="Thôn 1" if type_code == "village_house" else None).id
        for year, vals in values.items():
            entry.set_values(store, ids[name], str(year), {k: str(v) for k, v in vals.items()},
                             why=None if unit == "37" else WHY)
    submit_everyone(store, "2025")
    yield Dataset(store, "14389", b, c, h2, ids)
    store.close()


def submit_everyone(store: Store, period: str) -> None:
    """Every unit expected to report submits (the province records the paper reports): plain statuses."""
    for code in reporting.expected_units(store, "37"):
        reporting.submit(store, period, unit=code, empty=True)


def by_target(results: list[TargetResult]) -> dict[str, TargetResult]:
    return {r.target: r for r in results}


def check(r: TargetResult, num: float | None, den: float | None, value: float | None, status: Status) -> None:
    assert (r.numerator, r.denominator) == (num, den), r
    assert r.value == (pytest.approx(value) if value is not None else None), r
    # The maths' verdict; shown as such only when every expected unit has submitted (a future year cannot be).
    assert r.measured_status == status, r
    assert r.coverage is not None
    assert r.status == (status if r.coverage.complete else Status.INCOMPLETE), r


def test_commune_scope(data: Dataset) -> None:
    ev = evaluate(data.store, 2025, data.a)
    assert (ev.year, ev.scope, ev.scope_name) == (2025, "14389", "Xã Gia Lâm")
    r = by_target(ev.results)
    check(r["LIB_COMM_LLL"], 1, 2, 50.0, Status.MET)  # 50 % ≥ 40 %
    assert r["LIB_COMM_LLL"].meeting == (data.ids["LA1"],)
    assert r["LIB_COMM_LLL"].not_meeting == (data.ids["LA2"],)
    check(r["CC_COMMUNE_ACTIVE"], 1, 1, 100.0, Status.MET)
    check(r["LIB_VISITS_GROWTH"], 1200, 1000, 20.0, Status.MET)  # (1200/1000 − 1) × 100
    check(r["LIB_DIST_LLL"], 0, 0, None, Status.NOT_APPLICABLE)
    check(r["MUS_EDU_DIGITAL"], 0, 0, None, Status.NOT_APPLICABLE)
    assert set(ev.institutions) == {data.ids["LA1"], data.ids["LA2"], data.ids["CA"]}


def test_hub_scope(data: Dataset) -> None:
    r = by_target(evaluate(data.store, "2025", "372").results)
    check(r["LIB_COMM_LLL"], 1, 3, 100 / 3, Status.BEHIND)  # LB1 did not report: in the denominator
    assert r["LIB_COMM_LLL"].missing == (data.ids["LB1"],)
    check(r["CC_COMMUNE_ACTIVE"], 1, 2, 50.0, Status.BEHIND)  # CB: 11 activities < 12
    check(r["LIB_DIST_LLL"], 1, 1, 100.0, Status.MET)
    # (1000 + 200 + 2000) / (800 + 200 + 1500) = 3200 / 2500 → 28 %
    check(r["LIB_VISITS_GROWTH"], 3200, 2500, 28.0, Status.MET)
    assert r["LIB_VISITS_GROWTH"].missing == (data.ids["LB1"],)
    check(r["CC_VILLAGE_ACTIVE"], 0, 0, None, Status.NOT_APPLICABLE)  # VC is under the other hub


def test_province_scope(data: Dataset) -> None:
    ev = evaluate(data.store, 2025)
    assert ev.scope == "37"
    r = by_target(ev.results)
    check(r["LIB_COMM_LLL"], 2, 4, 50.0, Status.MET)
    assert r["LIB_COMM_LLL"].missing == (data.ids["LB1"],)
    check(r["CC_COMMUNE_ACTIVE"], 1, 2, 50.0, Status.BEHIND)
    check(r["CC_VILLAGE_ACTIVE"], 1, 1, 100.0, Status.MET)
    check(r["LIB_PROV_LLL"], 1, 1, 100.0, Status.MET)
    check(r["LIB_DIST_LLL"], 1, 1, 100.0, Status.MET)
    check(r["MUS_EDU_DIGITAL"], 1, 1, 100.0, Status.MET)
    # 2025: 1000 + 200 + 2000 + 500 + 10000 = 13700; 2024: 800 + 200 + 1500 + 500 + 10000 = 13000
    check(r["LIB_VISITS_GROWTH"], 13700, 13000, (13700 / 13000 - 1) * 100, Status.MET)
    check(r["MUS_LEARNING_GROWTH"], 210, 200, 5.0, Status.MET)
    check(r["LIB_UNIV_LLL"], 0, 0, None, Status.NOT_APPLICABLE)
    assert len(ev.results) == 11
    assert len(ev.institutions) == 10
    assert ev.provisional == frozenset()


def test_other_hub_scope(data: Dataset) -> None:
    r = by_target(evaluate(data.store, 2025, data.h2).results)
    check(r["LIB_COMM_LLL"], 1, 1, 100.0, Status.MET)
    check(r["CC_VILLAGE_ACTIVE"], 1, 1, 100.0, Status.MET)
    check(r["LIB_VISITS_GROWTH"], 500, 500, 0.0, Status.BEHIND)


def test_closing_an_institution_changes_the_denominator(data: Dataset) -> None:
    close_institution(data.store, data.ids["LB1"], 2025)
    r = by_target(evaluate(data.store, 2025, "372").results)
    check(r["LIB_COMM_LLL"], 1, 2, 50.0, Status.MET)
    assert r["LIB_COMM_LLL"].missing == ()
    r2024 = by_target(evaluate(data.store, 2024, "372").results)
    assert r2024["LIB_COMM_LLL"].denominator == 3  # still open in 2024


def test_hierarchy_is_data_hub_reassignment_and_two_tier(data: Dataset) -> None:
    installation.set_hub(data.store, data.b, data.h2)  # commune B now merges under the other hub
    r = by_target(evaluate(data.store, 2025, "372").results)
    check(r["LIB_COMM_LLL"], 1, 2, 50.0, Status.MET)
    assert by_target(evaluate(data.store, 2025, data.h2).results)["LIB_COMM_LLL"].denominator == 2
    assert data.store.unit_changes()[-1]["new_value"] == data.h2
    installation.set_two_tier(data.store, True)  # communes report straight to the province
    r = by_target(evaluate(data.store, 2025, "372").results)
    check(r["LIB_COMM_LLL"], 0, 0, None, Status.NOT_APPLICABLE)
    check(r["LIB_DIST_LLL"], 1, 1, 100.0, Status.MET)
    assert by_target(evaluate(data.store, 2025).results)["LIB_COMM_LLL"].denominator == 4


def test_threshold_setting_changes_evaluation(data: Dataset) -> None:
    from lhtl_desktop.services.settings import set_threshold

    set_threshold(data.store, "LIB_COMM_LLL", 2025, "55")
    r = by_target(evaluate(data.store, 2025).results)["LIB_COMM_LLL"]
    assert (r.threshold, r.status) == (55.0, Status.BEHIND)
    assert data.store.threshold_changes()[-1]["old_threshold"] == 40.0
    before = data.store.dump()
    for bad in ("abc", "101", "-5", "６０"):
        with pytest.raises(ValidationError):
            set_threshold(data.store, "LIB_COMM_LLL", 2025, bad)
    with pytest.raises(NotFoundError):
        set_threshold(data.store, "NOPE", 2025, "50")
    assert data.store.dump() == before


def test_on_track_from_stored_data(data: Dataset) -> None:
    """2027 at the province: LIB_COMM_LLL 2/4 = 50 % ≥ the 2027 line 48 % → on track."""
    for name in ("LA1", "LA2", "LC1"):
        inst = data.ids[name]
        vals = entry.current_values(data.store, inst, "2025")
        entry.set_values(data.store, inst, "2027", {k: str(v.value) for k, v in vals.items()}, why=WHY)
    r = by_target(evaluate(data.store, 2027).results)["LIB_COMM_LLL"]
    check(r, 2, 4, 50.0, Status.ON_TRACK)
    assert (r.threshold, r.threshold_year) == (60.0, 2030)


def test_village_line_uses_first_year_with_data(data: Dataset) -> None:
    """CC_VILLAGE_ACTIVE has no 2025 milestone: the 2027 line starts at the first year with data.

    Four village houses in commune C; 2024: two active → 50 %; nothing in 2025–2026. The line for 2027 runs
    from (2024, 50 %) to (2030, 100 %): 50 + 50 × 3/6 = 75 %. In 2027 three are active: 75 % → on track.
    """
    houses = [data.ids["VC"]] + [
        add_institution(data.store, data.c, "village_house", f"Nhà văn hóa thôn {n}", village=f"Thôn {n}").id
        for n in (2, 3, 4)
    ]
    for year, active in ((2024, 2), (2027, 3)):
        for i, inst in enumerate(houses):
            acts = "12" if i < active else "2"
            entry.set_values(data.store, inst, str(year), {"CC_CLUBS": "1", "CC_ACTIVITIES": acts}, why=WHY)
    entry.clear_value(data.store, data.ids["VC"], "2025", "CC_INTEREST_GROUPS", why=WHY)
    entry.clear_value(data.store, data.ids["VC"], "2025", "CC_ACTIVITIES", why=WHY)
    r = by_target(evaluate(data.store, 2027, data.c).results)["CC_VILLAGE_ACTIVE"]
    assert (r.threshold, r.threshold_year) == (100.0, 2030)
    check(r, 3, 4, 75.0, Status.ON_TRACK)
    entry.set_values(data.store, houses[2], "2027", {"CC_ACTIVITIES": "2"}, why=WHY)  # 50 % < 75 %
    check(by_target(evaluate(data.store, 2027, data.c).results)["CC_VILLAGE_ACTIVE"], 2, 4, 50.0, Status.BEHIND)


def test_evaluate_refuses_bad_year_and_scope(data: Dataset) -> None:
    with pytest.raises(ValidationError):
        evaluate(data.store, "25")
    with pytest.raises(NotFoundError):
        evaluate(data.store, 2025, "99999")


def test_result_as_json_carries_full_float(data: Dataset) -> None:
    r = by_target(evaluate(data.store, 2025, "372").results)["LIB_COMM_LLL"]
    j = result_as_json(r)
    assert j["value"] == 1 / 3 * 100  # the same float the maths gives, not rounded
    assert j["missing"] == [data.ids["LB1"]]
    assert j["status"] == "behind" and j["status_label"] == "Chậm tiến độ"
