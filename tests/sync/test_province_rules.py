"""The province's rules reach every level (issue 12, part 1), driven through the CLI across three databases.

The province raises a threshold, lowers a criterion's number and moves a commune to another hub; the hub and
the commune receive the rules through ordinary bundles and evaluate exactly as the province does (same
config_version, same numbers and statuses, computed by hand below). An older province bundle afterwards
changes nothing; a rules document forged by the hub, or tampered with, or invalid, is refused whole.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from lhtl_desktop.storage import open_store
from lhtl_desktop.sync.keys import open_private
from lhtl_desktop.sync.province_config import sign_rules
from tests.sync.conftest import body_of
from tests.sync.helpers import Site, enrol, make_site


def _private(site: Site) -> Any:
    store = open_store(site.db)
    try:
        row = store.key(str(store.get_meta("own_key_id")))
        assert row is not None
        return open_private(row["private_key"], None), row["key_id"]
    finally:
        store.close()


def _reseal(site: Site, data: bytes, mutate: Any) -> bytes:
    """A real bundle's body changed and signed again with `site`'s own key (a validly signed bundle)."""
    import gzip

    from lhtl_desktop.sync.envelope import BUNDLE_TYPE, pae

    body = body_of(data)
    mutate(body)
    payload = gzip.compress(json.dumps(body, ensure_ascii=False).encode("utf-8"))
    private, key_id = _private(site)
    sig = private.sign(pae(BUNDLE_TYPE, payload))
    return json.dumps({"payloadType": BUNDLE_TYPE, "payload": base64.b64encode(payload).decode(),
                       "signatures": [{"keyid": key_id, "sig": base64.b64encode(sig).decode()}]}).encode()


def _doc(wire: dict[str, str]) -> dict[str, Any]:
    return json.loads(base64.b64decode(wire["body"]))


def _comparable(results: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(r["target"], r["numerator"], r["denominator"], r["value"], r["threshold"], r["status"],
             r["config_version"]) for r in results]


@pytest.fixture
def sites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    mail = tmp_path / "usb"
    mail.mkdir()
    province = make_site(tmp_path, capsys, "37", "Trần Thị Tỉnh")
    hub = make_site(tmp_path, capsys, "372", "Lê Văn Cụm")
    commune = make_site(tmp_path, capsys, "14389", "Nguyễn Văn Gia Lâm")
    enrol(hub, commune, mail)  # the hub trusts the commune …
    enrol(province, hub, mail)  # … the province the hub …
    enrol(hub, province, mail)  # … the hub the province (its bundles come down) …
    enrol(commune, hub, mail)  # … and the commune its hub, through which the province's key is known.
    # Two commune libraries, one meeting LIB_LLL: 1/2 = 50 %. One cultural centre with a club and 10
    # activities: not meeting CC_LLL at the default 12 activities, meeting it at 10.
    l1 = commune.add("lib_commune", "Thư viện xã Gia Lâm")
    l2 = commune.add("lib_commune", "Thư viện thôn Gia Lâm 2")
    k1 = commune.add("cc_commune", "Trung tâm VH-TT xã Gia Lâm")
    commune.ok("set", "--institution", l1, "--period", "2025", "LIB_SKILL_CLASSES=2")
    commune.ok("set", "--institution", l2, "--period", "2025", "LIB_SKILL_CLASSES=0", "LIB_READING_EVENTS=0")
    commune.ok("set", "--institution", k1, "--period", "2025", "CC_CLUBS=1", "CC_ACTIVITIES=10")
    # Submitted: every unit expected has reported, so the statuses are the rules' own (not «incomplete»).
    commune.ok("submit", "--period", "2025")
    up = commune.export(mail / "14389-1.lhtl")
    assert hub.json("import", str(up))[0]["status"] == "accepted"
    assert province.json("import", str(hub.export(mail / "372-1.lhtl")))[0]["status"] == "accepted"
    return {"province": province, "hub": hub, "commune": commune, "mail": mail}


def test_rules_travel_down_and_every_level_evaluates_alike(sites: dict[str, Any]) -> None:
    province, hub, commune, mail = sites["province"], sites["hub"], sites["commune"], sites["mail"]
    old_down = province.export(mail / "37-den-372-old.lhtl", "--to", "372")  # signs version 1 (the defaults)
    assert province.json("config", "show")["version"] == 1

    # Before: the defaults everywhere. LIB_COMM_LLL 1/2 = 50 % ≥ 40 % met; CC_COMMUNE_ACTIVE 0/1 (10 < 12).
    before = {r["target"]: r for r in province.json("evaluate", "--period", "2025", "--scope", "14389")}
    assert (before["LIB_COMM_LLL"]["status"], before["CC_COMMUNE_ACTIVE"]["numerator"]) == ("met", 0)

    province.ok("config", "set", "--threshold", "LIB_COMM_LLL", "2025", "95")
    province.ok("config", "set", "--criterion", "CC_LLL", "min_activities", "10")
    province.ok("config", "set", "--hub", "14401", "370")
    shown = province.json("config", "show")
    assert shown["version"] == 4 and shown["signed"] is False  # signed when it first leaves
    assert shown["content"]["milestones"]["LIB_COMM_LLL"]["2025"] == 95.0
    assert shown["content"]["criteria"]["CC_LLL"]["min_activities"] == 10
    assert shown["content"]["hubs"]["14401"] == "370"

    at_province = province.json("evaluate", "--period", "2025", "--scope", "14389")
    by = {r["target"]: r for r in at_province}
    # By hand: LIB_COMM_LLL 1/2 = 50 % < 95 % in its milestone year → behind; CC_COMMUNE_ACTIVE 1/1 = 100 %
    # (10 activities now enough) ≥ 80 % → met.
    assert (by["LIB_COMM_LLL"]["numerator"], by["LIB_COMM_LLL"]["denominator"]) == (1, 2)
    assert by["LIB_COMM_LLL"]["value"] == pytest.approx(50.0)
    assert (by["LIB_COMM_LLL"]["threshold"], by["LIB_COMM_LLL"]["status"]) == (95.0, "behind")
    assert (by["CC_COMMUNE_ACTIVE"]["numerator"], by["CC_COMMUNE_ACTIVE"]["denominator"]) == (1, 1)
    assert by["CC_COMMUNE_ACTIVE"]["status"] == "met"
    assert {r["config_version"] for r in at_province} == {4}

    # Down to the hub in an ordinary bundle …
    [r] = hub.json("import", str(province.export(mail / "37-den-372.lhtl", "--to", "372")))
    assert r["status"] == "accepted" and r["rules"]["version"] == 4 and r["rules"]["status"] == "applied"
    assert hub.json("config", "show")["signed"] is True
    at_hub = hub.json("evaluate", "--period", "2025", "--scope", "14389")
    assert _comparable(at_hub) == _comparable(at_province)
    assert {u["code"] for u in hub.json("units", "--parent", "372")} >= {"14389"}
    assert "14401" not in {u["code"] for u in hub.json("units", "--parent", "372")}
    # … and on to the commune, relayed by the hub unchanged.
    down = hub.export(mail / "372-den-14389.lhtl", "--to", "14389")
    assert body_of(down.read_bytes())["rules"] == body_of((mail / "37-den-372.lhtl").read_bytes())["rules"]
    [r] = commune.json("import", str(down))
    assert r["status"] == "accepted" and r["rules"]["status"] == "applied"
    at_commune = commune.json("evaluate", "--period", "2025")
    assert _comparable(at_commune) == _comparable(at_province)
    shown_c = commune.json("config", "show")
    assert (shown_c["version"], shown_c["issued_by"]) == (4, province.json("key", "show")["key_id"])
    assert shown_c["content"]["hubs"]["14401"] == "370"
    text = commune.ok("evaluate", "--period", "2025")
    assert "phiên bản 4" in text

    # Hubs and communes cannot change the rules: refused, nothing written.
    for site in (hub, commune):
        before_dump = open_store(site.db).dump()
        code, _out, err = site.run("config", "set", "--threshold", "LIB_COMM_LLL", "2025", "10")
        assert code == 2 and "Chỉ cấp tỉnh" in err
        assert open_store(site.db).dump() == before_dump
    code, _out, err = hub.run("settings", "--hub", "14389", "370")
    assert code == 2 and "Chỉ cấp tỉnh" in err

    # An older province bundle arriving late changes nothing: version 4 stays, same numbers.
    [r] = hub.json("import", str(old_down))
    assert r["status"] == "accepted" and r["rules"] == {"version": 1, "status": "older",
                                                          "text": "quy định cũ hơn bản đang áp dụng: bỏ qua"}
    assert hub.json("config", "show")["version"] == 4
    assert _comparable(hub.json("evaluate", "--period", "2025", "--scope", "14389")) == _comparable(at_province)


def test_forged_tampered_or_invalid_rules_are_refused_whole(sites: dict[str, Any]) -> None:
    province, hub, commune, mail = sites["province"], sites["hub"], sites["commune"], sites["mail"]
    province.ok("config", "set", "--threshold", "LIB_COMM_LLL", "2025", "95")
    hub.json("import", str(province.export(mail / "37-den-372.lhtl", "--to", "372")))
    genuine = hub.export(mail / "372-den-14389.lhtl", "--to", "14389")
    wire = body_of(genuine.read_bytes())["rules"]
    doc = _doc(wire)
    hub_private, hub_key = _private(hub)
    province_private, province_key = _private(province)
    content_text = json.dumps(doc["content"], ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def with_rules(new_wire: dict[str, str]) -> Any:
        def mutate(body: dict[str, Any]) -> None:
            body["rules"] = new_wire
        return mutate

    def signed(private: Any, key_id: str, version: int, content: dict[str, Any]) -> dict[str, str]:
        body, sig = sign_rules(private, key_id=key_id, province="37", version=version, issued_at=doc["issued_at"],
                               officer="x", content_json=json.dumps(content, ensure_ascii=False))
        return {"body": body, "sig": sig}

    lowered = json.loads(content_text)
    lowered["milestones"]["LIB_COMM_LLL"]["2025"] = 1000  # 10 %
    bad_threshold = json.loads(content_text)
    bad_threshold["milestones"]["LIB_COMM_LLL"]["2025"] = 15000  # 150 %
    unknown_target = json.loads(content_text)
    unknown_target["targets"].append("NO_SUCH_TARGET")
    other_province_hub = json.loads(content_text)
    other_province_hub["hubs"]["14389"] = "001"  # Ba Đình, Hà Nội: not a hub of this province
    tampered_raw = base64.b64decode(wire["body"]).replace(b'"2025":9500', b'"2025":1000')
    assert tampered_raw != base64.b64decode(wire["body"])

    cases = {
        "forged by the hub": (signed(hub_private, hub_key, 99, lowered), "không phải khóa của tỉnh"),
        "tampered after signing": ({"body": base64.b64encode(tampered_raw).decode(), "sig": wire["sig"]},
                                   "chữ ký không đúng"),
        "threshold above 100": (signed(province_private, province_key, 99, bad_threshold), "0–100"),
        "unknown target": (signed(province_private, province_key, 99, unknown_target), "NO_SUCH_TARGET"),
        "hub of another province": (signed(province_private, province_key, 99, other_province_hub), "001"),
        "not a document": ({"body": "bm90IGpzb24=", "sig": wire["sig"]}, "không phải JSON"),
    }
    for name, (bad_wire, word) in cases.items():
        path = mail / f"bad-{len(name)}.lhtl"
        path.write_bytes(_reseal(hub, genuine.read_bytes(), with_rules(bad_wire)))
        before = open_store(commune.db).dump()
        code, out, _err = commune.run("import", str(path), "--json")
        [r] = json.loads(out)
        assert code == 3 and r["status"] == "rejected", name
        assert "quy định của tỉnh không hợp lệ" in r["reason"] and word in r["reason"], (name, r["reason"])
        assert open_store(commune.db).dump() == before, name
    assert commune.json("config", "show")["version"] == 0  # nothing of any of them applied

    # The genuine one is accepted afterwards.
    [r] = commune.json("import", str(genuine))
    assert r["status"] == "accepted" and r["rules"]["status"] == "applied"
    assert commune.json("config", "show")["content"]["milestones"]["LIB_COMM_LLL"]["2025"] == 95.0


def test_revocations_are_part_of_the_rules(sites: dict[str, Any]) -> None:
    province, hub, commune, mail = sites["province"], sites["hub"], sites["commune"], sites["mail"]
    province.export(mail / "37-1.lhtl", "--to", "372")
    assert province.json("config", "show")["content"]["revoked_keys"] == []
    commune_key = commune.json("key", "show")["key_id"]
    province.ok("key", "revoke", commune_key[:8])
    [r] = hub.json("import", str(province.export(mail / "37-2.lhtl", "--to", "372")))
    assert r["status"] == "accepted" and r["rules"]["status"] == "applied"
    shown = hub.json("config", "show")
    assert shown["version"] == 2 and shown["content"]["revoked_keys"] == [commune_key]


def test_rules_signed_by_a_retired_or_revoked_province_key_are_refused(sites: dict[str, Any]) -> None:
    province, hub, mail = sites["province"], sites["hub"], sites["mail"]
    province.ok("config", "set", "--threshold", "LIB_COMM_LLL", "2025", "95")
    first = province.export(mail / "37-1.lhtl", "--to", "372")
    assert hub.json("import", str(first))[0]["rules"]["version"] == 1
    old_private, old_key = _private(province)
    # The province changes its key; the hub enrols the new one (the old one is retired there at its marks).
    info = province.json("key", "new", "--out", str(mail / "enrol-37-new.lhtl"))
    hub.ok("key", "enroll", info["enrolment_file"], "--fingerprint", info["fingerprint"])
    doc = _doc(body_of(first.read_bytes())["rules"])
    content = doc["content"]
    content["milestones"]["LIB_COMM_LLL"]["2025"] = 1000
    body, sig = sign_rules(old_private, key_id=old_key, province="37", version=5, issued_at=doc["issued_at"],
                           officer="x", content_json=json.dumps(content, ensure_ascii=False))
    genuine = province.export(mail / "37-2.lhtl", "--to", "372")  # signed with the new key, re-signs version 1
    assert body_of(genuine.read_bytes())["rules"] != body_of(first.read_bytes())["rules"]
    bad = mail / "37-old-key-rules.lhtl"
    bad.write_bytes(_reseal(province, genuine.read_bytes(), lambda b: b.update(rules={"body": body, "sig": sig})))
    before = open_store(hub.db).dump()
    code, out, _err = hub.run("import", str(bad), "--json")
    [r] = json.loads(out)
    assert code == 3 and r["status"] == "rejected" and "đã thay" in r["reason"]
    assert open_store(hub.db).dump() == before
    # The same version re-signed by the new key is accepted and replaces the stored signature (so it relays).
    [r] = hub.json("import", str(genuine))
    assert r["status"] == "accepted" and r["rules"]["status"] == "same"
    assert hub.json("config", "show")["issued_by"] == info["key_id"]

    # Revoked: a province key this hub has learnt is revoked signs no rules, whatever their version.
    from dataclasses import replace

    from lhtl_desktop.errors import BundleError
    from lhtl_desktop.sync.local import load_local
    from lhtl_desktop.sync.province_config import read_carried

    store = open_store(hub.db)
    local = load_local(store)
    trusted, _valid = local.trust()
    trusted[info["key_id"]] = replace(trusted[info["key_id"]], status="revoked")
    with pytest.raises(BundleError, match="đã thu hồi"):
        read_carried(store, local, body_of(genuine.read_bytes())["rules"], trusted)
    store.close()


@pytest.mark.parametrize(("args", "word"), [
    (("--threshold", "LIB_COMM_LLL", "2025", "150"), "100"),
    (("--threshold", "NO_SUCH", "2025", "50"), "NO_SUCH"),
    (("--criterion", "CC_LLL", "min_activities", "-3"), "số nguyên"),
    (("--criterion", "CC_LLL", "min_clubs", "3"), "min_clubs"),
    (("--criterion", "XX_LLL", "min_activities", "3"), "XX_LLL"),
    (("--target", "NO_SUCH", "off"), "NO_SUCH"),
    (("--target", "CC_VILLAGE_ACTIVE", "maybe"), "on"),
    (("--hub", "14389", "001"), "001"),  # a hub of Hà Nội, not of this province
    (("--hub", "14389", "14401"), "cụm"),  # a commune is no hub
    (("--deadline", "year", "31/02"), "31/02"),
    (("--deadline", "quarter", "15/03"), "half_year"),
    (("--citation", "date=32/13/2023"), "32/13/2023"),
    (("--citation", "author=Ai đó"), "author"),
])
def test_bad_rules_changes_are_refused_with_nothing_written(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            args: tuple[str, ...], word: str) -> None:
    province = make_site(tmp_path, capsys, "37", "Trần Thị Tỉnh")
    before = open_store(province.db).dump()
    code, _out, err = province.run("config", "set", *args)
    assert code == 2 and word in err, err
    assert open_store(province.db).dump() == before
    assert province.json("config", "show")["version"] == 0
