"""Entering values: validation, warnings against last year, one transaction per save (DOMAIN.md §5).

A save validates every value first; any error refuses the whole save and nothing is written. A local edit
joins the version vectors of every current sibling and advances its own counter, so it dominates what it
saw and closes an open conflict (ARCHITECTURE.md §3.5). A correction above the owning unit, and the edit
that resolves a conflict, need a reason (`model.corrections`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from lhtl_desktop.errors import RefusedError, ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.catalogue import indicators_for_type
from lhtl_desktop.model.corrections import is_correction_from_above, reason_missing
from lhtl_desktop.model.institutions import Institution, clean_text
from lhtl_desktop.model.periods import Period, parse_period
from lhtl_desktop.model.records import ValueRecord, choose_provisional, new_id, now_utc
from lhtl_desktop.model.validation import (
    ValueWarning,
    check_consistency,
    indicator_for,
    jump_warning,
    parse_value,
)
from lhtl_desktop.services.installation import installation, require_in_scope
from lhtl_desktop.services.institutions import require_institution
from lhtl_desktop.storage import Store
from lhtl_desktop.storage.key_counters import next_vv


@dataclass(frozen=True)
class CurrentValue:
    """What a report or form shows for one indicator: the value, and every sibling while in conflict."""

    indicator: str
    value: int | None
    record: ValueRecord
    siblings: tuple[ValueRecord, ...]

    @property
    def conflict(self) -> bool:
        return len(self.siblings) > 1


@dataclass
class SaveResult:
    saved: dict[str, int] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[ValueWarning] = field(default_factory=list)
    saved_at: str = ""


class Completeness(StrEnum):
    EMPTY = "empty"
    PARTIAL = "partial"
    COMPLETE = "complete"
    WARNINGS = "warnings"
    CONFLICT = "conflict"


COMPLETENESS_LABELS = {
    Completeness.EMPTY: _("Chưa nhập"),
    Completeness.PARTIAL: _("Nhập dở"),
    Completeness.COMPLETE: _("Đủ"),
    Completeness.WARNINGS: _("Có cảnh báo"),
    Completeness.CONFLICT: _("Có xung đột"),
}


def current_values(store: Store, inst_id: str, period: str) -> dict[str, CurrentValue]:
    """Current value per indicator (provisional while in conflict); tombstones are left out."""
    return current_from_records(store.current_records(inst_id, period))


def current_from_records(records: Iterable[ValueRecord]) -> dict[str, CurrentValue]:
    """`current_values` over records already read (of one institution and period), for bulk readers."""
    groups: dict[str, list[ValueRecord]] = {}
    for rec in records:
        groups.setdefault(rec.indicator, []).append(rec)
    out: dict[str, CurrentValue] = {}
    for code, recs in groups.items():
        chosen = choose_provisional(recs)
        assert chosen is not None
        if chosen.value is None and len(recs) == 1:
            continue
        out[code] = CurrentValue(code, chosen.value, chosen, tuple(recs))
    return out


def get_values(store: Store, inst_id: str, period: str) -> dict[str, CurrentValue]:
    inst = require_institution(store, inst_id)
    return current_values(store, inst.id, parse_period(period).key)


def previous_values(store: Store, inst_id: str, period: Period) -> dict[str, int]:
    prev = current_values(store, inst_id, period.previous().key)
    return {code: cv.value for code, cv in prev.items() if cv.value is not None}


def _check_authority(store: Store, inst: Institution, why: str | None, *, resolves_conflict: bool = False
                     ) -> str | None:
    """The reason to store with an edit of `inst`; refused when the edit needs one (`model.corrections`)."""
    me = installation(store)
    require_in_scope(store, inst.unit_code)
    reason = clean_text(why, _("lý do điều chỉnh"), required=False)
    if reason_missing(me.unit.code, inst.unit_code, reason, resolves_conflict=resolves_conflict):
        if is_correction_from_above(me.unit.code, inst.unit_code):
            raise RefusedError(
                _("Điều chỉnh số liệu của đơn vị cấp dưới cần ghi rõ lý do (--why)."), field="why"
            )
        raise RefusedError(
            _("Số liệu này đang có xung đột giữa các nơi nhập: hãy ghi lý do chọn giá trị thống nhất (--why)."),
            field="why",
        )
    return reason


def _in_conflict(store: Store, inst_id: str, period: str, codes: Iterable[str]) -> bool:
    return any(len(store.records_for_key(inst_id, period, code)) > 1 for code in codes)


def set_values(store: Store, inst_id: str, period: str, raw: Mapping[str, str | int],
               why: str | None = None) -> SaveResult:
    """Validate and save several values of one institution and period in one transaction."""
    inst = require_institution(store, inst_id)
    per = parse_period(period)
    if not raw:
        raise ValidationError(_("Chưa có giá trị nào để lưu (dạng MÃ=GIÁ_TRỊ)."))
    parsed: dict[str, int] = {}
    for code, text in raw.items():
        ind = indicator_for(inst.type, code.strip().upper())
        parsed[ind.code] = parse_value(ind, text)
    reason = _check_authority(store, inst, why, resolves_conflict=_in_conflict(store, inst.id, per.key, parsed))

    current = current_values(store, inst.id, per.key)
    merged = {code: cv.value for code, cv in current.items() if cv.value is not None}
    merged.update(parsed)
    check_consistency(merged)

    previous = previous_values(store, inst.id, per)
    me = installation(store)
    result = SaveResult(saved_at=now_utc())
    with store.atomic():
        for code, value in parsed.items():
            siblings = store.records_for_key(inst.id, per.key, code)
            if len(siblings) == 1 and siblings[0].value == value:
                result.unchanged.append(code)
                continue
            warning = jump_warning(code, value, previous.get(code))
            rec = ValueRecord(
                edit_id=new_id(), institution_id=inst.id, unit_code=inst.unit_code, period=per.key,
                indicator=code, value=value, vv=next_vv(store, (s.vv for s in siblings), me.key_id),
                author_key=me.key_id, author_unit=me.unit.code, created_at=result.saved_at,
                reason=reason, warning=warning.message if warning else None, author_name=me.officer,
            )
            store.supersede((s.edit_id for s in siblings), result.saved_at)
            store.insert_record(rec)
            result.saved[code] = value
            if warning:
                result.warnings.append(warning)
    return result


def clear_value(store: Store, inst_id: str, period: str, code: str, why: str | None = None) -> bool:
    """Delete a value (a tombstone that travels like any edit). False when there was nothing to clear."""
    inst = require_institution(store, inst_id)
    per = parse_period(period)
    ind = indicator_for(inst.type, code)
    siblings = store.records_for_key(inst.id, per.key, ind.code)
    reason = _check_authority(store, inst, why, resolves_conflict=len(siblings) > 1)
    if not siblings or (len(siblings) == 1 and siblings[0].value is None):
        return False
    me = installation(store)
    now = now_utc()
    with store.atomic():
        store.supersede((s.edit_id for s in siblings), now)
        store.insert_record(ValueRecord(
            edit_id=new_id(), institution_id=inst.id, unit_code=inst.unit_code, period=per.key,
            indicator=ind.code, value=None, vv=next_vv(store, (s.vv for s in siblings), me.key_id),
            author_key=me.key_id, author_unit=me.unit.code, created_at=now, reason=reason,
            author_name=me.officer,
        ))
    return True


def completeness(store: Store, inst: Institution, period: str) -> Completeness:
    return completeness_of(inst.type, current_values(store, inst.id, period))


def completeness_of(type_code: str, values: Mapping[str, CurrentValue]) -> Completeness:
    expected = {i.code for i in indicators_for_type(type_code)}
    if not values:
        return Completeness.EMPTY
    if any(cv.conflict for cv in values.values()):
        return Completeness.CONFLICT
    if any(cv.record.warning for cv in values.values()):
        return Completeness.WARNINGS
    if expected <= set(values):
        return Completeness.COMPLETE
    return Completeness.PARTIAL
