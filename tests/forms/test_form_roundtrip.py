"""The Excel return form out and back in, filled as a person would (by the labels they see), at a hub."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lhtl_desktop.cli import main
from lhtl_desktop.services import entry
from lhtl_desktop.services.forms.importer import import_forms
from lhtl_desktop.storage import forms_store, open_store
from lhtl_desktop.storage.backup import backup_dir_for
from tests.forms.support import GIA_LAM, fill, hub_store
from tests.sync.helpers import enrol, make_site

VH = "Nhà văn hóa – khu thể thao thôn, tổ dân phố"


def _cli(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_export_shows_labels_last_year_protection_and_print_setup(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    store, ids = hub_store(tmp_path / "hub.sqlite3")
    store.close()
    out = tmp_path / "bieu.xlsx"
    code, _out, err = _cli(tmp_path / "hub.sqlite3", capsys, "form", "export", "--unit", GIA_LAM,
                           "--period", "2025", "--out", str(out))
    assert code == 0, err
    wb = load_workbook(out)
    assert wb.sheetnames == ["Hướng dẫn", "_lhtl", "Thư viện", "Bảo tàng", "Văn hóa, nhà văn hóa"]
    assert wb["_lhtl"].sheet_state == "hidden"
    assert wb.security.lockStructure
    ws = wb["Thư viện"]
    assert ws["F4"].value == "Lượt người sử dụng thư viện (lượt)"
    assert (ws["F5"].value, ws["G5"].value) == ("Năm 2025", "Năm 2024")
    assert ws["D6"].value == "Thư viện xã Gia Lâm" and ws["G6"].value == 1100  # last year beside
    assert ws.column_dimensions["A"].hidden and ws.row_dimensions[3].hidden  # machine keys out of the way
    assert ws["A6"].value == ids["lib"] and ws["F3"].value == "LIB_VISITS"
    assert ws.protection.sheet and ws.protection.password is None
    assert not ws["F6"].protection.locked and ws["D6"].protection.locked and ws["G6"].protection.locked
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$4:$5"
    rules = {(dv.type, dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation}
    assert ("whole", "0", "1000000000") in rules and ("list", '"0,1"', None) in rules
    assert any(t == "list" and f.startswith("='_lhtl'!") for t, f, _ in rules)  # the new rows' type list
    cover = [c.value for c in wb["Hướng dẫn"]["A"] if c.value]
    assert "Đơn vị: Xã Gia Lâm (mã 14389)" in cover
    assert any("1.234" in line for line in cover)
    for ws in wb.worksheets:  # every text cell is a string, never a formula
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_round_trip_at_the_hub_with_a_new_village_house(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "hub.sqlite3"
    store, ids = hub_store(db)
    store.close()
    form = tmp_path / "bieu.xlsx"
    assert _cli(db, capsys, "form", "export", "--unit", GIA_LAM, "--period", "2025", "--out", str(form))[0] == 0
    filled = tmp_path / "bieu-da-dien.xlsx"
    fill(form, filled, "Thư viện", {"Thư viện xã Gia Lâm": {"LIB_VISITS": 1234, "LIB_DIGITAL_SERVICE": 1,
                                                             "LIB_SKILL_CLASSES": 3}})
    fill(filled, filled, "Văn hóa, nhà văn hóa",
         {"Trung tâm Văn hóa – Thể thao xã Gia Lâm": {"CC_CLUBS": 3, "CC_ACTIVITIES": 14},
          "Nhà văn hóa thôn Đông": {"CC_ACTIVITIES": 12}},
         [{"type": VH, "name": "=Nhà văn hóa thôn Tây", "village": "Thôn Tây", "CC_ACTIVITIES": 13, "CC_CLUBS": 1}])

    code, out, err = _cli(db, capsys, "form", "import", str(filled), "--dry-run", "--json")
    assert code == 0, err
    preview = json.loads(out)[0]
    assert (preview["status"], preview["new"], preview["institutions_new"], preview["dry_run"]) == ("accepted", 8, 1, True)
    store = open_store(db)
    assert not forms_store.form_imports(store)  # a dry run writes nothing
    store.close()
    assert not list(backup_dir_for(db).glob("*form-import*"))

    code, out, err = _cli(db, capsys, "form", "import", str(filled), "--json")
    assert code == 0, err
    result = json.loads(out)[0]
    assert set(result) >= {"file", "status", "errors", "new", "changed", "unchanged"}
    assert (result["status"], result["new"], result["changed"], result["errors"]) == ("accepted", 8, 0, [])
    assert len(list(backup_dir_for(db).glob("*form-import*"))) == 1  # a backup before the write, as for bundles

    store = open_store(db)
    got = {k: cv.value for k, cv in entry.get_values(store, ids["lib"], "2025").items()}
    assert got == {"LIB_VISITS": 1234, "LIB_DIGITAL_SERVICE": 1, "LIB_SKILL_CLASSES": 3}
    new = [i for i in store.institutions([GIA_LAM]) if i.village == "Thôn Tây"]
    assert len(new) == 1 and new[0].type == "village_house"
    assert new[0].name == "=Nhà văn hóa thôn Tây"  # text from a form stays text, never a formula
    new_values = {k: cv.value for k, cv in entry.get_values(store, new[0].id, "2025").items()}
    assert new_values == {"CC_ACTIVITIES": 13, "CC_CLUBS": 1}
    sha = result["sha256"]
    records = [cv.record for i in (ids["lib"], ids["cc"], ids["vh1"], new[0].id)
               for cv in entry.get_values(store, i, "2025").values()]
    assert len(records) == 8
    for rec in records:  # provenance on every value: source, file, SHA-256, who imported it
        assert rec.reason == (f"nguồn: biểu Excel, chưa ký · tệp «bieu-da-dien.xlsx» · SHA-256 {sha[:16]} · "
                              "người nhập: Phạm Thị Hoa")
        assert rec.author_unit == "372"
    prov = forms_store.form_provenance(store, [r.edit_id for r in records])
    assert {p["sha256"] for p in prov.values()} == {sha} and len(prov) == 8
    assert {p["imported_by"] for p in prov.values()} == {"Phạm Thị Hoa"}
    # The dashboard's lists mark the institutions whose values came from the unsigned form.
    from lhtl_desktop.services import evaluation
    from lhtl_desktop.services.dashboard import institution_lines, with_form_sources

    ev = with_form_sources(store, evaluation.evaluate(store, 2025, GIA_LAM))
    lib_target = next(r for r in ev.results if r.target == "LIB_COMM_LLL")
    assert [(line.name, line.source) for line in institution_lines(store, ev, lib_target.meeting)] == [
        ("Thư viện xã Gia Lâm", "nguồn: biểu Excel, chưa ký")]
    dump = store.dump()
    store.close()

    # The same file again: «đã nhập trước đó», nothing written.
    code, out, _err = _cli(db, capsys, "form", "import", str(filled), "--json")
    assert code == 0 and json.loads(out)[0]["status"] == "duplicate"
    store = open_store(db)
    assert store.dump() == dump
    store.close()

    # The hub's summary sheet says which values came from an unsigned Excel form.
    import subprocess

    pdf = tmp_path / "cum.pdf"
    assert _cli(db, capsys, "report", "--period", "2025", "--out", str(pdf))[0] == 0
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    assert "Nguồn: biểu Excel, chưa ký — số liệu năm 2025 của:" in text
    assert "=Nhà văn hóa thôn Tây" in text and "Thư viện xã Gia Lâm" in text

    # The written report workbook keeps the form's text as text.
    report = tmp_path / "cum.xlsx"
    assert _cli(db, capsys, "report", "--period", "2025", "--scope", GIA_LAM, "--out", str(report))[0] == 0
    book = load_workbook(report)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value == "=Nhà văn hóa thôn Tây"]
    assert cells and all(c.data_type == "s" for c in cells)
    cover = [c.value for row in book["Bìa"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any(v.startswith("Nguồn: biểu Excel, chưa ký — số liệu năm 2025 của:") for v in cover)


def test_a_later_form_replaces_an_earlier_one_but_not_the_communes_signed_values(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hub = make_site(tmp_path, capsys, "372", "Phạm Thị Hoa")
    commune = make_site(tmp_path, capsys, GIA_LAM, "Nguyễn Văn An")
    enrol(hub, commune, tmp_path)
    lib = commune.add("lib_commune", "Thư viện xã Gia Lâm")
    commune.ok("set", "--institution", lib, "--period", "2025", "LIB_VISITS=1200")
    hub.ok("import", str(commune.export(tmp_path / "b1.lhtl")))

    form = tmp_path / "bieu.xlsx"
    hub.ok("form", "export", "--unit", GIA_LAM, "--period", "2025", "--out", str(form))
    first = fill(form, tmp_path / "lan1.xlsx", "Thư viện", {"Thư viện xã Gia Lâm": {"LIB_VISITS": 1300,
                                                                                     "LIB_READERS": 200}})
    r1 = hub.json("form", "import", str(first))[0]
    assert (r1["new"], r1["conflicts"]) == (1, 1)  # LIB_VISITS: the commune's signed 1200 stays beside it
    conflicts = hub.json("conflicts")
    assert sorted(v["value"] for v in conflicts[0]["values"]) == [1200, 1300]

    second = fill(form, tmp_path / "lan2.xlsx", "Thư viện", {"Thư viện xã Gia Lâm": {"LIB_VISITS": 1310,
                                                                                      "LIB_READERS": 210}})
    r2 = hub.json("form", "import", str(second))[0]
    assert (r2["new"], r2["changed"], r2["conflicts"]) == (0, 1, 1)
    store = hub.store()
    values = entry.get_values(store, lib, "2025")
    assert values["LIB_READERS"].value == 210 and not values["LIB_READERS"].conflict  # replaced the first form's
    assert sorted(r.value for r in values["LIB_VISITS"].siblings) == [1200, 1310]  # 1300 gone, 1200 kept
    store.close()


def test_form_import_through_the_service_lists_every_bad_cell(tmp_path: Path) -> None:
    store, _ids = hub_store(tmp_path / "hub.sqlite3")
    from lhtl_desktop.services.forms import export_forms

    form = export_forms(store, GIA_LAM, "2025", tmp_path / "bieu.xlsx")[0]
    bad = fill(form, tmp_path / "sai.xlsx", "Thư viện", {"Thư viện xã Gia Lâm": {
        "LIB_VISITS": "12a", "LIB_READERS": "1.234", "LIB_HOLDINGS": -5, "LIB_SKILL_CLASSES": 2.5,
        "LIB_DIGITAL_SERVICE": 2, "LIB_MOBILE_RUNS": 10**10}})
    bad = fill(bad, bad, "Văn hóa, nhà văn hóa", {}, [{"type": VH, "name": "", "CC_CLUBS": 1}])
    dump = store.dump()
    result = import_forms(store, [bad])[0]
    assert result.status == "rejected"
    assert [(e.sheet, e.cell, e.message) for e in result.errors] == [
        ("Thư viện", "F6", "«Lượt người sử dụng thư viện»: chỉ nhập số nguyên (chữ số 0–9), không nhập chữ."),
        ("Thư viện", "H6", "«Số thẻ bạn đọc»: chỉ nhập số nguyên, không dùng dấu chấm, dấu phẩy hay số thập phân."),
        ("Thư viện", "J6", "«Số bản tài liệu (tại 31/12)»: không được nhập số âm."),
        ("Thư viện", "L6", "«Số lớp, buổi hướng dẫn kỹ năng (cả kỹ năng số)»: chỉ nhập số nguyên, không dùng dấu "
                           "chấm, dấu phẩy hay số thập phân."),
        ("Thư viện", "R6", "«Có dịch vụ, tài nguyên số phục vụ học tập (0/1)»: chỉ nhập 1 (có) hoặc 0 (không)."),
        ("Thư viện", "T6", "«Số lượt phục vụ lưu động, luân chuyển sách»: số quá lớn (tối đa 1.000.000.000)."),
        ("Văn hóa, nhà văn hóa", "D8", "dòng thiết chế mới chưa ghi tên thiết chế"),
    ]
    assert store.dump() == dump


def test_learning_visits_above_visits_is_refused_at_its_cell(tmp_path: Path) -> None:
    store, _ids = hub_store(tmp_path / "hub.sqlite3")
    from lhtl_desktop.services.forms import export_forms

    form = export_forms(store, GIA_LAM, "2025", tmp_path / "bieu.xlsx")[0]
    bad = fill(form, tmp_path / "sai.xlsx", "Thư viện", {"Thư viện xã Gia Lâm": {
        "LIB_VISITS": 100, "LIB_LLL_PARTICIPANTS": 150}})
    dump = store.dump()
    result = import_forms(store, [bad])[0]
    assert result.status == "rejected"
    assert [(e.cell, e.message) for e in result.errors] == [
        ("P6", "«Lượt người tham gia hoạt động học tập suốt đời» (150) không được lớn hơn "
               "«Lượt người sử dụng thư viện» (100).")]
    assert store.dump() == dump


def test_cli_exports_one_form_per_commune_of_a_hub(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store, _ids = hub_store(tmp_path / "hub.sqlite3")
    store.close()
    out = tmp_path / "usb"
    out.mkdir()
    code, stdout, err = _cli(tmp_path / "hub.sqlite3", capsys, "form", "export", "--unit", "372", "--period", "2025",
                             "--out", str(out), "--json")
    assert code == 0, err
    files = [Path(f).name for f in json.loads(stdout)["files"]]
    assert "bieu-14389-Gia-Lam-2025.xlsx" in files and "bieu-14401-Gia-Tuong-2025.xlsx" in files
    assert all(f.startswith("bieu-14") for f in files)  # communes only, one each
    bad = _cli(tmp_path / "hub.sqlite3", capsys, "form", "export", "--unit", "14389", "--period", "2025",
               "--out", str(tmp_path / "bieu.docx"))
    assert bad[0] == 2 and bad[2].strip() == ("Tệp biểu «bieu.docx» phải có đuôi .xlsx (biểu Excel) hoặc .pdf (biểu "
                                              "giấy), hoặc là một thư mục.")
    far = _cli(tmp_path / "hub.sqlite3", capsys, "form", "export", "--unit", "14362", "--period", "2025",
               "--out", str(tmp_path / "x.xlsx"))
    assert far[0] == 2 and "nằm ngoài phạm vi" in far[2]


def test_a_commune_imports_its_own_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    commune = make_site(tmp_path, capsys, GIA_LAM, "Nguyễn Văn An")
    lib = commune.add("lib_commune", "Thư viện xã Gia Lâm")
    commune.ok("set", "--institution", lib, "--period", "2025", "LIB_VISITS=1200")
    form = tmp_path / "bieu.xlsx"
    commune.ok("form", "export", "--period", "2025", "--out", str(form))  # no --unit: my own
    filled = fill(form, tmp_path / "thon.xlsx", "Thư viện", {"Thư viện xã Gia Lâm": {"LIB_VISITS": 1250}})
    result = commune.json("form", "import", str(filled))[0]
    assert (result["changed"], result["conflicts"]) == (1, 0)  # at the commune a form replaces like an entry
    assert commune.json("get", "--institution", lib, "--period", "2025")["LIB_VISITS"] == 1250


def test_the_provenance_travels_up_in_the_hubs_signed_bundle(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    province = make_site(tmp_path, capsys, "37", "Trần Thị Bình")
    hub = make_site(tmp_path, capsys, "372", "Phạm Thị Hoa")
    enrol(province, hub, tmp_path)
    lib = hub.ok("institution", "add", "--unit", GIA_LAM, "--type", "lib_commune",
                 "--name", "Thư viện xã Gia Lâm").strip()
    form = tmp_path / "bieu.xlsx"
    hub.ok("form", "export", "--unit", GIA_LAM, "--period", "2025", "--out", str(form))
    filled = fill(form, tmp_path / "gia-lam.xlsx", "Thư viện", {"Thư viện xã Gia Lâm": {"LIB_VISITS": 987}})
    assert hub.json("form", "import", str(filled))[0]["new"] == 1
    result = province.json("import", str(hub.export(tmp_path / "hub.lhtl")))[0]
    assert result["status"] == "accepted", result
    store = province.store()
    cv = entry.get_values(store, lib, "2025")["LIB_VISITS"]
    assert cv.value == 987 and cv.record.reason.startswith("nguồn: biểu Excel, chưa ký · tệp «gia-lam.xlsx»")
    from lhtl_desktop.services.forms.provenance import source_mark

    assert source_mark(cv.record.reason) == "nguồn: biểu Excel, chưa ký"
    store.close()
