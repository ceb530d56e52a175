"""Derived criteria (DOMAIN.md §3): LIB_LLL, MUS_LLL, CC_LLL, including boundaries and missing data."""

from __future__ import annotations

import pytest

from lhtl_desktop.model.criteria import CRITERIA

LIB, MUS, CC = CRITERIA["LIB_LLL"], CRITERIA["MUS_LLL"], CRITERIA["CC_LLL"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"LIB_SKILL_CLASSES": 1}, True),
        ({"LIB_READING_EVENTS": 1}, True),
        ({"LIB_DIGITAL_SERVICE": 1}, True),
        ({"LIB_MOBILE_RUNS": 1}, True),
        ({"LIB_SKILL_CLASSES": 0, "LIB_READING_EVENTS": 0, "LIB_DIGITAL_SERVICE": 0, "LIB_MOBILE_RUNS": 0}, False),
        ({"LIB_DIGITAL_SERVICE": 0}, False),  # recorded, but nothing: does not meet (not missing)
        ({"LIB_DIGITAL_SERVICE": 0, "LIB_VISITS": 5000, "LIB_LLL_PARTICIPANTS": 300}, False),
        ({"LIB_VISITS": 5000}, None),  # none of the rule's inputs recorded: missing data
        ({}, None),
        (None, None),
    ],
)
def test_lib_lll(values: dict[str, int] | None, expected: bool | None) -> None:
    assert LIB.evaluate(values) is expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"MUS_EDU_PROGRAMMES": 1, "MUS_DIGITAL_EXHIBITS": 1}, True),
        ({"MUS_EDU_PROGRAMMES": 4, "MUS_DIGITAL_EXHIBITS": 2}, True),
        ({"MUS_EDU_PROGRAMMES": 1, "MUS_DIGITAL_EXHIBITS": 0}, False),
        ({"MUS_EDU_PROGRAMMES": 0, "MUS_DIGITAL_EXHIBITS": 3}, False),
        ({"MUS_EDU_PROGRAMMES": 2}, False),  # digital exhibits not recorded count as 0
        ({"MUS_VISITS": 10000}, None),
    ],
)
def test_mus_lll(values: dict[str, int], expected: bool | None) -> None:
    assert MUS.evaluate(values) is expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"CC_CLUBS": 1, "CC_ACTIVITIES": 12}, True),  # boundary: 12 activities = monthly
        ({"CC_CLUBS": 1, "CC_ACTIVITIES": 11}, False),
        ({"CC_TALENT_CLASSES": 1, "CC_ACTIVITIES": 30}, True),
        ({"CC_INTEREST_GROUPS": 1, "CC_ACTIVITIES": 12}, True),
        ({"CC_TALENT_CLASSES": 0, "CC_CLUBS": 0, "CC_INTEREST_GROUPS": 0, "CC_ACTIVITIES": 50}, False),
        ({"CC_ACTIVITIES": 12}, False),  # no class, club or group recorded: 0
        ({"CC_CLUBS": 3}, False),  # activities not recorded count as 0
        ({"CC_MEMBERS": 40, "CC_PARTICIPANTS": 900}, None),
    ],
)
def test_cc_lll(values: dict[str, int], expected: bool | None) -> None:
    assert CC.evaluate(values) is expected


def test_every_criterion_reads_only_catalogue_indicators_with_labels() -> None:
    from lhtl_desktop.model.catalogue import INDICATORS_BY_CODE

    for c in CRITERIA.values():
        assert c.label and c.rule_text
        assert set(c.inputs) <= set(INDICATORS_BY_CODE)
