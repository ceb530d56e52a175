"""`LHTL_LANG=en`: the window, the command line and the printed sheet in English, with no Vietnamese left
except names (units, institutions, people) — each run as its own process, as an officer would start it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.i18n_support import VIETNAMESE, untranslated

ROOT = Path(__file__).resolve().parents[2]
PLACES = ["Xã Gia Lâm", "Gia Lâm", "Huyện Nho Quan (cũ)", "Nho Quan", "Tỉnh Ninh Bình", "Ninh Bình",
          "Nguyễn Văn An", "Thư viện xã Gia Lâm", "Thôn Đông", "UBND tỉnh Ninh Bình"]  # the plan's issuer
PLACES += [name.upper() for name in PLACES]  # headings of the sheet


def _env(tmp_path: Path, lang: str = "en") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"LHTL_DB"}}
    env.update(LHTL_LANG=lang, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"),
               PYTHONPATH=str(ROOT))
    return env


def _lhtl(tmp_path: Path, *args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lhtl_desktop", *args], cwd=tmp_path, env=_env(tmp_path, lang),
                          capture_output=True, text=True, encoding="utf-8", timeout=300)


@pytest.fixture(scope="module")
def window_texts(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    tmp = tmp_path_factory.mktemp("english_window")
    out = tmp / "shown.json"
    done = subprocess.run([sys.executable, "-m", "tests.i18n.english_window", str(out)], cwd=ROOT,
                          env=_env(tmp), capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


def test_every_page_of_the_english_window_is_english(window_texts: dict) -> None:  # type: ignore[type-arg]
    left = {where: untranslated(texts, window_texts["names"]) for where, texts in window_texts["shown"].items()}
    left = {where: texts for where, texts in left.items() if texts}
    assert left == {}, json.dumps(left, ensure_ascii=False, indent=1)[:4000]


def test_the_english_window_shows_english_words_and_qt_in_english(window_texts: dict) -> None:  # type: ignore[type-arg]
    commune = " ".join(window_texts["shown"]["commune/dashboard"])
    assert "Lifelong learning" in commune or "lifelong learning" in commune
    wizard = window_texts["shown"]["wizard"]
    assert "&Next >" in wizard and "Cancel" in wizard  # Qt's own buttons in Qt's English
    assert "Thư viện tỉnh Ninh Bình" in " ".join(window_texts["shown"]["province/institutions"])  # names stay


def test_without_lhtl_lang_the_program_is_vietnamese_whatever_lang_says(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", "from lhtl_desktop.i18n import _; print(_('Đã lưu lúc {time}'))"],
                          cwd=ROOT, env=_env(tmp_path, lang="vi"), capture_output=True, text=True, encoding="utf-8")
    assert done.stdout.strip() == "Đã lưu lúc {time}"
    done = subprocess.run([sys.executable, "-c", "from lhtl_desktop.i18n import _; print(_('Đã lưu lúc {time}'))"],
                          cwd=ROOT, env={**_env(tmp_path, lang="vi"), "LHTL_LANG": "", "LANG": "en_US.UTF-8",
                                         "LANGUAGE": "en"}, capture_output=True, text=True, encoding="utf-8")
    assert done.stdout.strip() == "Đã lưu lúc {time}", "the system's LANG must not switch the program's language"


def test_every_command_help_is_english(tmp_path: Path) -> None:
    code = ("from lhtl_desktop.cli import build_parser; from lhtl_desktop.cli.docs import render, HEADER;"
            "print(render(build_parser()).replace(HEADER, ''))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(tmp_path), capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout) > 5000
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert untranslated(lines, PLACES) == []
    top = _lhtl(tmp_path, "--help")
    assert top.returncode == 0 and untranslated(top.stdout.splitlines(), PLACES) == [], top.stdout


def test_english_command_line_round_trip_and_refusal(tmp_path: Path) -> None:
    db = str(tmp_path / "xa.sqlite3")
    init = _lhtl(tmp_path, "--db", db, "init", "--unit", "14389", "--officer", "Nguyễn Văn An")
    assert init.returncode == 0, init.stderr
    assert untranslated([init.stdout], PLACES) == [], init.stdout
    bad = _lhtl(tmp_path, "--db", db, "institution", "add", "--unit", "14389", "--type", "khong_co", "--name", "X")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.strip() and untranslated([bad.stderr], PLACES) == [], bad.stderr
    added = _lhtl(tmp_path, "--db", db, "institution", "add", "--unit", "14389", "--type", "lib_commune",
                  "--name", "Thư viện xã Gia Lâm", "--json")
    assert added.returncode == 0, added.stderr
    inst = json.loads(added.stdout)["id"]
    wrong = _lhtl(tmp_path, "--db", db, "set", "--institution", inst, "--period", "2025", "LIB_VISITS=12a")
    assert wrong.returncode == 2 and untranslated([wrong.stderr], PLACES) == [], wrong.stderr
    assert _lhtl(tmp_path, "--db", db, "set", "--institution", inst, "--period", "2025",
                 "LIB_VISITS=1234567").returncode == 0
    shown = _lhtl(tmp_path, "--db", db, "get", "--institution", inst, "--period", "2025")
    assert "1,234,567" in shown.stdout, shown.stdout  # English grouping
    assert untranslated(shown.stdout.splitlines(), PLACES) == [], shown.stdout
    evaluated = _lhtl(tmp_path, "--db", db, "evaluate", "--period", "2025")
    assert evaluated.returncode == 0, evaluated.stderr
    assert untranslated(evaluated.stdout.splitlines(), PLACES) == [], evaluated.stdout


def test_the_english_sheet_and_workbook(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    db = str(tmp_path / "xa.sqlite3")
    assert _lhtl(tmp_path, "--db", db, "init", "--unit", "14389", "--officer", "Nguyễn Văn An").returncode == 0
    added = _lhtl(tmp_path, "--db", db, "institution", "add", "--unit", "14389", "--type", "lib_commune",
                  "--name", "Thư viện xã Gia Lâm", "--json")
    inst = json.loads(added.stdout)["id"]
    assert _lhtl(tmp_path, "--db", db, "set", "--institution", inst, "--period", "2025", "LIB_VISITS=1300",
                 "LIB_SKILL_CLASSES=2").returncode == 0
    pdf, xlsx = tmp_path / "sheet.pdf", tmp_path / "sheet.xlsx"
    for out in (pdf, xlsx):
        done = _lhtl(tmp_path, "--db", db, "report", "--period", "2025", "--out", str(out))
        assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          encoding="utf-8", check=True).stdout
    assert "SOCIALIST REPUBLIC OF VIET NAM" in text
    assert "1,300" in text
    assert untranslated(text.splitlines(), PLACES) == []
    book = load_workbook(xlsx)
    cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert untranslated(cells, PLACES) == []
    assert all(not VIETNAMESE.search(ws.title) for ws in book.worksheets), [ws.title for ws in book.worksheets]


def test_the_english_selftest_passes(tmp_path: Path) -> None:
    """The self-test checks the window in the program's language, not Vietnamese words."""
    done = _lhtl(tmp_path, "--selftest")
    assert done.returncode == 0, done.stdout + done.stderr
    assert untranslated(done.stdout.splitlines(), PLACES + ["Be Vietnam Pro"]) == [], done.stdout


def test_stored_provenance_stays_vietnamese_and_is_shown_in_english(tmp_path: Path) -> None:
    """A value's source mark is found by its prefix on every installation, so an English installation stores
    the same Vietnamese prefix and only shows it in English."""
    code = ("from lhtl_desktop.services.forms.provenance import form_reason, source_mark, is_unsigned_form;"
            "r = form_reason('bieu.xlsx', 'ab' * 32, 'An'); print(r); print(source_mark(r)); print(is_unsigned_form(r))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(tmp_path), capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    stored, shown, unsigned = done.stdout.splitlines()
    assert stored.startswith("nguồn: biểu Excel, chưa ký · tệp «bieu.xlsx»"), stored
    assert shown and not VIETNAMESE.search(shown), shown
    assert unsigned == "True"


def test_the_english_window_fits_at_its_minimum_size(tmp_path: Path) -> None:
    """English labels are longer than Vietnamese ones in places: the overlap test of every page and tab at the
    minimum window size, run again in English (the one test that names Vietnamese tabs left out)."""
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(ROOT / "tests" / "ui" / "test_minimum_size.py"), "-k", "not squeezed"],
                          cwd=ROOT, env={**_env(tmp_path), "LHTL_TEST_LANG": "en"}, capture_output=True, text=True,
                          encoding="utf-8", timeout=900)
    assert done.returncode == 0, done.stdout[-4000:]
    assert " passed" in done.stdout and " failed" not in done.stdout
