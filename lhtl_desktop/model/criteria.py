"""Derived criteria (DOMAIN.md §3): whether an institution "provides LLL services" in a period.

The flag is computed from recorded activity, never typed in. Each rule names the indicators it reads; an
institution with none of them recorded is *missing data* (None), which the target maths treats as "does
not meet" and lists separately. Indicators of a rule that were not recorded count as 0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from lhtl_desktop.i18n import _

CRITERIA_RULE_VERSION = "2025.1"


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    inputs: tuple[str, ...]
    rule_text: str
    test: Callable[[Mapping[str, int]], bool]

    def evaluate(self, values: Mapping[str, int] | None) -> bool | None:
        """True/False when any input was recorded, None when the institution has no data for it."""
        if not values or not any(code in values for code in self.inputs):
            return None
        present = {code: values.get(code, 0) for code in self.inputs}
        return bool(self.test(present))


CRITERIA: dict[str, Criterion] = {
    c.code: c
    for c in (
        Criterion(
            "LIB_LLL",
            _("Thư viện có cung cấp dịch vụ phục vụ học tập suốt đời"),
            ("LIB_SKILL_CLASSES", "LIB_READING_EVENTS", "LIB_DIGITAL_SERVICE", "LIB_MOBILE_RUNS"),
            _("Có lớp kỹ năng, hoạt động khuyến đọc, dịch vụ số hoặc phục vụ lưu động"),
            lambda v: v["LIB_SKILL_CLASSES"] > 0
            or v["LIB_READING_EVENTS"] > 0
            or v["LIB_DIGITAL_SERVICE"] == 1
            or v["LIB_MOBILE_RUNS"] > 0,
        ),
        Criterion(
            "MUS_LLL",
            _("Bảo tàng có chương trình giáo dục và trưng bày số"),
            ("MUS_EDU_PROGRAMMES", "MUS_DIGITAL_EXHIBITS"),
            _("Ít nhất 1 chương trình giáo dục và 1 chuyên đề trưng bày số"),
            lambda v: v["MUS_EDU_PROGRAMMES"] >= 1 and v["MUS_DIGITAL_EXHIBITS"] >= 1,
        ),
        Criterion(
            "CC_LLL",
            _("Thiết chế văn hóa hoạt động thường xuyên"),
            ("CC_TALENT_CLASSES", "CC_CLUBS", "CC_INTEREST_GROUPS", "CC_ACTIVITIES"),
            _("Có lớp năng khiếu, câu lạc bộ hoặc nhóm sở thích, và ít nhất 12 hoạt động trong năm"),
            lambda v: v["CC_TALENT_CLASSES"] + v["CC_CLUBS"] + v["CC_INTEREST_GROUPS"] >= 1
            and v["CC_ACTIVITIES"] >= 12,
        ),
    )
}
