"""Who may vouch for whom (ARCHITECTURE.md §3.4), on real Ed25519 certificates and the real units of Ninh Bình."""

from __future__ import annotations

import pytest

from lhtl_desktop.model.units import Unit
from lhtl_desktop.reference.units import load_province
from lhtl_desktop.sync.keys import generate_key, open_private
from lhtl_desktop.sync.trust import Certificate, OwnKey, issue_certificate, resolve_trust


@pytest.fixture(scope="module")
def units() -> dict[str, Unit]:
    return {u.code: u for u in load_province("37").all_units()}


class K:
    def __init__(self, unit: str) -> None:
        self.unit = unit
        self.new = generate_key()
        self.private = open_private(self.new.private_key, None)
        self.key_id = self.new.key_id

    def own(self) -> OwnKey:
        return OwnKey(self.key_id, self.unit, self.new.public_key, "own")

    def certify(self, other: K, status: str = "active", version: int = 1, unit: str | None = None,
                **limits: int) -> Certificate:
        return issue_certificate(self.private, issuer_key_id=self.key_id, issuer_unit=self.unit,
                                 subject_key_id=other.key_id, subject_public_key=other.new.public_key,
                                 subject_unit=unit or other.unit, status=status, version=version,
                                 issued_at="2026-01-01T00:00:00.000Z", **limits)  # type: ignore[arg-type]


def test_province_trusts_communes_through_the_hub(units) -> None:  # type: ignore[no-untyped-def]
    province, hub, commune = K("37"), K("372"), K("14389")
    trusted, _ = resolve_trust([province.own()], [province.certify(hub), hub.certify(commune)], units, "37",
                               two_tier=False)
    assert trusted[commune.key_id].unit == "14389" and not trusted[commune.key_id].direct
    assert trusted[hub.key_id].direct


def test_a_commune_cannot_vouch_for_a_province_or_a_neighbour(units) -> None:  # type: ignore[no-untyped-def]
    province, hub, commune, fake = K("37"), K("372"), K("14389"), K("37")
    neighbour = K("14401")
    certs = [province.certify(hub), hub.certify(commune), commune.certify(fake), commune.certify(neighbour)]
    trusted, _ = resolve_trust([hub.own()], certs, units, "372", two_tier=False)
    assert fake.key_id not in trusted and neighbour.key_id not in trusted


def test_a_hub_cannot_vouch_for_another_hubs_communes(units) -> None:  # type: ignore[no-untyped-def]
    province, hub, stranger = K("37"), K("372"), K("14500")  # 14500 is not under 372
    assert units["14500"].parent != "372"
    trusted, _ = resolve_trust([province.own()], [province.certify(hub), hub.certify(stranger)], units, "37",
                               two_tier=False)
    assert stranger.key_id not in trusted


def test_commune_trusts_the_province_through_the_hub_it_enrolled(units) -> None:  # type: ignore[no-untyped-def]
    province, hub, commune = K("37"), K("372"), K("14389")
    certs = [commune.certify(hub), hub.certify(province)]
    trusted, _ = resolve_trust([commune.own()], certs, units, "14389", two_tier=False)
    assert trusted[province.key_id].unit == "37"
    # … but not through a hub it only knows second-hand.
    other_hub = K("373")
    trusted, _ = resolve_trust([commune.own()], [commune.certify(hub), hub.certify(other_hub),
                                                 other_hub.certify(province)], units, "14389", two_tier=False)
    assert other_hub.key_id not in trusted


def test_a_bundle_cannot_move_a_trusted_key_to_another_unit(units) -> None:  # type: ignore[no-untyped-def]
    province, hub, commune = K("37"), K("372"), K("14389")
    stored = [province.certify(hub), hub.certify(commune)]
    forged = [hub.certify(commune, unit="14401", version=9)]
    trusted, _ = resolve_trust([province.own()], stored, units, "37", two_tier=False, extra=forged)
    assert trusted[commune.key_id].unit == "14389"


def test_status_only_moves_forward_and_limits_are_kept(units) -> None:  # type: ignore[no-untyped-def]
    hub, commune = K("372"), K("14389")
    certs = [hub.certify(commune, "revoked", 3, max_seq=4, max_counter=7), hub.certify(commune, "active", 5)]
    trusted, _ = resolve_trust([hub.own()], certs, units, "372", two_tier=False)
    key = trusted[commune.key_id]
    assert (key.status, key.max_seq, key.max_counter) == ("revoked", 4, 7)


def test_a_tampered_certificate_is_ignored(units) -> None:  # type: ignore[no-untyped-def]
    province, hub = K("37"), K("372")
    good = province.certify(hub)
    other = province.certify(K("373"))
    bad = Certificate(**{**good.__dict__, "sig": other.sig})
    trusted, _ = resolve_trust([province.own()], [bad], units, "37", two_tier=False)
    assert hub.key_id not in trusted
