"""Reporting periods (DOMAIN.md §6): a calendar year `2025`, or the 6-month report `2025-H1`."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from lhtl_desktop.errors import ValidationError
from lhtl_desktop.i18n import _

MIN_YEAR = 2000
MAX_YEAR = 2100  # the far end of target milestones and thresholds; periods stop at `max_period_year()`
_PERIOD_RE = re.compile(r"([0-9]{4})(-H1)?", re.ASCII)


@dataclass(frozen=True, order=True)
class Period:
    year: int
    half: int | None = None  # None: the whole calendar year; 1: the 6-month report (15/12 → 14/06)

    @property
    def key(self) -> str:
        return f"{self.year}-H{self.half}" if self.half else str(self.year)

    @property
    def is_year(self) -> bool:
        return self.half is None

    def previous(self) -> Period:
        """The same kind of period one year earlier (warnings compare like with like)."""
        return Period(self.year - 1, self.half)

    def label(self) -> str:
        if self.half:
            return _("6 tháng đầu năm {year}").format(year=self.year)
        return _("Năm {year}").format(year=self.year)

    def __str__(self) -> str:
        return self.key


def max_period_year(today: _dt.date | None = None) -> int:
    """The last year a report may be for: next year (a 6-month report is due before the year it names ends,
    an annual plan is entered ahead). Beyond it a period is a typing slip (2205 for 2025) or a forged file."""
    return (today or _dt.datetime.now(_dt.UTC).date()).year + 1


def parse_period(text: str, *, latest: int | None = None) -> Period:
    """Parse `2025` or `2025-H1`; anything else is refused with a Vietnamese message. A period values are
    entered or received for ends at `max_period_year()`; `latest` widens that for reading only (evaluating
    the targets of a milestone year ahead writes nothing)."""
    raw = (text or "").strip()
    m = _PERIOD_RE.fullmatch(raw)
    if not m:
        raise ValidationError(
            _("Kỳ báo cáo «{text}» không hợp lệ: nhập năm (ví dụ 2025) hoặc 6 tháng đầu năm (ví dụ 2025-H1).")
            .format(text=text),
            field="period",
        )
    year = int(m.group(1))
    last = max_period_year() if latest is None else latest
    if not MIN_YEAR <= year <= last:
        raise ValidationError(
            _("Năm {year} nằm ngoài khoảng {lo}–{hi}.").format(year=year, lo=MIN_YEAR, hi=last),
            field="period",
        )
    return Period(year, 1 if m.group(2) else None)


def parse_milestone_year(text: str | int) -> int:
    """A year a target's milestone or threshold is set for: 2000–2100 (plans run to 2030 and beyond)."""
    raw = str(text).strip()
    if not re.fullmatch(r"[0-9]{4}", raw, re.ASCII) or not MIN_YEAR <= int(raw) <= MAX_YEAR:
        raise ValidationError(
            _("Năm «{text}» không hợp lệ: nhập năm từ {lo} đến {hi}.").format(text=text, lo=MIN_YEAR, hi=MAX_YEAR),
            field="period",
        )
    return int(raw)


def parse_year(text: str | int) -> int:
    """Parse a year for evaluation (targets use whole years only; up to MAX_YEAR: reading a milestone year
    ahead is allowed, entering values for it is not)."""
    period = parse_period(str(text), latest=MAX_YEAR)
    if not period.is_year:
        raise ValidationError(
            _("Chỉ tiêu được đánh giá theo năm: nhập năm (ví dụ 2025), không nhập «{text}».").format(text=text),
            field="period",
        )
    return period.year
