"""Three communes, one hub, one province — separate databases, driven only through the CLI (issue 4's
"done when"): enrolment, exports, imports at the hub, a hub correction with a reason, a concurrent commune
edit (conflict, both values kept), its resolution, re-export up to the province and back down, and the
province's evaluation equal to numbers computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.sync.helpers import make_site

HUB_PASS = "mat-khau-cum-372"


def test_three_communes_hub_province(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_PASS", HUB_PASS)
    mail = tmp_path / "usb"
    mail.mkdir()
    province = make_site(tmp_path, capsys, "37", "Trần Thị Tỉnh")
    hub = make_site(tmp_path, capsys, "372", "Lê Văn Cụm", "--passphrase-env", "HUB_PASS")
    c1 = make_site(tmp_path, capsys, "14389", "Nguyễn Văn Gia Lâm")
    c2 = make_site(tmp_path, capsys, "14401", "Phạm Thị Gia Tường")
    c3 = make_site(tmp_path, capsys, "14404", "Đỗ Văn Cúc Phương")
    hp = ("--passphrase-env", "HUB_PASS")

    # Enrolment: hub enrols its communes (typing their fingerprints), the province enrols the hub,
    # commune 1 enrols its hub so that corrections can come back down.
    for c in (c1, c2, c3):
        path = mail / f"enrol-{c.unit}.lhtl"
        c.ok("key", "export", "--out", str(path))
        hub.ok("key", "enroll", str(path), "--fingerprint", c.fingerprint(), *hp)
    hub_enrol = mail / "enrol-372.lhtl"
    hub.ok("key", "export", "--out", str(hub_enrol), *hp)
    enrol_fp = hub.fingerprint()
    province.ok("key", "enroll", str(hub_enrol), "--fingerprint", enrol_fp)
    c1.ok("key", "enroll", str(hub_enrol), "--fingerprint", enrol_fp.replace(" ", ""))
    # A wrong fingerprint is refused (exit 2), nothing trusted.
    code, _out, err = c2.run("key", "enroll", str(hub_enrol), "--fingerprint", "1234 5678 9012 3456 7890 1234")
    assert code == 2 and "Dấu vân tay không khớp" in err

    # Data entry at the communes.
    l1, k1 = c1.add("lib_commune", "Thư viện xã Gia Lâm"), c1.add("cc_commune", "Trung tâm VH-TT xã Gia Lâm")
    l2, k2 = c2.add("lib_commune", "Thư viện xã Gia Tường"), c2.add("cc_commune", "Trung tâm VH-TT xã Gia Tường")
    l3, k3 = c3.add("lib_commune", "Thư viện xã Cúc Phương"), c3.add("cc_commune", "Trung tâm VH-TT Cúc Phương")
    c1.ok("set", "--institution", l1, "--period", "2024", "LIB_VISITS=1000")
    c1.ok("set", "--institution", l1, "--period", "2025", "LIB_VISITS=1100", "LIB_SKILL_CLASSES=2")
    c1.ok("set", "--institution", k1, "--period", "2025", "CC_CLUBS=1", "CC_ACTIVITIES=12")
    c2.ok("set", "--institution", l2, "--period", "2024", "LIB_VISITS=2000")
    c2.ok("set", "--institution", l2, "--period", "2025", "LIB_VISITS=2000", "LIB_SKILL_CLASSES=0",
          "LIB_READING_EVENTS=0", "LIB_DIGITAL_SERVICE=0", "LIB_MOBILE_RUNS=0")
    c2.ok("set", "--institution", k2, "--period", "2025", "CC_CLUBS=0", "CC_TALENT_CLASSES=0",
          "CC_INTEREST_GROUPS=0", "CC_ACTIVITIES=20")
    c3.ok("set", "--institution", l3, "--period", "2024", "LIB_VISITS=500")
    c3.ok("set", "--institution", l3, "--period", "2025", "LIB_VISITS=600", "LIB_READING_EVENTS=3")
    # k3 reports nothing for 2025: it must count as missing, never as achieving.

    files = [c.export(mail / f"{c.unit}-1.lhtl") for c in (c1, c2, c3)]
    report = hub.json("import", *map(str, files))
    assert [r["status"] for r in report] == ["accepted"] * 3
    assert [r["new"] for r in report] == [5, 10, 3] and report[0]["conflicts"] == 0

    # The hub corrects commune 1's visits (a reason is required) while commune 1 edits the same value.
    code, _out, err = hub.run("set", "--institution", l1, "--period", "2025", "LIB_VISITS=1150")
    assert code == 2 and "lý do" in err
    hub.ok("set", "--institution", l1, "--period", "2025", "--why", "Theo sổ theo dõi bạn đọc", "LIB_VISITS=1150")
    c1.ok("set", "--institution", l1, "--period", "2025", "LIB_VISITS=1120")
    second = c1.export(mail / "14389-2.lhtl")
    [r] = hub.json("import", str(second))
    assert r["status"] == "accepted" and r["conflicts"] == 1 and r["unchanged"] == 4

    [conflict] = hub.json("conflicts")
    assert (conflict["institution"], conflict["period"], conflict["indicator"]) == (l1, "2025", "LIB_VISITS")
    sides = {(v["value"], v["unit"]) for v in conflict["values"]}
    assert sides == {(1150, "372"), (1120, "14389")}  # both kept, nothing silently dropped
    assert {v["author"] for v in conflict["values"]} == {"Lê Văn Cụm", "Nguyễn Văn Gia Lâm"}
    got = hub.json("get", "--institution", l1, "--period", "2025")
    assert got["LIB_VISITS"]["conflict"] is True and got["LIB_VISITS"]["value"] == 1150  # hub's edit provisional

    # Re-import of the same file and an old file after the newer one change nothing.
    before = hub.store().dump()
    [dup] = hub.json("import", str(second))
    assert dup["status"] == "duplicate"
    [old] = hub.json("import", str(files[0]))
    assert old["status"] == "duplicate"
    assert hub.store().dump() == before

    # Resolution: a normal local edit with a reason; it joins both sides and closes the conflict.
    hub.ok("set", "--institution", l1, "--period", "2025", "--why", "Thống nhất với xã Gia Lâm", "LIB_VISITS=1130")
    assert hub.json("conflicts") == []

    # Up to the province …
    up = hub.export(mail / "372-1.lhtl", *hp)
    [r] = province.json("import", str(up))
    assert r["status"] == "accepted" and r["conflicts"] == 0
    assert r["new"] == 5 + 10 + 3  # every current record of the hub's scope
    # … and back down to commune 1, where its own concurrent edit is superseded by the resolution.
    down = hub.export(mail / "372-den-14389.lhtl", "--to", "14389", *hp)
    [r] = c1.json("import", str(down))
    assert r["status"] == "accepted" and r["changed"] == 1
    # The correction shows where it lands: who changed the commune's value, when, from what and why.
    corrected = c1.json("get", "--institution", l1, "--period", "2025")["LIB_VISITS"]
    assert corrected["value"] == 1130 and corrected["conflict"] is False
    fix = corrected["corrected"]
    assert (fix["unit"], fix["author"], fix["from"], fix["reason"]) == (
        "372", "Lê Văn Cụm", 1120, "Thống nhất với xã Gia Lâm")
    versions = c1.json("history", "--institution", l1, "--period", "2025")["LIB_VISITS"]
    assert [(v["value"], v["unit"], v["current"]) for v in versions] == [
        (1100, "14389", False), (1120, "14389", False), (1130, "372", True)]
    assert versions[-1]["reason"] == "Thống nhất với xã Gia Lâm"
    assert c1.json("conflicts") == []
    # A bundle for commune 1 means nothing to commune 2: refused, addressed elsewhere.
    code, out, _err = c2.run("import", str(down), "--json")
    assert code == 3 and json.loads(out)[0]["status"] == "quarantined"  # c2 never enrolled the hub

    # Commune 1 re-exports: the hub sees nothing new (idempotent round trip).
    third = c1.export(mail / "14389-3.lhtl")
    [r] = hub.json("import", str(third))
    assert (r["new"], r["changed"], r["conflicts"]) == (0, 0, 0)

    # The province evaluates: numbers computed by hand.
    results = {r["target"]: r for r in province.json("evaluate", "--period", "2025")}
    lib = results["LIB_COMM_LLL"]
    assert (lib["numerator"], lib["denominator"]) == (2, 3)  # L1 (classes) and L3 (reading events); L2 none
    assert lib["value"] == pytest.approx(200 / 3)
    cc = results["CC_COMMUNE_ACTIVE"]
    assert (cc["numerator"], cc["denominator"]) == (1, 3)  # K1 only; K2 has no clubs; K3 reported nothing
    assert cc["missing"] == [k3]
    growth = results["LIB_VISITS_GROWTH"]
    assert (growth["numerator"], growth["denominator"]) == (1130 + 2000 + 600, 1000 + 2000 + 500)
    assert growth["value"] == pytest.approx((3730 / 3500 - 1) * 100)

    # The province knows the commune keys through the hub's certificates.
    units = {k["unit"] for k in province.json("key", "list")}
    assert {"37", "372", "14389", "14401", "14404"} <= units
    inbox = province.json("inbox")
    assert [(i["unit"], i["last_seq"], i["missing"]) for i in inbox] == [("372", 1, [])]
