"""Enrolment, retirement and revocation of keys (ARCHITECTURE.md §3.4).

The child writes a self-signed enrolment file; the parent trusts it only after the officer types the
fingerprint read from the child's printed sheet or phone call, and then issues a certificate signed with
its own key. Nothing is ever trusted on first use.

Officer change, lost passphrase (`new_own_key`, CLI `key new`): the installation makes a new key without
needing the old passphrase (the data is not encrypted; only signing needs a key). The old key is retired
here — its public key kept to verify history, its private key erased — with its marks: the last bundle
number it signed and its last edit counter. The new key's enrolment file declares those marks (signed by
the new key, whose fingerprint the parent checks), so the parent, on enrolling the new key, retires the
old one at exactly that point: everything the old key wrote before the change is accepted when it arrives
inside the new key's bundles, and nothing it signs afterwards is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lhtl_desktop import logs
from lhtl_desktop.errors import BundleError, NotFoundError, RefusedError, ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.records import now_utc
from lhtl_desktop.model.timestamps import is_utc_timestamp
from lhtl_desktop.model.units import normalise_code
from lhtl_desktop.model.version_vector import MAX_COUNTER
from lhtl_desktop.storage import Store, key_counters, sync_store
from lhtl_desktop.storage.output_paths import check_output_path
from lhtl_desktop.sync.envelope import (
    ENROLMENT_TYPE,
    EXTENSION,
    gunzip_bounded,
    open_envelope,
    read_file_capped,
    seal,
    strict_json,
    verify_envelope,
    write_atomic,
)
from lhtl_desktop.sync.keys import (
    fingerprint_of,
    generate_key_pair,
    key_id_of,
    normalise_fingerprint,
    open_private,
    unb64,
)
from lhtl_desktop.sync.local import Local, load_local
from lhtl_desktop.sync.trust import (
    STATUS_RANK,
    Certificate,
    TrustedKey,
    issue_certificate,
    strongest_per_issuer,
)

_UNIT_RE = re.compile(r"[0-9]{2}|[0-9]{3}|[0-9]{5}", re.ASCII)
_KEYID_RE = re.compile(r"[0-9a-f]{32}", re.ASCII)
MAX_REPLACES = 50


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    fingerprint: str
    unit: str
    unit_name: str
    officer: str


@dataclass(frozen=True)
class Replaced:
    """An earlier key of the enrolling installation, and where it stopped."""

    key_id: str
    max_seq: int
    max_counter: int


@dataclass(frozen=True)
class Enrolment:
    key_id: str
    unit: str
    unit_name: str
    officer: str
    public_key: str
    fingerprint: str
    created: str
    replaces: tuple[Replaced, ...] = ()


@dataclass(frozen=True)
class EnrolResult:
    key_id: str
    unit: str
    unit_name: str
    fingerprint: str
    already: bool
    waiting: int  # quarantined files signed by this key, now importable
    retired: tuple[str, ...] = ()  # earlier keys of that unit retired (or given their final marks) here


@dataclass(frozen=True)
class NewOwnKey:
    key_id: str
    fingerprint: str
    old_key_id: str
    old_max_seq: int
    old_max_counter: int
    protected: bool
    enrolment_path: Path | None


def own_key_info(store: Store) -> KeyInfo:
    local = load_local(store)
    row = store.key(local.own_key_id)
    if row is None:
        raise NotFoundError(_("Máy này chưa có khóa."))
    return KeyInfo(row["key_id"], row["fingerprint"], local.unit.code, local.unit.name, row.get("officer") or "")


def enrolment_file_name(store: Store) -> str:
    local = load_local(store)
    return f"lhtl-dang-ky-khoa-{local.unit.code}{EXTENSION}"


def export_enrolment(store: Store, out: Path | str, *, passphrase: str | None = None) -> Path:
    """Write this installation's self-signed enrolment file (the parent checks its fingerprint)."""
    local = load_local(store)
    return _write_enrolment(store, local, out, open_private(local.own_private_sealed(store), passphrase))


def enrolment_direction(store: Store, to_unit: str | None = None) -> str:
    """Whom my enrolment file is for: "up" (my parent), "down" (a unit below, to receive my corrections) or
    "either" (a hub that names no recipient). A named recipient must be above or below me."""
    local = load_local(store)
    me = local.unit.code
    if to_unit:
        code = normalise_code(to_unit)
        if code not in local.units:
            raise NotFoundError(_("Không có đơn vị mã «{code}»; danh sách mã: «units».").format(code=to_unit),
                                field="to")
        if code != me and local.below_or_self(code, me):
            return "up"
        if code != me and local.below_or_self(me, code):
            return "down"
        raise RefusedError(_("{to} không phải cấp trên hay cấp dưới của {me}.").format(
            to=local.units[code].name, me=local.unit.name), field="to")
    return {"province": "down", "commune": "up"}.get(str(local.unit.level), "either")


def _predecessors(local: Local) -> list[dict[str, Any]]:
    """My earlier keys with their final marks, as the enrolment file declares them."""
    return [{"key_id": k.key_id, "max_seq": k.max_seq or 0, "max_counter": k.max_counter or 0}
            for k in local.own_keys if k.status != "own"][:MAX_REPLACES]


def _write_enrolment(store: Store, local: Local, out: Path | str, private: Any) -> Path:
    row = store.key(local.own_key_id)
    assert row is not None
    body: dict[str, Any] = {
        "format": "lhtl-enrolment", "format_version": 1, "unit": local.unit.code, "unit_name": local.unit.name,
        "officer": local.officer, "key_id": row["key_id"], "public_key": row["public_key"], "created": now_utc()}
    replaces = _predecessors(local)
    if replaces:
        body["replaces"] = replaces
    return write_atomic(_enrolment_target(store, out), seal(ENROLMENT_TYPE, body, row["key_id"], private))


def _enrolment_target(store: Store, out: Path | str) -> Path:
    """The file an enrolment is written to (a folder gets the usual name), refused where nothing may be written."""
    path = Path(out)
    if path.is_dir():
        path = path / enrolment_file_name(store)
    return check_output_path(path, store.path)


def read_enrolment(data: bytes) -> Enrolment:
    """Strictly read a self-signed enrolment file; raises BundleError."""
    env = open_envelope(data)
    if env.payload_type != ENROLMENT_TYPE:
        raise BundleError(_("Tệp này là gói số liệu, không phải tệp đăng ký khóa: hãy dùng «Nhập gói»."))
    # The key is inside the payload: verify the self-signature with it before trusting any other field.
    doc = strict_json(gunzip_bounded(env.payload, limit=64 * 1024), max_depth=4)
    keys = {"format", "format_version", "unit", "unit_name", "officer", "key_id", "public_key", "created"}
    if not isinstance(doc, dict) or set(doc) - {"replaces"} != keys or doc["format"] != "lhtl-enrolment" \
            or doc["format_version"] != 1 or not all(isinstance(doc[k], str) for k in keys - {"format_version"}):
        raise BundleError(_("Tệp đăng ký khóa không hợp lệ."))
    replaces = _read_replaces(doc.get("replaces", []), doc["key_id"])
    try:
        public_raw = unb64(doc["public_key"])
    except ValueError:
        raise BundleError(_("Tệp đăng ký khóa không hợp lệ.")) from None
    if len(public_raw) != 32 or key_id_of(public_raw) != doc["key_id"] or env.keyid != doc["key_id"] \
            or not _UNIT_RE.fullmatch(doc["unit"]) or not is_utc_timestamp(doc["created"]):
        raise BundleError(_("Tệp đăng ký khóa không hợp lệ."))
    verify_envelope(env, doc["public_key"])
    return Enrolment(doc["key_id"], doc["unit"], doc["unit_name"][:200], doc["officer"][:200], doc["public_key"],
                     fingerprint_of(public_raw), doc["created"][:40], replaces)


def _read_replaces(items: Any, key_id: str) -> tuple[Replaced, ...]:
    bad = BundleError(_("Tệp đăng ký khóa không hợp lệ."))
    if not isinstance(items, list) or len(items) > MAX_REPLACES:
        raise bad
    out: list[Replaced] = []
    for item in items:
        if not isinstance(item, dict) or set(item) != {"key_id", "max_seq", "max_counter"} \
                or not isinstance(item["key_id"], str) or not _KEYID_RE.fullmatch(item["key_id"]) \
                or item["key_id"] == key_id \
                or not all(type(item[k]) is int and 0 <= item[k] <= MAX_COUNTER for k in ("max_seq", "max_counter")):
            raise bad
        out.append(Replaced(item["key_id"], item["max_seq"], item["max_counter"]))
    return tuple(out)


class ReplacementNeeded(RefusedError):
    """The unit already has an active key: enrolling another one is a replacement the officer must declare
    (a second installation of one commune would otherwise count its institutions twice)."""

    def __init__(self, message: str, active: tuple[TrustedKey, ...], window_message: str = "") -> None:
        super().__init__(message, field="replace")
        self.active = active
        self.window_message = window_message or message  # the same text without the command-line option


def _active_keys_of(local: Local, trusted: dict[str, TrustedKey], unit: str, exclude: set[str]) -> tuple[TrustedKey, ...]:
    """The unit's keys that still sign, other than those in `exclude` (the new key, keys it already retires)."""
    own_ids = {k.key_id for k in local.own_keys}
    return tuple(sorted((k for k in trusted.values() if k.unit == unit and k.status == "active"
                         and k.key_id not in exclude and k.key_id not in own_ids), key=lambda k: k.key_id))


def _replacement_needed(local: Local, unit: str, active: tuple[TrustedKey, ...]) -> ReplacementNeeded:
    name = local.units[unit].name
    keys = ", ".join(_("mã {key} (dấu vân tay {fp})").format(key=k.key_id[:8], fp=k.fingerprint) for k in active)
    text = _(
        "{unit} đã có khóa đang dùng: {keys}. Mỗi đơn vị chỉ có một khóa đang dùng, nếu không số liệu của đơn vị "
        "bị tính hai lần. Nếu đây là máy hoặc cán bộ thay thế, hãy xác nhận thay khóa{option}: khóa "
        "cũ được ghi là đã thay, những gì khóa cũ đã gửi vẫn giữ nguyên. Không đăng ký gì.")
    return ReplacementNeeded(text.format(unit=name, keys=keys, option=_(" (dòng lệnh: --replace)")), active,
                             window_message=text.format(unit=name, keys=keys, option=""))


def enrol_key(store: Store, path: Path | str, typed_fingerprint: str, *, passphrase: str | None = None,
              replace: bool = False) -> EnrolResult:
    """Trust a child's (or my parent's) key after the typed fingerprint matches; issue a certificate.

    When the file declares earlier keys of that unit (officer change, lost passphrase), each one I trust is
    retired here at the marks declared — or those I have seen, when higher — so that its earlier edits keep
    flowing inside the new key's bundles and nothing it signs afterwards is accepted.

    One unit, one active key: when the unit already has another active key the file does not declare, the
    enrolment is refused (ReplacementNeeded) unless `replace` — the officer's word that this key replaces it;
    the old key is then retired at the marks seen here, as for a declared replacement."""
    typed = normalise_fingerprint(typed_fingerprint)
    enrolment = read_enrolment(read_file_capped(Path(path)))
    if enrolment.fingerprint != typed:
        # Only that it does not match: printing the file's digits would invite copying them instead of reading
        # them from the sender's sheet or phone call, which is the whole check.
        raise RefusedError(_("Dấu vân tay không khớp. Không đăng ký. Hãy đọc lại dãy số trên phiếu in hoặc gọi điện "
                             "đối chiếu với đơn vị gửi; tệp có thể đã bị tráo."), field="fingerprint")
    local = load_local(store)
    me = local.unit.code
    if enrolment.unit not in local.units:
        raise RefusedError(_("Đơn vị mã «{code}» không thuộc tỉnh này.").format(code=enrolment.unit))
    if enrolment.unit == me or not (local.below_or_self(me, enrolment.unit)
                                    or local.below_or_self(enrolment.unit, me)):
        raise RefusedError(_("{unit} không phải đơn vị cấp dưới hay cấp trên của {me}: không đăng ký khóa.").format(
            unit=local.units[enrolment.unit].name, me=local.unit.name))
    own_ids = {k.key_id for k in local.own_keys}
    if enrolment.key_id in own_ids:
        raise RefusedError(_("Đây là khóa của chính máy này."))
    trusted, _valid = local.trust()
    waiting = sum(1 for r in sync_store.quarantine_rows(store) if r["key_id"] == enrolment.key_id)
    known = trusted.get(enrolment.key_id)
    if known is not None and known.status != "active":
        raise RefusedError(_("Khóa này đã bị thu hồi hoặc đã thay; không đăng ký lại."))
    retire = _retirements(store, local, trusted, enrolment)
    existing = [c for c in local.certificates if c.subject_key_id == enrolment.key_id and c.issuer_key_id in own_ids]
    if not existing:
        others = _active_keys_of(local, trusted, enrolment.unit,
                                 {enrolment.key_id, *(old.key_id for old, *_rest in retire)})
        if others and not replace:
            raise _replacement_needed(local, enrolment.unit, others)
        retire += [(old, "retired", sync_store.max_seq_from(store, old.key_id),
                    sync_store.max_counter_of(store, old.key_id)) for old in others]
    if existing and not retire:
        return EnrolResult(enrolment.key_id, enrolment.unit, local.units[enrolment.unit].name,
                           enrolment.fingerprint, True, waiting)
    private = open_private(local.own_private_sealed(store), passphrase)
    now = now_utc()
    with store.atomic():
        certs: list[Certificate] = []
        if not existing:
            certs.append(issue_certificate(
                private, issuer_key_id=local.own_key_id, issuer_unit=me, subject_key_id=enrolment.key_id,
                subject_public_key=enrolment.public_key, subject_unit=enrolment.unit, status="active",
                version=sync_store.next_registry_version(store), issued_at=now, officer=local.officer))
        for old, status, max_seq, max_counter in retire:
            certs.append(issue_certificate(
                private, issuer_key_id=local.own_key_id, issuer_unit=me, subject_key_id=old.key_id,
                subject_public_key=old.public_key, subject_unit=old.unit, status=status,
                version=sync_store.next_registry_version(store), issued_at=now, officer=local.officer,
                max_seq=max_seq, max_counter=max_counter))
            sync_store.set_key_status(store, old.key_id, status)
        sync_store.save_certificates(store, [_row(c) for c in certs])
        if store.key(enrolment.key_id) is None:
            store.insert_key({"key_id": enrolment.key_id, "unit_code": enrolment.unit,
                              "public_key": enrolment.public_key, "fingerprint": enrolment.fingerprint,
                              "status": "trusted", "private_key": None, "officer": enrolment.officer,
                              "created_at": now})
    logs.event("enrol", unit=me, key_unit=enrolment.unit, key=enrolment.key_id, retired=len(retire),
               waiting=waiting)
    return EnrolResult(enrolment.key_id, enrolment.unit, local.units[enrolment.unit].name, enrolment.fingerprint,
                       bool(existing), waiting, tuple(old.key_id for old, *_rest in retire))


def _retirements(store: Store, local: Local, trusted: dict[str, TrustedKey],
                 enrolment: Enrolment) -> list[tuple[TrustedKey, str, int, int]]:
    """(earlier key, status, max_seq, max_counter) to certify for each earlier key the enrolment declares.

    The marks: the higher of what the unit declares (its last bundle and edit, signed by the new key whose
    fingerprint was just checked) and what I have already accepted. A key already retired or revoked keeps its
    status; only a lower counter mark is raised to the declared one (so edits made before the change and
    never sent still arrive), never its bundle number when revoked: a revoked key signs nothing."""
    own_ids = {k.key_id for k in local.own_keys}
    out: list[tuple[TrustedKey, str, int, int]] = []
    for item in enrolment.replaces:
        old = trusted.get(item.key_id)
        if old is None:
            continue  # never enrolled here: nothing to retire
        if old.unit != enrolment.unit or old.key_id in own_ids:
            raise RefusedError(_("Tệp đăng ký khai thay một khóa không phải của {unit}: không đăng ký.").format(
                unit=local.units[enrolment.unit].name))
        mine = strongest_per_issuer(c for c in local.certificates
                                    if c.subject_key_id == old.key_id and c.issuer_key_id == local.own_key_id)
        seen_seq = sync_store.max_seq_from(store, old.key_id)
        seen_counter = sync_store.max_counter_of(store, old.key_id)
        max_seq, max_counter = max(seen_seq, item.max_seq), max(seen_counter, item.max_counter)
        cert = mine[0] if mine else None
        status = old.status if STATUS_RANK[old.status] >= STATUS_RANK["retired"] else "retired"
        if cert is None or cert.status == "active":
            if status == "revoked":
                max_seq = old.max_seq or 0
            out.append((old, status, max_seq, max_counter))
            continue
        have_seq, have_counter = cert.max_seq or 0, cert.max_counter or 0
        if cert.status == "revoked":
            max_seq = have_seq
        if max_counter > have_counter or max_seq > have_seq:
            out.append((old, cert.status, max(max_seq, have_seq), max(max_counter, have_counter)))
    return out


def _row(cert: Any) -> dict[str, Any]:
    return {"subject_key_id": cert.subject_key_id, "issuer_key_id": cert.issuer_key_id,
            "subject_unit": cert.subject_unit, "issuer_unit": cert.issuer_unit, "status": cert.status,
            "version": cert.version, "issued_at": cert.issued_at, "body": cert.body, "sig": cert.sig}


def change_key_status(store: Store, key_id: str, status: str, *, passphrase: str | None = None) -> TrustedKey:
    """Retire (officer changed) or revoke (lost, stolen) a key of a unit below me. Its new edits are refused
    everywhere the certificate travels; what it wrote before stays."""
    if status not in ("retired", "revoked"):
        raise ValueError(status)
    local = load_local(store)
    trusted, _valid = local.trust()
    matches = [k for k in trusted.values() if k.key_id.startswith(key_id.strip().lower())] if len(key_id.strip()) >= 8 \
        else []
    if len(matches) != 1:
        raise NotFoundError(_("Không tìm thấy khóa «{key}» (nhập ít nhất 8 ký tự đầu của mã khóa).").format(key=key_id))
    key = matches[0]
    if any(k.key_id == key.key_id for k in local.own_keys):
        raise RefusedError(_("Không thu hồi khóa của chính máy này ở đây; đơn vị cấp trên làm việc đó."))
    if not local.below_or_self(local.unit.code, key.unit) or key.unit == local.unit.code:
        raise RefusedError(_("Chỉ được thay hoặc thu hồi khóa của đơn vị cấp dưới."))
    if STATUS_RANK[key.status] >= STATUS_RANK[status]:
        return key
    private = open_private(local.own_private_sealed(store), passphrase)
    now = now_utc()
    if key.status == "retired":
        # Revoking a retired key keeps the retirement's marks: what it wrote before the change stays accepted.
        max_seq, max_counter = key.max_seq or 0, key.max_counter or 0
    else:
        max_seq = sync_store.max_seq_from(store, key.key_id)
        max_counter = sync_store.max_counter_of(store, key.key_id)
    with store.atomic():
        version = sync_store.next_registry_version(store)
        cert = issue_certificate(private, issuer_key_id=local.own_key_id, issuer_unit=local.unit.code,
                                 subject_key_id=key.key_id, subject_public_key=key.public_key, subject_unit=key.unit,
                                 status=status, version=version, issued_at=now, officer=local.officer,
                                 max_seq=max_seq, max_counter=max_counter)
        sync_store.save_certificates(store, [_row(cert)])
        sync_store.set_key_status(store, key.key_id, status)
    updated, _valid = load_local(store).trust()
    logs.event("key-status", key=key.key_id, key_unit=key.unit, status=status)
    return updated[key.key_id]


def new_own_key(store: Store, *, passphrase: str | None = None, officer: str | None = None,
                out: Path | str | None = None) -> NewOwnKey:
    """Officer change or lost passphrase: make a new key for this installation and retire the old one here.

    Needs no old passphrase: the data is not encrypted and the old key never signs again (its private key is
    erased; its public key stays to verify history). Its marks — the last bundle number it signed and its
    last edit counter — are recorded in a certificate the new key signs, and declared in the new key's
    enrolment file (written to `out` when given) so the parent retires the old key at exactly that point.
    Certificates the old key issued (units enrolled here) are issued again by the new key, so trust in them
    survives even if the old key is later revoked."""
    local = load_local(store)
    old_id = local.own_key_id
    old_row = store.key(old_id)
    if old_row is None:
        raise NotFoundError(_("Máy này chưa có khóa."))
    name = " ".join((officer or "").split())
    if officer is not None and not name:
        raise ValidationError(_("Hãy nhập họ tên cán bộ."), field="officer")
    if len(name) > 200:
        raise ValidationError(_("Họ tên cán bộ quá dài (tối đa 200 ký tự)."), field="officer")
    if out is not None:
        _enrolment_target(store, out)  # a refused --out before the key changes, not after
    key, private = generate_key_pair(passphrase)  # refuses a too-short passphrase before anything is written
    now = now_utc()
    with store.atomic():
        max_seq = sync_store.max_export_seq(store, old_id)
        max_counter = max(sync_store.max_counter_of(store, old_id), key_counters.last_counter(store, old_id))
        store.insert_key({"key_id": key.key_id, "unit_code": local.unit.code, "public_key": key.public_key,
                          "fingerprint": key.fingerprint, "status": "own", "private_key": key.private_key,
                          "officer": name or local.officer, "created_at": key.created_at})
        sync_store.retire_own_key(store, old_id)
        store.set_meta("own_key_id", key.key_id)
        if name:
            store.set_meta("officer", name)
        me = local.unit.code
        certs = [issue_certificate(
            private, issuer_key_id=key.key_id, issuer_unit=me, subject_key_id=old_id,
            subject_public_key=str(old_row["public_key"]), subject_unit=me, status="retired",
            version=sync_store.next_registry_version(store), issued_at=now, officer=name or local.officer,
            max_seq=max_seq, max_counter=max_counter)]
        for cert in strongest_per_issuer(c for c in local.certificates if c.issuer_key_id == old_id):
            if cert.subject_key_id == key.key_id:
                continue
            certs.append(issue_certificate(
                private, issuer_key_id=key.key_id, issuer_unit=me, subject_key_id=cert.subject_key_id,
                subject_public_key=cert.subject_public_key, subject_unit=cert.subject_unit, status=cert.status,
                version=sync_store.next_registry_version(store), issued_at=now, officer=name or local.officer,
                max_seq=cert.max_seq, max_counter=cert.max_counter))
        sync_store.save_certificates(store, [_row(c) for c in certs])
        # All or nothing: the new state must read back, and the enrolment file be written, before the switch
        # commits; any failure rolls back to the old key, still in use, with nothing erased.
        try:
            switched = load_local(store)
        except BundleError as exc:
            raise RefusedError(_("Không tạo được khóa mới: {detail} Máy này vẫn dùng khóa cũ, không có gì thay "
                                 "đổi.").format(detail=exc.message)) from exc
        path = _write_enrolment(store, switched, out, private) if out is not None else None
    logs.event("key-new", key=key.key_id, old_key=old_id, max_seq=max_seq, max_counter=max_counter)
    return NewOwnKey(key.key_id, key.fingerprint, old_id, max_seq, max_counter, bool(passphrase), path)


def trusted_keys(store: Store) -> list[TrustedKey]:
    """Every key this installation trusts (own, enrolled here, or certified through them), by unit."""
    trusted, _valid = load_local(store).trust()
    return sorted(trusted.values(), key=lambda k: (k.unit, k.key_id))


def records_by_key(store: Store) -> dict[str, int]:
    """Current values each key wrote: a revoked key's earlier values stay counted and are listed for review."""
    return sync_store.records_by_author(store)


def local_of(store: Store) -> Local:
    return load_local(store)


def own_key_protected(store: Store) -> bool:
    """Whether signing needs the officer's passphrase."""
    from lhtl_desktop.sync.keys import is_protected

    local = load_local(store)
    return is_protected(local.own_private_sealed(store))
