"""Helpers for the return form tests: a hub and a commune built through the services and the CLI, and filling
an exported form the way a person does — by the labels they see, never by the hidden machine keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from lhtl_desktop.model.catalogue import INDICATORS_BY_CODE
from lhtl_desktop.services import entry, institutions
from lhtl_desktop.services.installation import init_installation
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.sync.keys import generate_key

GIA_LAM, GIA_TUONG, HUB = "14389", "14401", "372"


def hub_store(path: Path) -> tuple[Store, dict[str, str]]:
    """Hub 372 (Nho Quan cũ) with Gia Lâm's library, centre and one village house, and 2024 values."""
    store = open_store(path)
    init_installation(store, HUB, "Phạm Thị Hoa", generate_key(None))
    ids = {
        "lib": institutions.add_institution(store, GIA_LAM, "lib_commune", "Thư viện xã Gia Lâm").id,
        "cc": institutions.add_institution(store, GIA_LAM, "cc_commune", "Trung tâm Văn hóa – Thể thao xã Gia Lâm").id,
        "vh1": institutions.add_institution(store, GIA_LAM, "village_house", "Nhà văn hóa thôn Đông", "Thôn Đông").id,
        "gt": institutions.add_institution(store, GIA_TUONG, "lib_commune", "Thư viện xã Gia Tường").id,
    }
    entry.set_values(store, ids["lib"], "2024", {"LIB_VISITS": 1100, "LIB_READERS": 240}, why="Báo cáo giấy 2024")
    entry.set_values(store, ids["cc"], "2024", {"CC_CLUBS": 2, "CC_ACTIVITIES": 12}, why="Báo cáo giấy 2024")
    return store, ids


def label_columns(ws: Worksheet, header_row: int = 4, sub_row: int = 5) -> dict[str, int]:
    """Visible header text → column: «Tên thiết chế», and «<indicator label> (<unit>)» for this period's column."""
    out: dict[str, int] = {}
    for cell in ws[header_row]:
        if isinstance(cell.value, str) and not ws.column_dimensions[cell.column_letter].hidden:
            out[cell.value] = cell.column
    return out


def row_of(ws: Worksheet, name: str, name_col: int) -> int:
    for row in range(6, ws.max_row + 1):
        if ws.cell(row=row, column=name_col).value == name:
            return row
    raise AssertionError(f"no row named {name!r}")


def first_empty_row(ws: Worksheet, name_col: int, type_col: int) -> int:
    for row in range(6, ws.max_row + 1):
        stt = ws.cell(row=row, column=name_col - 2).value
        if stt and ws.cell(row=row, column=name_col).value is None and ws.cell(row=row, column=type_col).value is None:
            return row
    raise AssertionError("no empty row")


def heading(code: str) -> str:
    ind = INDICATORS_BY_CODE[code]
    return f"{ind.label} ({ind.unit})"


def fill(path: Path, out: Path, sheet: str, rows: dict[str, dict[str, Any]],
         new_rows: list[dict[str, Any]] | None = None) -> Path:
    """Fill `sheet` of the form at `path` by visible labels. rows: institution name → {CODE or label: value};
    new_rows: {"type": label, "name": ..., "village": ..., CODE: value} typed into empty rows."""
    wb = load_workbook(path)
    ws = wb[sheet]
    cols = label_columns(ws)
    name_col, type_col, village_col = cols["Tên thiết chế"], cols["Loại thiết chế"], cols["Thôn, tổ dân phố"]
    for name, values in rows.items():
        row = row_of(ws, name, name_col)
        for code, value in values.items():
            ws.cell(row=row, column=cols[heading(code)], value=value)
    for new in new_rows or []:
        row = first_empty_row(ws, name_col, type_col)
        ws.cell(row=row, column=type_col, value=new["type"])
        # The name and village cells are formatted as text («@»): what is typed there is kept as text, even a
        # leading «=», as Excel and LibreOffice do.
        for col, key in ((name_col, "name"), (village_col, "village")):
            if new.get(key):
                cell = ws.cell(row=row, column=col)
                cell.value = new[key]
                cell.data_type = "s"
        for code, value in new.items():
            if code not in ("type", "name", "village"):
                ws.cell(row=row, column=cols[heading(code)], value=value)
    wb.save(out)
    return out
