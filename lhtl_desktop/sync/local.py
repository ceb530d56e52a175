"""Who this installation is, as sync sees it: unit, hierarchy, own keys and the keys it trusts.

Read straight from storage (sync does not import services), through the same `storage.identity` reader
services use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lhtl_desktop.errors import RefusedError
from lhtl_desktop.i18n import _
from lhtl_desktop.model import hierarchy
from lhtl_desktop.model.units import Unit
from lhtl_desktop.storage import Store, sync_store
from lhtl_desktop.storage.identity import read_identity
from lhtl_desktop.sync.trust import Certificate, OwnKey, TrustedKey, parse_certificate, resolve_trust


@dataclass
class Local:
    unit: Unit
    officer: str
    own_key_id: str
    two_tier: bool
    units: dict[str, Unit]
    own_keys: list[OwnKey]
    certificates: list[Certificate]
    _cache: dict[tuple[str, str], bool] = field(default_factory=dict)

    def below_or_self(self, ancestor: str, code: str) -> bool:
        """Authority rule: may a key of `ancestor` write records of `code`?"""
        key = (ancestor, code)
        hit = self._cache.get(key)
        if hit is None:
            hit = hierarchy.is_ancestor_or_self(self.units, ancestor, code, two_tier=self.two_tier)
            self._cache[key] = hit
        return hit

    def parent(self) -> str | None:
        return hierarchy.parent_of(self.units, self.unit.code, two_tier=self.two_tier)

    def subtree(self, code: str | None = None) -> list[str]:
        return hierarchy.subtree(self.units, code or self.unit.code, two_tier=self.two_tier)

    def trust(self, extra: Iterable[Certificate] = ()) -> tuple[dict[str, TrustedKey], list[Certificate]]:
        return resolve_trust(self.own_keys, self.certificates, self.units, self.unit.code, two_tier=self.two_tier,
                             extra=extra)

    def own_private_sealed(self, store: Store) -> str:
        row = store.key(self.own_key_id)
        if row is None or not row.get("private_key"):
            raise RefusedError(_("Máy này không có khóa riêng để ký."))
        return str(row["private_key"])


def load_local(store: Store) -> Local:
    me = read_identity(store)  # who I am: the same reader services use
    meta = {"unit_code": me.unit.code, "own_key_id": me.own_key_id}
    units = store.units()
    certs: list[Certificate] = []
    for row in sync_store.certificate_rows(store):
        certs.append(parse_certificate({"body": row["body"], "sig": row["sig"]}))
    # My keys: the one in use (it has the private key) and the earlier ones of my unit (`key new` keeps their
    # public key and erases the private one). A key of my own unit is never enrolled from outside.
    rows = [r for r in sync_store.key_rows(store)
            if r.get("private_key") or (r["unit_code"] == meta["unit_code"] and r["status"] != "trusted")]
    own_ids = {r["key_id"] for r in rows}
    own: list[OwnKey] = []
    for r in rows:
        marks = [c for c in certs if c.subject_key_id == r["key_id"] and c.issuer_key_id in own_ids
                 and c.issuer_key_id != r["key_id"]]
        seq = min((c.max_seq for c in marks if c.max_seq is not None), default=None)
        counter = min((c.max_counter for c in marks if c.max_counter is not None), default=None)
        status = "own" if r["key_id"] == meta.get("own_key_id") else (
            r["status"] if r["status"] in ("retired", "revoked") else "retired")
        own.append(OwnKey(r["key_id"], r["unit_code"], r["public_key"], status, seq, counter))
    return Local(unit=me.unit, officer=me.officer, own_key_id=me.own_key_id, two_tier=me.two_tier, units=dict(units),
                 own_keys=own, certificates=certs)
