"""Enrolment, retirement and revocation of keys (ARCHITECTURE.md §3.4).

The child writes a self-signed enrolment file; the parent trusts it only after the officer types the
fingerprint read from the child's printed sheet or phone call, and then issues a certificate signed with
its own key. Nothing is ever trusted on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lhtl_desktop.errors import BundleError, NotFoundError, RefusedError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.records import now_utc
from lhtl_desktop.storage import Store, sync_store
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
from lhtl_desktop.sync.keys import fingerprint_of, key_id_of, normalise_fingerprint, open_private, unb64
from lhtl_desktop.sync.local import Local, load_local
from lhtl_desktop.sync.trust import STATUS_RANK, TrustedKey, issue_certificate

_UNIT_RE = re.compile(r"[0-9]{2}|[0-9]{3}|[0-9]{5}", re.ASCII)


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    fingerprint: str
    unit: str
    unit_name: str
    officer: str


@dataclass(frozen=True)
class Enrolment:
    key_id: str
    unit: str
    unit_name: str
    officer: str
    public_key: str
    fingerprint: str
    created: str


@dataclass(frozen=True)
class EnrolResult:
    key_id: str
    unit: str
    unit_name: str
    fingerprint: str
    already: bool
    waiting: int  # quarantined files signed by this key, now importable


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
    row = store.key(local.own_key_id)
    assert row is not None
    private = open_private(local.own_private_sealed(store), passphrase)
    body = {"format": "lhtl-enrolment", "format_version": 1, "unit": local.unit.code, "unit_name": local.unit.name,
            "officer": local.officer, "key_id": row["key_id"], "public_key": row["public_key"],
            "created": now_utc()}
    path = Path(out)
    if path.is_dir():
        path = path / enrolment_file_name(store)
    return write_atomic(path, seal(ENROLMENT_TYPE, body, row["key_id"], private))


def read_enrolment(data: bytes) -> Enrolment:
    """Strictly read a self-signed enrolment file; raises BundleError."""
    env = open_envelope(data)
    if env.payload_type != ENROLMENT_TYPE:
        raise BundleError(_("Tệp này là gói số liệu, không phải tệp đăng ký khóa: hãy dùng «Nhập gói»."))
    # The key is inside the payload: verify the self-signature with it before trusting any other field.
    doc = strict_json(gunzip_bounded(env.payload, limit=64 * 1024), max_depth=2)
    keys = {"format", "format_version", "unit", "unit_name", "officer", "key_id", "public_key", "created"}
    if not isinstance(doc, dict) or set(doc) != keys or doc["format"] != "lhtl-enrolment" \
            or doc["format_version"] != 1 or not all(isinstance(doc[k], str) for k in keys - {"format_version"}):
        raise BundleError(_("Tệp đăng ký khóa không hợp lệ."))
    try:
        public_raw = unb64(doc["public_key"])
    except ValueError:
        raise BundleError(_("Tệp đăng ký khóa không hợp lệ.")) from None
    if len(public_raw) != 32 or key_id_of(public_raw) != doc["key_id"] or env.keyid != doc["key_id"] \
            or not _UNIT_RE.fullmatch(doc["unit"]):
        raise BundleError(_("Tệp đăng ký khóa không hợp lệ."))
    verify_envelope(env, doc["public_key"])
    return Enrolment(doc["key_id"], doc["unit"], doc["unit_name"][:200], doc["officer"][:200], doc["public_key"],
                     fingerprint_of(public_raw), doc["created"][:40])


def enrol_key(store: Store, path: Path | str, typed_fingerprint: str, *, passphrase: str | None = None) -> EnrolResult:
    """Trust a child's (or my parent's) key after the typed fingerprint matches; issue a certificate."""
    typed = normalise_fingerprint(typed_fingerprint)
    enrolment = read_enrolment(read_file_capped(Path(path)))
    if enrolment.fingerprint != typed:
        raise RefusedError(_("Dấu vân tay không khớp: tệp có {actual}, cán bộ nhập {typed}. Không đăng ký. Hãy gọi "
                             "điện đối chiếu lại với đơn vị gửi; tệp có thể đã bị tráo.").format(
            actual=enrolment.fingerprint, typed=typed), field="fingerprint")
    local = load_local(store)
    me = local.unit.code
    if enrolment.unit not in local.units:
        raise RefusedError(_("Đơn vị mã «{code}» không thuộc tỉnh này.").format(code=enrolment.unit))
    if enrolment.unit == me or not (local.below_or_self(me, enrolment.unit)
                                    or local.below_or_self(enrolment.unit, me)):
        raise RefusedError(_("{unit} không phải đơn vị cấp dưới hay cấp trên của {me}: không đăng ký khóa.").format(
            unit=local.units[enrolment.unit].name, me=local.unit.name))
    if any(k.key_id == enrolment.key_id for k in local.own_keys):
        raise RefusedError(_("Đây là khóa của chính máy này."))
    waiting = sum(1 for r in sync_store.quarantine_rows(store) if r["key_id"] == enrolment.key_id)
    existing = [c for c in local.certificates
                if c.subject_key_id == enrolment.key_id and c.issuer_key_id == local.own_key_id]
    if existing:
        if any(c.status != "active" for c in existing):
            raise RefusedError(_("Khóa này đã bị thu hồi hoặc đã thay; không đăng ký lại."))
        return EnrolResult(enrolment.key_id, enrolment.unit, local.units[enrolment.unit].name,
                           enrolment.fingerprint, True, waiting)
    private = open_private(local.own_private_sealed(store), passphrase)
    now = now_utc()
    with store.atomic():
        version = sync_store.next_registry_version(store)
        cert = issue_certificate(private, issuer_key_id=local.own_key_id, issuer_unit=me,
                                 subject_key_id=enrolment.key_id, subject_public_key=enrolment.public_key,
                                 subject_unit=enrolment.unit, status="active", version=version, issued_at=now,
                                 officer=local.officer)
        sync_store.save_certificates(store, [_row(cert)])
        if store.key(enrolment.key_id) is None:
            store.insert_key({"key_id": enrolment.key_id, "unit_code": enrolment.unit,
                              "public_key": enrolment.public_key, "fingerprint": enrolment.fingerprint,
                              "status": "trusted", "private_key": None, "officer": enrolment.officer,
                              "created_at": now})
    return EnrolResult(enrolment.key_id, enrolment.unit, local.units[enrolment.unit].name, enrolment.fingerprint,
                       False, waiting)


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
    with store.atomic():
        version = sync_store.next_registry_version(store)
        cert = issue_certificate(private, issuer_key_id=local.own_key_id, issuer_unit=local.unit.code,
                                 subject_key_id=key.key_id, subject_public_key=key.public_key, subject_unit=key.unit,
                                 status=status, version=version, issued_at=now, officer=local.officer,
                                 max_seq=sync_store.max_seq_from(store, key.key_id),
                                 max_counter=sync_store.max_counter_of(store, key.key_id))
        sync_store.save_certificates(store, [_row(cert)])
        sync_store.set_key_status(store, key.key_id, status)
    updated, _valid = load_local(store).trust()
    return updated[key.key_id]


def trusted_keys(store: Store) -> list[TrustedKey]:
    """Every key this installation trusts (own, enrolled here, or certified through them), by unit."""
    trusted, _valid = load_local(store).trust()
    return sorted(trusted.values(), key=lambda k: (k.unit, k.key_id))


def local_of(store: Store) -> Local:
    return load_local(store)


def own_key_protected(store: Store) -> bool:
    """Whether signing needs the officer's passphrase."""
    from lhtl_desktop.sync.keys import is_protected

    local = load_local(store)
    return is_protected(local.own_private_sealed(store))
