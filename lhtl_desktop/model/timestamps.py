"""Timestamps on the wire and in files: ISO-8601 UTC (`2025-06-14T08:30:00.123Z`) that name a real moment.

A regular expression alone lets `9999-99-99T99:99:99Z` through; such a value sorts after every real time, so
it would win "the later edit" wherever times are compared. Every timestamp read from a bundle, a certificate
or an enrolment file goes through `is_utc_timestamp`.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

_TS_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{1,6})?Z", re.ASCII)


def parse_utc_timestamp(text: Any) -> _dt.datetime | None:
    """The aware UTC datetime `text` names, or None when it is not one (wrong shape, month 13, 25:00, 30 Feb…)."""
    if type(text) is not str:
        return None
    if _TS_RE.fullmatch(text) is None:
        return None
    try:  # the date and time the pattern matched, checked by the C parser (the same checks as datetime(...))
        return _dt.datetime.fromisoformat(text[:19]).replace(tzinfo=_dt.UTC)
    except ValueError:
        return None


def is_utc_timestamp(text: Any) -> bool:
    return parse_utc_timestamp(text) is not None
