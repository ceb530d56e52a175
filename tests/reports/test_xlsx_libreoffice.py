"""The workbook judges itself, checked with a real spreadsheet: LibreOffice recalculates every formula, and
the values it computes are `evaluate`'s (and the numbers worked out by hand from tests/reports/data.py);
after a figure or a threshold is changed in the workbook, the status follows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from lhtl_desktop.model.catalogue import INDICATORS_BY_CODE
from lhtl_desktop.services import reports
from lhtl_desktop.services.evaluation import evaluate
from lhtl_desktop.services.reports.sheet import criterion_word
from lhtl_desktop.services.reports.xlsx import TARGETS, UNITS, VALUES
from lhtl_desktop.storage import Store
from tests.reports.data import GIA_LAM, HUB_NHO_QUAN, Built
from tests.reports.libreoffice import make_profile, needs_libreoffice, recalculated

pytestmark = [needs_libreoffice, pytest.mark.slow]


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_profile(tmp_path_factory.mktemp("lo-profile"))


def blank(x: Any) -> Any:
    return None if x == "" else x


def rows_by_code(ws: Any) -> dict[str, dict[str, Any]]:
    out = {}
    for r in range(4, ws.max_row + 1):
        code = ws[f"B{r}"].value
        if code:
            out[code] = {c: blank(ws[f"{c}{r}"].value) for c in "EFGHJKMN"}
    return out


# By hand from data.py, province 37, 2025 (numerator, denominator, result %, status, missing):
BY_HAND = {
    "LIB_PROV_LLL": (1, 1, 100.0, "Đạt", 0),                   # skill classes 24
    "LIB_DIST_LLL": (0, 1, 0.0, "Chậm tiến độ", 0),            # reading 0, skills 0; 2025 is a milestone
    "LIB_COMM_LLL": (2, 3, 200 / 3, "Đạt", 1),                 # Gia Lâm, Gia Tường meet; Tam Điệp no data
    "LIB_UNIV_LLL": (0, 0, None, "Không áp dụng", 0),
    "LIB_ARMED_LLL": (0, 0, None, "Không áp dụng", 0),
    "LIB_SCHOOL_LLL": (0, 1, 0.0, "Chậm tiến độ", 0),          # digital service recorded as 0
    "MUS_EDU_DIGITAL": (1, 1, 100.0, "Đạt", 0),                # 4 programmes, 2 digital exhibits
    "CC_COMMUNE_ACTIVE": (1, 2, 50.0, "Chậm tiến độ", 1),      # Gia Lâm 2 clubs 14 activities; Gia Tường none
    "CC_VILLAGE_ACTIVE": (1, 2, 50.0, "Chậm tiến độ", 0),      # Đồng Giao 1 club 12 activities; Bãi Sậy 5
    "LIB_VISITS_GROWTH": (133500 + 16250 + 1234 + 950 + 3456, 120000 + 15000 + 1100 + 800 + 2300,
                          ((133500 + 16250 + 1234 + 950 + 3456) / (120000 + 15000 + 1100 + 800 + 2300) - 1) * 100,
                          "Đạt", 2),
    "MUS_LEARNING_GROWTH": (9100, 8000, (9100 / 8000 - 1) * 100, "Đạt", 0),
}


@pytest.mark.parametrize("scope", ["37", HUB_NHO_QUAN, GIA_LAM])
def test_libreoffice_computes_what_evaluate_computes(province: Built, store: Store, tmp_path: Path,
                                                     profile: Path, scope: str) -> None:
    src = tmp_path / f"so-lieu-{scope}.xlsx"
    report = reports.write_report(store, 2025, scope, src)
    wb = load_workbook(recalculated(src, profile, tmp_path / "lo"), data_only=True)
    got = rows_by_code(wb[TARGETS])
    for r in evaluate(store, 2025, scope).results:
        row = got[r.target]
        assert (row["E"], row["F"]) == (r.numerator, r.denominator), r.target
        if r.value is None:
            assert row["G"] is None, r.target
        else:
            assert row["G"] == pytest.approx(r.value, rel=1e-12), r.target
        assert row["J"] == r.status.label, r.target
        assert row["N"] == ("Có" if r.met else "Không"), r.target
        assert row["K"] == len(r.missing), r.target
        if scope == "37":
            num, den, value, status, missing = BY_HAND[r.target]
            assert (row["E"], row["F"], row["J"], row["K"]) == (num, den, status, missing), r.target
            assert row["G"] == (None if value is None else pytest.approx(value, rel=1e-12)), r.target
    # the per-unit table: every count the program printed, now computed by the sheet
    units = wb[UNITS]
    heads = {units.cell(row=2, column=c).value: c for c in range(1, units.max_column + 1)}
    for k, u in enumerate([*report.units, report.total]):
        row = 4 + k
        assert units.cell(row=row, column=4).value == u.institutions, u.code
        for t in report.targets:
            col = next(c for h, c in heads.items() if h and h.endswith(f"({t.code})"))
            pair = (blank(units.cell(row=row, column=col).value), blank(units.cell(row=row, column=col + 1).value))
            num, den = u.counts[t.code]
            assert pair == (num, den), (u.code, t.code)
    # each institution's criterion
    values = wb[VALUES]
    header = [c.value for c in values[2]]
    crit = header.index("Tiêu chí học tập suốt đời")
    words = {row[3]: row[crit] for row in values.iter_rows(min_row=3, values_only=True) if row[3]}
    for inst in report.institutions:
        assert words[inst.name] == criterion_word(inst.meets), inst.name


def test_changing_a_figure_or_a_threshold_in_the_workbook_changes_the_judgement(
        province: Built, store: Store, tmp_path: Path, profile: Path) -> None:
    src = tmp_path / "tinh.xlsx"
    reports.write_report(store, 2025, None, src)
    wb = load_workbook(src)
    values = wb[VALUES]
    header = [c.value for c in values[2]]
    col = {code: header.index(INDICATORS_BY_CODE[code].label) + 1 for code in ("CC_CLUBS", "CC_ACTIVITIES")}
    row = next(r for r in range(3, values.max_row + 1)
               if values.cell(row=r, column=4).value == "Trung tâm Văn hóa – Thể thao xã Gia Tường")
    values.cell(row=row, column=col["CC_CLUBS"]).value = 1  # the centre that had sent nothing now reports
    values.cell(row=row, column=col["CC_ACTIVITIES"]).value = 12
    targets = wb[TARGETS]
    thresholds = {targets[f"B{r}"].value: r for r in range(4, 15)}
    targets[f"H{thresholds['LIB_COMM_LLL']}"].value = 70  # 66,7 % no longer reaches it (2025 is a milestone)
    targets[f"H{thresholds['LIB_VISITS_GROWTH']}"].value = 12  # 11,6 %/year no longer reaches it
    changed = tmp_path / "sua" / "tinh.xlsx"
    changed.parent.mkdir()
    wb.save(changed)

    after = load_workbook(recalculated(changed, profile, tmp_path / "lo"), data_only=True)
    got = rows_by_code(after[TARGETS])
    assert (got["CC_COMMUNE_ACTIVE"]["E"], got["CC_COMMUNE_ACTIVE"]["F"]) == (2, 2)
    assert got["CC_COMMUNE_ACTIVE"]["G"] == 100.0 and got["CC_COMMUNE_ACTIVE"]["K"] == 0
    assert got["CC_COMMUNE_ACTIVE"]["J"] == "Đạt" and got["CC_COMMUNE_ACTIVE"]["N"] == "Có"  # was «Chậm tiến độ»
    assert got["LIB_COMM_LLL"]["J"] == "Chậm tiến độ" and got["LIB_COMM_LLL"]["N"] == "Không"  # was «Đạt»
    assert got["LIB_VISITS_GROWTH"]["J"] == "Chậm tiến độ"  # was «Đạt»
    assert got["MUS_EDU_DIGITAL"]["J"] == "Đạt"  # untouched
    crit = [c.value for c in after[VALUES][2]].index("Tiêu chí học tập suốt đời") + 1
    assert after[VALUES].cell(row=row, column=crit).value == "Đạt"  # was «Thiếu số liệu»
    units = after[UNITS]
    hub = next(r for r in range(4, units.max_row + 1) if units[f"B{r}"].value == HUB_NHO_QUAN)
    heads = {units.cell(row=2, column=c).value: c for c in range(1, units.max_column + 1)}
    cc = next(c for h, c in heads.items() if h and h.endswith("(CC_COMMUNE_ACTIVE)"))
    assert (units.cell(row=hub, column=cc).value, units.cell(row=hub, column=cc + 1).value) == (2, 2)


def test_an_institution_closed_in_the_year_still_counts_in_last_years_growth_sum(
        province: Built, store: Store, tmp_path: Path, profile: Path) -> None:
    """Phòng đọc phường Tam Điệp closed in 2025: out of the 2025 share (2 of 2 commune libraries now), but its
    2.300 visits of 2024 stay in V_2024 — in the workbook's own formulas as in `evaluate`."""
    from lhtl_desktop.services import institutions

    institutions.close_institution(store, province.ids["lib_td"], 2025)
    src = tmp_path / "tinh.xlsx"
    reports.write_report(store, 2025, None, src)
    wb = load_workbook(recalculated(src, profile, tmp_path / "lo"), data_only=True)
    got = rows_by_code(wb[TARGETS])
    assert (got["LIB_COMM_LLL"]["E"], got["LIB_COMM_LLL"]["F"], got["LIB_COMM_LLL"]["K"]) == (2, 2, 0)
    assert got["LIB_VISITS_GROWTH"]["F"] == 120000 + 15000 + 1100 + 800 + 2300
    for r in evaluate(store, 2025, None).results:
        assert (got[r.target]["E"], got[r.target]["F"], got[r.target]["J"]) == (r.numerator, r.denominator,
                                                                                r.status.label), r.target
    values = wb[VALUES]
    closed = next(row for row in values.iter_rows(min_row=3, values_only=True) if row[3] == "Phòng đọc phường Tam Điệp")
    header = [c.value for c in values[2]]
    assert closed[header.index("Hoạt động năm 2025")] == "Không"
