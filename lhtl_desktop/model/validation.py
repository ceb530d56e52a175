"""Validation of entered values and the review warnings (DOMAIN.md §5).

Errors refuse the whole entry (nothing is saved); warnings are saved with the value and flagged for review.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from lhtl_desktop.errors import ValidationError
from lhtl_desktop.i18n import _, fmt_int, valid_codes_hint
from lhtl_desktop.model.catalogue import (
    INDICATORS_BY_CODE,
    MAX_VALUE,
    Indicator,
    IndicatorKind,
    indicators_for_type,
    type_label,
)

_ASCII_INT = re.compile(r"[0-9]+", re.ASCII)
WARN_RATIO = 3

# Pairs (part, whole): the part may never exceed the whole in the same institution and period.
PART_OF_WHOLE: tuple[tuple[str, str], ...] = (
    ("MUS_LEARNING_VISITS", "MUS_VISITS"),
    ("LIB_LLL_PARTICIPANTS", "LIB_VISITS"),
)


@dataclass(frozen=True)
class ValueWarning:
    indicator: str
    value: int
    previous: int
    message: str


def indicator_for(type_code: str, code: str) -> Indicator:
    """The catalogue entry for `code`, refusing codes that do not apply to this institution type."""
    ind = INDICATORS_BY_CODE.get(code)
    applicable = [i.code for i in indicators_for_type(type_code)]
    if ind is None:
        raise ValidationError(_("Không có chỉ số mã «{code}». {hint}").format(
            code=code, hint=valid_codes_hint(code, applicable)), field=code)
    if ind.code not in applicable:
        raise ValidationError(
            _("Chỉ số «{label}» không áp dụng cho loại thiết chế «{type}». Các mã hợp lệ: {codes}.").format(
                label=ind.label, type=type_label(type_code), codes=", ".join(applicable)
            ),
            field=code,
        )
    return ind


def parse_value(indicator: Indicator, text: str | int) -> int:
    """Turn what the officer typed into an integer, or refuse it with a message naming the field."""
    raw = str(text).strip()
    label = indicator.label
    if raw == "":
        raise ValidationError(_("«{label}»: chưa nhập giá trị.").format(label=label), field=indicator.code)
    if not _ASCII_INT.fullmatch(raw):
        if raw.startswith("-") and _ASCII_INT.fullmatch(raw[1:]):
            msg = _("«{label}»: không được nhập số âm.")
        elif any(c in raw for c in ".,") and all(c.isascii() and (c.isdigit() or c in ".,") for c in raw):
            msg = _("«{label}»: chỉ nhập số nguyên, không dùng dấu chấm, dấu phẩy hay số thập phân.")
        elif all((c.isascii() and c.isdigit()) or c.isspace() for c in raw):
            msg = _("«{label}»: viết liền các chữ số, không dùng dấu cách.")  # "1 200" (grouping by spaces)
        elif any(c.isdigit() for c in raw) and not any(c.isalpha() for c in raw if not c.isdigit()):
            msg = _("«{label}»: chỉ dùng các chữ số 0–9 thông thường.")
        else:
            msg = _("«{label}»: chỉ nhập số nguyên (chữ số 0–9), không nhập chữ.")
        raise ValidationError(msg.format(label=label), field=indicator.code)
    if len(raw) > 10:
        raise ValidationError(_("«{label}»: số quá lớn (tối đa 1.000.000.000).").format(label=label),
                              field=indicator.code)
    value = int(raw)
    if value > MAX_VALUE:
        raise ValidationError(_("«{label}»: số quá lớn (tối đa 1.000.000.000).").format(label=label),
                              field=indicator.code)
    if indicator.kind == IndicatorKind.FLAG and value not in (0, 1):
        raise ValidationError(_("«{label}»: chỉ nhập 1 (có) hoặc 0 (không).").format(label=label),
                              field=indicator.code)
    return value


def check_consistency(values: Mapping[str, int]) -> None:
    """Cross-field rules over the full set of values an institution will have after the entry."""
    for part, whole in PART_OF_WHOLE:
        if part in values and whole in values and values[part] > values[whole]:
            raise ValidationError(
                _("«{part}» ({pv}) không được lớn hơn «{whole}» ({wv}).").format(
                    part=INDICATORS_BY_CODE[part].label,
                    pv=fmt_int(values[part]),
                    whole=INDICATORS_BY_CODE[whole].label,
                    wv=fmt_int(values[whole]),
                ),
                field=part,
            )


def jump_warning(code: str, value: int, previous: int | None) -> ValueWarning | None:
    """A value more than 3× or less than ⅓ of last year's is saved but flagged for review."""
    if previous is None or previous <= 0:
        return None
    if value > WARN_RATIO * previous or value * WARN_RATIO < previous:
        label = INDICATORS_BY_CODE[code].label
        return ValueWarning(
            code,
            value,
            previous,
            _("«{label}»: {value} so với {previous} năm trước — chênh lệch quá 3 lần, đề nghị kiểm tra lại.")
            .format(label=label, value=fmt_int(value), previous=fmt_int(previous)),
        )
    return None
