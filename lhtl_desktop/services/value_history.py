"""Corrections seen where they land: every version of a value (the current ones and those they replaced),
and, for a value corrected from above, who changed it, when, from what and why."""

from __future__ import annotations

from dataclasses import dataclass

from lhtl_desktop.model.catalogue import indicators_for_type
from lhtl_desktop.model.periods import parse_period
from lhtl_desktop.model.records import ValueRecord
from lhtl_desktop.services.entry import CurrentValue
from lhtl_desktop.services.institutions import require_institution
from lhtl_desktop.storage import Store


@dataclass(frozen=True)
class Version:
    indicator: str
    value: int | None  # None: deleted
    author: str
    author_unit: str
    created_at: str
    reason: str | None
    current: bool

    def as_json(self) -> dict[str, object]:
        return {"indicator": self.indicator, "value": self.value, "author": self.author, "unit": self.author_unit,
                "created": self.created_at, "reason": self.reason, "current": self.current}


def _version(rec: ValueRecord, current: bool) -> Version:
    return Version(rec.indicator, rec.value, rec.author_name or rec.author_key, rec.author_unit, rec.created_at,
                   rec.reason, current)


def value_history(store: Store, inst_id: str, period: str) -> dict[str, list[Version]]:
    """Per indicator (catalogue order) every version, oldest first; indicators never entered are left out."""
    inst = require_institution(store, inst_id)
    key = parse_period(period).key
    out: dict[str, list[Version]] = {}
    for ind in indicators_for_type(inst.type):
        old = [_version(r, False) for r in store.records_in_history(inst.id, key, ind.code)]
        now = [_version(r, True) for r in store.records_for_key(inst.id, key, ind.code)]
        versions = sorted(old + now, key=lambda v: (v.created_at, not v.current))
        if versions:
            out[ind.code] = versions
    return out


@dataclass(frozen=True)
class Correction:
    """A value in force that a higher level wrote over the owning unit's."""

    by_unit: str
    author: str
    at: str
    previous: int | None
    reason: str | None

    def as_json(self) -> dict[str, object]:
        return {"unit": self.by_unit, "author": self.author, "at": self.at, "from": self.previous,
                "reason": self.reason}


def correction_of(store: Store, owner_unit: str, cv: CurrentValue) -> Correction | None:
    """Who corrected the value in force from above, when, from what, why (None: the unit's own value)."""
    rec = cv.record
    if cv.conflict or rec.author_unit == owner_unit:
        return None
    before = [r for r in store.records_in_history(rec.institution_id, rec.period, rec.indicator)
              if r.created_at <= rec.created_at and r.edit_id != rec.edit_id]
    previous = before[-1].value if before else None
    return Correction(rec.author_unit, rec.author_name or rec.author_key, rec.created_at, previous, rec.reason)
