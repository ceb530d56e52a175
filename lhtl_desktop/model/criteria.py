"""Derived criteria (DOMAIN.md §3): whether an institution "provides LLL services" in a period.

The flag is computed from recorded activity, never typed in. Each rule names the indicators it reads; an
institution with none of them recorded is *missing data* (None), which the target maths treats as "does
not meet" and lists separately. Indicators of a rule that were not recorded count as 0.

The numbers in a rule (12 activities a year, 1 educational programme …) are parameters the province sets in
its rules document (model.rules); `with_params` gives the criterion with the province's numbers, and
`criteria_with` the whole set. Parameter names and bounds are fixed here: a document naming another is invalid.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from lhtl_desktop.i18n import _

CRITERIA_RULE_VERSION = "2025.1"


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    inputs: tuple[str, ...]
    rule_template: str
    test: Callable[[Mapping[str, int], Mapping[str, int]], bool]
    params: Mapping[str, int] = field(default_factory=dict)  # the rule's numbers, defaults here

    @property
    def rule_text(self) -> str:
        return self.rule_template.format(**self.params)

    def evaluate(self, values: Mapping[str, int] | None) -> bool | None:
        """True/False when any input was recorded, None when the institution has no data for it."""
        if not values or not any(code in values for code in self.inputs):
            return None
        present = {code: values.get(code, 0) for code in self.inputs}
        return bool(self.test(present, self.params))

    def with_params(self, params: Mapping[str, int]) -> Criterion:
        """The same rule with some of its numbers replaced (unknown names are the caller's to refuse)."""
        if not params:
            return self
        return replace(self, params={**self.params, **{k: v for k, v in params.items() if k in self.params}})


CRITERIA: dict[str, Criterion] = {
    c.code: c
    for c in (
        Criterion(
            "LIB_LLL",
            _("Thư viện có cung cấp dịch vụ phục vụ học tập suốt đời"),
            ("LIB_SKILL_CLASSES", "LIB_READING_EVENTS", "LIB_DIGITAL_SERVICE", "LIB_MOBILE_RUNS"),
            _("Có lớp kỹ năng, hoạt động khuyến đọc, dịch vụ số hoặc phục vụ lưu động"),
            lambda v, p: v["LIB_SKILL_CLASSES"] > 0
            or v["LIB_READING_EVENTS"] > 0
            or v["LIB_DIGITAL_SERVICE"] == 1
            or v["LIB_MOBILE_RUNS"] > 0,
        ),
        Criterion(
            "MUS_LLL",
            _("Bảo tàng có chương trình giáo dục và trưng bày số"),
            ("MUS_EDU_PROGRAMMES", "MUS_DIGITAL_EXHIBITS"),
            _("Ít nhất {min_programmes} chương trình giáo dục và {min_digital_exhibits} chuyên đề trưng bày số"),
            lambda v, p: v["MUS_EDU_PROGRAMMES"] >= p["min_programmes"]
            and v["MUS_DIGITAL_EXHIBITS"] >= p["min_digital_exhibits"],
            {"min_programmes": 1, "min_digital_exhibits": 1},
        ),
        Criterion(
            "CC_LLL",
            _("Thiết chế văn hóa hoạt động thường xuyên"),
            ("CC_TALENT_CLASSES", "CC_CLUBS", "CC_INTEREST_GROUPS", "CC_ACTIVITIES"),
            _("Có ít nhất {min_groups} lớp năng khiếu, câu lạc bộ hoặc nhóm sở thích, và ít nhất {min_activities} "
              "hoạt động trong năm"),
            lambda v, p: v["CC_TALENT_CLASSES"] + v["CC_CLUBS"] + v["CC_INTEREST_GROUPS"] >= p["min_groups"]
            and v["CC_ACTIVITIES"] >= p["min_activities"],
            {"min_groups": 1, "min_activities": 12},
        ),
    )
}

# Bounds of every parameter: a province document outside them is invalid (a year has at most 366 days of
# activities; a count above 1,000 is a typing slip, not a rule).
PARAM_BOUNDS: dict[str, tuple[int, int]] = {
    "min_programmes": (0, 1000), "min_digital_exhibits": (0, 1000), "min_groups": (0, 1000),
    "min_activities": (0, 1000),
}


def default_params() -> dict[str, dict[str, int]]:
    """Every criterion's parameters at their defaults (criteria without numbers have none)."""
    return {code: dict(c.params) for code, c in CRITERIA.items() if c.params}


def criteria_with(params: Mapping[str, Mapping[str, int]] | None) -> dict[str, Criterion]:
    """The criteria with the province's numbers (None or empty: the defaults)."""
    if not params:
        return CRITERIA
    return {code: c.with_params(params.get(code, {})) for code, c in CRITERIA.items()}
