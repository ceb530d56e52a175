"""The reporting register (ARCHITECTURE.md §3.8, DOMAIN.md §9): who must report, submitting and reopening
a period's report, deadlines and lateness, and the coverage every evaluation and sheet carries.

Expected to report for a scope: every commune-level unit (xã, phường, đặc khu) below it in the merge
hierarchy — also those that never sent anything — and a hub that keeps institutions of its own (for those).
The deadline of a period comes from `deadline_for`: the province's signed rules document (services.config),
which reaches hubs and communes in ordinary bundles.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass

from lhtl_desktop.errors import RefusedError, ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.catalogue import Level
from lhtl_desktop.model.institutions import clean_text
from lhtl_desktop.model.periods import Period, parse_period
from lhtl_desktop.model.records import new_id, now_utc
from lhtl_desktop.model.reporting import (  # DEFAULT_DEADLINES: re-exported, the rules document's defaults too
    DEFAULT_DEADLINES,  # noqa: F401
    VIETNAM_UTC_OFFSET,
    Coverage,
    SubmissionMark,
    UnitStatus,
    coverage_of,
    is_late,
    local_time_text,
    parse_day_month,
    receipt_values,
    unit_status,
)
from lhtl_desktop.model.version_vector import advance
from lhtl_desktop.services import config
from lhtl_desktop.services.installation import (
    installation,
    is_ancestor_or_self,
    parent_of,
    require_in_scope,
    require_unit,
    subtree,
)
from lhtl_desktop.storage import Store
from lhtl_desktop.storage import reporting_store as rs

DEADLINE_META = {"year": "deadline_year", "half": "deadline_half"}  # names in the change log (unit_changes)
_RULES_DEADLINE = {"year": "year", "half": "half_year"}  # the same kinds in the province's rules document


# -- deadlines --------------------------------------------------------------------------------------------
# One source: the province's signed rules document (services.config), which travels down in every bundle, so
# a hub and a commune judge lateness by the deadlines the province set, not by a setting of their own.
def deadline_day_month(store: Store, kind: str) -> tuple[int, int]:
    """(day, month) of the deadline of a period kind ("year" or "half"), as the province's rules in force set
    it (defaults: 15/12 for the yearly report, 14/06 for the 6-month one)."""
    deadlines = config.rules_in_force(store).content.deadlines
    return deadlines.year if kind == "year" else deadlines.half_year


def deadline_for(store: Store, period: Period) -> _dt.date:
    """The last day to submit `period`'s report (services.config.deadline_for)."""
    return config.deadline_for(store, period)


def set_deadline(store: Store, kind: str, text: str) -> tuple[int, int]:
    """The province sets a deadline ("year" / "half", as «ngày/tháng»): a new version of its rules document
    (kept with who and when, carried down in the next bundles), and a line in the change log."""
    me = installation(store)
    if me.level != Level.PROVINCE:
        raise RefusedError(_("Chỉ cấp tỉnh mới đặt hạn nộp báo cáo."))
    if kind not in DEADLINE_META:
        raise ValidationError(_("Loại kỳ «{kind}» không hợp lệ: «year» (báo cáo năm) hoặc «half» (6 tháng).")
                              .format(kind=kind), field="deadline")
    day, month = parse_day_month(text)
    old_day_month = deadline_day_month(store, kind)
    if (day, month) == old_day_month:
        return day, month  # already the deadline in force: no new rules version
    old = "{:02d}/{:02d}".format(*old_day_month) if store.get_meta(DEADLINE_META[kind]) else None
    new = f"{day:02d}/{month:02d}"
    with store.atomic():
        config.set_deadline(store, _RULES_DEADLINE[kind], new)
        store.set_meta(DEADLINE_META[kind], new)  # marks that the province changed it (the log's «old» value)
        store.log_unit_change(me.province_code, DEADLINE_META[kind], old, new, me.officer, now_utc())
    return day, month


def today_in_vietnam() -> _dt.date:
    return (_dt.datetime.now(_dt.UTC) + VIETNAM_UTC_OFFSET).date()


# -- who must report --------------------------------------------------------------------------------------
def expected_units(store: Store, scope: str) -> list[str]:
    """Units expected to report for a scope: its communes, and the hubs in it that hold institutions."""
    units = store.units()
    with_insts = rs.units_with_institutions(store)
    out = []
    for code in subtree(store, scope):
        level = units[code].level
        if level == Level.COMMUNE or (level == Level.DISTRICT and code in with_insts):
            out.append(code)
    return sorted(out)


def coverage(store: Store, scope: str, period: str) -> Coverage:
    expected = expected_units(store, scope)
    done = [m.unit for m in rs.marks(store, expected, period) if m.submitted]
    return coverage_of(expected, done, rs.units_with_values(store, period) & set(expected))


# -- submitting -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SubmitResult:
    mark: SubmissionMark
    changed: bool  # False: it was already in that state, nothing written


def _is_future(period: Period) -> bool:
    return period.year > today_in_vietnam().year


def submit(store: Store, period: str, *, unit: str | None = None, empty: bool = False) -> SubmitResult:
    """Mark `unit`'s (default: mine) report for `period` as submitted. A period with no values at all needs
    `empty=True` (a commune may truly have nothing to report); a future period or a unit outside my scope is
    refused. Nothing is written when refused or when the report is already marked submitted."""
    me = installation(store)
    per = parse_period(period)
    target = require_in_scope(store, unit or me.unit.code)
    if target.level == Level.PROVINCE:
        raise RefusedError(_("Cấp tỉnh tổng hợp báo cáo, không nộp báo cáo lên đơn vị nào."), field="unit")
    if _is_future(per):
        raise ValidationError(_("Chưa thể nộp báo cáo {period}: kỳ này chưa đến.").format(period=per.label()),
                              field="period")
    stored = rs.mark(store, target.code, per.key)
    if stored is not None and stored.submitted:
        return SubmitResult(stored, False)
    if not empty and target.code not in rs.units_with_values(store, per.key):
        raise RefusedError(
            _("{unit} chưa có số liệu nào cho {period}. Nếu đơn vị thật sự không có gì để báo cáo, hãy xác nhận "
              "nộp báo cáo trống (--empty).").format(unit=target.name, period=per.label().lower()),
            field="empty")
    return _write_mark(store, target.code, per.key, True, None, stored)


def reopen(store: Store, period: str, *, unit: str | None = None, why: str | None = None) -> SubmitResult:
    """Reopen a submitted report («--undo»). Once the submission has been sent in a bundle, a reason is needed."""
    me = installation(store)
    per = parse_period(period)
    target = require_in_scope(store, unit or me.unit.code)
    stored = rs.mark(store, target.code, per.key)
    if stored is None or not stored.submitted:
        raise RefusedError(_("{unit} chưa nộp báo cáo {period}: không có gì để mở lại.").format(
            unit=target.name, period=per.label().lower()))
    reason = clean_text(why, _("lý do mở lại"), required=False)
    if not reason and rs.exported_after(store, stored.created_at):
        raise RefusedError(_("Báo cáo {period} đã được gửi lên cấp trên: mở lại cần ghi rõ lý do (--why).").format(
            period=per.label().lower()), field="why")
    return _write_mark(store, target.code, per.key, False, reason, stored)


def _write_mark(store: Store, unit: str, period: str, submitted: bool, reason: str | None,
                stored: SubmissionMark | None) -> SubmitResult:
    me = installation(store)
    now = now_utc()
    mark = SubmissionMark(unit, period, submitted, advance([stored.vv] if stored else [], me.key_id), me.key_id,
                          me.unit.code, me.officer, now, new_id(), reason)
    with store.atomic():
        rs.put_mark(store, mark, now)
    return SubmitResult(mark, True)


def submission(store: Store, period: str, unit: str | None = None) -> SubmissionMark | None:
    me = installation(store)
    return rs.mark(store, unit or me.unit.code, parse_period(period).key)


# -- the register -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RegisterRow:
    unit: str
    name: str
    hub: str | None
    status: UnitStatus
    submitted_at: str | None
    submitted_by: str | None
    deadline: _dt.date
    late: bool
    last_seq: int | None
    received_at: str | None

    def as_json(self) -> dict[str, object]:
        return {"unit": self.unit, "name": self.name, "hub": self.hub, "status": str(self.status),
                "status_label": self.status.label, "submitted_at": self.submitted_at,
                "submitted_by": self.submitted_by, "deadline": self.deadline.isoformat(), "late": self.late,
                "last_seq": self.last_seq, "received_at": self.received_at}


@dataclass(frozen=True)
class Register:
    scope: str
    scope_name: str
    period: Period
    deadline: _dt.date
    rows: list[RegisterRow]
    coverage: Coverage

    def count(self, status: UnitStatus) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def late(self) -> int:
        return sum(1 for r in self.rows if r.late)

    def not_submitted(self) -> list[RegisterRow]:
        return [r for r in self.rows if r.status != UnitStatus.SUBMITTED]


_ORDER = {UnitStatus.NONE: 0, UnitStatus.PARTIAL: 1, UnitStatus.SUBMITTED: 2}


def register(store: Store, period: str, scope: str | None = None, *, today: _dt.date | None = None) -> Register:
    """Every expected unit of the scope with its status, lateness and the last bundle received from it;
    the late ones first, then those not reported, then by code."""
    me = installation(store)
    per = parse_period(period)
    scope_unit = require_unit(store, scope) if scope else me.unit
    if not is_ancestor_or_self(store, me.unit.code, scope_unit.code):
        raise RefusedError(
            _("{unit} nằm ngoài phạm vi của {me}: chỉ xem tình hình báo cáo của đơn vị mình và đơn vị trực thuộc.")
            .format(unit=scope_unit.name, me=me.unit.name), field="scope")
    units = store.units()
    expected = expected_units(store, scope_unit.code)
    marks = {m.unit: m for m in rs.marks(store, expected, per.key)}
    with_values = rs.units_with_values(store, per.key)
    received = rs.last_received(store)
    deadline = deadline_for(store, per)
    day = today or today_in_vietnam()
    rows = []
    for code in expected:
        mark = marks.get(code)
        status = unit_status(mark, code in with_values)
        submitted_at = mark.created_at if mark is not None and mark.submitted else None
        last = received.get(code)
        rows.append(RegisterRow(
            code, units[code].name, parent_of(store, code), status, submitted_at,
            mark.author_name if submitted_at and mark else None, deadline, is_late(deadline, submitted_at, day),
            last[0] if last else None, last[1] if last else None))
    rows.sort(key=lambda r: (not r.late, _ORDER[r.status], r.unit))
    cov = coverage_of(expected, [c for c, m in marks.items() if m.submitted], with_values & set(expected))
    return Register(scope_unit.code, scope_unit.name, per, deadline, rows, cov)


def not_submitted_rows(store: Store, period: str, scope: str, *, today: _dt.date | None = None) -> list[RegisterRow]:
    """The «Đơn vị chưa báo cáo» section of a sheet: expected units of the scope that have not submitted."""
    return register(store, period, scope, today=today).not_submitted()


def submitted_units(store: Store, units: Sequence[str], period: str) -> set[str]:
    return {m.unit for m in rs.marks(store, units, period) if m.submitted}


# -- the outbox: my bundles and their receipts ------------------------------------------------------------
@dataclass(frozen=True)
class OutboxRow:
    bundle_id: str
    seq: int
    to: str
    to_name: str
    created: str
    file: str
    records: int
    acknowledged_at: str | None
    counts: dict[str, int] | None
    reasons: tuple[str, ...]

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    def receipt_text(self) -> str:
        """«Cụm Nho Quan đã nhận gói số 5 lúc 14:32 ngày 03/01/2026: 118 giá trị, 2 xung đột»"""
        if self.acknowledged_at is None or self.counts is None:
            return _("{to}: chưa có biên nhận gói số {seq}").format(to=self.to_name, seq=self.seq)
        text = _("{to} đã nhận gói số {seq} lúc {when}: {n} giá trị").format(
            to=self.to_name, seq=self.seq, when=local_time_text(self.acknowledged_at), n=receipt_values(self.counts))
        extra = [(self.counts.get("new", 0) + self.counts.get("changed", 0), _("mới hoặc thay đổi")),
                 (self.counts.get("stale", 0), _("cũ hơn")), (self.counts.get("conflicts", 0), _("xung đột")),
                 (self.counts.get("refused", 0), _("bị từ chối"))]
        shown = [f"{n} {label}" for n, label in extra[1:] if n]
        return ", ".join([text, *shown])

    def as_json(self) -> dict[str, object]:
        return {"bundle_id": self.bundle_id, "seq": self.seq, "to": self.to, "to_name": self.to_name,
                "created": self.created, "file": self.file, "records": self.records,
                "acknowledged": self.acknowledged, "acknowledged_at": self.acknowledged_at, "counts": self.counts,
                "reasons": list(self.reasons)}


def _hub_name(unit: str, name: str) -> str:
    """The addressee as a commune officer says it: «Cụm Nho Quan» for hub 372 «Huyện Nho Quan (cũ)»."""
    if len(unit) == 3:
        bare = name.removesuffix(" (cũ)")
        for prefix in ("Huyện ", "Thị xã ", "Thành phố ", "Quận "):
            bare = bare.removeprefix(prefix)
        return _("Cụm {name}").format(name=bare)
    return name


def outbox(store: Store) -> list[OutboxRow]:
    """Every bundle written here, newest first, with the receipt that came back for it (if any)."""
    units = store.units()
    return [OutboxRow(r["bundle_id"], r["seq"], r["to"], _hub_name(r["to"], units[r["to"]].name)
                      if r["to"] in units else r["to"], r["created"], r["file"], r["records"], r["acknowledged_at"],
                      r["counts"], tuple(r["reasons"]))
            for r in rs.outbox_rows(store)]


def last_receipt(store: Store) -> OutboxRow | None:
    """The newest of my bundles that has been acknowledged (the Đồng bộ page's receipt line)."""
    return next((r for r in outbox(store) if r.acknowledged), None)


# -- my own report: what the entry page shows ---------------------------------------------------------------
@dataclass(frozen=True)
class SubmissionState:
    unit: str
    unit_name: str
    period: Period
    mark: SubmissionMark | None
    has_values: bool
    sent: bool  # the mark (submitted or reopened) has left in a bundle since it was made
    deadline: _dt.date
    late: bool
    expected: bool  # this unit is expected to report (a commune; a hub with institutions of its own)

    @property
    def submitted(self) -> bool:
        return self.mark is not None and self.mark.submitted

    def text(self) -> str:
        """«Đã nộp báo cáo năm 2025 lúc 14:32 ngày 03/01/2026 (Nguyễn Văn An)» or «Chưa nộp …; hạn nộp …»."""
        label = self.period.label().lower()
        deadline = self.deadline.strftime("%d/%m/%Y")
        if self.mark is not None and self.mark.submitted:
            text = _("Đã nộp báo cáo {period} lúc {when} ({who}).").format(
                period=label, when=local_time_text(self.mark.created_at), who=self.mark.author_name)
            if self.late:
                text += " " + _("Nộp sau hạn {deadline}.").format(deadline=deadline)
            if not self.sent:
                text += " " + _("Gói gửi lên tiếp theo sẽ mang dấu đã nộp.")
            return text
        text = _("Chưa nộp báo cáo {period}; hạn nộp {deadline}.").format(period=label, deadline=deadline)
        if self.mark is not None:
            text = _("Báo cáo {period} đã được mở lại lúc {when}{why}; hạn nộp {deadline}.").format(
                period=label, when=local_time_text(self.mark.created_at),
                why=f" ({self.mark.reason})" if self.mark.reason else "", deadline=deadline)
        if self.late:
            text += " " + _("Đã quá hạn.")
        return text


def submission_state(store: Store, period: str, unit: str | None = None, *,
                     today: _dt.date | None = None) -> SubmissionState:
    me = installation(store)
    per = parse_period(period)
    code = unit or me.unit.code
    target = require_unit(store, code)
    mark = rs.mark(store, code, per.key)
    deadline = deadline_for(store, per)
    submitted_at = mark.created_at if mark is not None and mark.submitted else None
    return SubmissionState(
        code, target.name, per, mark, code in rs.units_with_values(store, per.key),
        mark is not None and rs.exported_after(store, mark.created_at), deadline,
        is_late(deadline, submitted_at, today or today_in_vietnam()),
        code in expected_units(store, code) if target.level != Level.PROVINCE else False)
