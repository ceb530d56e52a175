"""Issue 11's "done when", through the CLI only: hub 372 (Nho Quan) expects all 8 of its communes; two install the
program and submit, one sends values without submitting, five stay silent. The hub's and the province's
`evaluate`, `reporting` and sheets say exactly that (numbers by hand), no target says «Đạt»; each commune's
receipt comes back down and shows in its `outbox`; once every commune has submitted, the plain statuses return.

Values (2025), all by hand:
- Gia Lâm 14389 (submits):     library meets LIB_LLL (2 skill classes), centre meets CC_LLL (1 club, 12 activities)
- Gia Tường 14401 (submits):   library meets (3 reading events), centre does not (no club, 20 activities)
- Cúc Phương 14404 (no mark):  library does not meet (every LIB_LLL input 0)
LIB_COMM_LLL = 2/3 = 66,7 % ≥ 40 % (measured: met), CC_COMMUNE_ACTIVE = 1/2 = 50 % < 80 % (measured: behind),
LIB_VISITS_GROWTH: no 2024 sums (measured: missing data). Coverage at the hub: 2 of 8 submitted, 3 with data.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lhtl_desktop.services.reports.xlsx import NOT_REPORTED, TARGETS, UNITS
from tests.sync.helpers import Site, enrol, make_site

GIA_LAM, GIA_TUONG, CUC_PHUONG = "14389", "14401", "14404"
SILENT = ["14407", "14428", "14434", "14452", "14458"]  # Phú Sơn, Nho Quan, Thanh Sơn, Quỳnh Lưu, Phú Long
HUB_COMMUNES = [GIA_LAM, GIA_TUONG, CUC_PHUONG, *SILENT]
DEADLINE = dt.date(2025, 12, 15)


def today_in_vietnam() -> dt.date:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=7)).date()


def by_target(results: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(r["target"]): r for r in results}


def refused(site: Site, *args: str, words: str) -> None:
    before = site.store().dump()
    code, _out, err = site.run(*args)
    assert code == 2 and words in err, (args, err)
    assert err.strip().count("\n") == 0  # one Vietnamese line
    assert site.store().dump() == before


def test_reporting_register_across_installations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mail = tmp_path / "usb"
    mail.mkdir()
    province = make_site(tmp_path, capsys, "37", "Trần Thị Tỉnh")
    hub = make_site(tmp_path, capsys, "372", "Lê Văn Cụm")
    c1 = make_site(tmp_path, capsys, GIA_LAM, "Nguyễn Văn Gia Lâm")
    c2 = make_site(tmp_path, capsys, GIA_TUONG, "Phạm Thị Gia Tường")
    c3 = make_site(tmp_path, capsys, CUC_PHUONG, "Đỗ Văn Cúc Phương")
    communes = (c1, c2, c3)
    for c in communes:
        enrol(hub, c, mail)
        enrol(c, hub, mail)  # so that the hub's bundles (and receipts) can come back down
    enrol(province, hub, mail)

    l1, k1 = c1.add("lib_commune", "Thư viện xã Gia Lâm"), c1.add("cc_commune", "Trung tâm VH-TT xã Gia Lâm")
    l2, k2 = c2.add("lib_commune", "Thư viện xã Gia Tường"), c2.add("cc_commune", "Trung tâm VH-TT xã Gia Tường")
    l3 = c3.add("lib_commune", "Thư viện xã Cúc Phương")

    # Bad input: submitting a period with no values needs --empty; a unit outside my scope; a future period.
    refused(c2, "submit", "--period", "2025", words="--empty")
    refused(c1, "submit", "--period", "2025", "--unit", GIA_TUONG, words="ngoài phạm vi")
    refused(c1, "submit", "--period", "2099", words="nằm ngoài khoảng")  # a period not yet open

    c1.ok("set", "--institution", l1, "--period", "2025", "LIB_VISITS=1000", "LIB_SKILL_CLASSES=2")
    c1.ok("set", "--institution", k1, "--period", "2025", "CC_CLUBS=1", "CC_ACTIVITIES=12")
    c2.ok("set", "--institution", l2, "--period", "2025", "LIB_VISITS=500", "LIB_READING_EVENTS=3")
    c2.ok("set", "--institution", k2, "--period", "2025", "CC_CLUBS=0", "CC_TALENT_CLASSES=0",
          "CC_INTEREST_GROUPS=0", "CC_ACTIVITIES=20")
    c3.ok("set", "--institution", l3, "--period", "2025", "LIB_VISITS=300", "LIB_SKILL_CLASSES=0",
          "LIB_READING_EVENTS=0", "LIB_DIGITAL_SERVICE=0", "LIB_MOBILE_RUNS=0")
    for c in (c1, c2):
        mark = c.json("submit", "--period", "2025")
        assert mark["submitted"] is True and mark["unit"] == c.unit and mark["changed"] is True
    again = c1.json("submit", "--period", "2025")  # already submitted: nothing written
    assert again["changed"] is False

    sent = {c.unit: c.export(mail / f"{c.unit}-1.lhtl") for c in communes}
    # Sent: reopening now needs a reason (nothing written without one).
    refused(c1, "submit", "--period", "2025", "--undo", words="lý do")

    imported = {}
    for unit, path in sent.items():
        [r] = hub.json("import", str(path))
        assert r["status"] == "accepted"
        imported[unit] = r
    assert {u: imported[u]["new"] for u in imported} == {GIA_LAM: 4, GIA_TUONG: 6, CUC_PHUONG: 5}

    today = today_in_vietnam()
    late = today > DEADLINE  # every mark here is made today; the silent ones are late once the deadline passed

    def check_register(site: Site, *scope: str, last_seq: bool) -> None:
        rows = site.json("reporting", "--period", "2025", *scope)
        assert [r["unit"] for r in rows] == [*SILENT, CUC_PHUONG, GIA_LAM, GIA_TUONG]  # not reported first
        status = {r["unit"]: r["status"] for r in rows}
        assert status == {GIA_LAM: "submitted", GIA_TUONG: "submitted", CUC_PHUONG: "partial",
                          **{u: "none" for u in SILENT}}
        for r in rows:
            assert r["hub"] == "372" and r["deadline"] == "2025-12-15" and r["late"] is late
            assert (r["submitted_at"] is not None) == (r["unit"] in (GIA_LAM, GIA_TUONG))
            if last_seq and r["unit"] in (GIA_LAM, GIA_TUONG, CUC_PHUONG):
                assert r["last_seq"] == 1 and r["received_at"] is not None
            else:
                assert r["last_seq"] is None and r["received_at"] is None
        names = {r["unit"]: r["name"] for r in rows}
        assert names[CUC_PHUONG] == "Xã Cúc Phương" and names["14428"] == "Xã Nho Quan"

    def check_incomplete(site: Site, *scope: str, expected: int, missing: list[str]) -> None:
        results = by_target(site.json("evaluate", "--period", "2025", *scope))
        assert {r["status"] for r in results.values()} == {"incomplete"}  # never «Đạt», never «Đúng tiến độ»
        assert {r["status_label"] for r in results.values()} == {"Chưa đủ đơn vị báo cáo"}
        for r in results.values():
            assert r["coverage"] == {"expected": expected, "submitted": 2, "with_data": 3, "missing_units": missing}
        lib, cc = results["LIB_COMM_LLL"], results["CC_COMMUNE_ACTIVE"]
        assert (lib["numerator"], lib["denominator"], lib["met"], lib["measured_status"]) == (2, 3, True, "met")
        assert lib["value"] == pytest.approx(200 / 3)
        assert (cc["numerator"], cc["denominator"], cc["met"], cc["measured_status"]) == (1, 2, False, "behind")
        assert results["LIB_VISITS_GROWTH"]["measured_status"] == "missing_data"

    hub_missing = [CUC_PHUONG, *SILENT]
    check_register(hub, last_seq=True)
    check_incomplete(hub, expected=8, missing=hub_missing)

    # The hub's sheets.
    pdf, xlsx = tmp_path / "cum-372.pdf", tmp_path / "cum-372.xlsx"
    hub.ok("report", "--period", "2025", "--out", str(pdf))
    hub.ok("report", "--period", "2025", "--out", str(xlsx))
    check_xlsx(xlsx, late)
    if shutil.which("pdftotext"):
        check_pdf(pdf, late)

    # Up to the province: the same register for the hub's scope, and the whole province counted.
    hub_up = hub.export(mail / "372-1.lhtl")
    [r] = province.json("import", str(hub_up))
    assert r["status"] == "accepted"
    check_register(province, "--scope", "372", last_seq=False)
    check_incomplete(province, "--scope", "372", expected=8, missing=hub_missing)
    # The province's sheets for the hub's scope say the same; its own sheet counts all 129 communes.
    ppdf, pxlsx = tmp_path / "tinh-372.pdf", tmp_path / "tinh-372.xlsx"
    province.ok("report", "--period", "2025", "--scope", "372", "--out", str(ppdf))
    province.ok("report", "--period", "2025", "--scope", "372", "--out", str(pxlsx))
    check_xlsx(pxlsx, late)
    if shutil.which("pdftotext"):
        check_pdf(ppdf, late)
    whole_xlsx = tmp_path / "tinh.xlsx"
    province.ok("report", "--period", "2025", "--out", str(whole_xlsx))
    assert len([r for r in load_workbook(whole_xlsx)[NOT_REPORTED].iter_rows(min_row=4) if r[1].value]) == 127
    whole = by_target(province.json("evaluate", "--period", "2025"))["LIB_COMM_LLL"]
    cov = whole["coverage"]
    assert (cov["expected"], cov["submitted"], cov["with_data"]) == (129, 2, 3)  # Ninh Bình's 129 communes
    assert len(cov["missing_units"]) == 127 and GIA_LAM not in cov["missing_units"]
    assert whole["status"] == "incomplete"

    # Receipts travel back down in the hub's next bundle to each commune and show in its outbox.
    for c in communes:
        before = c.json("outbox")
        assert [(o["seq"], o["to"], o["acknowledged"]) for o in before] == [(1, "372", False)]
        down = hub.export(mail / f"372-den-{c.unit}.lhtl", "--to", c.unit)
        [r] = c.json("import", str(down))
        assert r["status"] == "accepted"
        [o] = c.json("outbox")
        assert o["acknowledged"] is True and o["acknowledged_at"] is not None
        assert o["counts"]["new"] == imported[c.unit]["new"] and o["counts"]["conflicts"] == 0
        text = c.ok("outbox")
        assert re.search(rf"Cụm Nho Quan đã nhận gói số 1 lúc \d\d:\d\d ngày \d\d/\d\d/\d{{4}}: "
                         rf"{imported[c.unit]['new']} giá trị", text), text

    # Everyone submits: Cúc Phương itself; the hub records the five paper reports (nothing to report).
    c3.ok("submit", "--period", "2025")
    [r] = hub.json("import", str(c3.export(mail / f"{CUC_PHUONG}-2.lhtl")))
    assert r["status"] == "accepted"
    for unit in SILENT:
        hub.ok("submit", "--period", "2025", "--unit", unit, "--empty")
    done = by_target(hub.json("evaluate", "--period", "2025"))
    assert {t: done[t]["status"] for t in ("LIB_COMM_LLL", "CC_COMMUNE_ACTIVE", "LIB_VISITS_GROWTH")} == {
        "LIB_COMM_LLL": "met", "CC_COMMUNE_ACTIVE": "behind", "LIB_VISITS_GROWTH": "missing_data"}
    assert done["LIB_COMM_LLL"]["status_label"] == "Đạt"
    assert done["LIB_COMM_LLL"]["coverage"] == {"expected": 8, "submitted": 8, "with_data": 3, "missing_units": []}
    assert {r["status"] for r in hub.json("reporting", "--period", "2025")} == {"submitted"}
    # … and the marks reach the province with the hub's next bundle.
    [r] = province.json("import", str(hub.export(mail / "372-2.lhtl")))
    assert r["status"] == "accepted"
    at_province = by_target(province.json("evaluate", "--period", "2025", "--scope", "372"))
    assert at_province["LIB_COMM_LLL"]["status"] == "met"
    assert by_target(province.json("evaluate", "--period", "2025"))["LIB_COMM_LLL"]["status"] == "incomplete"
    paper = {r["unit"]: r for r in province.json("reporting", "--period", "2025", "--scope", "372")}
    assert paper["14428"]["status"] == "submitted" and paper["14428"]["submitted_by"] == "Lê Văn Cụm"
    assert paper[GIA_LAM]["submitted_by"] == "Nguyễn Văn Gia Lâm"


def check_xlsx(path: Path, late: bool) -> None:
    wb = load_workbook(path)
    targets = wb[TARGETS]
    statuses = {targets.cell(row=r, column=2).value: targets.cell(row=r, column=10).value
                for r in range(4, targets.max_row + 1) if targets.cell(row=r, column=2).value}
    assert len(statuses) == 11 and set(statuses.values()) == {"Chưa đủ đơn vị báo cáo"}
    units = wb[UNITS]
    head = {units.cell(row=3, column=c).value: c for c in range(1, units.max_column + 1)}
    done_col, due_col = head["Đã nộp"], head["Phải báo cáo"]
    per_unit = {units.cell(row=r, column=2).value: (units.cell(row=r, column=done_col).value,
                                                    units.cell(row=r, column=due_col).value)
                for r in range(4, 12)}
    assert per_unit == {GIA_LAM: (1, 1), GIA_TUONG: (1, 1), **{u: (0, 1) for u in [CUC_PHUONG, *SILENT]}}
    sheet = wb[NOT_REPORTED]
    rows = [[sheet.cell(row=r, column=c).value for c in range(1, 8)] for r in range(4, sheet.max_row + 1)]
    assert [r[1] for r in rows] == [*SILENT, CUC_PHUONG]
    assert rows[-1][2] == "Xã Cúc Phương" and rows[-1][4] == "Có số liệu, chưa nộp" and rows[0][4] == "Chưa báo cáo"
    assert {r[5].date() for r in rows} == {DEADLINE}
    assert {r[6] for r in rows} == {"Quá hạn" if late else "Chưa đến hạn"}
    assert "Đã nộp 2/8 đơn vị (3 có số liệu); chưa nộp: 6" in str(sheet.cell(row=2, column=1).value)


def check_pdf(path: Path, late: bool) -> None:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    flat = " ".join(text.split())
    assert "Tình hình báo cáo: Đã nộp 2/8 đơn vị (3 có số liệu); chưa nộp: 6; hạn nộp 15/12/2025." in flat
    assert "Đạt" not in text and "Đúng tiến độ" not in text  # no target judged without full coverage
    assert flat.count("Chưa đủ đơn vị báo cáo") >= 11
    section = flat[flat.index("Đơn vị chưa báo cáo"):]
    for name in ("Xã Phú Sơn", "Xã Nho Quan", "Xã Thanh Sơn", "Xã Quỳnh Lưu", "Xã Phú Long", "Xã Cúc Phương"):
        assert name in section
    assert "Xã Gia Lâm" not in section and "Xã Gia Tường" not in section
    assert section.count("15/12/2025") == 6
    assert section.count("Quá hạn" if late else "Chưa đến hạn") >= 6


def test_inbox_names_the_highest_number_as_the_last_bundle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """«gói cuối» is the highest number received, not the last file to arrive: 1, 2, 5 then a late 3 → 5,
    missing 4."""
    mail = tmp_path / "usb"
    mail.mkdir()
    hub = make_site(tmp_path, capsys, "372", "Lê Văn Cụm")
    c1 = make_site(tmp_path, capsys, GIA_LAM, "Nguyễn Văn Gia Lâm")
    enrol(hub, c1, mail)
    lib = c1.add("lib_commune", "Thư viện xã Gia Lâm")
    files = []
    for n in range(1, 6):
        c1.ok("set", "--institution", lib, "--period", "2025", f"LIB_VISITS={1000 + n}")
        files.append(c1.export(mail / f"{GIA_LAM}-{n}.lhtl"))
    for n in (1, 2, 5, 3):
        [r] = hub.json("import", str(files[n - 1]))
        assert r["status"] in ("accepted",), r
    [row] = hub.json("inbox")
    assert (row["last_seq"], row["missing"]) == (5, [[4, 4]])  # gaps as ranges
    assert row["last_file"] == f"{GIA_LAM}-5.lhtl"
    text = hub.ok("inbox")
    assert "gói cuối số 5" in text and "thiếu gói số 4" in text
    assert json.loads(json.dumps(row))  # plain JSON
