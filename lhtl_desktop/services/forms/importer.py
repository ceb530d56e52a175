"""Importing filled return forms: strict read, every bad cell listed, preview, backup, one transaction.

The path is a bundle's (ARCHITECTURE.md §3.2) with a spreadsheet's reader in front: a file with any bad cell,
or out of my scope, or for another unit or period than expected, is refused whole (nothing written, every
cell listed as sheet!cell). A good file is previewed (new / changed / unchanged / conflicts per institution);
then one rolling backup and one `BEGIN IMMEDIATE` transaction write it.

Each value is written as a local edit of this installation, its provenance in `reason` (no typed reason is
needed above the commune: the provenance is the reason) and in `form_records`. Its version vector joins the
siblings this installation wrote itself (an earlier form, a correction) and not those the commune (or another
unit below me) sent signed: a later form replaces an earlier form, and a value the commune itself sent becomes
a conflict, never silently overwritten. At the commune itself a form replaces like any entry. Re-importing the
same file is «đã nhập trước đó»; another file with the same values changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lhtl_desktop.errors import ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.institutions import Institution, check_type_for_level
from lhtl_desktop.model.periods import parse_period
from lhtl_desktop.model.records import ValueRecord, new_id, now_utc
from lhtl_desktop.model.validation import check_consistency, jump_warning
from lhtl_desktop.model.version_vector import advance
from lhtl_desktop.services.entry import current_values, previous_values
from lhtl_desktop.services.forms.provenance import form_reason
from lhtl_desktop.services.forms.xlsx_in import CellError, FormFileError, FormLine, ReadForm, read_form_file
from lhtl_desktop.services.installation import installation, is_ancestor_or_self, subtree
from lhtl_desktop.storage import Store, forms_store, sync_store
from lhtl_desktop.storage.backup import rolling_backup
from lhtl_desktop.storage.key_counters import next_vv

ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"
STATUS_LABELS = {ACCEPTED: _("đã nhập"), DUPLICATE: _("đã nhập trước đó"), REJECTED: _("bị từ chối")}


@dataclass
class FormPreviewRow:
    unit: str
    institution: str
    institution_name: str
    is_new: bool = False
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    conflicts: int = 0


@dataclass
class FormResult:
    file: str
    status: str
    reason: str = ""
    errors: list[CellError] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    conflicts: int = 0
    institutions_new: int = 0
    warnings: list[str] = field(default_factory=list)
    unit: str = ""
    period: str = ""
    sha256: str = ""
    dry_run: bool = False
    preview: list[FormPreviewRow] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = [e.as_json() for e in self.errors]
        return data


@dataclass
class _Write:
    line: FormLine
    institution: Institution
    code: str
    value: int
    outcome: str
    warning: str | None


@dataclass
class _Plan:
    new_institutions: list[Institution]
    writes: list[_Write]


def import_forms(store: Store, paths: Sequence[Path | str], *, dry_run: bool = False, backup: bool = True,
                 use_cached: bool = False, expect_unit: str | None = None, expect_period: str | None = None,
                 progress: Callable[[int, int, str], None] | None = None) -> list[FormResult]:
    """Import several forms in the given order, one rolling backup before the first write. Never raises for a
    bad file: its result says rejected, with the reason or the list of bad cells."""
    results: list[FormResult] = []
    backed_up = not backup or dry_run
    for n, raw in enumerate(paths):
        if progress is not None:
            progress(n, len(paths), Path(raw).name)
        result = FormResult(file=str(raw), status=REJECTED, dry_run=dry_run)
        results.append(result)
        try:
            form = read_form_file(raw, use_cached=use_cached)
        except FormFileError as exc:
            result.reason = exc.message
            continue
        result.unit, result.period, result.sha256 = form.unit, form.period, form.sha256
        if form.errors:
            result.errors = form.errors
            result.reason = _("Biểu có {n} ô không hợp lệ: không nhập gì. Hãy sửa các ô dưới đây rồi nhập lại.").format(
                n=len(form.errors))
            continue
        try:
            _check_unit(store, form, expect_unit, expect_period)
        except ValidationError as exc:
            result.reason = exc.message
            continue
        if forms_store.form_import(store, form.sha256) is not None:
            result.status, result.reason = DUPLICATE, _("Biểu đã nhập trước đó: không thay đổi gì.")
            continue
        plan = _plan(store, form, result)
        if result.errors:
            result.status = REJECTED
            result.reason = _("Biểu có {n} ô không hợp lệ: không nhập gì. Hãy sửa các ô dưới đây rồi nhập lại.").format(
                n=len(result.errors))
            continue
        result.status = ACCEPTED
        if dry_run:
            continue
        if not backed_up:
            rolling_backup(store, "form-import")
            backed_up = True
        _apply(store, form, plan)
    return results


def _check_unit(store: Store, form: ReadForm, expect_unit: str | None, expect_period: str | None) -> None:
    me = installation(store)
    unit = store.unit(form.unit)
    if unit is None or not is_ancestor_or_self(store, me.unit.code, unit.code):
        raise ValidationError(_("Biểu này của {unit}, không thuộc phạm vi của {me}: không nhập.").format(
            unit=f"{form.unit_name} ({form.unit})", me=me.unit.name))
    if expect_unit and expect_unit.strip() != form.unit:
        raise ValidationError(_("Biểu này của {unit}, không phải của đơn vị đang chờ ({want}): không nhập.").format(
            unit=f"{unit.name} ({unit.code})", want=expect_unit))
    if expect_period and parse_period(expect_period).key != form.period:
        raise ValidationError(_("Biểu này cho kỳ {got}, không phải kỳ {want}: không nhập.").format(
            got=parse_period(form.period).label(), want=parse_period(expect_period).label()))


def _below_me(store: Store, me_unit: str, author_unit: str) -> bool:
    return author_unit != me_unit and is_ancestor_or_self(store, me_unit, author_unit)


def _plan(store: Store, form: ReadForm, result: FormResult) -> _Plan:
    me = installation(store)
    unit = store.unit(form.unit)
    assert unit is not None
    per = parse_period(form.period)
    scope = set(subtree(store, me.unit.code))
    plan = _Plan([], [])
    rows: dict[str, FormPreviewRow] = {}
    for line in form.lines:
        inst = store.institution(line.institution_id) if line.institution_id else None
        if inst is None:
            # line.institution_id set: an institution the commune created that has not reached me yet
            type_code = line.type or ""
            try:
                check_type_for_level(type_code, unit.level)
            except ValidationError as exc:
                result.errors.append(CellError(line.sheet, f"C{line.row}", exc.message))
                continue
            inst = Institution(line.institution_id or new_id(), unit.code, type_code, line.name or "",
                               line.village or None)
            plan.new_institutions.append(inst)
            rows[inst.id] = FormPreviewRow(unit.code, inst.id, inst.name, is_new=True)
            current: dict[str, int] = {}
            previous: dict[str, int] = {}
        else:
            if inst.unit_code != unit.code or inst.unit_code not in scope:
                result.errors.append(CellError(line.sheet, f"D{line.row}", _(
                    "thiết chế «{name}» không thuộc {unit}").format(name=inst.name, unit=unit.name)))
                continue
            rows.setdefault(inst.id, FormPreviewRow(unit.code, inst.id, inst.name))
            current = {c: cv.value for c, cv in current_values(store, inst.id, per.key).items()
                       if cv.value is not None}
            previous = previous_values(store, inst.id, per)
        merged = dict(current)
        merged.update({v.indicator: v.value for v in line.values})
        try:
            check_consistency(merged)
        except ValidationError as exc:
            cell = next((v.cell for v in line.values if v.indicator == exc.field), f"A{line.row}")
            result.errors.append(CellError(line.sheet, cell, exc.message))
            continue
        row = rows[inst.id]
        for v in line.values:
            outcome = "new" if row.is_new else value_outcome(store, inst, per.key, v.indicator, v.value)
            if outcome == "unchanged":
                row.unchanged += 1
                continue
            setattr(row, outcome, getattr(row, outcome) + 1)
            warning = jump_warning(v.indicator, v.value, previous.get(v.indicator))
            if warning:
                result.warnings.append(f"{line.sheet}!{v.cell}: {warning.message}")
            plan.writes.append(_Write(line, inst, v.indicator, v.value, outcome, warning.message if warning else None))
    result.preview = sorted((r for r in rows.values() if r.is_new or r.new or r.changed or r.unchanged or r.conflicts), key=lambda r: (not r.is_new, r.institution_name.casefold()))
    result.institutions_new = len(plan.new_institutions)
    for r in result.preview:
        result.new += r.new
        result.changed += r.changed
        result.unchanged += r.unchanged
        result.conflicts += r.conflicts
    return plan


def write_value(store: Store, inst: Institution, period: str, code: str, value: int, reason: str,
                warning: str | None, now: str) -> str:
    """Write one value that came from a file (inside the caller's transaction); returns its edit id.

    Its vector joins the siblings this installation may replace — all of them at the institution's own unit,
    else all but those written by units below me (the commune's signed values), which stay beside it as a
    conflict."""
    me = installation(store)
    siblings = store.records_for_key(inst.id, period, code)
    if me.unit.code == inst.unit_code:
        joined = siblings
    else:
        joined = [s for s in siblings if not _below_me(store, me.unit.code, s.author_unit)]
    rec = ValueRecord(
        edit_id=new_id(), institution_id=inst.id, unit_code=inst.unit_code, period=period, indicator=code,
        value=value, vv=next_vv(store, (s.vv for s in joined), me.key_id), author_key=me.key_id,
        author_unit=me.unit.code, created_at=now, reason=reason, warning=warning, author_name=me.officer)
    store.supersede((s.edit_id for s in joined), now)
    store.insert_record(rec)
    return rec.edit_id


def value_outcome(store: Store, inst: Institution, period: str, code: str, value: int) -> str:
    """«new», «changed», «unchanged» or «conflicts»: what `write_value` would do."""
    me = installation(store)
    siblings = store.records_for_key(inst.id, period, code)
    if any(s.value == value and (len(siblings) == 1 or s.author_unit == me.unit.code) for s in siblings):
        return "unchanged"
    if not siblings:
        return "new"
    if me.unit.code != inst.unit_code and any(_below_me(store, me.unit.code, s.author_unit) for s in siblings):
        return "conflicts"
    return "changed"


def _apply(store: Store, form: ReadForm, plan: _Plan) -> None:
    me = installation(store)
    per = parse_period(form.period)
    now = now_utc()
    reason = form_reason(form.file_name, form.sha256, me.officer)
    edit_ids: list[str] = []
    with sync_store.immediate(store):
        for inst in plan.new_institutions:
            store.insert_institution(inst, created_at=now, vv=advance([], me.key_id), author_key=me.key_id,
                                     edit_id=new_id())
        for w in plan.writes:
            edit_ids.append(write_value(store, w.institution, per.key, w.code, w.value, reason, w.warning, now))
        forms_store.record_form_import(store, {
            "sha256": form.sha256, "file_name": form.file_name, "unit_code": form.unit, "period": form.period,
            "form_id": f"{form.unit}:{form.period}", "imported_at": now, "imported_by": me.officer,
            "counts": {"values": len(edit_ids), "institutions_new": len(plan.new_institutions)}}, edit_ids)
