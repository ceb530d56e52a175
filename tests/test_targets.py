"""Target maths (DOMAIN.md §2) with hand-computed numbers, plus Hypothesis properties of the share."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lhtl_desktop.model.targets import (
    TARGETS_BY_CODE,
    InstitutionFacts,
    Status,
    TargetResult,
    evaluate_target,
    growth_value,
    on_track_line,
    threshold_in_force,
)

LIB_COMM = TARGETS_BY_CODE["LIB_COMM_LLL"]
CC_VILLAGE = TARGETS_BY_CODE["CC_VILLAGE_ACTIVE"]
VISITS_GROWTH = TARGETS_BY_CODE["LIB_VISITS_GROWTH"]
MEETS = {"LIB_SKILL_CLASSES": 2}
FAILS = {"LIB_SKILL_CLASSES": 0, "LIB_READING_EVENTS": 0, "LIB_DIGITAL_SERVICE": 0, "LIB_MOBILE_RUNS": 0}


def libs(n: int, type_code: str = "lib_commune", prefix: str = "L", **kw: int | None) -> list[InstitutionFacts]:
    return [InstitutionFacts(f"{prefix}{i}", type_code, "14389", **kw) for i in range(1, n + 1)]  # type: ignore[arg-type]


def year_of(insts: list[InstitutionFacts], meeting: int, failing: int) -> dict[str, dict[str, int]]:
    """The first `meeting` institutions meet LIB_LLL, the next `failing` do not; the rest have no data."""
    out: dict[str, dict[str, int]] = {}
    for i, inst in enumerate(insts):
        if i < meeting:
            out[inst.id] = dict(MEETS)
        elif i < meeting + failing:
            out[inst.id] = dict(FAILS)
    return out


def share(year: int, insts: list[InstitutionFacts], data: dict[int, dict[str, dict[str, int]]],
          target=LIB_COMM) -> TargetResult:
    return evaluate_target(target, year, "14389", insts, data)


# -- threshold in force ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "year", "expected"),
    [
        ("LIB_COMM_LLL", 2023, (2025, 40.0)),
        ("LIB_COMM_LLL", 2024, (2025, 40.0)),
        ("LIB_COMM_LLL", 2025, (2025, 40.0)),
        ("LIB_COMM_LLL", 2026, (2030, 60.0)),
        ("LIB_COMM_LLL", 2027, (2030, 60.0)),
        ("LIB_COMM_LLL", 2030, (2030, 60.0)),
        ("LIB_COMM_LLL", 2031, (2030, 60.0)),  # after the last milestone, the last one stays
        ("LIB_COMM_LLL", 2040, (2030, 60.0)),
        ("CC_VILLAGE_ACTIVE", 2024, (2030, 100.0)),  # no 2025 milestone: 2030's is in force
        ("CC_VILLAGE_ACTIVE", 2025, (2030, 100.0)),
        ("LIB_VISITS_GROWTH", 2025, (2025, 5.0)),
        ("LIB_VISITS_GROWTH", 2026, (2030, 10.0)),
    ],
)
def test_threshold_in_force(code: str, year: int, expected: tuple[int, float]) -> None:
    assert threshold_in_force(TARGETS_BY_CODE[code].milestones, year) == expected


def test_threshold_in_force_without_any_milestone() -> None:
    assert threshold_in_force({2025: None}, 2025) is None


def test_result_carries_threshold_in_force() -> None:
    insts = libs(2)
    r = share(2024, insts, {2024: year_of(insts, 1, 1)})
    assert (r.threshold, r.threshold_year) == (40.0, 2025)
    r = share(2027, insts, {2027: year_of(insts, 1, 1)})
    assert (r.threshold, r.threshold_year) == (60.0, 2030)
    r = share(2027, insts, {2027: year_of(insts, 1, 1)}, target=CC_VILLAGE)
    assert r.status == Status.NOT_APPLICABLE  # no village house in the scope


# -- share and missing data -----------------------------------------------------------------------------------
def test_share_counts_missing_in_denominator_and_never_as_meeting() -> None:
    insts = libs(4)  # L1 meets, L2 meets (digital service only), L3 does not, L4 did not report
    data = {2030: {"L1": {"LIB_SKILL_CLASSES": 3}, "L2": {"LIB_DIGITAL_SERVICE": 1, "LIB_VISITS": 10},
                   "L3": dict(FAILS), "L4": {"LIB_VISITS": 500}}}  # visits alone: no LLL data → missing
    r = share(2030, insts, data)
    assert (r.numerator, r.denominator) == (2, 4)
    assert r.value == 50.0
    assert r.meeting == ("L1", "L2")
    assert r.not_meeting == ("L3",)
    assert r.missing == ("L4",)
    assert r.threshold == 60.0
    assert not r.met
    assert r.status == Status.BEHIND  # 2030 is a milestone year: no line, the milestone itself is the test


def test_share_met_at_threshold_exactly() -> None:
    insts = libs(5)
    r = share(2025, insts, {2025: year_of(insts, 2, 3)})  # 2/5 = 40 % = the 2025 milestone
    assert r.value == 40.0
    assert r.met and r.status == Status.MET


def test_share_all_missing_is_missing_data_not_zero() -> None:
    insts = libs(3)
    r = share(2025, insts, {2025: {}})
    assert (r.numerator, r.denominator) == (0, 3)
    assert r.missing == ("L1", "L2", "L3")
    assert r.status == Status.MISSING_DATA
    assert not r.met
    assert r.value is None  # nobody reported: no measured percentage to show


def test_share_not_applicable_when_group_empty() -> None:
    insts = libs(3, "lib_school")  # libraries, but not of the commune group
    r = share(2025, insts, {2025: year_of(insts, 3, 0)})
    assert r.status == Status.NOT_APPLICABLE
    assert (r.numerator, r.denominator, r.value) == (0, 0, None)
    assert not r.met


def test_closed_institution_leaves_denominator_from_closing_year() -> None:
    insts = [*libs(2), InstitutionFacts("C", "lib_commune", "14389", closed_year=2027)]
    data = {y: {"L1": dict(MEETS), "L2": dict(FAILS), "C": dict(FAILS)} for y in (2026, 2027)}
    r2026 = share(2026, insts, data)
    assert (r2026.numerator, r2026.denominator) == (1, 3)  # still open in 2026
    r2027 = share(2027, insts, data)
    assert (r2027.numerator, r2027.denominator) == (1, 2)
    assert "C" not in (*r2027.meeting, *r2027.not_meeting, *r2027.missing)
    # a closed institution without data is not listed as missing either
    r2028 = share(2028, insts, {2028: {"L1": dict(MEETS), "L2": dict(MEETS)}})
    assert (r2028.numerator, r2028.denominator, r2028.missing) == (2, 2, ())


def test_institution_not_yet_opened_is_outside_denominator() -> None:
    insts = [*libs(1), InstitutionFacts("N", "lib_commune", "14389", opened_year=2027)]
    r = share(2026, insts, {2026: {"L1": dict(MEETS)}})
    assert (r.numerator, r.denominator) == (1, 1)


def test_share_groups_several_types() -> None:
    target = TARGETS_BY_CODE["LIB_SCHOOL_LLL"]
    insts = [InstitutionFacts("S", "lib_school", "14389"), InstitutionFacts("V", "lib_vocational", "14389"),
             InstitutionFacts("O", "lib_other_edu", "14389"), InstitutionFacts("X", "lib_commune", "14389")]
    data = {2025: {"S": dict(MEETS), "V": dict(MEETS), "O": dict(FAILS), "X": dict(MEETS)}}
    r = evaluate_target(target, 2025, "14389", insts, data)
    assert (r.numerator, r.denominator) == (2, 3)
    assert math.isclose(r.value or 0, 200 / 3)
    assert r.status == Status.BEHIND  # 66.7 % < 70 % in the milestone year


# -- on track -------------------------------------------------------------------------------------------------
def test_on_track_line_between_milestones() -> None:
    # LIB_COMM_LLL 2027: 40 + (60 − 40) × 2/5 = 48
    assert on_track_line(LIB_COMM.milestones, 2027, None) == pytest.approx(48.0)
    assert on_track_line(LIB_COMM.milestones, 2026, None) == pytest.approx(44.0)
    assert on_track_line(LIB_COMM.milestones, 2031, None) is None  # no next milestone


def test_on_track_50_percent_in_2027_but_45_is_behind() -> None:
    insts = libs(20)
    on = share(2027, insts, {2027: year_of(insts, 10, 10)})  # 50 % ≥ 48
    assert on.value == 50.0 and on.threshold == 60.0
    assert on.status == Status.ON_TRACK and not on.met
    behind = share(2027, insts, {2027: year_of(insts, 9, 11)})  # 45 % < 48
    assert behind.value == 45.0
    assert behind.status == Status.BEHIND
    met = share(2027, insts, {2027: year_of(insts, 12, 8)})  # 60 % meets 2030's milestone early
    assert met.met and met.status == Status.MET


def test_on_track_before_first_milestone_starts_at_first_year_with_data() -> None:
    insts = libs(10)
    # 2022: nobody reported (not a start); 2023: 2/10 = 20 %. Line in 2024: 20 + (40 − 20) × 1/2 = 30.
    base = {2022: {}, 2023: year_of(insts, 2, 8)}
    on = share(2024, insts, {**base, 2024: year_of(insts, 3, 7)})  # 30 %
    assert on.status == Status.ON_TRACK
    behind = share(2024, insts, {**base, 2024: year_of(insts, 2, 8)})  # 20 % < 30
    assert behind.status == Status.BEHIND
    # with no earlier data no line can be drawn: below the threshold is behind
    alone = share(2024, insts, {2024: year_of(insts, 3, 7)})
    assert alone.status == Status.BEHIND


def test_missed_milestone_in_its_own_year_is_behind_not_on_track() -> None:
    insts = libs(10)
    # 2023 at 20 %: a line 2023 → 2030 would give 31.4 % in 2025, but 2025 is itself a milestone (40 %).
    r = share(2025, insts, {2023: year_of(insts, 2, 8), 2025: year_of(insts, 3, 7)})
    assert r.status == Status.BEHIND


def test_village_houses_without_2025_milestone_use_line_from_first_data() -> None:
    houses = libs(10, "village_house", "V")
    active = {"CC_CLUBS": 1, "CC_ACTIVITIES": 12}
    idle = {"CC_CLUBS": 1, "CC_ACTIVITIES": 3}

    def year(n: int) -> dict[str, dict[str, int]]:
        return {h.id: dict(active if i < n else idle) for i, h in enumerate(houses)}

    # first data 2025 at 50 %; line in 2027: 50 + (100 − 50) × 2/5 = 70
    on = share(2027, houses, {2025: year(5), 2027: year(8)}, target=CC_VILLAGE)
    assert (on.threshold, on.threshold_year) == (100.0, 2030)
    assert on.status == Status.ON_TRACK
    behind = share(2027, houses, {2025: year(5), 2027: year(6)}, target=CC_VILLAGE)
    assert behind.status == Status.BEHIND


def test_after_last_milestone_below_threshold_is_behind() -> None:
    insts = libs(10)
    r = share(2032, insts, {2030: year_of(insts, 6, 4), 2032: year_of(insts, 5, 5)})
    assert r.threshold == 60.0 and r.status == Status.BEHIND
    r = share(2032, insts, {2032: year_of(insts, 7, 3)})
    assert r.status == Status.MET


# -- growth ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [(2220, 2000, 11.0), (1050, 1000, 5.0), (900, 1000, -10.0), (0, 1000, -100.0), (1000, 0, None),
     (1000, None, None), (None, 1000, None)],
)
def test_growth_value(current: int | None, previous: int | None, expected: float | None) -> None:
    got = growth_value(current, previous)
    assert got == (pytest.approx(expected) if expected is not None else None)


def _visits(values: dict[int, dict[str, int]]) -> dict[int, dict[str, dict[str, int]]]:
    return {y: {i: {"LIB_VISITS": v} for i, v in row.items()} for y, row in values.items()}


def test_growth_target_sums_scope_and_compares_years() -> None:
    insts = [InstitutionFacts("P", "lib_province", "37"), InstitutionFacts("C", "lib_commune", "14389"),
             InstitutionFacts("M", "museum", "37")]
    data = _visits({2025: {"P": 1000, "C": 1000}, 2026: {"P": 1100, "C": 1120}})
    data[2026]["M"] = {"LIB_VISITS": 99999}  # not a library: never summed
    r = evaluate_target(VISITS_GROWTH, 2026, "37", insts, data)
    assert (r.numerator, r.denominator) == (2220, 2000)
    assert r.value == pytest.approx(11.0)
    assert (r.threshold, r.threshold_year) == (10.0, 2030)
    assert r.met and r.status == Status.MET
    r2025 = evaluate_target(VISITS_GROWTH, 2025, "37", insts, _visits({2024: {"P": 2000}, 2025: {"P": 2080}}))
    assert r2025.value == pytest.approx(4.0) and r2025.threshold == 5.0
    assert r2025.status == Status.BEHIND
    assert r2025.missing == ("C",)  # the commune library did not report either year


def test_growth_without_previous_year_is_missing_data() -> None:
    insts = [InstitutionFacts("P", "lib_province", "37")]
    absent = evaluate_target(VISITS_GROWTH, 2026, "37", insts, _visits({2026: {"P": 100}}))
    assert absent.value is None and absent.denominator is None
    assert absent.status == Status.MISSING_DATA and not absent.met
    assert absent.missing == ("P",)
    zero = evaluate_target(VISITS_GROWTH, 2026, "37", insts, _visits({2025: {"P": 0}, 2026: {"P": 100}}))
    assert zero.denominator == 0 and zero.value is None
    assert zero.status == Status.MISSING_DATA


def test_growth_is_a_yearly_rate_with_no_on_track_line() -> None:
    """Growth thresholds are rates for every year (≥ 10 %/year 2026–2030): 8 % in 2027 misses the year's 10 %.

    A straight line 5 → 10 would call 8 % "on track", which the plan's "≥ 10 % mỗi năm" does not allow.
    """
    insts = [InstitutionFacts("P", "lib_province", "37")]
    short = evaluate_target(VISITS_GROWTH, 2027, "37", insts, _visits({2026: {"P": 1000}, 2027: {"P": 1080}}))
    assert short.value == pytest.approx(8.0) and short.threshold == 10.0
    assert short.status == Status.BEHIND and not short.met
    met = evaluate_target(VISITS_GROWTH, 2027, "37", insts, _visits({2026: {"P": 1000}, 2027: {"P": 1100}}))
    assert met.status == Status.MET and met.met


def test_growth_not_applicable_without_museums() -> None:
    target = TARGETS_BY_CODE["MUS_LEARNING_GROWTH"]
    r = evaluate_target(target, 2026, "14389", libs(2), {})
    assert r.status == Status.NOT_APPLICABLE


def test_milestones_override_changes_threshold() -> None:
    insts = libs(10)
    r = evaluate_target(LIB_COMM, 2027, "14389", insts, {2027: year_of(insts, 5, 5)},
                        milestones={2025: 40.0, 2030: 50.0})
    assert r.threshold == 50.0 and r.met


# -- properties -----------------------------------------------------------------------------------------------
_TYPES = ["lib_commune", "lib_school", "museum", "village_house"]
_VALUE_SETS = st.one_of(
    st.none(),
    st.just({"LIB_VISITS": 5}),
    st.fixed_dictionaries({}, optional={"LIB_SKILL_CLASSES": st.integers(0, 3),
                                        "LIB_READING_EVENTS": st.integers(0, 3),
                                        "LIB_DIGITAL_SERVICE": st.integers(0, 1),
                                        "LIB_MOBILE_RUNS": st.integers(0, 3)}),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(_TYPES), st.one_of(st.none(), st.integers(2020, 2030)), _VALUE_SETS),
             max_size=25),
    st.integers(2020, 2032),
)
def test_share_properties(rows: list, year: int) -> None:
    insts = [InstitutionFacts(f"I{n}", t, "14389", closed_year=closed) for n, (t, closed, _v) in enumerate(rows)]
    year_values = {f"I{n}": v for n, (_t, _c, v) in enumerate(rows) if v is not None}
    r = evaluate_target(LIB_COMM, year, "14389", insts, {year: year_values})
    in_group = [i for i in insts if i.type == "lib_commune" and i.active_in(year)]
    assert r.denominator == len(in_group)
    assert r.numerator is not None and r.denominator is not None
    assert r.numerator == len(r.meeting)
    assert r.denominator == len(r.meeting) + len(r.not_meeting) + len(r.missing)
    assert set(r.meeting) | set(r.not_meeting) | set(r.missing) == {i.id for i in in_group}
    for inst_id in r.missing:  # a missing institution recorded none of the criterion's inputs
        assert not set(year_values.get(inst_id, {})) & {"LIB_SKILL_CLASSES", "LIB_READING_EVENTS",
                                                         "LIB_DIGITAL_SERVICE", "LIB_MOBILE_RUNS"}
    if r.denominator == 0:
        assert r.status == Status.NOT_APPLICABLE and r.value is None
    elif len(r.missing) == r.denominator:
        assert r.status == Status.MISSING_DATA and r.value is None
    else:
        assert r.value == r.numerator / r.denominator * 100
        assert 0 <= r.value <= 100
        assert r.met == (r.value >= (r.threshold or 0))
        assert (r.status == Status.MET) == r.met
