"""Restore never forks (issue 12, part 2), through the CLI: a commune restores an older backup, edits and exports;
the hub ends with an open conflict and a loud summary — never «không đổi». The same with two PCs restored
from one backup. And the receiver's own check: one version vector with two contents is kept as a conflict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lhtl_desktop.storage import open_store
from tests.sync.conftest import body_of
from tests.sync.helpers import Site, enrol, make_site


@pytest.fixture
def pair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    mail = tmp_path / "usb"
    mail.mkdir()
    hub = make_site(tmp_path, capsys, "372", "Lê Văn Cụm")
    commune = make_site(tmp_path, capsys, "14389", "Nguyễn Văn Gia Lâm")
    enrol(hub, commune, mail)
    enrol(commune, hub, mail)
    lib = commune.add("lib_commune", "Thư viện xã Gia Lâm")
    commune.ok("set", "--institution", lib, "--period", "2025", "LIB_VISITS=500")
    hub.ok("import", str(commune.export(mail / "c-1.lhtl")))
    backup = tmp_path / "sao-luu.sqlite3"
    commune.ok("backup", "--out", str(backup))  # the backup the officer will come back to
    commune.ok("set", "--institution", lib, "--period", "2025", "LIB_VISITS=600")
    second = commune.export(mail / "c-2.lhtl")
    [r] = hub.json("import", str(second))
    assert r["changed"] == 1
    return {"hub": hub, "commune": commune, "lib": lib, "backup": backup, "mail": mail,
            "seq2": body_of(second.read_bytes())["seq"], "tmp": tmp_path}


def _visits(site: Site, lib: str) -> Any:
    return site.json("get", "--institution", lib, "--period", "2025")["LIB_VISITS"]


def test_restored_commune_edit_is_a_loud_conflict_never_unchanged(pair: dict[str, Any]) -> None:
    hub, commune, lib, mail = pair["hub"], pair["commune"], pair["lib"], pair["mail"]
    commune.ok("restore", str(pair["backup"]))
    assert _visits(commune, lib) == 500  # the backup's value: 600 is gone from this PC
    commune.ok("set", "--institution", lib, "--period", "2025", "LIB_VISITS=700")
    third = commune.export(mail / "c-3.lhtl")
    body = body_of(third.read_bytes())
    assert body["seq"] > pair["seq2"]  # never «gói số 2» again
    [rec] = [r for r in body["records"] if r["indicator"] == "LIB_VISITS"]
    assert list(rec["vv"].values())[0] > 1000  # the counter jumped past everything used before the restore
    assert list(body["lineage"].values())[0][0]["base_counter"] == 1

    code, out, err = hub.run("import", str(third))
    assert code == 0
    assert "khôi phục bản sao lưu" in out and "CẢNH BÁO" in err  # loud, in the summary and on stderr
    [r] = hub.json("import", "--dry-run", str(commune.export(mail / "c-4.lhtl")))  # nothing new since
    assert r["conflicts"] == 0 and r["forks"] == 0 and not any("cùng phiên bản" in w for w in r["warnings"])
    got = _visits(hub, lib)
    assert got["conflict"] is True and {v["value"] for v in got["values"]} == {600, 700}
    [conflict] = hub.json("conflicts")
    assert {v["value"] for v in conflict["values"]} == {600, 700}

    # The hub settles it; the resolution goes down and closes the conflict at the commune too.
    hub.ok("set", "--institution", lib, "--period", "2025", "--why", "Đã hỏi lại xã", "LIB_VISITS=700")
    assert hub.json("conflicts") == []
    [r] = commune.json("import", str(hub.export(mail / "h-den-c.lhtl", "--to", "14389")))
    assert r["status"] == "accepted"
    # The hub's resolution is a correction from above: the commune sees who made it and why.
    got = _visits(commune, lib)
    assert (got["value"], got["conflict"]) == (700, False) and commune.json("conflicts") == []
    assert (got["corrected"]["unit"], got["corrected"]["reason"]) == ("372", "Đã hỏi lại xã")


def test_two_pcs_restored_from_one_backup_keep_every_value(pair: dict[str, Any]) -> None:
    hub, lib, mail, tmp = pair["hub"], pair["lib"], pair["mail"], pair["tmp"]
    capsys = hub.capsys
    pcs = []
    for name, value in (("pc-a", 700), ("pc-b", 800)):
        site = Site(tmp / f"{name}.sqlite3", "14389", capsys)
        site.ok("restore", str(pair["backup"]))
        site.ok("set", "--institution", lib, "--period", "2025", f"LIB_VISITS={value}")
        pcs.append(site.export(mail / f"{name}.lhtl"))
    a, b = (body_of(p.read_bytes()) for p in pcs)
    counter_a = next(iter(next(r for r in a["records"] if r["indicator"] == "LIB_VISITS")["vv"].values()))
    counter_b = next(iter(next(r for r in b["records"] if r["indicator"] == "LIB_VISITS")["vv"].values()))
    assert counter_a != counter_b  # each PC drew its own jump

    results = hub.json("import", *map(str, pcs))
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert all(r["warnings"] for r in results) and all(r["conflicts"] == 1 for r in results)
    got = _visits(hub, lib)
    assert got["conflict"] is True and {v["value"] for v in got["values"]} == {600, 700, 800}


def test_two_pcs_same_result_in_either_order(pair: dict[str, Any]) -> None:
    hub, lib, mail, tmp = pair["hub"], pair["lib"], pair["mail"], pair["tmp"]
    capsys = hub.capsys
    files = []
    for name, value in (("pc-a", 700), ("pc-b", 800)):
        site = Site(tmp / f"{name}.sqlite3", "14389", capsys)
        site.ok("restore", str(pair["backup"]))
        site.ok("set", "--institution", lib, "--period", "2025", f"LIB_VISITS={value}")
        files.append(site.export(mail / f"{name}.lhtl"))
    copy = Site(tmp / "hub-copy.sqlite3", "372", capsys)
    hub.ok("backup", "--out", str(copy.db))
    hub.json("import", *map(str, files))
    copy.json("import", *map(str, reversed(files)))
    for site in (hub, copy):
        got = _visits(site, lib)
        assert {v["value"] for v in got["values"]} == {600, 700, 800}


def test_one_vector_two_contents_is_a_conflict_not_unchanged(pair: dict[str, Any]) -> None:
    """Without any restore help (a database copied back by hand, no marks file): the receiver itself refuses to
    call a different value under the same version vector «không đổi»."""
    hub, commune, lib, mail = pair["hub"], pair["commune"], pair["lib"], pair["mail"]
    from tests.sync.test_province_rules import _reseal

    second = (mail / "c-2.lhtl").read_bytes()

    def change_value(body: dict[str, Any]) -> None:
        for rec in body["records"]:
            if rec["indicator"] == "LIB_VISITS":
                rec["value"] = 650
                rec["edit_id"] = "0" * 8 + "-0000-4000-8000-" + "0" * 12
        body["bundle_id"] = "1" * 8 + "-0000-4000-8000-" + "0" * 12

    forged = mail / "c-2-again.lhtl"
    forged.write_bytes(_reseal(commune, second, change_value))
    before = open_store(hub.db).dump()
    code, out, _err = hub.run("import", str(forged), "--json")
    [r] = json.loads(out)
    assert code == 0 and r["status"] == "accepted"
    assert r["forks"] == 1 and r["conflicts"] == 1 and r["unchanged"] == 0
    assert any("gói số" in w for w in r["warnings"])  # the same bundle number came back with other content
    assert any("cùng phiên bản" in w for w in r["warnings"])
    assert open_store(hub.db).dump() != before
    assert {v["value"] for v in _visits(hub, lib)["values"]} == {600, 650}
