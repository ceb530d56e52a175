"""The commands that give the CLI what the window could already do (issue 18, item 1), driven like a script:
institution reopen and add-villages, clearing a value, settings with thresholds and their history, key
passphrase, the fingerprint sheet, the indicator list — each with its bad inputs (exit 2, one Vietnamese
line, nothing written)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lhtl_desktop.storage import open_store
from lhtl_desktop.sync.keys import is_protected
from tests.cli.helpers import dump, local_time_zone, refused
from tests.sync.helpers import Site, make_site

LOCAL_TIME = re.compile(r"\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}\b")


@pytest.fixture
def commune(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Site:
    return make_site(tmp_path, capsys, "14389", "Nguyễn Văn An")


@pytest.fixture
def province(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Site:
    return make_site(tmp_path, capsys, "37", "Trần Thị Bình")


def listed(site: Site) -> dict[str, dict[str, object]]:
    return {str(r["ref"]): r for r in site.json("institution", "list")}


# -- institution reopen ---------------------------------------------------------------------------------------
def test_reopen_a_closed_institution(commune: Site) -> None:
    inst = commune.add("lib_commune", "Thư viện xã Gia Lâm")
    commune.ok("institution", "close", inst, "--year", "2026")
    assert listed(commune)["14389-1"]["active"] is False
    out = commune.ok("institution", "reopen", "14389-1")
    assert out == "«Thư viện xã Gia Lâm» (14389-1) hoạt động trở lại.\n"
    assert listed(commune)["14389-1"]["active"] is True
    store = open_store(commune.db)
    assert store.institution(inst).closed_year is None  # type: ignore[union-attr]
    store.close()


def test_institution_add_json_gives_the_short_reference(commune: Site) -> None:
    first = commune.json("institution", "add", "--unit", "14389", "--type", "lib_commune", "--name", "Thư viện")
    second = commune.json("institution", "add", "--unit", "14389", "--type", "cc_commune", "--name", "Trung tâm")
    assert (first["ref"], second["ref"]) == ("14389-1", "14389-2")
    assert commune.json("get", "--institution", second["id"], "--period", "2025") == {}


def test_reopen_refusals(commune: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    commune.add("lib_commune", "Thư viện xã Gia Lâm")
    refused(commune, "institution", "reopen", "14389-1", fragment="đang hoạt động")
    refused(commune, "institution", "reopen", "14389-9", fragment="14389-9")
    refused(commune, "institution", "reopen", "00000000-0000-4000-8000-000000000000", fragment="Không có thiết chế")


# -- institution add-villages ---------------------------------------------------------------------------------
def test_add_villages_from_a_file(commune: Site, tmp_path: Path) -> None:
    names = tmp_path / "thon.txt"
    names.write_bytes("\ufeffThôn Đông\r\nThôn Tây\n\n  Thôn Đông  \nTổ dân phố 3\n".encode())  # BOM, CRLF, blank
    out = commune.ok("institution", "add-villages", "--unit", "14389", str(names))
    assert out == ("Đã thêm 3 nhà văn hóa thôn cho Xã Gia Lâm: 14389-1, 14389-2, 14389-3 "
                   "(bỏ qua 1 tên trùng hoặc đã có).\n")
    rows = commune.json("institution", "list")
    assert sorted((r["ref"], r["village"], r["type"]) for r in rows) == [
        ("14389-1", "Thôn Đông", "village_house"), ("14389-2", "Thôn Tây", "village_house"),
        ("14389-3", "Tổ dân phố 3", "village_house")]
    # again: every name exists already, nothing added, and it says so
    assert commune.ok("institution", "add-villages", "--unit", "14389", str(names)) == \
        "Không thêm gì: cả 4 tên thôn đã có nhà văn hóa ở Xã Gia Lâm.\n"


def test_add_villages_from_stdin_json(commune: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("Thôn Bắc\nThôn Nam\n".encode())))
    rows = commune.json("institution", "add-villages", "--unit", "14389")
    assert [(r["ref"], r["name"], r["village"]) for r in rows] == [
        ("14389-1", "Nhà văn hóa Thôn Bắc", "Thôn Bắc"), ("14389-2", "Nhà văn hóa Thôn Nam", "Thôn Nam")]


def test_add_villages_refusals(commune: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    refused(commune, "institution", "add-villages", "--unit", "14389", str(tmp_path / "khong-co.txt"),
            fragment="khong-co.txt")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Thôn Đông\n".encode("cp1258", errors="replace") + b"\xff\xfe\n")
    refused(commune, "institution", "add-villages", "--unit", "14389", str(latin1), fragment="UTF-8")
    empty = tmp_path / "rong.txt"
    empty.write_text("\n  \n", encoding="utf-8")
    refused(commune, "institution", "add-villages", "--unit", "14389", str(empty), fragment="chưa có tên")
    bad = tmp_path / "bad.txt"
    bad.write_text("Thôn Đông\nThôn\x07Tây\n", encoding="utf-8")  # one bad line refuses the whole list
    refused(commune, "institution", "add-villages", "--unit", "14389", str(bad), fragment="không hợp lệ")
    long_name = tmp_path / "long.txt"
    long_name.write_text("Thôn Đông\n" + "x" * 201 + "\n", encoding="utf-8")
    refused(commune, "institution", "add-villages", "--unit", "14389", str(long_name), fragment="quá dài")
    good = tmp_path / "thon.txt"
    good.write_text("Thôn Đông\n", encoding="utf-8")
    refused(commune, "institution", "add-villages", "--unit", "14401", str(good), fragment="ngoài phạm vi")
    refused(commune, "institution", "add-villages", "--unit", "372", str(good))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    refused(commune, "institution", "add-villages", "--unit", "14389", fragment="stdin")
    terminal = io.TextIOWrapper(io.BytesIO(b"Th\xc3\xb4n \xc4\x90\xc3\xb4ng\n"))
    monkeypatch.setattr(terminal, "isatty", lambda: True)
    monkeypatch.setattr(sys, "stdin", terminal)  # an officer at a terminal who piped nothing: not kept waiting
    refused(commune, "institution", "add-villages", "--unit", "14389", fragment="Chưa có danh sách thôn")
    assert commune.json("institution", "list") == []


# -- clearing a value -----------------------------------------------------------------------------------------
def test_clear_with_empty_value_and_with_clear_option(commune: Site) -> None:
    commune.add("lib_commune", "Thư viện xã Gia Lâm")
    commune.ok("set", "--institution", "14389-1", "--period", "2025", "LIB_VISITS=1200", "LIB_READERS=80",
               "LIB_SKILL_CLASSES=3")
    out = commune.ok("set", "--institution", "14389-1", "--period", "2025", "LIB_VISITS=", "LIB_HOLDINGS=500")
    assert out == "Đã lưu «Thư viện xã Gia Lâm» (14389-1), kỳ 2025: LIB_HOLDINGS = 500; đã xóa LIB_VISITS.\n"
    assert commune.json("get", "--institution", "14389-1", "--period", "2025") == {
        "LIB_READERS": 80, "LIB_SKILL_CLASSES": 3, "LIB_HOLDINGS": 500}
    out = commune.ok("set", "--institution", "14389-1", "--period", "2025", "--clear", "lib_readers",
                     "--clear", "LIB_MOBILE_RUNS")
    assert out == ("Đã lưu «Thư viện xã Gia Lâm» (14389-1), kỳ 2025: đã xóa LIB_READERS; "
                   "chưa có giá trị để xóa: LIB_MOBILE_RUNS.\n")
    assert commune.json("get", "--institution", "14389-1", "--period", "2025") == {
        "LIB_SKILL_CLASSES": 3, "LIB_HOLDINGS": 500}
    store = open_store(commune.db)  # the clear is a tombstone that travels like any edit
    (tomb,) = store.conn.execute("SELECT value, author_unit FROM value_records WHERE indicator = 'LIB_READERS'")
    store.close()
    assert tomb == (None, "14389")


def test_clear_refusals_write_nothing(commune: Site) -> None:
    commune.add("lib_commune", "Thư viện xã Gia Lâm")
    commune.ok("set", "--institution", "14389-1", "--period", "2025", "LIB_VISITS=1200")
    err = refused(commune, "set", "--institution", "14389-1", "--period", "2025", "--clear", "LIB_VISIT")
    assert err == "Không có chỉ số mã «LIB_VISIT». Có phải: LIB_VISITS?"
    refused(commune, "set", "--institution", "14389-1", "--period", "2025", "--clear", "MUS_VISITS",
            fragment="Các mã hợp lệ: LIB_VISITS, LIB_READERS")
    # a good value and a bad clear in one command: neither is written
    refused(commune, "set", "--institution", "14389-1", "--period", "2025", "LIB_READERS=5", "--clear", "XYZ")
    refused(commune, "set", "--institution", "14389-1", "--period", "2025", "LIB_VISITS=5", "--clear",
            "LIB_VISITS", fragment="vừa được nhập vừa bị xóa")
    refused(commune, "set", "--institution", "14389-1", "--period", "2025", fragment="Chưa có giá trị nào")
    refused(commune, "set", "--institution", "14389-1", "--period", "2025-H3", "--clear", "LIB_VISITS")


# -- settings: thresholds and their history -------------------------------------------------------------------
def test_settings_json_thresholds_and_history(province: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = province.json("settings")
    by = {t["target"]: t for t in doc["thresholds"]}
    assert len(by) == 11 and doc["threshold_history"] == []
    assert by["LIB_COMM_LLL"]["milestones"] == {"2025": 40.0, "2030": 60.0}  # DOMAIN.md §2
    assert by["CC_VILLAGE_ACTIVE"]["milestones"] == {"2025": None, "2030": 100.0}
    assert by["LIB_COMM_LLL"]["label"] == "Thư viện cấp xã cung cấp dịch vụ học tập suốt đời"
    out = province.ok("settings", "--threshold", "LIB_COMM_LLL", "2030", "65")
    assert out == ("Đã đổi ngưỡng LIB_COMM_LLL (Thư viện cấp xã cung cấp dịch vụ học tập suốt đời) "
                   "mốc 2030: 60 % → 65 %.\n")
    province.ok("settings", "--threshold", "LIB_COMM_LLL", "2030", "62,5")
    doc = province.json("settings")
    assert {t["target"]: t for t in doc["thresholds"]}["LIB_COMM_LLL"]["milestones"] == {"2025": 40.0, "2030": 62.5}
    history = doc["threshold_history"]
    assert [(h["target"], h["year"], h["old"], h["new"], h["changed_by"]) for h in history] == [
        ("LIB_COMM_LLL", 2030, 65.0, 62.5, "Trần Thị Bình"), ("LIB_COMM_LLL", 2030, 60.0, 65.0, "Trần Thị Bình")]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z", h["changed_at"]) for h in history)
    with local_time_zone(monkeypatch):
        text = province.ok("settings")
    assert "LIB_COMM_LLL         Thư viện cấp xã cung cấp dịch vụ học tập suốt đời — 2025: 40 %, 2030: 62,5 %" in text
    (line,) = [x for x in text.splitlines() if "65 % → 62,5 %" in x]
    assert LOCAL_TIME.search(line) and "T" not in line.split()[0] and "Z" not in line


def test_settings_changes_are_all_or_nothing(province: Site, commune: Site) -> None:
    err = refused(province, "settings", "--officer", "Lê Văn Cường", "--threshold", "LIB_COM_LLL", "2030", "65")
    assert err.startswith("Không có chỉ tiêu mã «LIB_COM_LLL». Có phải: LIB_COMM_LLL")
    refused(province, "settings", "--officer", "Lê Văn Cường", "--threshold", "LIB_COMM_LLL", "2030", "101",
            fragment="100 %")
    refused(province, "settings", "--threshold", "LIB_COMM_LLL", "２０３０", "65")
    assert province.json("settings")["officer"] == "Trần Thị Bình"
    refused(commune, "settings", "--threshold", "LIB_COMM_LLL", "2030", "65", fragment="cấp tỉnh")
    assert province.ok("settings", "--officer", "Lê Văn Cường") == "Đã đổi cán bộ phụ trách: Lê Văn Cường.\n"


# -- key passphrase -------------------------------------------------------------------------------------------
def sealed(site: Site) -> str:
    store = open_store(site.db)
    try:
        return str(store.own_key()["private_key"])  # type: ignore[index]
    finally:
        store.close()


def test_key_passphrase_set_then_change_with_the_old_one(commune: Site, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    fingerprint = commune.fingerprint()
    monkeypatch.setenv("P1", "mat-khau-mot")
    monkeypatch.setenv("P2", "mat-khau-hai")
    monkeypatch.setenv("SHORT", "ngan")
    assert not is_protected(sealed(commune))
    out = commune.ok("key", "passphrase", "--new-env", "P1")
    assert out.startswith("Đã đặt mật khẩu bảo vệ khóa ") and out.endswith("; dấu vân tay không đổi.\n")
    assert is_protected(sealed(commune))
    refused(commune, "key", "passphrase", "--new-env", "P2", fragment="mật khẩu hiện tại")
    refused(commune, "key", "passphrase", "--old-env", "P2", "--new-env", "P1", fragment="không đúng")
    refused(commune, "key", "passphrase", "--old-env", "P1", "--new-env", "SHORT", fragment="8 ký tự")
    refused(commune, "key", "passphrase", "--old-env", "P1", "--new-env", "UNSET_VAR", fragment="UNSET_VAR")
    assert commune.ok("key", "passphrase", "--old-env", "P1", "--new-env", "P2").startswith("Đã đổi mật khẩu")
    assert commune.fingerprint() == fingerprint  # the key is the same: nothing to re-enrol
    # signing now needs the new passphrase, and the old one no longer opens the key
    refused(commune, "key", "export", "--out", str(tmp_path / "k.lhtl"), "--passphrase-env", "P1",
            fragment="không đúng")
    assert not (tmp_path / "k.lhtl").exists()
    commune.ok("key", "export", "--out", str(tmp_path / "k.lhtl"), "--passphrase-env", "P2")


# -- key show --pdf -------------------------------------------------------------------------------------------
def test_fingerprint_sheet_pdf(commune: Site, tmp_path: Path) -> None:
    pdf = tmp_path / "dau-van-tay.pdf"
    out = commune.ok("key", "show", "--pdf", str(pdf))
    assert out == f"Đã ghi phiếu dấu vân tay của Xã Gia Lâm: {pdf}\n"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "DẤU VÂN TAY KHÓA KÝ GÓI DỮ LIỆU" in text
    assert "Đơn vị: Xã Gia Lâm (mã 14389)" in text and "Cán bộ phụ trách: Nguyễn Văn An" in text
    assert commune.fingerprint() in text and "Người lập (ký, ghi rõ họ tên)" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert fonts.count(" yes ") >= 2  # embedded (and subset) fonts: the digits print anywhere


def test_fingerprint_sheet_refusals(commune: Site, tmp_path: Path) -> None:
    refused(commune, "key", "show", "--pdf", str(tmp_path / "fp.txt"), fragment=".pdf")
    refused(commune, "key", "show", "--pdf", str(tmp_path / "khong-co" / "fp.pdf"), fragment="không tồn tại")
    (tmp_path / "dir.pdf").mkdir()
    refused(commune, "key", "show", "--pdf", str(tmp_path / "dir.pdf"), fragment="thư mục")
    # The one output-path check: not into the rolling backups beside the database, not a Windows device name.
    backups = commune.db.parent / "backups"
    backups.mkdir(exist_ok=True)
    refused(commune, "key", "show", "--pdf", str(backups / "fp.pdf"), fragment="sao lưu")
    refused(commune, "key", "show", "--pdf", str(tmp_path / "NUL.pdf"), fragment="NUL")
    assert not (backups / "fp.pdf").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".pdf", ".txt")) == ["dir.pdf"]


# -- indicators -----------------------------------------------------------------------------------------------
def test_indicators_json_and_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = Site(tmp_path / "none.sqlite3", "", capsys)  # needs no database
    rows = site.json("indicators")
    assert len(rows) == 19 and not site.db.exists()
    by = {r["code"]: r for r in rows}
    assert by["MUS_LEARNING_VISITS"]["label"] == "Lượt khách đến nghiên cứu, học tập"
    assert by["MUS_LEARNING_VISITS"]["unit"] == "lượt" and by["MUS_LEARNING_VISITS"]["not_above"] == ["MUS_VISITS"]
    assert by["LIB_DIGITAL_SERVICE"]["kind"] == "flag" and by["LIB_DIGITAL_SERVICE"]["max"] == 1
    assert by["LIB_VISITS"]["max"] == 1_000_000_000 and "lib_commune" in by["LIB_VISITS"]["types"]
    assert by["CC_ACTIVITIES"]["criteria"] == ["CC_LLL"] and "village_house" in by["CC_ACTIVITIES"]["types"]
    museum = site.json("indicators", "--type", "museum")
    assert [r["code"] for r in museum] == ["MUS_VISITS", "MUS_LEARNING_VISITS", "MUS_EDU_PROGRAMMES",
                                           "MUS_STUDENT_PARTICIPANTS", "MUS_DIGITAL_EXHIBITS"]
    text = site.ok("indicators", "--type", "village_house")
    assert "CC_ACTIVITIES" in text and "Số hoạt động văn hóa, văn nghệ, thể thao tổ chức trong kỳ" in text
    assert "LIB_VISITS" not in text


def test_indicators_wrong_type_names_the_nearest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = Site(tmp_path / "none.sqlite3", "", capsys)
    code, out, err = site.run("indicators", "--type", "musuem")
    assert (code, out) == (2, "") and err.strip() == "Không có loại thiết chế «musuem». Có phải: museum?"
    code, _out, err = site.run("indicators", "--type", "zzz")
    assert code == 2 and "Các mã hợp lệ: lib_province, lib_district" in err and "village_house" in err


def test_set_help_names_the_indicator_codes(capsys: pytest.CaptureFixture[str]) -> None:
    from lhtl_desktop.cli import main

    with pytest.raises(SystemExit):
        main(["set", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "LIB_VISITS" in help_text and "MUS_DIGITAL_EXHIBITS" in help_text and "--clear" in help_text


def test_wrong_type_for_institution_add_names_the_nearest(commune: Site) -> None:
    refused(commune, "institution", "add", "--unit", "14389", "--type", "lib_comune", "--name", "X",
            fragment="Có phải: lib_commune")


def test_dump_helper_sees_a_write(commune: Site) -> None:
    """The helper the refusals rely on notices a change (so «nothing written» is a real check)."""
    before = dump(commune)
    commune.add("lib_commune", "Thư viện xã Gia Lâm")
    assert dump(commune) != before
    json.dumps(before)  # plain text
