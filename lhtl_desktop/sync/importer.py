"""Importing bundles (ARCHITECTURE.md §3.2): the strict reader, the dry-run preview and the one-transaction apply.

Reading order — nothing is parsed or decompressed before the signature checks out:
size cap (stat) → strict envelope → key lookup (unknown → quarantine, revoked → refuse) → signature →
bounded gunzip → strict JSON → schema → routing and authority → dedup → preview → backup → one
BEGIN IMMEDIATE transaction → summary. Any failure: a BundleError with a Vietnamese message, zero writes.

Entry points: `read_bundle` (verify only, raises BundleError), `import_file` / `import_bytes` (one file into
a Store, returns a FileResult and never raises BundleError), `import_files` (several, one backup first).
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lhtl_desktop import logs
from lhtl_desktop.errors import BundleError, ConstraintError, LhtlError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.records import ValueRecord, now_utc
from lhtl_desktop.storage import Store, lineage_store, revert_store, sync_store
from lhtl_desktop.storage.backup import rolling_backup
from lhtl_desktop.storage.migrations import SCHEMA_VERSION
from lhtl_desktop.sync import institution_merge, lineage, province_config, receipts
from lhtl_desktop.sync.authority import Evidence
from lhtl_desktop.sync.bundle import Body, parse_body
from lhtl_desktop.sync.envelope import (
    BUNDLE_TYPE,
    gunzip_bounded,
    open_envelope,
    read_file_capped,
    strict_json,
    verify_envelope,
)
from lhtl_desktop.sync.local import Local, load_local
from lhtl_desktop.sync.merge import Outcome, is_fork, plan_records
from lhtl_desktop.sync.trust import Certificate, TrustedKey

ACCEPTED = "accepted"
DUPLICATE = "duplicate"
REJECTED = "rejected"
QUARANTINED = "quarantined"
STATUS_LABELS = {ACCEPTED: _("đã nhập"), DUPLICATE: _("đã nhập trước đó"), REJECTED: _("bị từ chối"),
                 QUARANTINED: _("đang cách ly")}


class UnknownKeyError(BundleError):
    """Signed by a key nobody here has enrolled: the file is kept in quarantine, not trusted on first use."""

    def __init__(self, message: str, keyid: str) -> None:
        super().__init__(message)
        self.keyid = keyid


@dataclass
class PreviewRow:
    unit: str
    unit_name: str
    institution: str
    institution_name: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    stale: int = 0
    conflicts: int = 0


@dataclass
class FileResult:
    file: str
    status: str
    reason: str = ""
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    stale: int = 0
    conflicts: int = 0
    dry_run: bool = False
    from_unit: str = ""
    to_unit: str = ""
    seq: int = 0
    bundle_id: str = ""
    institutions_new: int = 0
    institutions_changed: int = 0
    preview: list[PreviewRow] = field(default_factory=list)
    # What the carried province rules did here (sync.province_config.Carried.as_json), or None.
    rules: dict[str, Any] | None = None
    forks: int = 0  # values received under a version vector already held with other content
    institution_conflicts: int = 0  # institutions edited concurrently (kept side by side)
    warnings: list[str] = field(default_factory=list)  # said loudly in every summary

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["preview"] = [asdict(p) for p in self.preview]
        return data


@dataclass(frozen=True)
class VerifiedBundle:
    """A bundle that passed every check up to routing and authority; nothing has been written."""

    body: Body
    signer: TrustedKey
    payload_hash: str
    certificates: tuple[Certificate, ...]  # valid certificates carried in the bundle
    evidence: Evidence  # what the signer can prove (authorship, counters), judged against this installation
    rules: province_config.Carried | None = None  # the province's rules it carries, verified
    branches: dict[str, list[lineage.Branch]] = field(default_factory=dict)  # restores of keys of its subtree


def payload_hash_of(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


# -- the reader --------------------------------------------------------------------------------------
def read_bundle(store: Store, data: bytes, local: Local | None = None) -> VerifiedBundle:
    """Verify one bundle against this installation. Raises BundleError (UnknownKeyError for quarantine)."""
    local = local or load_local(store)
    env = open_envelope(data)
    if env.payload_type != BUNDLE_TYPE:
        raise BundleError(_("Đây là tệp đăng ký khóa, không phải gói số liệu: hãy dùng «Đăng ký khóa» "
                            "(lệnh «key enroll») để xác nhận khóa của đơn vị."))
    trusted, valid = local.trust()
    signer = trusted.get(env.keyid)
    if signer is None:
        raise UnknownKeyError(
            _("Gói được ký bằng khóa chưa đăng ký (mã khóa {key}). Tệp được giữ trong mục cách ly; hãy đăng ký khóa "
              "của đơn vị gửi (đối chiếu dấu vân tay) rồi nhập lại.").format(key=env.keyid[:8]), env.keyid)
    if signer.status == "revoked":
        raise BundleError(_("Gói được ký bằng khóa đã bị thu hồi của đơn vị {unit}: bị từ chối. Hãy liên hệ đơn vị "
                            "đó để đăng ký khóa mới.").format(unit=_unit_name(local, signer.unit)))
    verify_envelope(env, signer.public_key)
    body = parse_body(strict_json(gunzip_bounded(env.payload)), local.units)
    p_hash = payload_hash_of(env.payload)

    # Trust with the certificates the bundle carries (they only add keys below trusted ones); a bundle without
    # any (a commune's) changes nothing, so the trust found above stands.
    trusted_all, valid = local.trust(body.certificates) if body.certificates else (trusted, valid)
    signer = trusted_all.get(env.keyid, signer)
    if signer.status == "revoked":
        raise BundleError(_("Gói được ký bằng khóa đã bị thu hồi của đơn vị {unit}: bị từ chối.").format(
            unit=_unit_name(local, signer.unit)))
    if signer.status == "retired" and body.seq > (signer.max_seq or 0):
        # Decided by the bundle number, which the signer cannot backdate; the claimed date plays no part.
        raise BundleError(_("Gói số {seq} được ký bằng khóa đã thay của đơn vị {unit} (khóa này chỉ còn giá trị đến gói "
                            "số {mark}): gói mới từ khóa cũ bị từ chối. Đơn vị gửi cần dùng khóa mới (lệnh «key new» "
                            "rồi đăng ký lại với cấp trên).").format(
            seq=body.seq, mark=signer.max_seq or 0, unit=_unit_name(local, signer.unit)))
    if body.schema_version > SCHEMA_VERSION:
        raise BundleError(_("Gói được tạo bởi phiên bản chương trình mới hơn: hãy cập nhật chương trình rồi nhập lại."))

    _check_routing(local, body, signer)
    _check_authority(local, body, signer, trusted_all)
    evidence = Evidence(store, local, signer, trusted_all)
    evidence.check_vectors(itertools.chain((v.vv for v in body.institutions), (v.vv for v in body.institution_siblings),
                                           (r.vv for r in body.records)))
    rules = province_config.read_carried(store, local, body.rules, trusted_all)
    receipts.check_marks(store, local, body, signer, trusted_all)
    carried = {c.body for c in body.certificates}
    # Branches are believed only for keys of the signer's own subtree (a sender speaks for its own history).
    branches = {k: list(bs) for k, bs in (body.lineage or {}).items()
                if k in trusted_all and local.below_or_self(signer.unit, trusted_all[k].unit)}
    return VerifiedBundle(body, signer, p_hash, tuple(c for c in valid if c.body in carried), evidence, rules,
                          branches)


def _unit_name(local: Local, code: str) -> str:
    unit = local.units.get(code)
    return f"{unit.name} ({code})" if unit else code


def _check_routing(local: Local, body: Body, signer: TrustedKey) -> None:
    me = local.unit.code
    if body.to_unit != me:
        raise BundleError(_("Gói này gửi cho {to}, không phải cho {me}: không nhập. Hãy chuyển tệp đến đúng nơi "
                            "nhận.").format(to=_unit_name(local, body.to_unit), me=_unit_name(local, me)))
    if body.from_unit != signer.unit:
        raise BundleError(_("Gói ghi là của {claimed} nhưng được ký bằng khóa của {signer}: bị từ chối.").format(
            claimed=_unit_name(local, body.from_unit), signer=_unit_name(local, signer.unit)))
    if signer.unit == me or not (local.below_or_self(me, signer.unit) or local.below_or_self(signer.unit, me)):
        raise BundleError(_("{sender} không phải đơn vị cấp dưới hay cấp trên của {me}: gói bị từ chối.").format(
            sender=_unit_name(local, signer.unit), me=_unit_name(local, me)))


def _check_authority(local: Local, body: Body, signer: TrustedKey, trusted: dict[str, TrustedKey]) -> None:
    me = local.unit.code
    checked: set[tuple[str, str, str]] = set()

    def check(unit: str, author_key: str, author_unit: str | None, counter: int, what: str) -> None:
        if not (local.below_or_self(signer.unit, unit) and local.below_or_self(me, unit)):
            raise BundleError(_("Gói của {sender} chứa số liệu của {unit}, ngoài phạm vi của đơn vị gửi: bị từ chối "
                                "toàn bộ.").format(sender=_unit_name(local, signer.unit), unit=_unit_name(local, unit)))
        key = trusted.get(author_key)
        if key is None:
            raise BundleError(_("{what} của {unit} do một khóa chưa được xác nhận nhập (mã khóa {key}): bị từ chối. "
                                "Đơn vị gửi cần nhập khóa đó hoặc xuất lại.").format(
                what=what, unit=_unit_name(local, unit), key=author_key[:8]))
        tag = (unit, author_key, author_unit or "")
        if tag not in checked:
            if author_unit is not None and key.unit != author_unit:
                raise BundleError(_("Gói ghi tác giả sai đơn vị cho khóa {key}: bị từ chối.").format(key=author_key[:8]))
            if not local.below_or_self(key.unit, unit):
                raise BundleError(_("Khóa của {author} không có quyền ghi số liệu của {unit}: gói bị từ chối.").format(
                    author=_unit_name(local, key.unit), unit=_unit_name(local, unit)))
            checked.add(tag)
        if key.status != "active" and counter > (key.max_counter or 0):
            # Decided by the key's own edit counter, which no claimed date can lower.
            raise BundleError(_("Gói chứa sửa đổi mới (số {n}, sau mốc {mark}) của khóa {state} {key} ({author}): bị "
                                "từ chối toàn bộ, không nhập gì. Sửa đổi làm sau khi khóa bị thay hoặc thu hồi không "
                                "được chấp nhận ở bất cứ cấp nào; đơn vị {author} cần nhập lại bằng khóa mới.").format(
                n=counter, mark=key.max_counter or 0,
                state=_("đã thu hồi") if key.status == "revoked" else _("đã thay"), key=author_key[:8],
                author=_unit_name(local, key.unit)))

    for v in (*body.institutions, *body.institution_siblings):
        check(v.institution.unit_code, v.author_key, None, v.vv.get(v.author_key, 0), _("Thiết chế"))
    # Records: each (unit, author key, author unit) once, with the highest own-key counter among its records —
    # the same checks, and the same refusal, as record by record (a counter over the mark is refused whichever
    # record holds it).
    highest: dict[tuple[str, str, str], int] = {}
    for rec in body.records:
        tag = (rec.unit_code, rec.author_key, rec.author_unit)
        counter = rec.vv.get(rec.author_key, 0)
        if counter > highest.get(tag, -1):
            highest[tag] = counter
    records_label = _("Số liệu")
    for (unit, author_key, author_unit), counter in highest.items():
        check(unit, author_key, author_unit, counter, records_label)


# -- preview and apply --------------------------------------------------------------------------------
@dataclass
class _Plan:
    institutions: institution_merge.InstitutionPlan
    institutions_new: int
    institutions_changed: int
    inserts: list[ValueRecord]
    supersede: list[str]
    preview: list[PreviewRow]
    counts: Counter[str]
    forks: int = 0
    institution_conflicts: int = 0


def _plan(store: Store, local: Local, vb: VerifiedBundle, *, dry_run: bool = False) -> _Plan:
    body = vb.body
    inst_ids = [v.institution.id for v in body.institutions]
    stored_insts = sync_store.institution_versions(store, inst_ids)
    for v in (*body.institutions, *body.institution_siblings):
        row = stored_insts.get(v.institution.id)
        if row is not None and row["unit_code"] != v.institution.unit_code:
            raise BundleError(_("Thiết chế «{name}» trong gói thuộc đơn vị khác với dữ liệu đã có: bị từ chối.")
                              .format(name=v.institution.name))
    # Institution versions merge like values: concurrent edits kept side by side (sync.institution_merge).
    inst_plan = institution_merge.plan_institutions(store, body.institutions, body.institution_siblings,
                                                    body.institution_created, vb.evidence.check_written)
    names = inst_plan.names

    current = sync_store.current_siblings(store, inst_ids)
    stored_branches = lineage_store.received_epochs(store)
    own = lineage_store.own_epochs(store, local.own_key_id)
    if own:
        stored_branches[local.own_key_id] = [*stored_branches.get(local.own_key_id, []), *own]
    branches = lineage.combine(stored_branches, vb.branches)
    # New records only: a fork already held (both siblings stored) is not announced again at every re-import.
    forks = sum(1 for rec in body.records if current.get(rec.key)
                and all(s.edit_id != rec.edit_id for s in current[rec.key])
                and (is_fork(current[rec.key], rec) or any(lineage.forked(rec, s, branches) for s in current[rec.key]))
                ) if current else 0  # nothing stored for these institutions (a first import): no record can fork
    plan = plan_records(current, body.records, lineage.merge_aware(branches))
    _check_records(store, vb, current, plan.outcomes, plan.inserts, plan.supersede, dry_run=dry_run)
    per_inst: dict[str, PreviewRow] = {}
    tally = Counter((rec.institution_id, outcome) for rec, outcome in plan.outcomes)
    counts: Counter[str] = Counter()
    for (inst_id, outcome), n in tally.items():
        counts[outcome] += n
        row_p = per_inst.get(inst_id)
        if row_p is None:
            unit, name = names[inst_id]
            row_p = per_inst[inst_id] = PreviewRow(unit, _unit_label(local, unit), inst_id, name)
        attr = "conflicts" if outcome == Outcome.CONFLICT else str(outcome)
        setattr(row_p, attr, getattr(row_p, attr) + n)
    preview = sorted(per_inst.values(), key=lambda p: (p.unit, p.institution_name, p.institution))
    return _Plan(inst_plan, inst_plan.counts[Outcome.NEW],
                 inst_plan.counts[Outcome.CHANGED] + inst_plan.counts[Outcome.CONFLICT], plan.inserts, plan.supersede,
                 preview, counts, forks, inst_plan.counts[Outcome.CONFLICT])


_WRITES = (Outcome.NEW, Outcome.CHANGED, Outcome.CONFLICT)


def _check_records(store: Store, vb: VerifiedBundle, current: Mapping[tuple[str, str, str], Sequence[ValueRecord]],
                   outcomes: Sequence[tuple[ValueRecord, Outcome]], inserts: Sequence[ValueRecord],
                   supersede: Sequence[str], *, dry_run: bool) -> None:
    """What the merge would do, checked before anything is written: records the signer cannot vouch for are
    written nowhere (authority.Evidence), an edit id names one edit only — here and in every stored record."""
    evidence = vb.evidence
    label = _("số liệu")
    vouched: set[str] = set()  # authors already found introducible: the answer depends on the author key alone
    for rec, outcome in outcomes:
        if outcome in _WRITES:
            if rec.author_key not in vouched:
                evidence.check_written(rec.author_key, label)
                vouched.add(rec.author_key)
        elif outcome == Outcome.UNCHANGED:
            held = next((s for s in current.get(rec.key, ()) if s.edit_id == rec.edit_id), None)
            if held is not None and held != rec:
                raise _edit_id_reused(rec.edit_id)
    if inserts and supersede:
        # An id both superseded here and received on another value: the stored record would go to the
        # history and its id come back as a different record.
        both = {r.edit_id for r in inserts}.intersection(supersede)
        if both:
            raise _edit_id_reused(min(both))
    if inserts:
        # An id already current is refused by the primary key when inserting (import_bytes names it then);
        # a dry run writes nothing, so it asks both tables to preview the same refusal.
        taken = sync_store.edit_ids_taken(store, [r.edit_id for r in inserts], superseded_only=not dry_run)
        if taken:
            raise _edit_id_reused(min(taken))


def _edit_id_reused(edit_id: str) -> BundleError:
    return BundleError(_("Gói có bản ghi mang mã lần sửa «{id}» đã dùng cho một bản ghi khác ở máy này (mỗi lần sửa "
                         "chỉ có một mã): bị từ chối toàn bộ, không nhập gì. Hãy báo đơn vị gửi kiểm tra.").format(
        id=edit_id))


def _unit_label(local: Local, code: str) -> str:
    unit = local.units.get(code)
    return unit.name if unit else code


def _fill(result: FileResult, plan: _Plan) -> None:
    result.new = plan.counts[Outcome.NEW]
    result.changed = plan.counts[Outcome.CHANGED]
    result.unchanged = plan.counts[Outcome.UNCHANGED]
    result.stale = plan.counts[Outcome.STALE]
    result.conflicts = plan.counts[Outcome.CONFLICT]
    result.institutions_new = plan.institutions_new
    result.institutions_changed = plan.institutions_changed
    result.preview = plan.preview
    result.forks = plan.forks
    result.institution_conflicts = plan.institution_conflicts
    if plan.institution_conflicts:
        result.warnings.append(_(
            "{n} thiết chế được sửa đồng thời ở hai nơi (tên, thôn, loại hoặc tình trạng): đã giữ cả hai phiên bản "
            "thành xung đột, xem mục Xung đột.").format(n=plan.institution_conflicts))
    if plan.forks:
        result.warnings.append(_(
            "⚠ CẢNH BÁO: {n} giá trị đến với cùng phiên bản nhưng khác nội dung so với giá trị đã có (máy gửi có "
            "thể đã khôi phục bản sao lưu cũ). Đã giữ cả hai thành xung đột — không phải «không đổi»: hãy xem mục "
            "Xung đột và thống nhất với đơn vị gửi.").format(n=plan.forks))


def import_bytes(store: Store, data: bytes, file_name: str, *, dry_run: bool = False,
                 before_write: Callable[[], None] | None = None, local: Local | None = None) -> FileResult:
    """Import one bundle's bytes. Never raises BundleError: the result says accepted/duplicate/rejected/quarantined.

    `before_write` runs once, just before the first write (the caller's backup)."""
    result = FileResult(file=file_name, status=REJECTED, dry_run=dry_run)
    try:
        local = local or load_local(store)
        vb = read_bundle(store, data, local)
    except UnknownKeyError as exc:
        result.status, result.reason = QUARANTINED, exc.message
        if not dry_run:
            _quarantine(store, data, exc.keyid, file_name, before_write)
        return result
    except BundleError as exc:
        result.reason = exc.message
        return result
    body = vb.body
    result.from_unit, result.to_unit, result.seq, result.bundle_id = body.from_unit, body.to_unit, body.seq, body.bundle_id
    if sync_store.bundle_seen(store, body.bundle_id, vb.payload_hash):
        result.status, result.reason = DUPLICATE, _("Gói đã nhập trước đó: không thay đổi gì.")
        return result
    try:
        plan = _plan(store, local, vb, dry_run=dry_run)
    except BundleError as exc:
        result.reason = exc.message
        return result
    _fill(result, plan)
    if vb.rules is not None:
        result.rules = vb.rules.as_json()
    known = lineage_store.received_epochs(store)
    for key_id, bs in vb.branches.items():
        new = [b for b in bs if b.epoch not in {e["epoch"] for e in known.get(key_id, [])}
               and key_id != local.own_key_id]
        if new:
            unit = local.trust()[0].get(key_id)
            result.warnings.insert(0, _(
                "⚠ CẢNH BÁO: {unit} đã khôi phục bản sao lưu cũ (tiếp tục từ gói số {seq}). Giá trị nào đơn vị đó nhập "
                "lại mà không biết giá trị đã gửi trước đây được giữ cả hai thành xung đột.").format(
                unit=_unit_name(local, unit.unit) if unit else key_id[:8], seq=new[0].base_seq))
    if sync_store.seq_taken(store, vb.signer.key_id, body.seq, body.bundle_id):
        result.warnings.insert(0, _(
            "⚠ CẢNH BÁO: gói số {seq} của {unit} đã nhập trước đó với nội dung khác (máy gửi có thể đã khôi phục bản "
            "sao lưu cũ). Đã nhập gói này bên cạnh gói cũ; giá trị nào khác nhau được giữ cả hai thành xung đột.")
            .format(seq=body.seq, unit=_unit_name(local, body.from_unit)))
    result.status = ACCEPTED
    if dry_run:
        return result
    if before_write is not None:
        before_write()
    try:
        _write(store, vb, plan, result, file_name, local.own_key_id)
    except ConstraintError as exc:  # rolled back whole: a bundle error like any other, never a crash
        taken = sync_store.edit_ids_taken(store, [r.edit_id for r in plan.inserts])
        _reject_after_write_failed(result, _edit_id_reused(min(taken)).message if taken else _(
            "Gói không nhập được: {detail} Bị từ chối, cơ sở dữ liệu giữ nguyên.").format(detail=exc.message))
    return result


def _reject_after_write_failed(result: FileResult, reason: str) -> None:
    _fill(result, _Plan(institution_merge.InstitutionPlan(), 0, 0, [], [], [], Counter()))
    result.status = REJECTED
    result.reason = reason


def _write(store: Store, vb: VerifiedBundle, plan: _Plan, result: FileResult, file_name: str,
           own_key_id: str) -> None:
    body = vb.body
    now = now_utc()
    with sync_store.immediate(store):
        if sync_store.bundle_seen(store, body.bundle_id, vb.payload_hash):  # another window got there first
            result.status, result.reason = DUPLICATE, _("Gói đã nhập trước đó: không thay đổi gì.")
            return
        if sync_store.save_certificates(store, [_cert_row(c) for c in vb.certificates]):
            sync_store.next_registry_version(store)  # my view of the registry moved forward
        institution_merge.apply(store, plan.institutions)
        sync_store.apply_records(store, plan.inserts, plan.supersede, now)
        revert_store.record_effects(store, body.bundle_id, [r.edit_id for r in plan.inserts], plan.supersede)
        if vb.rules is not None:
            province_config.apply(store, vb.rules, body.from_unit)
        for key_id, bs in vb.branches.items():
            if key_id != own_key_id:
                lineage_store.save_epochs(store, key_id, [b.__dict__ for b in bs], now)
        sync_store.record_bundle(store, {
            "bundle_id": body.bundle_id, "payload_hash": vb.payload_hash, "from_unit": body.from_unit,
            "from_key": vb.signer.key_id, "to_unit": body.to_unit, "seq": body.seq, "created_at": body.created,
            "imported_at": now, "file_name": file_name,
            "counts": {"new": result.new, "changed": result.changed, "unchanged": result.unchanged,
                       "stale": result.stale, "conflicts": result.conflicts}})
        receipts.apply_sections(store, body, now)
        sync_store.quarantine_remove(store, vb.payload_hash)


def _cert_row(c: Certificate) -> dict[str, Any]:
    return {"subject_key_id": c.subject_key_id, "issuer_key_id": c.issuer_key_id, "subject_unit": c.subject_unit,
            "issuer_unit": c.issuer_unit, "status": c.status, "version": c.version, "issued_at": c.issued_at,
            "body": c.body, "sig": c.sig}


def _quarantine(store: Store, data: bytes, keyid: str, file_name: str,
                before_write: Callable[[], None] | None) -> None:
    env = open_envelope(data)  # already parsed once; cheap
    p_hash = payload_hash_of(env.payload)
    if sync_store.quarantine_content(store, p_hash) is not None:
        return
    if before_write is not None:
        before_write()
    with sync_store.immediate(store):
        sync_store.quarantine_add(store, p_hash, keyid, file_name, now_utc(), data)


def import_file(store: Store, path: Path | str, *, dry_run: bool = False, backup: bool = True) -> FileResult:
    """Import one file into a Store (backup first unless told not to). Never raises BundleError."""
    return import_files(store, [path], dry_run=dry_run, backup=backup)[0]


class ImportCancelled(LhtlError):
    """The officer stopped a batch import; the whole batch was rolled back."""


def import_files(store: Store, paths: Sequence[Path | str], *, dry_run: bool = False, backup: bool = True,
                 progress: Callable[[int, int, str], None] | None = None,
                 cancel: Callable[[], bool] | None = None) -> list[FileResult]:
    """Import several files in the given order; one rolling backup before the first write.

    Without `cancel` each file is its own transaction. With `cancel` (the window's «Hủy» button) the batch runs
    in one outer transaction, each file a savepoint, and `cancel()` is asked before every file: when it says
    yes, everything this batch wrote is rolled back and ImportCancelled is raised — the database is exactly as
    it was before the batch.
    """
    with sync_store.import_cache(store):
        if cancel is None:
            results = _import_each(store, paths, dry_run=dry_run, backup=backup, progress=progress, cancel=None)
        else:
            if backup and not dry_run:
                rolling_backup(store, "import")  # outside the batch transaction: a backup is never rolled back
            with sync_store.immediate(store):
                results = _import_each(store, paths, dry_run=dry_run, backup=False, progress=progress,
                                       cancel=cancel)
    for r in results:
        logs.event("import", file=Path(r.file).name, status=r.status, from_unit=r.from_unit, seq=r.seq,
                   new=r.new, changed=r.changed, unchanged=r.unchanged, stale=r.stale, conflicts=r.conflicts,
                   dry_run=r.dry_run, reason=r.reason or "-")
    return results


def _import_each(store: Store, paths: Sequence[Path | str], *, dry_run: bool, backup: bool,
                 progress: Callable[[int, int, str], None] | None,
                 cancel: Callable[[], bool] | None) -> list[FileResult]:
    results: list[FileResult] = []
    backed_up = not backup or dry_run

    def before_write() -> None:
        nonlocal backed_up
        if not backed_up:
            rolling_backup(store, "import")
            backed_up = True

    local = load_local(store)
    registry = sync_store.registry_version(store)
    for n, raw_path in enumerate(paths):
        path = Path(raw_path)
        if cancel is not None and cancel():
            raise ImportCancelled(
                _("Đã hủy nhập sau {done}/{total} tệp; cơ sở dữ liệu giữ nguyên như trước khi nhập.").format(
                    done=n, total=len(paths)))
        if progress is not None:
            progress(n, len(paths), path.name)
        try:
            data = _read_input(path)
        except BundleError as exc:
            results.append(FileResult(file=str(raw_path), status=REJECTED, reason=exc.message, dry_run=dry_run))
            continue
        result = import_bytes(store, data, path.name, dry_run=dry_run, before_write=before_write, local=local)
        result.file = str(raw_path)
        results.append(result)
        rules_applied = (result.rules or {}).get("status") == province_config.NEWER
        if result.status == ACCEPTED and not dry_run and (rules_applied or sync_store.registry_version(store) != registry):
            # The file brought certificates (which moved my view of the registry forward): they may make
            # later files readable. Otherwise nothing load_local reads has changed.
            local = load_local(store)
            registry = sync_store.registry_version(store)
    return results


def _read_input(path: Path) -> bytes:
    """A bundle file's bytes, or — for a photo, scan or PDF of a commune sheet — the bundle its QR codes carry
    (sync.sheet_codes); from here on both go through the same reader."""
    if path.suffix.lower() != ".lhtl":
        from lhtl_desktop.sync import sheet_codes

        if sheet_codes.is_sheet_image(path) and not sheet_codes.looks_like_envelope(path):
            return sheet_codes.envelope_from_codes(path)
    return read_file_capped(path)


def import_quarantined(store: Store, *, dry_run: bool = False) -> list[FileResult]:
    """Try every quarantined file again (after an enrolment). Files still unknown stay in quarantine."""
    results: list[FileResult] = []
    backed_up = dry_run

    def before_write() -> None:
        nonlocal backed_up
        if not backed_up:
            rolling_backup(store, "import")
            backed_up = True

    for row in sync_store.quarantine_rows(store):
        data = sync_store.quarantine_content(store, row["payload_hash"])
        if data is None:
            continue
        result = import_bytes(store, data, row["file_name"], dry_run=dry_run, before_write=before_write)
        if result.status in (REJECTED, DUPLICATE) and not dry_run:
            with sync_store.immediate(store):
                sync_store.quarantine_remove(store, row["payload_hash"])
        results.append(result)
    return results
