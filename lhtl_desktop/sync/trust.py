"""Key certificates and who is trusted to write what (ARCHITECTURE.md §3.4). Pure functions over plain data.

A certificate says "issuer key I vouches that subject key S belongs to unit U, status active/retired/revoked",
signed by I over PAE(CERTIFICATE_TYPE, body bytes). The body travels as base64 of its exact bytes, so no
canonical JSON is needed. Certificates travel up (and down) inside bundles:

- my own key is trusted; a key I certified after the officer typed its fingerprint (enrolment) is trusted;
- a trusted key may certify keys of units strictly below its own unit (the hub vouches for its communes,
  so the province trusts them through the hub);
- a key I enrolled whose unit is above mine (my parent) may also certify keys of its own ancestors (so a
  commune trusts the province's corrections relayed down by its hub).

Status only gets worse (active → retired → revoked): the registry only moves forward. For one
(subject, issuer) the worst status any version said stands, and among the versions saying it the highest
version speaks (an issuer may raise a retired key's marks when the successor key declares its last edits).
Across issuers, the worst status and the lowest marks win. So an older registry state received later —
an old bundle still carrying "active" — never undoes a retirement or revocation.

A retired or revoked key's *new* edits are refused, whatever dates they claim: "new" is decided by numbers
the signer cannot backdate. The certificate that retires it records the last bundle number (`max_seq`) and
the last edit counter of that key (`max_counter`, its component of the version vectors) accepted before.
A bundle it signs with a higher number, or a record whose own-key counter is above the mark — even inside
another key's bundle — is refused. A revoked key signs nothing any more (every bundle refused); the records
it wrote up to the mark stay, counted and listed for review (`key list`).
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lhtl_desktop.errors import BundleError
from lhtl_desktop.i18n import _
from lhtl_desktop.model import hierarchy
from lhtl_desktop.model.units import Unit
from lhtl_desktop.model.version_vector import MAX_COUNTER
from lhtl_desktop.sync.envelope import CERTIFICATE_TYPE, pae, strict_json
from lhtl_desktop.sync.keys import fingerprint_of, key_id_of, unb64, verify_signature

STATUS_RANK = {"active": 0, "retired": 1, "revoked": 2}
STATUS_LABELS = {"active": _("đang dùng"), "retired": _("đã thay"), "revoked": _("đã thu hồi"), "own": _("của máy này")}
_KEYID_RE = re.compile(r"[0-9a-f]{32}", re.ASCII)
_UNIT_RE = re.compile(r"[0-9]{2}|[0-9]{3}|[0-9]{5}", re.ASCII)
_TS_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z", re.ASCII)


@dataclass(frozen=True)
class Certificate:
    subject_key_id: str
    subject_public_key: str
    subject_unit: str
    issuer_key_id: str
    issuer_unit: str
    status: str
    version: int
    issued_at: str
    officer: str
    max_seq: int | None  # retired/revoked: last bundle number accepted from the subject
    max_counter: int | None  # retired/revoked: last edit counter of the subject accepted
    body: str  # base64 of the exact signed bytes
    sig: str

    def as_wire(self) -> dict[str, str]:
        return {"body": self.body, "sig": self.sig}


def issue_certificate(private: Ed25519PrivateKey, *, issuer_key_id: str, issuer_unit: str, subject_key_id: str,
                      subject_public_key: str, subject_unit: str, status: str, version: int, issued_at: str,
                      officer: str = "", max_seq: int | None = None,
                      max_counter: int | None = None) -> Certificate:
    content = {
        "type": "lhtl-certificate", "subject_key_id": subject_key_id, "subject_public_key": subject_public_key,
        "subject_unit": subject_unit, "issuer_key_id": issuer_key_id, "issuer_unit": issuer_unit,
        "status": status, "version": version, "issued_at": issued_at, "officer": officer,
        "max_seq": max_seq, "max_counter": max_counter,
    }
    raw = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    sig = private.sign(pae(CERTIFICATE_TYPE, raw))
    return Certificate(subject_key_id, subject_public_key, subject_unit, issuer_key_id, issuer_unit, status,
                       version, issued_at, officer, max_seq, max_counter,
                       base64.b64encode(raw).decode("ascii"), base64.b64encode(sig).decode("ascii"))


def _bad_cert() -> BundleError:
    return BundleError(_("Gói có chứng nhận khóa không hợp lệ."))


def parse_certificate(wire: Any) -> Certificate:
    """A certificate from its wire form {body, sig}, strictly; the signature is checked later (needs the issuer)."""
    if not isinstance(wire, dict) or set(wire) != {"body", "sig"}:
        raise _bad_cert()
    body, sig = wire["body"], wire["sig"]
    if not isinstance(body, str) or not isinstance(sig, str) or len(body) > 4096:
        raise _bad_cert()
    return _parse_certificate(body, sig)


@functools.lru_cache(maxsize=8192)
def _parse_certificate(body: str, sig: str) -> Certificate:
    # Pure in its two strings and the result is immutable, so cached: every bundle and every reload of the
    # local state carries the same few hundred certificates. A refusal raises and is never cached.
    try:
        raw = base64.b64decode(body.encode("ascii"), validate=True)
        if len(base64.b64decode(sig.encode("ascii"), validate=True)) != 64:
            raise _bad_cert()
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise _bad_cert() from None
    doc = strict_json(raw, max_depth=2)
    keys = {"type", "subject_key_id", "subject_public_key", "subject_unit", "issuer_key_id", "issuer_unit",
            "status", "version", "issued_at", "officer", "max_seq", "max_counter"}
    if not isinstance(doc, dict) or set(doc) != keys or doc["type"] != "lhtl-certificate":
        raise _bad_cert()
    ok = (
        isinstance(doc["subject_key_id"], str) and _KEYID_RE.fullmatch(doc["subject_key_id"])
        and isinstance(doc["issuer_key_id"], str) and _KEYID_RE.fullmatch(doc["issuer_key_id"])
        and isinstance(doc["subject_unit"], str) and _UNIT_RE.fullmatch(doc["subject_unit"])
        and isinstance(doc["issuer_unit"], str) and _UNIT_RE.fullmatch(doc["issuer_unit"])
        and doc["status"] in STATUS_RANK
        and type(doc["version"]) is int and 0 < doc["version"] <= MAX_COUNTER
        and isinstance(doc["issued_at"], str) and _TS_RE.fullmatch(doc["issued_at"])
        and isinstance(doc["officer"], str) and len(doc["officer"]) <= 200
        and (doc["max_seq"] is None or (type(doc["max_seq"]) is int and 0 <= doc["max_seq"] <= MAX_COUNTER))
        and (doc["max_counter"] is None or (type(doc["max_counter"]) is int
                                            and 0 <= doc["max_counter"] <= MAX_COUNTER))
        and isinstance(doc["subject_public_key"], str)
    )
    if not ok:
        raise _bad_cert()
    try:
        public_raw = unb64(doc["subject_public_key"])
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise _bad_cert() from None
    if len(public_raw) != 32 or key_id_of(public_raw) != doc["subject_key_id"]:
        raise _bad_cert()
    return Certificate(doc["subject_key_id"], doc["subject_public_key"], doc["subject_unit"], doc["issuer_key_id"],
                       doc["issuer_unit"], doc["status"], doc["version"], doc["issued_at"], doc["officer"],
                       doc["max_seq"], doc["max_counter"], body, sig)


def certificate_signature_ok(cert: Certificate, issuer_public_key: str) -> bool:
    return _signature_ok(cert.body, cert.sig, issuer_public_key)


@functools.lru_cache(maxsize=4096)
def _signature_ok(body: str, sig: str, issuer_public_key: str) -> bool:
    # Pure in its arguments, so cached: an import of 129 bundles re-checks the same few hundred certificates.
    return verify_signature(issuer_public_key, unb64(sig), pae(CERTIFICATE_TYPE, unb64(body)))


@dataclass(frozen=True)
class OwnKey:
    key_id: str
    unit: str
    public_key: str
    status: str  # 'own' (in use) or 'retired'/'revoked' (an earlier key of this installation)
    max_seq: int | None = None  # retired: the last bundle number it signed here
    max_counter: int | None = None  # retired: its last edit counter here


@dataclass(frozen=True)
class TrustedKey:
    key_id: str
    unit: str
    public_key: str
    status: str  # active / retired / revoked
    direct: bool  # my own key, or certified by my own key (enrolled here)
    max_seq: int | None = None
    max_counter: int | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(unb64(self.public_key))


def resolve_trust(own: Iterable[OwnKey], certificates: Iterable[Certificate], units: Mapping[str, Unit],
                  my_unit: str, *, two_tier: bool,
                  extra: Iterable[Certificate] = ()) -> tuple[dict[str, TrustedKey], list[Certificate]]:
    """Every key this installation trusts (unit, status), found by following certificates from my own keys,
    and the certificates that were valid on the way."""
    trusted: dict[str, TrustedKey] = {}
    for k in own:
        if k.status == "own":
            trusted[k.key_id] = TrustedKey(k.key_id, k.unit, k.public_key, "active", True)
        else:
            trusted[k.key_id] = TrustedKey(k.key_id, k.unit, k.public_key, k.status, True,
                                           k.max_seq if k.max_seq is not None else 0,
                                           k.max_counter if k.max_counter is not None else 0)
    own_ids = set(trusted)
    # Stored certificates first, to a fixed point; only then those a bundle brings: a bundle can add keys
    # but never change the unit of a key already trusted here.
    phases = [[c for c in certificates if c.subject_key_id not in own_ids],
              [c for c in extra if c.subject_key_id not in own_ids]]

    def below(ancestor: str, code: str) -> bool:
        return ancestor != code and hierarchy.is_ancestor_or_self(units, ancestor, code, two_tier=two_tier)

    def may_certify(issuer: TrustedKey, cert: Certificate) -> bool:
        if cert.issuer_unit != issuer.unit:
            return False
        if issuer.key_id in own_ids:
            return True  # enrolment here, after the fingerprint was checked
        if below(issuer.unit, cert.subject_unit):
            return True
        return issuer.direct and below(issuer.unit, my_unit) and below(cert.subject_unit, issuer.unit)

    valid: list[Certificate] = []
    pending: list[Certificate] = []
    for phase in phases:
        pending = [*pending, *phase]
        pending = _follow(pending, trusted, valid, own_ids, may_certify)

    # Status: the worst any trusted issuer has said; the limits from the earliest retirement/revocation.
    for cert in strongest_per_issuer(valid):
        key = trusted[cert.subject_key_id]
        if STATUS_RANK[cert.status] == 0:
            continue
        status = cert.status if STATUS_RANK[cert.status] > STATUS_RANK[key.status] else key.status
        max_seq = _min_opt(key.max_seq, cert.max_seq)
        max_counter = _min_opt(key.max_counter, cert.max_counter)
        trusted[key.key_id] = TrustedKey(key.key_id, key.unit, key.public_key, status, key.direct, max_seq, max_counter)
    return trusted, valid


def cert_rank(cert: Certificate) -> tuple[int, int]:
    """Order of the versions of one (subject, issuer): a worse status first, then a higher version."""
    return STATUS_RANK[cert.status], cert.version


def strongest_per_issuer(certs: Iterable[Certificate]) -> list[Certificate]:
    """For each (subject, issuer) the one certificate that speaks: the worst status, then the highest version."""
    best: dict[tuple[str, str], Certificate] = {}
    for cert in certs:
        pair = (cert.subject_key_id, cert.issuer_key_id)
        cur = best.get(pair)
        if cur is None or cert_rank(cert) > cert_rank(cur):
            best[pair] = cert
    return list(best.values())


def _follow(pending: list[Certificate], trusted: dict[str, TrustedKey], valid: list[Certificate], own_ids: set[str],
            may_certify: Callable[[TrustedKey, Certificate], bool]) -> list[Certificate]:
    """Accept certificates whose issuer is trusted until nothing changes; return those still waiting."""
    changed = True
    while changed:
        changed = False
        rest: list[Certificate] = []
        for cert in pending:
            issuer = trusted.get(cert.issuer_key_id)
            if issuer is None or issuer.status == "revoked":
                rest.append(cert)
                continue
            if not may_certify(issuer, cert) or not certificate_signature_ok(cert, issuer.public_key):
                continue
            known = trusted.get(cert.subject_key_id)
            if known is not None and known.unit != cert.subject_unit:
                continue  # one key belongs to one unit
            valid.append(cert)
            if known is None:
                trusted[cert.subject_key_id] = TrustedKey(
                    cert.subject_key_id, cert.subject_unit, cert.subject_public_key, "active",
                    cert.issuer_key_id in own_ids)
                changed = True
            elif cert.issuer_key_id in own_ids and not known.direct:
                trusted[cert.subject_key_id] = TrustedKey(known.key_id, known.unit, known.public_key, known.status,
                                                          True, known.max_seq, known.max_counter)
        pending = rest
    return pending


def _min_opt(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b if b is not None else 0
    if b is None:
        return a
    return min(a, b)
