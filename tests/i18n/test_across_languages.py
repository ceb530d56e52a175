"""Installations in different languages are one system: what one writes, the other reads and prints.

A province analyst may work in English while communes work in Vietnamese. Stored reference labels, return
forms and history templates must therefore not depend on the language of the installation that wrote them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from lhtl_desktop.cli import main
from lhtl_desktop.services.forms.xlsx_out import (
    CODES_MARK,
    CODES_ROW,
    FIRST_ROW,
    ID_COL,
    NAME_COL,
    TYPE_COL,
    value_column,
)
from lhtl_desktop.storage import open_store
from tests.i18n.test_english import PLACES, _env, _lhtl
from tests.i18n_support import untranslated


def _vi(db: Path, *args: str) -> int:
    return main(["--db", str(db), *args])


def _commune(db: Path) -> str:
    assert _vi(db, "init", "--unit", "14389", "--officer", "Nguyễn Văn An") == 0
    store = open_store(db)
    try:
        from lhtl_desktop.services.institutions import add_institution

        return add_institution(store, "14389", "lib_commune", "Thư viện xã Gia Lâm").id
    finally:
        store.close()


def test_a_vietnamese_database_prints_an_english_sheet(tmp_path: Path) -> None:
    db = tmp_path / "xa.sqlite3"
    inst = _commune(db)
    assert _vi(db, "set", "--institution", inst, "--period", "2025", "LIB_VISITS=1300", "LIB_SKILL_CLASSES=2") == 0
    pdf = tmp_path / "sheet.pdf"
    done = _lhtl(tmp_path, "--db", str(db), "report", "--period", "2025", "--out", str(pdf))
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          encoding="utf-8", check=True).stdout
    assert "lifelong learning" in text.lower()
    assert untranslated(text.splitlines(), PLACES) == []
    evaluated = _lhtl(tmp_path, "--db", str(db), "evaluate", "--period", "2025", "--json")
    labels = [r["label"] for r in json.loads(evaluated.stdout)]
    assert labels and untranslated(labels) == [], labels
    # …and the database still holds the Vietnamese source labels, whoever printed from it.
    store = open_store(db)
    try:
        assert "Thư viện cấp xã cung cấp dịch vụ học tập suốt đời" in [t.source_label for t in store.target_definitions()]
    finally:
        store.close()


def test_an_english_return_form_imports_into_a_vietnamese_installation(tmp_path: Path) -> None:
    db = tmp_path / "xa.sqlite3"
    inst = _commune(db)
    form = tmp_path / "form.xlsx"
    done = _lhtl(tmp_path, "--db", str(db), "form", "export", "--period", "2025", "--out", str(form))
    assert done.returncode == 0, done.stderr
    wb = load_workbook(form)
    sheet = next(ws for ws in wb.worksheets if ws.cell(CODES_ROW, ID_COL).value == CODES_MARK)  # the libraries
    assert untranslated([sheet.title]) == [], sheet.title  # written in English
    codes = {}
    n = 0
    while sheet.cell(CODES_ROW, value_column(n)).value:
        codes[sheet.cell(CODES_ROW, value_column(n)).value] = value_column(n)
        n += 1
    row = next(r for r in range(FIRST_ROW, sheet.max_row + 1) if sheet.cell(r, ID_COL).value == inst)
    sheet.cell(row, codes["LIB_VISITS"], 1450)
    new = next(r for r in range(FIRST_ROW, sheet.max_row + 1)
               if not sheet.cell(r, ID_COL).value and not sheet.cell(r, NAME_COL).value)
    english_type = subprocess.run(
        [sys.executable, "-c", "from lhtl_desktop.model.catalogue import type_label; print(type_label('lib_school'))"],
        env=_env(tmp_path), capture_output=True, text=True, encoding="utf-8", check=True).stdout.strip()
    assert untranslated([english_type]) == [] and english_type
    sheet.cell(new, TYPE_COL, english_type)  # the officer picks the English label from the list
    name = sheet.cell(new, NAME_COL)
    name.value, name.data_type = "Thư viện Trường THCS Gia Lâm", "s"
    sheet.cell(new, codes["LIB_VISITS"], 800)
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    assert _vi(db, "form", "import", str(filled)) == 0  # the Vietnamese installation reads it
    store = open_store(db)
    try:
        school = next(i for i in store.institutions() if i.name == "Thư viện Trường THCS Gia Lâm")
    finally:
        store.close()
    assert school.type == "lib_school"
    for institution, expected in ((inst, 1450), (school.id, 800)):
        got = _lhtl(tmp_path, "--db", str(db), "get", "--institution", institution, "--period", "2025", "--json",
                    lang="vi")
        assert f'"LIB_VISITS": {expected}' in got.stdout, got.stdout + got.stderr


def test_an_english_history_template_imports_into_a_vietnamese_installation(tmp_path: Path) -> None:
    db = tmp_path / "xa.sqlite3"
    inst = _commune(db)
    template = tmp_path / "history.xlsx"
    done = _lhtl(tmp_path, "--db", str(db), "history", "template", "--out", str(template))
    assert done.returncode == 0, done.stderr
    wb = load_workbook(template)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert untranslated([str(h) for h in headers]) == [], headers
    ws.delete_rows(2, ws.max_row)
    ws.append(["2023", "14389", "", inst, "", "LIB_VISITS", "990"])
    wb.save(template)
    assert _vi(db, "history", "import", str(template)) == 0
    shown = _lhtl(tmp_path, "--db", str(db), "get", "--institution", inst, "--period", "2023", "--json")
    assert '"LIB_VISITS": 990' in shown.stdout, shown.stdout + shown.stderr
