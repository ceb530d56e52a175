"""Value records: one stored value of one indicator, with its version vector (ARCHITECTURE.md §3.5)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lhtl_desktop.model.units import LEVEL_RANK, level_of


def now_utc() -> str:
    """ISO-8601 UTC timestamp with milliseconds, sortable as text."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id() -> str:
    import uuid  # here: the window's cold start reads records but writes none before its first frame

    return str(uuid.uuid4())


@dataclass(frozen=True)
class ValueRecord:
    edit_id: str
    institution_id: str
    unit_code: str  # the unit that owns the institution
    period: str
    indicator: str
    value: int | None  # None: a tombstone (value deleted)
    vv: Mapping[str, int]
    author_key: str
    author_unit: str
    created_at: str
    reason: str | None = None
    warning: str | None = None
    author_name: str = field(default="", compare=False)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.institution_id, self.period, self.indicator)


_new_object = object.__new__


def value_record(edit_id: str, institution_id: str, unit_code: str, period: str, indicator: str, value: int | None,
                 vv: Mapping[str, int], author_key: str, author_unit: str, created_at: str, reason: str | None,
                 warning: str | None, author_name: str) -> ValueRecord:
    """`ValueRecord(...)` with every field given, the same record (equal, frozen afterwards), built about three
    times faster: the frozen dataclass's `__init__` calls `object.__setattr__` once per field, and a bundle's
    reader builds one record per value it carries (a province's hub bundles hold hundreds of thousands)."""
    rec = _new_object(ValueRecord)
    rec.__dict__.update(edit_id=edit_id, institution_id=institution_id, unit_code=unit_code, period=period,
                        indicator=indicator, value=value, vv=vv, author_key=author_key, author_unit=author_unit,
                        created_at=created_at, reason=reason, warning=warning, author_name=author_name)
    return rec


def choose_provisional(siblings: Iterable[ValueRecord]) -> ValueRecord | None:
    """While a conflict is open, reports use the higher level's edit, then the later one (marked ⚠)."""
    records = list(siblings)
    if not records:
        return None
    if len(records) == 1:  # the usual case: no conflict, nothing to compare (keeps reports fast)
        return records[0]
    return min(
        records,
        key=lambda r: (LEVEL_RANK[level_of(r.author_unit)], _neg(r.created_at), r.edit_id),
    )


def _neg(timestamp: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in timestamp)
