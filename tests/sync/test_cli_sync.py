"""The sync commands keep ARCHITECTURE.md §5's contract: fields, exit codes, messages, nothing written on refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.sync.helpers import enrol, make_site


@pytest.fixture
def pair(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PASS_A", "mat-khau-xa-a")
    hub = make_site(tmp_path, capsys, "372", "Lê Văn Cụm")
    a = make_site(tmp_path, capsys, "14389", "Nguyễn Văn A", "--passphrase-env", "PASS_A")
    path = tmp_path / "enrol.lhtl"
    a.ok("key", "export", "--out", str(path), "--passphrase-env", "PASS_A")
    hub.ok("key", "enroll", str(path), "--fingerprint", a.fingerprint())
    inst = a.add("lib_commune", "Thư viện xã Gia Lâm")
    a.ok("set", "--institution", inst, "--period", "2025", "LIB_VISITS=10")
    return hub, a, tmp_path


def test_key_show_json(pair) -> None:  # type: ignore[no-untyped-def]
    hub, a, _tmp = pair
    data = a.json("key", "show")
    assert set(data) == {"key_id", "fingerprint", "unit"} and data["unit"] == "14389"
    assert len(data["fingerprint"].replace(" ", "")) == 24


def test_export_needs_the_passphrase(pair) -> None:  # type: ignore[no-untyped-def]
    hub, a, tmp = pair
    before = a.store().dump()
    code, _out, err = a.run("export", "--out", str(tmp / "x.lhtl"))
    assert code == 2 and "mật khẩu" in err.lower()
    code, _out, err = a.run("export", "--out", str(tmp / "x.lhtl"), "--passphrase-env", "NO_SUCH_VAR")
    assert code == 2 and "NO_SUCH_VAR" in err
    assert not (tmp / "x.lhtl").exists() and a.store().dump() == before


def test_import_json_fields_dry_run_and_exit_codes(pair) -> None:  # type: ignore[no-untyped-def]
    hub, a, tmp = pair
    good = tmp / "a.lhtl"
    a.ok("export", "--out", str(good), "--passphrase-env", "PASS_A")
    bad = tmp / "bad.lhtl"
    bad.write_bytes(good.read_bytes()[:-5])
    before = hub.store().dump()
    code, out, _err = hub.run("import", str(good), "--dry-run", "--json")
    assert code == 0
    [doc] = json.loads(out)
    assert list(doc)[:8] == ["file", "status", "reason", "new", "changed", "unchanged", "stale", "conflicts"]
    assert (doc["status"], doc["new"], doc["dry_run"]) == ("accepted", 1, True)
    assert hub.store().dump() == before

    code, out, _err = hub.run("import", str(good), str(bad), "--json")
    assert code == 3
    docs = json.loads(out)
    assert [d["status"] for d in docs] == ["accepted", "rejected"]
    assert "hỏng" in docs[1]["reason"]
    code, out, err = hub.run("import", str(good))
    assert code == 0 and "đã nhập trước đó" in out
    inbox = hub.json("inbox")
    assert [(i["unit"], i["last_seq"], i["missing"]) for i in inbox] == [("14389", 1, [])]


def test_import_without_files_and_export_without_recipient(pair, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    hub, _a, tmp = pair
    code, _out, err = hub.run("import")
    assert code == 2 and "Chưa chọn tệp" in err
    (tmp_path / "p").mkdir()
    province = make_site(tmp_path / "p", capsys, "37", "Sở")
    code, _out, err = province.run("export", "--out", str(tmp / "p.lhtl"))
    assert code == 2 and "--to" in err


def test_quarantine_listing_and_revocation(pair, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    hub, a, tmp = pair
    (tmp_path / "s").mkdir()
    stranger = make_site(tmp_path / "s", capsys, "14401", "Trần Thị B")
    stray = tmp / "stray.lhtl"
    stranger.export(stray)
    code, out, _err = hub.run("import", str(stray), "--json")
    assert code == 3 and json.loads(out)[0]["status"] == "quarantined"
    [q] = hub.json("quarantine")
    assert q["file_name"] == "stray.lhtl"
    enrol(hub, stranger, tmp_path / "s")
    [r] = hub.json("import", "--quarantined")
    assert r["status"] == "accepted"
    assert hub.json("quarantine") == []

    key_id = a.json("key", "show")["key_id"]
    hub.ok("key", "revoke", key_id[:10])
    listed = {k["unit"]: k["status"] for k in hub.json("key", "list")}
    assert listed["14389"] == "revoked"
    newer = tmp / "after-revoke.lhtl"
    a.ok("export", "--out", str(newer), "--passphrase-env", "PASS_A")
    code, out, _err = hub.run("import", str(newer), "--json")
    assert code == 3 and "thu hồi" in json.loads(out)[0]["reason"]


def test_two_tier_province_imports_a_commune_directly(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    province = make_site(tmp_path, capsys, "37", "Sở VHTTDL")
    province.ok("settings", "--two-tier", "on")
    commune = make_site(tmp_path, capsys, "14389", "Nguyễn Văn A", "--report-to", "37")
    enrol(province, commune, tmp_path)
    inst = commune.add("lib_commune", "Thư viện xã Gia Lâm")
    commune.ok("set", "--institution", inst, "--period", "2025", "LIB_VISITS=42")
    out = json.loads(commune.ok("export", "--out", str(tmp_path), "--json"))
    assert out["to"] == "37" and Path(out["file"]).name.startswith("lhtl-14389-Gia-Lam-den-37-")
    [r] = province.json("import", out["file"])
    assert (r["status"], r["new"]) == ("accepted", 1)
    assert province.json("get", "--institution", inst, "--period", "2025") == {"LIB_VISITS": 42}
