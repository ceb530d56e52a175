"""Reverting one imported file (issue 12, part 4): corrections that put back the values it replaced.

Each import keeps what it did (storage.revert_store: the records it made current, those it sent to history).
`plan_revert` previews, value by value, before → after; `revert_bundle` writes one correction per value —
a local edit with the officer's reason, whose version vector joins every sibling, so it dominates what the
file brought and travels up and down like any correction. A value the file had added (nothing before) gets
a tombstone.

Refused, with nothing written: an unknown bundle id, a bundle already reverted, a reason left out, a value
outside my scope — and any value a later edit has changed since (listed): a revert never overwrites
later work. Re-importing the file afterwards is a no-op (the bundle is known), and a newer snapshot from the
same sender cannot undo the revert either: the corrections dominate what it carries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lhtl_desktop.errors import NotFoundError, RefusedError, ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.institutions import clean_text
from lhtl_desktop.model.records import ValueRecord, choose_provisional, new_id, now_utc
from lhtl_desktop.services.installation import installation, is_ancestor_or_self
from lhtl_desktop.storage import Store, revert_store
from lhtl_desktop.storage.key_counters import next_vv

MAX_REASON = 400


@dataclass(frozen=True)
class RevertLine:
    institution: str
    institution_name: str
    unit: str
    period: str
    indicator: str
    before: int | None  # the value the file replaced (None: it had added the value)
    after: int | None  # the value it brought, in force now
    blocked: bool = False  # a later edit changed it since: not reverted

    def as_json(self) -> dict[str, Any]:
        return {"institution": self.institution, "institution_name": self.institution_name, "unit": self.unit,
                "period": self.period, "indicator": self.indicator, "before": self.before, "after": self.after}


@dataclass
class RevertPlan:
    bundle_id: str
    from_unit: str
    seq: int
    imported_at: str
    changes: list[RevertLine] = field(default_factory=list)
    blocked: list[RevertLine] = field(default_factory=list)
    _targets: list[tuple[tuple[str, str, str], list[ValueRecord], int | None, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"bundle_id": self.bundle_id, "from_unit": self.from_unit, "seq": self.seq,
                "imported_at": self.imported_at, "changes": [c.as_json() for c in self.changes],
                "blocked": [c.as_json() for c in self.blocked]}


def _find(store: Store, text: str) -> dict[str, Any]:
    raw = (text or "").strip().lower()
    if not re.fullmatch(r"[0-9a-f-]{1,36}", raw):
        raw = ""
    row = revert_store.imported_bundle(store, raw) if raw else None
    if row is None and len(raw) >= 8:
        found = revert_store.bundles_starting(store, raw)
        if len(found) == 1:
            row = revert_store.imported_bundle(store, found[0])
    if row is None:
        raise NotFoundError(_("Không có gói đã nhập nào mã «{id}» (xem «Gói đã nhập» hoặc lệnh «inbox»).").format(
            id=text), field="bundle")
    return row


def plan_revert(store: Store, bundle_id: str) -> RevertPlan:
    """What reverting the imported bundle would do. Raises when it cannot be reverted at all."""
    me = installation(store)
    row = _find(store, bundle_id)
    if revert_store.revert_of(store, row["bundle_id"]) is not None:
        raise RefusedError(_("Gói «{id}» đã được hoàn tác trước đó.").format(id=row["bundle_id"][:8]),
                           field="bundle")
    plan = RevertPlan(row["bundle_id"], row["from_unit"], row["seq"], row["imported_at"])
    found = revert_store.effects(store, row["bundle_id"])
    if found is None:
        raise RefusedError(_("Gói «{id}» được nhập trước khi chương trình ghi lại thay đổi của từng gói: không hoàn "
                             "tác được. Hãy sửa trực tiếp các giá trị cần sửa (có lý do).").format(
            id=row["bundle_id"][:8]), field="bundle")
    inserted_ids, superseded_ids = found
    current_of, history_of = revert_store.records_by_ids(store, [*inserted_ids, *superseded_ids])
    by_key: dict[tuple[str, str, str], tuple[list[ValueRecord], list[ValueRecord], list[str]]] = {}
    for e in inserted_ids:
        rec = current_of.get(e) or history_of.get(e)
        if rec is not None:
            by_key.setdefault(rec.key, ([], [], []))[0].append(rec)
            if e not in current_of:
                by_key[rec.key][2].append(e)  # no longer current: a later edit replaced it
    for e in superseded_ids:
        rec = history_of.get(e)
        if rec is not None:
            by_key.setdefault(rec.key, ([], [], []))[1].append(rec)
    names = {i.id: i.name for i in store.institutions()}
    for key in sorted(by_key):
        brought, replaced, gone = by_key[key]
        if not brought:
            continue
        inst_id, period, indicator = key
        unit = brought[0].unit_code
        if not is_ancestor_or_self(store, me.unit.code, unit):
            raise RefusedError(_("Gói «{id}» có số liệu của đơn vị {unit}, ngoài phạm vi của {me}: không hoàn tác.")
                               .format(id=row["bundle_id"][:8], unit=unit, me=me.unit.name), field="bundle")
        siblings = store.records_for_key(inst_id, period, indicator)
        brought_ids = {r.edit_id for r in brought}
        others = [s for s in siblings if s.edit_id not in brought_ids]
        later = revert_store.inserted_after(store, [s.edit_id for s in others], row["imported_at"])
        later |= {s.edit_id for s in others if s.author_key == me.key_id and s.created_at > row["imported_at"]}
        chosen_after = choose_provisional(siblings) if siblings else None
        after = chosen_after.value if chosen_after else None
        if replaced:
            before_rec = choose_provisional(replaced)
            before = before_rec.value if before_rec else None
        elif others:
            before_rec = choose_provisional(others)  # the file had added a sibling beside these (a conflict)
            before = before_rec.value if before_rec else None
        else:
            before = None
        line = RevertLine(inst_id, names.get(inst_id, inst_id), unit, period, indicator, before, after,
                          bool(gone or later))
        if line.blocked:
            plan.blocked.append(line)
        elif before != after or len(siblings) > 1:
            plan.changes.append(line)
            plan._targets.append((key, siblings, before, unit))
    return plan


def revert_bundle(store: Store, bundle_id: str, why: str | None, *, dry_run: bool = False) -> RevertPlan:
    """Preview (dry_run) or write the corrections. Refused whole when any value was changed later."""
    reason_text = clean_text(why, _("lý do hoàn tác"), required=False)
    if not reason_text:
        raise ValidationError(_("Hoàn tác một gói cần ghi rõ lý do (--why)."), field="why")
    if len(reason_text) > MAX_REASON:
        raise ValidationError(_("Lý do quá dài (tối đa {n} ký tự).").format(n=MAX_REASON), field="why")
    plan = plan_revert(store, bundle_id)
    if plan.blocked:
        listed = "; ".join(f"{b.institution_name} {b.period} {b.indicator}" for b in plan.blocked[:10])
        raise RefusedError(_("Không hoàn tác gói «{id}»: {n} giá trị đã được sửa sau khi nhập gói ({items}). "
                             "Không ghi gì; hãy sửa trực tiếp các giá trị đó nếu cần.").format(
            id=plan.bundle_id[:8], n=len(plan.blocked), items=listed + ("…" if len(plan.blocked) > 10 else "")),
            field="bundle")
    if dry_run:
        return plan
    me = installation(store)
    now = now_utc()
    reason = _("Hoàn tác gói số {seq} của {unit}: {why}").format(seq=plan.seq, unit=plan.from_unit, why=reason_text)
    with store.atomic():
        for (inst_id, period, indicator), siblings, before, unit in plan._targets:
            store.supersede((s.edit_id for s in siblings), now)
            store.insert_record(ValueRecord(
                edit_id=new_id(), institution_id=inst_id, unit_code=unit, period=period, indicator=indicator,
                value=before, vv=next_vv(store, (s.vv for s in siblings), me.key_id), author_key=me.key_id,
                author_unit=me.unit.code, created_at=now, reason=reason, author_name=me.officer))
        revert_store.record_revert(store, plan.bundle_id, now, reason_text, len(plan._targets))
    return plan


@dataclass(frozen=True)
class ImportedBundle:
    bundle_id: str
    from_unit: str
    unit_name: str
    seq: int
    created_at: str
    imported_at: str
    file_name: str
    counts: dict[str, int]
    reverted_at: str | None


def import_history(store: Store) -> list[ImportedBundle]:
    """Bundles imported here, newest first (the window's «Gói đã nhập» list)."""
    import json

    units = store.units()
    return [ImportedBundle(r["bundle_id"], r["from_unit"], units[r["from_unit"]].name if r["from_unit"] in units
                           else r["from_unit"], r["seq"], r["created_at"], r["imported_at"], r["file_name"],
                           json.loads(r["counts"] or "{}"), r["reverted_at"])
            for r in revert_store.imported_rows(store)]
