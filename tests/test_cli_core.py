"""The CLI contract of ARCHITECTURE.md §5 for the foundation commands, driven like a script would."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from lhtl_desktop.cli import build_parser, main
from lhtl_desktop.storage import open_store
from lhtl_desktop.sync.keys import is_protected, open_private

ROOT = Path(__file__).resolve().parent.parent
VIETNAMESE = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
EVALUATE_KEYS = {"target", "label", "kind", "year", "scope", "numerator", "denominator", "value", "threshold",
                 "threshold_year", "met", "status", "status_label", "missing", "meeting", "not_meeting",
                 "rule_version", "note", "config_version", "measured_status", "period", "provisional", "coverage"}


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def one_vietnamese_line(err: str) -> bool:
    lines = err.strip().splitlines()
    return len(lines) == 1 and any(c in VIETNAMESE for c in lines[0].lower())


def dump(db: Path) -> str:
    store = open_store(db)
    try:
        return store.dump()
    finally:
        store.close()


def refused(capsys: pytest.CaptureFixture[str], db: Path, *args: str, fragment: str = "") -> str:
    """Run a command that must be refused: exit 2, one Vietnamese line, nothing on stdout, nothing written."""
    before = dump(db) if db.exists() else None
    code, out, err = run(capsys, db, *args)
    assert code == 2, (args, out, err)
    assert out == ""
    assert one_vietnamese_line(err), err
    assert fragment in err, err
    if before is None:
        assert not db.exists(), "a refused command left a database file behind"
    else:
        assert dump(db) == before
    return err


@pytest.fixture
def commune(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "gia-lam.sqlite3"
    code, _out, _err = run(capsys, db, "init", "--unit", "14389", "--officer", "Nguyễn Văn An")
    assert code == 0
    return db


def units_json(capsys: pytest.CaptureFixture[str], db: Path, *extra: str) -> list[dict[str, object]]:
    code, out, _err = run(capsys, db, "units", "--json", *extra)
    assert code == 0
    return json.loads(out)


# -- init -----------------------------------------------------------------------------------------------------
def test_init_commune_reports_to_hub_372(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "a.sqlite3"
    code, out, err = run(capsys, db, "init", "--unit", "14389", "--officer", "Nguyễn Văn An")
    assert code == 0, err
    assert "Xã Gia Lâm (14389)" in out
    assert "Báo cáo lên: Huyện Nho Quan (cũ) (372)" in out
    fp = re.search(r"Dấu vân tay khóa: ((?:\d{4} ){5}\d{4})", out)
    assert fp is not None
    store = open_store(db)
    try:
        assert store.get_meta("unit_code") == "14389"
        assert store.get_meta("officer") == "Nguyễn Văn An"
        assert store.unit("14389").parent == "372"  # type: ignore[union-attr]
        own = store.own_key()
        assert own is not None and own["fingerprint"] == fp.group(1) and own["unit_code"] == "14389"
        assert not is_protected(own["private_key"])
        assert len(store.target_definitions()) == 11
        assert len(store.indicator_rows()) == 19
    finally:
        store.close()


def test_init_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, tmp_path / "j.sqlite3", "init", "--unit", "14389", "--officer", "An", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"unit", "name", "level", "parent", "officer", "key_id", "fingerprint", "db"}
    assert (data["unit"], data["name"], data["level"], data["parent"]) == ("14389", "Xã Gia Lâm", "commune", "372")
    assert re.fullmatch(r"(\d{4} ){5}\d{4}", data["fingerprint"])


def test_units_json_lists_province_hubs_and_communes(commune: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = units_json(capsys, commune)
    assert all(set(r) == {"code", "name", "level", "parent"} for r in rows)
    levels = Counter(r["level"] for r in rows)
    assert levels == {"province": 1, "district": 22, "commune": 129}
    province = next(r for r in rows if r["level"] == "province")
    assert (province["code"], province["parent"]) == ("37", None)
    hubs = {r["code"] for r in rows if r["level"] == "district"}
    assert all(r["parent"] == "37" for r in rows if r["level"] == "district")
    assert all(r["parent"] in hubs for r in rows if r["level"] == "commune")
    gia_lam = next(r for r in rows if r["code"] == "14389")
    assert (gia_lam["name"], gia_lam["parent"]) == ("Xã Gia Lâm", "372")

    under = units_json(capsys, commune, "--parent", "372")
    assert under and {r["code"] for r in under} == {r["code"] for r in rows if r["parent"] == "372"}
    assert "14389" in {r["code"] for r in under}
    assert all(r["level"] == "commune" for r in under)
    assert {r["code"] for r in units_json(capsys, commune, "--parent", "37")} == hubs

    code, out, _err = run(capsys, commune, "units", "--parent", "372")
    assert code == 0 and "Xã Gia Lâm" in out
    refused(capsys, commune, "units", "--parent", "999", fragment="999")


def test_second_init_refused(commune: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused(capsys, commune, "init", "--unit", "14389", "--officer", "Trần Văn Bình", fragment="đã được thiết lập")
    refused(capsys, commune, "init", "--unit", "37", "--officer", "Trần Văn Bình", fragment="đã được thiết lập")


def test_init_hub(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "hub.sqlite3"
    code, out, _err = run(capsys, db, "init", "--unit", "372", "--officer", "Lê Thị Hoa", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["unit"], data["level"], data["parent"]) == ("372", "district", "37")
    assert data["name"] == "Huyện Nho Quan (cũ)"
    # a hub may add an institution in one of its communes
    code, out, _err = run(capsys, db, "institution", "add", "--unit", "14389", "--type", "lib_commune",
                          "--name", "Thư viện xã Gia Lâm")
    assert code == 0 and UUID.fullmatch(out.strip())


def test_init_province(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "prov.sqlite3"
    code, out, _err = run(capsys, db, "init", "--unit", "37", "--officer", "Phạm Minh Tuấn", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["unit"], data["level"], data["parent"]) == ("37", "province", None)
    assert data["name"] == "Tỉnh Ninh Bình"
    code, out, _err = run(capsys, db, "institution", "add", "--unit", "37", "--type", "lib_province",
                          "--name", "Thư viện tỉnh Ninh Bình")
    assert code == 0


def test_init_report_to(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "r.sqlite3"
    code, out, _err = run(capsys, db, "init", "--unit", "14389", "--officer", "An", "--report-to", "37", "--json")
    assert code == 0
    assert json.loads(out)["parent"] == "37"
    rows = units_json(capsys, db)
    assert next(r for r in rows if r["code"] == "14389")["parent"] == "37"
    assert open_store(db).get_meta("report_to") == "37"


@pytest.mark.parametrize(
    ("unit", "report_to", "fragment"),
    [
        ("14389", "13285", "cấp trên"),  # another commune
        ("14389", "999", "999"),  # no such unit
        ("14389", "14389", "14389"),  # itself
        ("372", "347", "cấp trên"),  # a hub reports to the province only
        ("37", "372", "Cấp tỉnh"),
    ],
)
def test_init_report_to_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], unit: str, report_to: str,
                                fragment: str) -> None:
    refused(capsys, tmp_path / "x.sqlite3", "init", "--unit", unit, "--officer", "An", "--report-to", report_to,
            fragment=fragment)


@pytest.mark.parametrize("unit", ["1438", "99999", "abc", "١٤٣٨٩", "3", "999"])
def test_init_unknown_unit_refused_and_no_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], unit: str) -> None:
    refused(capsys, tmp_path / "x.sqlite3", "init", "--unit", unit, "--officer", "An")


def test_init_empty_officer_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused(capsys, tmp_path / "x.sqlite3", "init", "--unit", "14389", "--officer", "  ", fragment="tên cán bộ")


def test_init_passphrase_env(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "p.sqlite3"
    refused(capsys, db, "init", "--unit", "14389", "--officer", "An", "--passphrase-env", "LHTL_TEST_PASS",
            fragment="LHTL_TEST_PASS")
    monkeypatch.setenv("LHTL_TEST_PASS", "ngắn")
    refused(capsys, db, "init", "--unit", "14389", "--officer", "An", "--passphrase-env", "LHTL_TEST_PASS",
            fragment="ít nhất 8")
    monkeypatch.setenv("LHTL_TEST_PASS", "mật khẩu của xã Gia Lâm")
    code, _out, err = run(capsys, db, "init", "--unit", "14389", "--officer", "An", "--passphrase-env",
                          "LHTL_TEST_PASS")
    assert code == 0, err
    store = open_store(db)
    try:
        sealed = store.own_key()["private_key"]  # type: ignore[index]
    finally:
        store.close()
    assert is_protected(sealed)
    assert "mật khẩu" not in sealed
    assert open_private(sealed, "mật khẩu của xã Gia Lâm") is not None


def test_commands_before_init(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "none.sqlite3"
    for args in (["units"], ["institution", "list"], ["evaluate", "--period", "2025"],
                 ["get", "--institution", "x", "--period", "2025"]):
        refused(capsys, db, *args, fragment="init")


# -- institutions ---------------------------------------------------------------------------------------------
def test_institution_add_list_edit_close(commune: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, commune, "institution", "add", "--unit", "14389", "--type", "village_house",
                          "--name", "Nhà văn hóa thôn Đông", "--village", "Thôn Đông")
    assert code == 0
    inst_id = out.strip()
    assert UUID.fullmatch(inst_id)
    code, out, _err = run(capsys, commune, "institution", "list", "--json")
    rows = json.loads(out)
    assert rows == [{"id": inst_id, "ref": "14389-1", "unit": "14389", "type": "village_house",
                     "name": "Nhà văn hóa thôn Đông", "village": "Thôn Đông", "active": True}]
    code, out, _err = run(capsys, commune, "institution", "edit", inst_id, "--name", "Nhà văn hóa thôn Đông A")
    assert code == 0 and "Nhà văn hóa thôn Đông A" in out
    code, out, _err = run(capsys, commune, "institution", "close", inst_id, "--year", "2026")
    assert code == 0 and "2026" in out
    code, out, _err = run(capsys, commune, "institution", "list", "--unit", "14389", "--json")
    (row,) = json.loads(out)
    assert (row["name"], row["active"]) == ("Nhà văn hóa thôn Đông A", False)
    code, out, _err = run(capsys, commune, "institution", "list")
    assert code == 0 and "đã đóng" in out
    refused(capsys, commune, "institution", "close", inst_id, "--year", "2027", fragment="đã đóng")


def test_institution_name_is_nfc_normalised(commune: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Thư viện xã Gia Lâm")
    code, out, _err = run(capsys, commune, "institution", "add", "--unit", "14389", "--type", "lib_commune",
                          "--name", nfd)
    assert code == 0
    _code, listed, _err = run(capsys, commune, "institution", "list", "--json")
    assert json.loads(listed)[0]["name"] == unicodedata.normalize("NFC", nfd)


def _other_commune(capsys: pytest.CaptureFixture[str], db: Path) -> str:
    return next(str(r["code"]) for r in units_json(capsys, db) if r["level"] == "commune" and r["parent"] != "372")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--unit", "99999", "--type", "lib_commune", "--name", "X"], "99999"),
        (["--unit", "1438", "--type", "lib_commune", "--name", "X"], "1438"),
        (["--unit", "14389", "--type", "lib_province", "--name", "Thư viện tỉnh"], "không thể có"),
        (["--unit", "14389", "--type", "cc_district", "--name", "Trung tâm"], "không thể có"),
        (["--unit", "14389", "--type", "nha_sach", "--name", "X"], "nha_sach"),
        (["--unit", "14389", "--type", "lib_commune", "--name", ""], "tên thiết chế"),
        (["--unit", "14389", "--type", "lib_commune", "--name", "   "], "tên thiết chế"),
        (["--unit", "14389", "--type", "lib_commune", "--name", "a\u0000b"], "không hợp lệ"),
        (["--unit", "14389", "--type", "lib_commune", "--name", "x" * 201], "quá dài"),
        (["--unit", "372", "--type", "lib_district", "--name", "Thư viện huyện"], "ngoài phạm vi"),
        (["--unit", "37", "--type", "lib_province", "--name", "Thư viện tỉnh"], "ngoài phạm vi"),
    ],
)
def test_institution_add_refused(commune: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                 fragment: str) -> None:
    refused(capsys, commune, "institution", "add", *args, fragment=fragment)


def test_institution_outside_scope_refused(commune: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = _other_commune(capsys, commune)
    refused(capsys, commune, "institution", "add", "--unit", other, "--type", "lib_commune", "--name", "Thư viện",
            fragment="ngoài phạm vi")
    refused(capsys, commune, "institution", "list", "--unit", other, fragment="ngoài phạm vi")


def test_institution_edit_refused(commune: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _code, out, _err = run(capsys, commune, "institution", "add", "--unit", "14389", "--type", "lib_commune",
                           "--name", "Thư viện xã")
    inst_id = out.strip()
    refused(capsys, commune, "institution", "edit", inst_id, "--name", "  ", fragment="tên thiết chế")
    refused(capsys, commune, "institution", "edit", inst_id, "--type", "lib_province", fragment="không thể có")
    refused(capsys, commune, "institution", "edit", "khong-co", "--name", "X", fragment="Không có thiết chế")
    refused(capsys, commune, "institution", "close", "khong-co", "--year", "2026", fragment="Không có thiết chế")
    refused(capsys, commune, "institution", "close", inst_id, "--year", "1800", fragment="1800")


# -- set, get, evaluate ---------------------------------------------------------------------------------------
def _add(capsys: pytest.CaptureFixture[str], db: Path, type_code: str, name: str) -> str:
    code, out, err = run(capsys, db, "institution", "add", "--unit", "14389", "--type", type_code, "--name", name)
    assert code == 0, err
    return out.strip()


def test_set_get_json(commune: Path, capsys: pytest.CaptureFixture[str]) -> None:
    museum = _add(capsys, commune, "museum", "Bảo tàng")
    code, out, err = run(capsys, commune, "set", "--institution", museum, "--period", "2025",
                         "MUS_VISITS=1200", "mus_learning_visits=300")
    assert code == 0, err
    assert out == "Đã lưu «Bảo tàng» (14389-1), kỳ 2025: MUS_VISITS = 1.200; MUS_LEARNING_VISITS = 300.\n"
    code, out, _err = run(capsys, commune, "get", "--institution", museum, "--period", "2025", "--json")
    assert code == 0
    assert json.loads(out) == {"MUS_VISITS": 1200, "MUS_LEARNING_VISITS": 300}
    code, out, _err = run(capsys, commune, "get", "--institution", museum, "--period", "2025-H1", "--json")
    assert json.loads(out) == {}
    code, out, _err = run(capsys, commune, "set", "--institution", museum, "--period", "2025", "MUS_VISITS=1200")
    assert code == 0 and "Không có gì thay đổi ở «Bảo tàng» (14389-1), kỳ 2025: không đổi MUS_VISITS." in out
    code, out, _err = run(capsys, commune, "get", "--institution", museum, "--period", "2025")
    assert code == 0 and "1.200" in out
    refused(capsys, commune, "get", "--institution", museum, "--period", "2025-H3", fragment="2025-H3")


def test_get_json_shows_conflict_siblings(commune: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from lhtl_desktop.model.records import ValueRecord

    museum = _add(capsys, commune, "museum", "Bảo tàng")
    store = open_store(commune)
    try:
        with store.atomic():
            store.insert_record(ValueRecord("e-commune", museum, "14389", "2025", "MUS_VISITS", 100, {"a": 1}, "a",
                                            "14389", "2026-01-05T00:00:00.000Z", author_name="Xã"))
            store.insert_record(ValueRecord("e-hub", museum, "14389", "2025", "MUS_VISITS", 120, {"b": 1}, "b", "372",
                                            "2026-01-02T00:00:00.000Z", reason="Sửa theo sổ", author_name="Cụm"))
    finally:
        store.close()
    code, out, _err = run(capsys, commune, "get", "--institution", museum, "--period", "2025", "--json")
    assert code == 0
    data = json.loads(out)["MUS_VISITS"]
    assert data["value"] == 120 and data["conflict"] is True  # the hub's edit is provisional
    assert sorted((v["value"], v["unit"], v["author"]) for v in data["values"]) == [
        (100, "14389", "Xã"), (120, "372", "Cụm")]
    code, out, _err = run(capsys, commune, "get", "--institution", museum, "--period", "2025")
    assert "⚠" in out


def test_evaluate_json_shape_and_numbers(commune: Path, capsys: pytest.CaptureFixture[str]) -> None:
    libs = [_add(capsys, commune, "lib_commune", f"Thư viện {n}") for n in range(3)]
    assert run(capsys, commune, "set", "--institution", libs[0], "--period", "2025", "LIB_SKILL_CLASSES=2",
               "LIB_VISITS=1000")[0] == 0
    assert run(capsys, commune, "set", "--institution", libs[1], "--period", "2025", "LIB_DIGITAL_SERVICE=0",
               "LIB_VISITS=500")[0] == 0
    assert run(capsys, commune, "set", "--institution", libs[0], "--period", "2024", "LIB_VISITS=1200")[0] == 0
    # Before the commune submits: same numbers, no verdict («Chưa đủ đơn vị báo cáo»), coverage 0 of 1.
    code, out, _err = run(capsys, commune, "evaluate", "--period", "2025", "--json")
    early = {r["target"]: r for r in json.loads(out)}
    assert {r["status"] for r in early.values()} == {"incomplete"}
    assert early["LIB_VISITS_GROWTH"]["met"] is True and early["LIB_VISITS_GROWTH"]["measured_status"] == "met"
    assert early["LIB_COMM_LLL"]["coverage"] == {"expected": 1, "submitted": 0, "with_data": 1,
                                                 "missing_units": ["14389"]}
    assert early["LIB_COMM_LLL"]["status_label"] == "Chưa đủ đơn vị báo cáo"
    assert run(capsys, commune, "submit", "--period", "2025")[0] == 0
    code, out, _err = run(capsys, commune, "evaluate", "--period", "2025", "--json")
    assert code == 0
    results = json.loads(out)
    assert isinstance(results, list) and len(results) == 11
    assert all(set(r) == EVALUATE_KEYS for r in results)
    by = {r["target"]: r for r in results}
    comm = by["LIB_COMM_LLL"]
    assert (comm["year"], comm["scope"], comm["numerator"], comm["denominator"]) == (2025, "14389", 1, 3)
    assert comm["value"] == pytest.approx(100 / 3)
    assert isinstance(comm["value"], float) and comm["value"] != round(comm["value"], 1)  # full float
    assert (comm["threshold"], comm["met"], comm["status"]) == (40.0, False, "behind")
    assert comm["missing"] == [libs[2]]
    assert comm["meeting"] == [libs[0]] and comm["not_meeting"] == [libs[1]]
    growth = by["LIB_VISITS_GROWTH"]  # numerator = V_Y, denominator = V_{Y-1}
    assert (growth["numerator"], growth["denominator"]) == (1500, 1200)
    assert growth["value"] == pytest.approx(25.0)
    assert (growth["met"], growth["status"]) == (True, "met")
    assert by["MUS_EDU_DIGITAL"]["status"] == "not_applicable"
    code, out, _err = run(capsys, commune, "evaluate", "--period", "2025")
    assert code == 0 and "LIB_COMM_LLL" not in out  # words, not codes
    # 1 of 3 libraries, 40 % in force for 2025; 1,500 visits against 1,200 = +25 %
    assert ("Thư viện cấp xã cung cấp dịch vụ học tập suốt đời: Chậm tiến độ — 33,3 % (ngưỡng 40 %; 1/3 thiết chế "
            "đạt), thiếu số liệu 1 thiết chế.") in out
    assert ("Tăng lượt người sử dụng thư viện (%/năm): Đạt — 25,0 % (ngưỡng 5 %; năm nay 1.500, năm trước 1.200), "
            "thiếu số liệu 2 thiết chế.") in out
    refused(capsys, commune, "evaluate", "--period", "２０２５")
    refused(capsys, commune, "evaluate", "--period", "2025", "--scope", "99999", fragment="99999")


def test_correction_from_hub_needs_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "hub.sqlite3"
    assert run(capsys, db, "init", "--unit", "372", "--officer", "Lê Thị Hoa")[0] == 0
    lib = _add(capsys, db, "lib_commune", "Thư viện xã Gia Lâm")
    refused(capsys, db, "set", "--institution", lib, "--period", "2025", "LIB_VISITS=10", fragment="--why")
    code, _out, err = run(capsys, db, "set", "--institution", lib, "--period", "2025", "--why",
                          "Sửa theo báo cáo giấy", "LIB_VISITS=10")
    assert code == 0, err
    store = open_store(db)
    try:
        (rec,) = store.records_for_key(lib, "2025", "LIB_VISITS")
        assert (rec.value, rec.reason, rec.author_unit) == (10, "Sửa theo báo cáo giấy", "372")
    finally:
        store.close()


# -- entry points and help ------------------------------------------------------------------------------------
def _subprocess(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          check=False)


def test_main_py_entry_point(commune: Path) -> None:
    proc = _subprocess("main.py", "--db", str(commune), "units", "--json")
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) == 152
    bad = _subprocess("main.py", "--db", str(commune), "units", "--parent", "999")
    assert bad.returncode == 2 and one_vietnamese_line(bad.stderr)


def test_module_entry_point(commune: Path) -> None:
    proc = _subprocess("-m", "lhtl_desktop", "--db", str(commune), "units", "--parent", "372", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert rows and all(r["parent"] == "372" for r in rows)


def _all_command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                paths.append((*prefix, name))
                paths.extend(_all_command_paths(sub, (*prefix, name)))
    return paths


COMMANDS = _all_command_paths(build_parser())


def test_foundation_commands_registered() -> None:
    assert {("init",), ("units",), ("institution",), ("institution", "add"), ("institution", "list"),
            ("institution", "edit"), ("institution", "close"), ("set",), ("get",), ("evaluate",),
            ("settings",)} <= set(COMMANDS)


@pytest.mark.parametrize("command", [(), *COMMANDS], ids=lambda c: " ".join(c) or "lhtl")
def test_help_of_every_command(command: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage:") or "lhtl" in out


def test_set_on_a_value_in_conflict_needs_why_like_the_window(commune: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from lhtl_desktop.model.records import ValueRecord

    museum = _add(capsys, commune, "museum", "Bảo tàng")
    store = open_store(commune)
    try:
        with store.atomic():
            store.insert_record(ValueRecord("e-1", museum, "14389", "2025", "MUS_VISITS", 100, {"a": 1}, "a",
                                            "14389", "2026-01-05T00:00:00.000Z", author_name="Xã"))
            store.insert_record(ValueRecord("e-2", museum, "14389", "2025", "MUS_VISITS", 120, {"b": 1}, "b", "372",
                                            "2026-01-02T00:00:00.000Z", reason="Sửa theo sổ", author_name="Cụm"))
        before = store.dump()
    finally:
        store.close()
    refused(capsys, commune, "set", "--institution", museum, "--period", "2025", "MUS_VISITS=110",
            fragment="xung đột")
    store = open_store(commune)
    try:
        assert store.dump() == before
    finally:
        store.close()
    code, out, err = run(capsys, commune, "set", "--institution", museum, "--period", "2025", "MUS_VISITS=110",
                         "--why", "Đã thống nhất với cụm")
    assert code == 0, err
    code, out, _err = run(capsys, commune, "get", "--institution", museum, "--period", "2025", "--json")
    assert json.loads(out) == {"MUS_VISITS": 110}


def test_argparse_speaks_vietnamese_too(capsys: pytest.CaptureFixture[str]) -> None:
    """argparse's own words (its help headings and its error messages) are Vietnamese like the rest."""
    from lhtl_desktop.cli import main

    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("cách dùng: lhtl") and "\ntùy chọn:\n" in out and "in hướng dẫn này rồi thoát" in out
    assert "usage:" not in out and "options:" not in out
    with pytest.raises(SystemExit) as exc:
        main(["set"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Lệnh không hợp lệ: thiếu tham số bắt buộc: --institution, --period." in err
    assert "the following" not in err and err.startswith("cách dùng: lhtl set")
