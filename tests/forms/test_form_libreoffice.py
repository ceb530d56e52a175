"""A real spreadsheet program keeps the return form readable: LibreOffice (headless, private profile) saves a
filled form as its own .ods and back to .xlsx, and the program imports what LibreOffice wrote."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lhtl_desktop.services import entry
from lhtl_desktop.services.forms import export_forms
from lhtl_desktop.services.forms.importer import import_forms
from tests.forms.support import GIA_LAM, fill, hub_store

SOFFICE = shutil.which("soffice")
pytestmark = [pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-calc-nogui) is not installed"),
              pytest.mark.slow]


def _convert(src: Path, fmt: str, out_dir: Path, profile: Path) -> Path:
    out_dir.mkdir(exist_ok=True)
    subprocess.run([SOFFICE or "soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                    "--convert-to", fmt, "--outdir", str(out_dir), str(src)],
                   check=True, capture_output=True, timeout=180)
    return out_dir / (src.stem + "." + fmt.split(":")[0])


def test_form_saved_by_libreoffice_imports(tmp_path: Path) -> None:
    store, ids = hub_store(tmp_path / "hub.sqlite3")
    form = export_forms(store, GIA_LAM, "2025", tmp_path / "bieu.xlsx")[0]
    filled = fill(form, tmp_path / "bieu-xa.xlsx", "Thư viện",
                  {"Thư viện xã Gia Lâm": {"LIB_VISITS": 1500, "LIB_READERS": 260, "LIB_DIGITAL_SERVICE": 0}})
    filled = fill(filled, filled, "Văn hóa, nhà văn hóa", {"Nhà văn hóa thôn Đông": {"CC_ACTIVITIES": 12}},
                  [{"type": "Nhà văn hóa – khu thể thao thôn, tổ dân phố", "name": "Nhà văn hóa thôn Bắc",
                    "village": "Thôn Bắc", "CC_CLUBS": 2}])
    profile = tmp_path / "lo-profile"
    ods = _convert(filled, "ods", tmp_path / "ods", profile)
    back = _convert(ods, "xlsx", tmp_path / "xlsx", profile)

    wb = load_workbook(back)  # what LibreOffice wrote keeps the hidden keys, protection and validation
    assert wb["_lhtl"].sheet_state == "hidden"
    ws = wb["Thư viện"]
    assert ws.column_dimensions["A"].hidden and ws.row_dimensions[3].hidden and ws.protection.sheet
    assert any(dv.type == "whole" for dv in ws.data_validations.dataValidation)

    result = import_forms(store, [back])[0]
    assert result.status == "accepted", (result.reason, result.errors)
    assert (result.new, result.institutions_new) == (5, 1)
    got = {k: cv.value for k, cv in entry.get_values(store, ids["lib"], "2025").items()}
    assert got == {"LIB_VISITS": 1500, "LIB_READERS": 260, "LIB_DIGITAL_SERVICE": 0}
    new = [i for i in store.institutions([GIA_LAM]) if i.village == "Thôn Bắc"]
    assert [i.name for i in new] == ["Nhà văn hóa thôn Bắc"]
    assert entry.get_values(store, new[0].id, "2025")["CC_CLUBS"].value == 2


SYSTEM_PYTHON = "/usr/bin/python3"


def _has_uno() -> bool:
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


@pytest.mark.skipif(not Path(SYSTEM_PYTHON).exists() or not _has_uno(), reason="python3-uno is not installed")
def test_form_filled_inside_libreoffice_imports(tmp_path: Path) -> None:
    """LibreOffice itself types the values (UNO, by the visible headings and names) and saves the .xlsx."""
    import json

    from tests.forms.support import heading

    store, ids = hub_store(tmp_path / "hub.sqlite3")
    form = export_forms(store, GIA_LAM, "2025", tmp_path / "bieu.xlsx")[0]
    spec = {
        "rows": {"Thư viện": {"Thư viện xã Gia Lâm": {heading("LIB_VISITS"): 1777, heading("LIB_READING_EVENTS"): 4}},
                 "Văn hóa, nhà văn hóa": {"Nhà văn hóa thôn Đông": {heading("CC_ACTIVITIES"): 15}}},
        "new": [{"sheet": "Văn hóa, nhà văn hóa", "type": "Nhà văn hóa – khu thể thao thôn, tổ dân phố",
                 "name": "Nhà văn hóa thôn Nam", "village": "Thôn Nam", "values": {heading("CC_CLUBS"): 3}}],
    }
    out = tmp_path / "lo-da-dien.xlsx"
    script = Path(__file__).with_name("lo_fill.py")
    subprocess.run([SYSTEM_PYTHON, str(script), SOFFICE or "soffice", str(tmp_path / "lo-profile"), str(form),
                    str(out)], input=json.dumps(spec), text=True, check=True, timeout=240, capture_output=True)
    result = import_forms(store, [out])[0]
    assert result.status == "accepted", (result.reason, result.errors)
    assert (result.new, result.institutions_new) == (4, 1)
    assert entry.get_values(store, ids["lib"], "2025")["LIB_VISITS"].value == 1777
    assert entry.get_values(store, ids["vh1"], "2025")["CC_ACTIVITIES"].value == 15
    [new] = [i for i in store.institutions([GIA_LAM]) if i.village == "Thôn Nam"]
    assert new.name == "Nhà văn hóa thôn Nam" and new.type == "village_house"
    assert entry.get_values(store, new.id, "2025")["CC_CLUBS"].value == 3

    # A formula typed in LibreOffice: refused with its address, unless the officer accepts the computed value.
    spec = {"rows": {"Thư viện": {"Thư viện xã Gia Lâm": {heading("LIB_VISITS"): 1800,
                                                          heading("LIB_READERS"): "=100+25"}}}}
    formula = tmp_path / "cong-thuc.xlsx"
    subprocess.run([SYSTEM_PYTHON, str(script), SOFFICE or "soffice", str(tmp_path / "lo-profile"), str(form),
                    str(formula)], input=json.dumps(spec), text=True, check=True, timeout=240, capture_output=True)
    refused = import_forms(store, [formula])[0]
    assert refused.status == "rejected"
    assert [(e.sheet, e.cell) for e in refused.errors] == [("Thư viện", "H6")]
    accepted = import_forms(store, [formula], use_cached=True)[0]
    assert accepted.status == "accepted", accepted.errors
    assert entry.get_values(store, ids["lib"], "2025")["LIB_READERS"].value == 125
