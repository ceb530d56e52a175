"""Figures from before the program: Ninh Bình 2023–2024 totals per former district and per former commune feed
the 2025 growth of a hub and of the province (numbers computed by hand below), and a former commune split across
two new communes is listed «không phân bổ được»."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lhtl_desktop.cli import main
from lhtl_desktop.services import entry, evaluation, institutions
from lhtl_desktop.services.history_import import import_history, write_template
from lhtl_desktop.services.installation import init_installation
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.sync.keys import generate_key

WHY = "Báo cáo năm 2025"
# Former units (vietnam-provinces legacy codes) and where they went:
#   372 Huyện Nho Quan (cũ): a district total; hub 372 stands for it.
#   14389 Xã Gia Lâm (cũ, district 372) → Xã Gia Lâm: its total is inside 372's, so never counted beside it.
#   14479 Xã Gia Vân (cũ) and 14488 Xã Gia Lập (cũ) → both wholly into Xã Gia Vân (14488, hub 373).
#   14467 Xã Gia Hòa (cũ) → wholly into Xã Gia Viễn (14464, hub 373).
#   14503 Xã Gia Tân (cũ) → split between Xã Gia Vân (14488, hub 373) and Phường Tây Hoa Lư (14533, hub 374).
HISTORY_CSV = """Năm,Mã đơn vị,Tên đơn vị,Mã thiết chế,Tên thiết chế,Mã chỉ số,Giá trị
2023,372,Huyện Nho Quan,,,LIB_VISITS,14000
2024,372,Huyện Nho Quan,,,LIB_VISITS,15000
2024,14389,Xã Gia Lâm (cũ),,,LIB_VISITS,1200
2023,14479,Xã Gia Vân (cũ),,,LIB_VISITS,900
2024,14479,Xã Gia Vân (cũ),,,LIB_VISITS,1000
2023,14488,Xã Gia Lập (cũ),,,LIB_VISITS,450
2024,14488,Xã Gia Lập (cũ),,,LIB_VISITS,500
2023,14467,Xã Gia Hòa (cũ),,,LIB_VISITS,650
2024,14467,Xã Gia Hòa (cũ),,,LIB_VISITS,700
2023,14503,Xã Gia Tân (cũ),,,LIB_VISITS,380
2024,14503,Xã Gia Tân (cũ),,,LIB_VISITS,400
2023,14389,,,Thư viện xã Gia Lâm,LIB_VISITS,1150
"""


def _province(path: Path) -> tuple[Store, dict[str, str]]:
    store = open_store(path)
    init_installation(store, "37", "Trần Thị Bình", generate_key(None))
    ids = {
        "gia_lam": institutions.add_institution(store, "14389", "lib_commune", "Thư viện xã Gia Lâm").id,
        "gia_tuong": institutions.add_institution(store, "14401", "lib_commune", "Thư viện xã Gia Tường").id,
        "nho_quan": institutions.add_institution(store, "372", "lib_district", "Thư viện huyện Nho Quan (cũ)").id,
        "gia_van": institutions.add_institution(store, "14488", "lib_commune", "Thư viện xã Gia Vân").id,
        "gia_vien": institutions.add_institution(store, "14464", "lib_commune", "Thư viện xã Gia Viễn").id,
    }
    for key, visits in (("gia_lam", 1300), ("gia_tuong", 800), ("nho_quan", 14100), ("gia_van", 1600),
                        ("gia_vien", 720)):
        entry.set_values(store, ids[key], "2025", {"LIB_VISITS": visits}, why=WHY)
    return store, ids


def _growth(store: Store, year: int, scope: str) -> dict[str, object]:
    ev = evaluation.evaluate(store, year, scope)
    r = next(r for r in ev.results if r.target == "LIB_VISITS_GROWTH")
    # The judgement of the numbers themselves (before coverage: these communes have not submitted, so the
    # status shown would be «incomplete» — tests/sync/test_reporting_end_to_end.py holds that rule).
    return {"numerator": r.numerator, "denominator": r.denominator, "value": r.value,
            "status": str(r.measured_status or r.status), "note": r.note}


def test_history_totals_feed_hub_and_province_growth(tmp_path: Path) -> None:
    store, ids = _province(tmp_path / "tinh.sqlite3")
    src = tmp_path / "so-lieu-cu.csv"
    src.write_text(HISTORY_CSV, encoding="utf-8")
    before = _growth(store, 2025, "373")
    assert before["value"] is None and before["status"] == "missing_data"  # no 2024 base yet

    result = import_history(store, src)
    assert result.status == "accepted", result.errors
    assert (result.totals_new, result.new) == (11, 1)

    # Hub 372: 2025 = 1300 + 800 + 14100 = 16200; 2024 base = the former district's total 15000
    # (Gia Lâm's former-commune total 1200 lies inside it and is not added): (16200 / 15000 − 1) × 100 = 8.0 %.
    hub = _growth(store, 2025, "372")
    assert (hub["numerator"], hub["denominator"]) == (16200, 15000)
    assert hub["value"] == pytest.approx(8.0)
    assert hub["status"] == "met"
    assert hub["note"] == "cơ sở năm 2024: số liệu tổng hợp theo đơn vị cũ"

    # Hub 373: 2025 = 1600 + 720 = 2320; 2024 base = Gia Vân 1000 + Gia Lập 500 + Gia Hòa 700 = 2200 (Gia Tân is
    # split with hub 374: not counted): (2320 / 2200 − 1) × 100 = 5.4545… %.
    hub373 = _growth(store, 2025, "373")
    assert (hub373["numerator"], hub373["denominator"]) == (2320, 2200)
    assert hub373["value"] == pytest.approx(120 / 22)
    assert hub373["status"] == "met"

    # Province: 2025 = 16200 + 2320 = 18520; 2024 base = 15000 (372) + 1000 + 500 + 700 + 400 (Gia Tân: both its
    # new communes are in the province) = 17600: (18520 / 17600 − 1) × 100 = 5.2272… %.
    prov = _growth(store, 2025, "37")
    assert (prov["numerator"], prov["denominator"]) == (18520, 17600)
    assert prov["value"] == pytest.approx(920 / 176)
    assert prov["note"] == "cơ sở năm 2024: số liệu tổng hợp theo đơn vị cũ"

    # The province's summary sheet says where the base came from.
    from lhtl_desktop.services.reports import build_report

    sheet = build_report(store, 2025, "37")
    assert "Lượt sử dụng thư viện: cơ sở năm 2024: số liệu tổng hợp theo đơn vị cũ" in sheet.basis_notes

    # A new commune made whole of former communes: Gia Vân 2025 1600 over 1000 + 500 = 1500 → 6.666… %.
    commune = _growth(store, 2025, "14488")
    assert (commune["numerator"], commune["denominator"]) == (1600, 1500)

    # Both years from former units: hub 373, 2024 over 2023 = 2200 / (900 + 450 + 650 = 2000) → 10 %.
    both = _growth(store, 2024, "373")
    assert (both["numerator"], both["denominator"], both["value"]) == (2200, 2000, pytest.approx(10.0))
    assert both["note"] == ("cơ sở năm 2024: số liệu tổng hợp theo đơn vị cũ; "
                            "cơ sở năm 2023: số liệu tổng hợp theo đơn vị cũ")

    # Split former commune: listed with its figures, never guessed onto one new commune.
    assert [(u["legacy_code"], u["year"], u["value"], u["units"]) for u in result.unallocated] == [
        ("14503", 2023, 380, ["Phường Tây Hoa Lư (14533)", "Xã Gia Vân (14488)"]),
        ("14503", 2024, 400, ["Phường Tây Hoa Lư (14533)", "Xã Gia Vân (14488)"]),
    ]
    assert "không phân bổ được" in result.unallocated_lines()[0]

    # The per-institution row is an institution's value like an entered one, with its provenance.
    cv = entry.get_values(store, ids["gia_lam"], "2023")["LIB_VISITS"]
    assert cv.value == 1150
    assert cv.record.reason.startswith("nguồn: số liệu trước chương trình · tệp «so-lieu-cu.csv»")

    # The bases are used only where the scope has no institution-level value for the year: once the hub's
    # libraries have 2024 values, hub 372's growth reads them (1300+800+14100 over 1000+700+13000 = 14700).
    for key, visits in (("gia_lam", 1000), ("gia_tuong", 700), ("nho_quan", 13000)):
        entry.set_values(store, ids[key], "2024", {"LIB_VISITS": visits}, why=WHY)
    hub = _growth(store, 2025, "372")
    assert (hub["numerator"], hub["denominator"], hub["note"]) == (16200, 14700, "")

    # Re-import: nothing changes.
    again = import_history(store, src)
    assert (again.totals_new, again.totals_changed, again.totals_unchanged, again.new) == (0, 0, 11, 0)


def test_history_bad_rows_refuse_the_whole_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store, _ids = _province(tmp_path / "tinh.sqlite3")
    src = tmp_path / "sai.csv"
    src.write_text("Năm,Mã đơn vị,Mã chỉ số,Giá trị\n2024,372,LIB_VISITS,15000\n2024,99999,LIB_VISITS,5\n"
                   "2024,14479,LIB_VISITS,1.234\n2024,14479,MUS_NOTHING,3\n", encoding="utf-8")
    dump = store.dump()
    db = str(store.path)
    store.close()
    code = main(["--db", db, "history", "import", str(src), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 3 and out["status"] == "rejected"
    assert [(e["cell"], e["message"]) for e in out["errors"]] == [
        ("dòng 3", "«99999» không phải mã xã cũ (5 chữ số) hay huyện cũ (3 chữ số) của tỉnh"),
        ("dòng 4", "«Lượt người sử dụng thư viện»: chỉ nhập số nguyên, không dùng dấu chấm, dấu phẩy hay số thập phân."),
        ("dòng 5", "không có chỉ số «MUS_NOTHING»"),
    ]
    again = open_store(Path(db))
    assert again.dump() == dump
    again.close()


def test_history_template_reads_back(tmp_path: Path) -> None:
    store, _ids = _province(tmp_path / "tinh.sqlite3")
    path = write_template(store, tmp_path / "mau.xlsx")
    dump = store.dump()
    result = import_history(store, path, dry_run=True)  # its two example rows are valid input
    assert result.status == "accepted" and result.totals_new == 2
    assert store.dump() == dump  # a dry run writes nothing
    code = main(["--db", str(store.path), "history", "template", "--out", str(tmp_path / "mau.docx")])
    assert code == 2
