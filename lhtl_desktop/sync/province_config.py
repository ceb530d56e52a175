"""The province's rules document on the wire (ARCHITECTURE.md §3.7): signed by the province, carried in bundles.

A version is signed like a key certificate: the exact bytes of its JSON body travel in base64 with an
Ed25519 signature over PAE(RULES_TYPE, body), so a hub relays the document byte for byte and the commune
checks the province's own signature — a hub can pass the rules on but cannot change one number of them.
In a bundle the document is the optional top-level field `rules`: {"body": …, "sig": …}.

On import (`read_carried`, called after the bundle's own signature, routing and authority checks):
- the signing key must be a key this installation trusts (directly or through the certificates the bundle
  carries) of the province itself, active — not a hub's or a commune's, not retired, not revoked, not one
  the document itself lists as revoked; the signature must check out; the content must pass
  model.rules' validation against my units and catalogue. Any of these failing rejects the whole bundle:
  nothing of it is applied;
- then the version decides (`decide`): newer than mine → applied in the bundle's transaction; equal → no
  change; older → ignored, never rolled back. One version number with other content (the province restored
  an old backup and re-used it) is refused for that document and said so.

Authorship follows the rule of §3.6: the signature on the document, not the bundle's sender, says who wrote it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lhtl_desktop.errors import BundleError, ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.catalogue import Level
from lhtl_desktop.model.records import now_utc
from lhtl_desktop.model.rules import RulesContent, content_from_json, content_to_json, default_content
from lhtl_desktop.storage import Store, rules_store, version_marks
from lhtl_desktop.sync.envelope import pae, strict_json
from lhtl_desktop.sync.keys import verify_signature
from lhtl_desktop.sync.local import Local
from lhtl_desktop.sync.trust import TrustedKey

RULES_TYPE = "application/vnd.lhtl.province-rules.v1+json"
DOC_TYPE = "lhtl-province-rules"
MAX_BODY_CHARS = 2 * 1024 * 1024  # base64 of a province's rules: a few tens of kB; far below the bundle cap
_KEYID_RE = re.compile(r"[0-9a-f]{32}", re.ASCII)
_TS_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z", re.ASCII)
_DOC_KEYS = {"type", "province", "version", "issued_at", "issued_by", "officer", "content"}

NEWER, SAME, OLDER, FORKED = "applied", "same", "older", "forked"
DECISION_LABELS = {
    NEWER: _("đã áp dụng quy định mới của tỉnh"),
    SAME: _("quy định của tỉnh không đổi"),
    OLDER: _("quy định cũ hơn bản đang áp dụng: bỏ qua"),
    FORKED: _("cùng số phiên bản nhưng khác nội dung: không áp dụng"),
}


@dataclass(frozen=True)
class SignedRules:
    version: int
    province: str
    issued_at: str
    issued_by: str
    officer: str
    content: RulesContent
    content_json: str  # the content as signed (stored as is)
    body: str
    sig: str

    def wire(self) -> dict[str, str]:
        return {"body": self.body, "sig": self.sig}


def province_code(local: Local) -> str:
    for unit in local.units.values():
        if unit.level == Level.PROVINCE:
            return unit.code
    return ""


# -- signing (at the province) --------------------------------------------------------------------
def sign_rules(private: Ed25519PrivateKey, *, key_id: str, province: str, version: int, issued_at: str,
               officer: str, content_json: str) -> tuple[str, str]:
    doc = {"type": DOC_TYPE, "province": province, "version": version, "issued_at": issued_at,
           "issued_by": key_id, "officer": officer, "content": json.loads(content_json)}
    raw = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode("utf-8")
    sig = private.sign(pae(RULES_TYPE, raw))
    return base64.b64encode(raw).decode("ascii"), base64.b64encode(sig).decode("ascii")


def ensure_signed(store: Store, local: Local, private: Ed25519PrivateKey) -> None:
    """At the province, before an export: the newest version signed by my key in use (a first version made
    from the set-up defaults when none exists yet). Call inside the export's transaction."""
    if local.unit.level != Level.PROVINCE:
        return
    row = rules_store.latest(store)
    if row is None:
        content = replace(default_content(local.unit.code, store.target_definitions(), store.units()),
                          two_tier=local.two_tier)
        now = now_utc()
        version = version_marks.next_rules_version(store, 0)
        text = json.dumps(content_to_json(content), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        rules_store.insert(store, {"version": version, "issued_at": now, "issued_by": local.own_key_id,
                                   "officer": local.officer, "content": text, "received_at": now})
        row = rules_store.latest(store)
        assert row is not None
    revoked = sorted({c.subject_key_id for c in local.certificates if c.status == "revoked"})
    content_doc = json.loads(row["content"])
    if content_doc.get("revoked_keys", []) != revoked:
        # Keys revoked since the last version: the rules list them (a new version, as any change of the rules).
        content_doc["revoked_keys"] = revoked
        now = now_utc()
        version = version_marks.next_rules_version(store, int(row["version"]))
        text = json.dumps(content_doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        rules_store.insert(store, {"version": version, "issued_at": now, "issued_by": local.own_key_id,
                                   "officer": local.officer, "content": text, "received_at": now})
        row = rules_store.latest(store)
        assert row is not None
    if row["sig"] is not None and row["issued_by"] == local.own_key_id:
        return
    body, sig = sign_rules(private, key_id=local.own_key_id, province=local.unit.code, version=int(row["version"]),
                           issued_at=row["issued_at"], officer=row["officer"], content_json=row["content"])
    rules_store.set_signature(store, int(row["version"]), local.own_key_id, body, sig)


def carried_wire(store: Store) -> dict[str, str] | None:
    """What a bundle carries down: the newest signed version as signed (a hub relays it unchanged)."""
    row = rules_store.latest(store)
    if row is None or row["sig"] is None:
        return None
    return {"body": row["body"], "sig": row["sig"]}


# -- reading (below the province) -----------------------------------------------------------------
def _refused(detail: str) -> BundleError:
    return BundleError(_("Gói mang quy định của tỉnh không hợp lệ: {detail}. Gói bị từ chối, không nhập gì cả.")
                       .format(detail=detail))


def check_wire_shape(value: Any) -> dict[str, str]:
    """The bundle field `rules`, before anything is decoded (bundle.parse_body calls this)."""
    if not isinstance(value, dict) or set(value) != {"body", "sig"} or not all(
            isinstance(v, str) for v in value.values()) or len(value["body"]) > MAX_BODY_CHARS \
            or len(value["sig"]) > 200:
        raise _refused(_("sai cấu trúc"))
    return dict(value)


@dataclass(frozen=True)
class Carried:
    rules: SignedRules | None  # None: nothing to apply (no document, or one not newer from a retired key)
    decision: str
    version: int

    def as_json(self) -> dict[str, Any]:
        return {"version": self.version, "status": self.decision, "text": DECISION_LABELS[self.decision]}


def read_carried(store: Store, local: Local, wire: Mapping[str, str] | None,
                 trusted: Mapping[str, TrustedKey]) -> Carried | None:
    """Verify the document a bundle carries against my trust and my units, and decide what it does here.
    Raises BundleError (the whole bundle is refused)."""
    if wire is None:
        return None
    try:
        raw = base64.b64decode(wire["body"].encode("ascii"), validate=True)
        sig = base64.b64decode(wire["sig"].encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise _refused(_("không giải mã được")) from None
    doc = _peek(raw)
    province = province_code(local)
    signer = trusted.get(doc["issued_by"])
    if signer is None:
        raise _refused(_("ký bằng khóa chưa được xác nhận (mã khóa {key})").format(key=doc["issued_by"][:8]))
    if signer.unit != province:
        raise _refused(_("ký bằng khóa của {unit}, không phải khóa của tỉnh: chỉ tỉnh mới ban hành quy định").format(
            unit=_name(local, signer.unit)))
    current = rules_store.latest(store)
    mine = 0 if current is None else int(current["version"])
    if signer.status == "retired" and doc["version"] <= mine:
        # A hub still relaying what the province signed before it changed its key: nothing new, no harm.
        return Carried(None, OLDER if doc["version"] < mine else SAME, doc["version"])
    if signer.status != "active":
        state = _("đã thu hồi") if signer.status == "revoked" else _("đã thay")
        raise _refused(_("ký bằng khóa {state} của tỉnh (mã khóa {key})").format(state=state, key=signer.key_id[:8]))
    if not verify_signature(signer.public_key, sig, pae(RULES_TYPE, raw)):
        raise _refused(_("chữ ký không đúng (nội dung đã bị sửa sau khi tỉnh ký)"))
    if doc["province"] != province:
        raise _refused(_("quy định của tỉnh khác (mã {code})").format(code=doc["province"]))
    try:
        content = content_from_json(doc["content"], store.units(), province,
                                    [t.code for t in store.target_definitions()])
    except ValidationError as exc:
        raise _refused(exc.message.rstrip(".")) from None
    if signer.key_id in content.revoked_keys:
        raise _refused(_("ký bằng khóa mà chính quy định ghi là đã thu hồi"))
    text = json.dumps(doc["content"], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    rules = SignedRules(doc["version"], doc["province"], doc["issued_at"], doc["issued_by"], doc["officer"], content,
                        text, wire["body"], wire["sig"])
    return Carried(rules, decide(store, rules), rules.version)


def _peek(raw: bytes) -> dict[str, Any]:
    """The document's header fields, strictly (the signature is checked next, with the key they name)."""
    try:
        doc = strict_json(raw, max_depth=6)
    except BundleError:
        raise _refused(_("nội dung không phải JSON hợp lệ")) from None
    if not isinstance(doc, dict) or set(doc) != _DOC_KEYS or doc["type"] != DOC_TYPE:
        raise _refused(_("thiếu hoặc thừa trường"))
    ok = (isinstance(doc["issued_by"], str) and _KEYID_RE.fullmatch(doc["issued_by"])
          and type(doc["version"]) is int and 1 <= doc["version"] < 2**53
          and isinstance(doc["issued_at"], str) and _TS_RE.fullmatch(doc["issued_at"])
          and isinstance(doc["province"], str) and isinstance(doc["officer"], str) and len(doc["officer"]) <= 200)
    if not ok:
        raise _refused(_("thiếu hoặc sai trường phiên bản, người ký hoặc thời điểm"))
    return doc


def _name(local: Local, code: str) -> str:
    unit = local.units.get(code)
    return f"{unit.name} ({code})" if unit else code


def decide(store: Store, rules: SignedRules) -> str:
    """NEWER (apply), SAME, OLDER (ignore: never rolled back) or FORKED (same number, other content)."""
    row = rules_store.latest(store)
    if row is None or rules.version > int(row["version"]):
        return NEWER
    if rules.version < int(row["version"]):
        return OLDER
    same_content = json.loads(row["content"]) == json.loads(rules.content_json)
    return SAME if same_content else FORKED


def apply(store: Store, carried: Carried, from_unit: str) -> None:
    """Write a newer version and bring the tables in line (inside the import's transaction). The same version
    re-signed by the province's new key replaces the stored signature, so that it is relayed with it."""
    rules = carried.rules
    if rules is None or carried.decision not in (NEWER, SAME):
        return
    if carried.decision == SAME:
        row = rules_store.latest(store)
        if row is not None and row["issued_by"] != rules.issued_by:
            rules_store.set_signature(store, rules.version, rules.issued_by, rules.body, rules.sig)
        return
    at = now_utc()
    by = _("Quy định của tỉnh, phiên bản {v}").format(v=rules.version)
    rules_store.apply_content(store, rules.content.milestones, rules.content.hubs, rules.content.two_tier, by, at)
    rules_store.insert(store, {"version": rules.version, "issued_at": rules.issued_at, "issued_by": rules.issued_by,
                               "officer": rules.officer, "content": rules.content_json, "body": rules.body,
                               "sig": rules.sig, "received_at": at, "from_unit": from_unit})
