"""Who must report and who did (ARCHITECTURE.md §3.8, DOMAIN.md §9): submission marks, deadlines, lateness,
a unit's reporting status and the coverage every figure carries. Pure functions over plain data.

A submission mark is one row per (unit, period): «đã nộp» or reopened, who and when, with a version vector
so that it merges like a value record: a mark that dominates replaces what it dominates. Concurrent marks (the
commune reopening while its hub records the paper copy) are not kept side by side: the one with more edits
behind it (the sum of its vector), then the later one, then the larger edit id wins. That order is total and
extends dominance, so the mark kept is the greatest of all received — every installation ends with the same
mark whatever order and repetition the bundles arrive in.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from lhtl_desktop.errors import ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.periods import Period

VIETNAM_UTC_OFFSET = _dt.timedelta(hours=7)  # Indochina Time, no daylight saving: deadlines are local dates
DEFAULT_DEADLINES = {"year": (15, 12), "half": (14, 6)}  # (day, month): NĐ 09/2019's cut-offs 14/12 and 14/06


class UnitStatus(StrEnum):
    SUBMITTED = "submitted"
    PARTIAL = "partial"  # values for the period, no submission
    NONE = "none"  # nothing at all: not reported

    @property
    def label(self) -> str:
        return UNIT_STATUS_LABELS[self]


UNIT_STATUS_LABELS: dict[UnitStatus, str] = {
    UnitStatus.SUBMITTED: _("Đã nộp"),
    UnitStatus.PARTIAL: _("Có số liệu, chưa nộp"),
    UnitStatus.NONE: _("Chưa báo cáo"),
}


@dataclass(frozen=True)
class SubmissionMark:
    """The state of one unit's report for one period, as the last edit left it."""

    unit: str
    period: str
    submitted: bool  # False: reopened («mở lại») after a submission
    vv: Mapping[str, int]
    author_key: str
    author_unit: str
    author_name: str
    created_at: str  # ISO-8601 UTC
    edit_id: str
    reason: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.unit, self.period)


def mark_order(mark: SubmissionMark) -> tuple[int, str, str]:
    """A total order on marks that extends dominance (a dominating vector has a larger sum)."""
    return (sum(mark.vv.values()), mark.created_at, mark.edit_id)


def merge_mark(stored: SubmissionMark | None, incoming: SubmissionMark) -> SubmissionMark | None:
    """The mark to store after receiving `incoming` (None: keep what is stored, nothing to write)."""
    if stored is None:
        return incoming
    # Dominated or equal: a smaller or equal order, kept out; dominating: a larger one, taken; concurrent (or,
    # from a faulty sender, two contents under one vector): the order decides, the same way everywhere.
    return incoming if mark_order(incoming) > mark_order(stored) else None


# -- deadlines --------------------------------------------------------------------------------------------
def parse_day_month(text: str) -> tuple[int, int]:
    """'15/12' → (15, 12); refused with a Vietnamese message unless it is a real day of a month."""
    raw = (text or "").strip()
    parts = raw.split("/")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() and 1 <= len(p) <= 2 for p in parts):
        raise ValidationError(_("Hạn nộp «{text}» không hợp lệ: nhập ngày/tháng, ví dụ 15/12.").format(text=text),
                              field="deadline")
    day, month = int(parts[0]), int(parts[1])
    try:
        _dt.date(2023, month, day)  # not a leap year: 29/02 would not exist every year
    except ValueError:
        raise ValidationError(_("Hạn nộp «{text}» không phải một ngày có thật.").format(text=text),
                              field="deadline") from None
    return day, month


def deadline_of(period: Period, day_month: tuple[int, int]) -> _dt.date:
    """The last day to submit `period`'s report: that day of the period's own year."""
    day, month = day_month
    return _dt.date(period.year, month, day)


def local_date(timestamp: str) -> _dt.date:
    """The date in Vietnam of an ISO-8601 UTC timestamp ('2025-12-15T17:30:00Z' → 16/12/2025)."""
    moment = _dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    return (moment.astimezone(_dt.UTC) + VIETNAM_UTC_OFFSET).date()


def is_late(deadline: _dt.date, submitted_at: str | None, today: _dt.date) -> bool:
    """Submitted after the deadline (in Vietnam's date), or not submitted and the deadline has passed.
    Submitting on the deadline day itself is on time."""
    if submitted_at is not None:
        return local_date(submitted_at) > deadline
    return today > deadline


def unit_status(mark: SubmissionMark | None, has_values: bool) -> UnitStatus:
    if mark is not None and mark.submitted:
        return UnitStatus.SUBMITTED
    return UnitStatus.PARTIAL if has_values else UnitStatus.NONE


# -- coverage ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Coverage:
    """How many of the units expected to report for a scope and period have submitted, or sent values."""

    expected: int
    submitted: int
    with_data: int
    missing_units: tuple[str, ...] = field(default=())  # expected units that have not submitted, by code

    @property
    def complete(self) -> bool:
        return self.submitted >= self.expected

    def as_json(self) -> dict[str, object]:
        return {"expected": self.expected, "submitted": self.submitted, "with_data": self.with_data,
                "missing_units": list(self.missing_units)}

    def text(self) -> str:
        """«Đã nộp 2/8 đơn vị (3 có số liệu); chưa nộp: 6»"""
        return _("Đã nộp {n}/{total} đơn vị ({data} có số liệu); chưa nộp: {missing}").format(
            n=self.submitted, total=self.expected, data=self.with_data, missing=self.expected - self.submitted)


def coverage_of(expected: Iterable[str], submitted: Iterable[str], with_data: Iterable[str]) -> Coverage:
    units = sorted(set(expected))
    done = set(submitted)
    data = set(with_data)
    return Coverage(len(units), sum(1 for u in units if u in done), sum(1 for u in units if u in data),
                    tuple(u for u in units if u not in done))


def local_time_text(timestamp: str) -> str:
    """'2026-01-03T07:32:00Z' → '14:32 ngày 03/01/2026' (Vietnam's time)."""
    moment = _dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00")).astimezone(_dt.UTC) + VIETNAM_UTC_OFFSET
    return _("{hm} ngày {date}").format(hm=moment.strftime("%H:%M"), date=moment.strftime("%d/%m/%Y"))


def receipt_values(counts: Mapping[str, int]) -> int:
    """Every value the receiver read in the bundle, whatever it did with it."""
    return sum(int(counts.get(k, 0)) for k in ("new", "changed", "unchanged", "stale", "conflicts", "refused"))
