"""The Excel workbook read back with openpyxl: same numbers as evaluate(), formulas that recompute to them,
frozen headers and a page setup ready to print."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from lhtl_desktop.services import reports
from lhtl_desktop.services.evaluation import evaluate
from lhtl_desktop.services.reports.xlsx import COVER, MISSING, NOT_REPORTED, TARGETS, UNITS, VALUES
from lhtl_desktop.storage import Store
from tests.reports.data import GIA_LAM, HUB_NHO_QUAN, Built

CELL = r"([A-Z]+)(\d+)"
SHARE = re.compile(r'^=IF\(AND\(ISNUMBER\(E(\d+)\),ISNUMBER\(F\1\),F\1>0\),E\1/F\1\*100,""\)$')
GROWTH = re.compile(r'^=IF\(AND\(ISNUMBER\(E(\d+)\),ISNUMBER\(F\1\),F\1>0\),\(E\1/F\1-1\)\*100,""\)$')
SUM = re.compile(rf"^=SUM\({CELL}:{CELL}\)$")
REF = re.compile(rf"^='((?:[^']|'')+)'!{CELL}$")


def cell_value(wb: Workbook, sheet: str, ref: str) -> Any:
    """Evaluate the few formula shapes the workbook uses, from the cells themselves (as Excel would)."""
    raw = wb[sheet][ref].value
    if not isinstance(raw, str) or not raw.startswith("="):
        return raw
    if m := REF.match(raw):
        return cell_value(wb, m.group(1).replace("''", "'"), m.group(2) + m.group(3))
    if m := SUM.match(raw):
        col1, r1, col2, r2 = m.groups()
        assert col1 == col2
        values = [cell_value(wb, sheet, f"{col1}{r}") for r in range(int(r1), int(r2) + 1)]
        return sum(v for v in values if isinstance(v, int | float))
    for pattern, fn in ((SHARE, lambda e, f: e / f * 100), (GROWTH, lambda e, f: (e / f - 1) * 100)):
        if m := pattern.match(raw):
            row = m.group(1)
            e, f = cell_value(wb, sheet, f"E{row}"), cell_value(wb, sheet, f"F{row}")
            if isinstance(e, int | float) and isinstance(f, int | float) and f > 0:
                return fn(e, f)
            return ""
    raise AssertionError(f"unexpected formula {raw!r} in {sheet}!{ref}")


@pytest.mark.parametrize("scope", ["37", HUB_NHO_QUAN, GIA_LAM])
def test_targets_are_formulas_that_recompute_to_evaluate(province: Built, store: Store, tmp_path: Path,
                                                         scope: str) -> None:
    out = tmp_path / f"so-lieu-{scope}.xlsx"
    report = reports.write_report(store, 2025, scope, out)
    wb = load_workbook(out)
    assert wb.sheetnames == [COVER, TARGETS, UNITS, VALUES, MISSING, NOT_REPORTED]
    ws = wb[TARGETS]
    ev = evaluate(store, 2025, scope)
    for n, r in enumerate(ev.results, 1):
        row = 3 + n
        assert ws[f"B{row}"].value == r.target
        assert isinstance(ws[f"G{row}"].value, str) and ws[f"G{row}"].value.startswith("=IF(")
        num, den, value = (cell_value(wb, TARGETS, f"{c}{row}") for c in "EFG")
        assert num == r.numerator and den == r.denominator, r.target
        if r.value is None:
            assert value == "", r.target
        else:
            assert value == pytest.approx(r.value, abs=1e-9), r.target
        assert ws[f"H{row}"].value == r.threshold
        assert ws[f"J{row}"].value == r.status.label
        assert ws[f"K{row}"].value == len(r.missing)
        assert ws[f"E{row}"].number_format == "#,##0" and ws[f"G{row}"].number_format == "0.0"
    # the total row of the per-unit sheet is a SUM over the rows, equal to the report's totals
    units = wb[UNITS]
    total_row = 4 + len(report.units)
    assert units[f"C{total_row}"].value == "Tổng cộng"
    assert cell_value(wb, UNITS, f"D{total_row}") == report.total.institutions
    cover = wb[COVER]
    texts = [c.value for row in cover.iter_rows() for c in row if c.value]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts and "Độc lập - Tự do - Hạnh phúc" in texts
    assert report.code in texts and report.fingerprint in texts


def test_changing_a_count_changes_the_result_like_excel_would(province: Built, store: Store,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "audit.xlsx"
    reports.write_report(store, 2025, None, out)
    wb = load_workbook(out)
    ws = wb[TARGETS]
    row = next(r for r in range(4, 15) if ws[f"B{r}"].value == "LIB_COMM_LLL")
    before = cell_value(wb, TARGETS, f"G{row}")
    assert before == pytest.approx(200 / 3)
    num_ref = ws[f"E{row}"].value
    m = REF.match(num_ref)
    assert m
    col = m.group(2)
    units = wb[UNITS]
    first_data = next(r for r in range(4, 40) if isinstance(units[f"{col}{r}"].value, int) and units[f"{col}{r}"].value)
    units[f"{col}{first_data}"].value += 1
    assert cell_value(wb, TARGETS, f"G{row}") == pytest.approx(300 / 3)


def test_sheets_have_vietnamese_headers_frozen_rows_and_print_setup(province: Built, store: Store,
                                                                   tmp_path: Path) -> None:
    out = tmp_path / "in.xlsx"
    reports.write_report(store, 2025, None, out)
    wb = load_workbook(out)
    expected = {COVER: (None, "1:1"), TARGETS: ("D4", "3:3"), UNITS: ("D4", "2:3"), VALUES: ("E3", "2:2"),
                MISSING: ("A3", "2:2")}
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
