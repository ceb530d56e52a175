"""The Excel workbook read back with openpyxl: same numbers as evaluate(), formulas that recompute to them,
frozen headers and a page setup ready to print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lhtl_desktop.services import reports
from lhtl_desktop.services.evaluation import evaluate
from lhtl_desktop.services.reports.xlsx import (
    COVER,
    MISSING,
    NOT_REPORTED,
    PARAMETERS,
    TARGETS,
    UNITS,
    VALUES,
)
from lhtl_desktop.storage import Store
from tests.reports.data import GIA_LAM, HUB_NHO_QUAN, Built

REF = re.compile(r"^='((?:[^']|'')+)'!([A-Z]+)(\d+)$")


@pytest.mark.parametrize("scope", ["37", HUB_NHO_QUAN, GIA_LAM])
def test_targets_sheet_is_formulas_over_the_workbooks_own_cells(province: Built, store: Store, tmp_path: Path,
                                                               scope: str) -> None:
    """Structure read back with openpyxl (the numbers the formulas give are checked by LibreOffice in
    test_xlsx_libreoffice.py): every judgement is a formula, thresholds are plain cells."""
    out = tmp_path / f"so-lieu-{scope}.xlsx"
    report = reports.write_report(store, 2025, scope, out)
    wb = load_workbook(out)
    assert wb.sheetnames == [COVER, TARGETS, UNITS, VALUES, MISSING, NOT_REPORTED, PARAMETERS]
    ws = wb[TARGETS]
    ev = evaluate(store, 2025, scope)
    total_row = 4 + len(report.units)
    for n, r in enumerate(ev.results, 1):
        row = 3 + n
        assert ws[f"B{row}"].value == r.target
        for col in "EF":
            m = REF.match(ws[f"{col}{row}"].value)
            assert m and m.group(1) == UNITS and int(m.group(3)) == total_row, (r.target, col)
        for col in "GJN":
            assert str(ws[f"{col}{row}"].value).startswith("=IF("), (r.target, col)
        assert ws[f"H{row}"].value == r.threshold  # the threshold is an input cell
        if r.kind == "share":
            assert str(ws[f"K{row}"].value).startswith("=COUNTIFS("), r.target
        assert ws[f"E{row}"].number_format == "#,##0" and ws[f"G{row}"].number_format == "0.0"
    units = wb[UNITS]
    assert units[f"C{total_row}"].value == "Tổng cộng"
    assert str(units["D4"].value).startswith("=COUNTIFS(") and str(units["F4"].value).startswith("=")
    assert units[f"D{total_row}"].value == f"=SUM(D4:D{total_row - 1})"
    values = wb[VALUES]
    header = [c.value for c in values[2]]
    crit = header.index("Tiêu chí học tập suốt đời") + 1
    assert all(str(values.cell(row=r, column=crit).value).startswith("=IF(COUNT(")
               for r in range(3, 3 + len(report.institutions)))
    cover = wb[COVER]
    texts = [c.value for row in cover.iter_rows() for c in row if c.value]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts and "Độc lập - Tự do - Hạnh phúc" in texts
    assert report.code in texts and report.fingerprint in texts
    assert "Nơi nhận:" in texts and any(str(t).startswith("Số:") for t in texts)


def test_wrapped_rows_have_heights_and_the_cover_has_no_page_number(province: Built, store: Store,
                                                                   tmp_path: Path) -> None:
    out = tmp_path / "h.xlsx"
    reports.write_report(store, 2025, None, out)
    wb = load_workbook(out)
    targets = wb[TARGETS]
    assert targets.row_dimensions[3].height and targets.row_dimensions[3].height >= 3 * 15  # «Số thiết chế thiếu…»
    school = next(r for r in range(4, 15) if targets[f"B{r}"].value == "LIB_SCHOOL_LLL")
    assert (targets.row_dimensions[school].height or 0) >= 2 * 15  # the long label wraps onto two lines
    values = wb[VALUES]
    house = next(r for r in range(3, values.max_row + 1) if values[f"E{r}"].value ==
                 "Nhà văn hóa – khu thể thao thôn, tổ dân phố")
    assert (values.row_dimensions[house].height or 0) >= 2 * 15
    assert wb[UNITS].row_dimensions[2].height >= 3 * 15
    assert not wb[COVER].oddHeader.center.text  # NĐ 30: no number on the first page
    assert wb[TARGETS].oddHeader.center.text == "&P"


def test_sheets_have_vietnamese_headers_frozen_rows_and_print_setup(province: Built, store: Store,
                                                                   tmp_path: Path) -> None:
    out = tmp_path / "in.xlsx"
    reports.write_report(store, 2025, None, out)
    wb = load_workbook(out)
    expected = {COVER: (None, "1:1"), TARGETS: ("D4", "3:3"), UNITS: ("D4", "2:3"), VALUES: ("E3", "2:2"),
                MISSING: ("A3", "2:2"), NOT_REPORTED: ("A4", "3:3"), PARAMETERS: (None, "3:3")}
    for name, (freeze, titles) in expected.items():
        ws = wb[name]
        assert ws.freeze_panes == freeze, name
        assert ws.page_setup.paperSize == 9, name  # A4
        assert ws.page_setup.orientation == ("portrait" if name == COVER else "landscape"), name
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, name
        assert ws.print_title_rows == "$" + titles.replace(":", ":$"), name
    assert wb[TARGETS]["C3"].value == "Chỉ tiêu" and wb[TARGETS]["E3"].value == "Tử số"
    assert wb[UNITS]["C2"].value == "Cụm tổng hợp (huyện cũ)"
    assert wb[VALUES]["F2"].value == "Lượt người sử dụng thư viện"


def test_institution_values_sheet_has_every_value_and_marks_conflicts(province: Built, store: Store,
                                                                      tmp_path: Path) -> None:
    out = tmp_path / "tc.xlsx"
    report = reports.write_report(store, 2025, None, out)
    ws = load_workbook(out)[VALUES]
    header = [c.value for c in ws[2]]
    rows = {r[3]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert len(rows) == len(report.institutions)
    for inst in report.institutions:
        row = rows[inst.name]
        for code, value in inst.values.items():
            from lhtl_desktop.model.catalogue import INDICATORS_BY_CODE

            assert row[header.index(INDICATORS_BY_CODE[code].label)] == value
    gia_lam = rows["Thư viện xã Gia Lâm"]
    assert gia_lam[header.index("Ghi chú")] == "⚠ xung đột: LIB_VISITS"
    missing = load_workbook(out)[MISSING]
    names = {r[3] for r in missing.iter_rows(min_row=3, values_only=True)}
    assert names == {m.name for m in report.missing}


def test_while_a_unit_has_not_reported_no_status_in_the_workbook_reads_met(province: Built, store: Store,
                                                                          tmp_path: Path) -> None:
    """Coverage is a fact the figures cannot tell: with Gia Lâm's report reopened, every status cell of
    «Chỉ tiêu» is the text «Chưa đủ đơn vị báo cáo» (not a formula that would judge the values alone), the
    counts of who reported are cells under the table, and «Chưa báo cáo» lists Gia Lâm."""
    from lhtl_desktop.services import reporting

    complete = tmp_path / "du.xlsx"
    report = reports.write_report(store, 2025, None, complete)
    assert report.coverage is not None and report.coverage.complete
    ws = load_workbook(complete)[TARGETS]
    cov_row = 4 + len(report.targets) + 1
    expected = report.coverage.expected
    assert (ws[f"E{cov_row}"].value, ws[f"F{cov_row}"].value) == (expected, expected)
    judged = [ws[f"J{r}"].value for r in range(4, 4 + len(report.targets))]
    assert all(str(v).startswith(f'=IF($E${cov_row}<$F${cov_row},"Chưa đủ đơn vị báo cáo",') for v in judged
               if str(v).startswith("="))

    reporting.reopen(store, "2025", unit=GIA_LAM)
    short = tmp_path / "thieu.xlsx"
    report = reports.write_report(store, 2025, None, short)
    wb = load_workbook(short)
    ws = wb[TARGETS]
    cells = [ws[f"J{r}"] for r in range(4, 4 + len(report.targets))]
    assert [c.value for c in cells] == ["Chưa đủ đơn vị báo cáo"] * 11
    assert all(c.data_type == "s" for c in cells)
    assert (ws[f"E{cov_row}"].value, ws[f"F{cov_row}"].value) == (expected - 1, expected)
    missing = wb[NOT_REPORTED]
    assert [missing.cell(row=r, column=2).value for r in range(4, missing.max_row + 1)] == [GIA_LAM]


def test_the_parameters_sheet_carries_the_provinces_numbers(province: Built, store: Store, tmp_path: Path) -> None:
    """The criterion formulas read «Tham số»: with the province's rules asking 10 activities a year (not 12),
    the workbook judges with 10, as the evaluation does."""
    from lhtl_desktop.services import config

    out = tmp_path / "mac-dinh.xlsx"
    reports.write_report(store, 2025, None, out)
    params = load_workbook(out)[PARAMETERS]
    assert [params.cell(row=r, column=3).value for r in range(4, 9)] == [1, 1, 1, 1, 12]
    config.set_criterion_param(store, "CC_LLL", "min_activities", "10")
    reports.write_report(store, 2025, None, out)
    params = load_workbook(out)[PARAMETERS]
    assert [params.cell(row=r, column=3).value for r in range(4, 9)] == [1, 1, 1, 1, 10]
