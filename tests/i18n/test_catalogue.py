"""The one translation catalogue (resources/locale/en.po) against the code: complete, faithful, compiled.

`scripts/translations.py check` is what fails here; `make translations` refreshes the catalogue and lists what
is left to translate."""

from __future__ import annotations

import gettext
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("lhtl_translations", ROOT / "scripts" / "translations.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


translations = _tool()


def test_every_marked_string_has_an_english_translation() -> None:
    problems = translations.check()
    assert not problems, "\n".join(problems.lines())


def test_a_new_untranslated_string_fails_the_check(tmp_path: Path) -> None:
    """A copy of the package with one new `_()` message: the check names it (so the test above can fail)."""
    package = tmp_path / "lhtl_desktop"
    shutil.copytree(ROOT / "lhtl_desktop", package, ignore=shutil.ignore_patterns("__pycache__", "resources"))
    (package / "ui" / "new_page.py").write_text(
        'from lhtl_desktop.i18n import _\n\n\ndef title() -> str:\n    return _("Trang mới chưa dịch")\n'
        '\n\nclass Page:\n    def tr(self, t: str) -> str:\n        return t\n\n'
        '    def label(self) -> str:\n        return self.tr("Nhãn mới của trang")\n', encoding="utf-8")
    problems = translations.check(package=package)
    assert set(problems.missing) == {"Trang mới chưa dịch", "Nhãn mới của trang"}
    assert problems.obsolete == [] and not {"Trang mới chưa dịch", "Nhãn mới của trang"} & set(problems.untranslated)


def test_a_translation_that_loses_a_field_or_is_left_fuzzy_fails(tmp_path: Path) -> None:
    po = tmp_path / "en.po"
    text = (ROOT / "resources" / "locale" / "en.po").read_text(encoding="utf-8")
    source = 'msgid "Đã lưu lúc {time}"\nmsgstr "'
    assert source in text
    start = text.index(source) + len(source)
    end = text.index('"', start)
    text = text[:start] + "Saved" + text[end:]  # «{time}» dropped
    po.write_text(text, encoding="utf-8")
    assert translations.check(po=po).fields == ["Đã lưu lúc {time}"]
    fuzzy = text.replace(source, '#, fuzzy\n' + source, 1)
    po.write_text(fuzzy, encoding="utf-8")
    assert "Đã lưu lúc {time}" in translations.check(po=po).untranslated


def test_a_removed_string_is_reported_obsolete(tmp_path: Path) -> None:
    po = tmp_path / "en.po"
    po.write_text((ROOT / "resources" / "locale" / "en.po").read_text(encoding="utf-8")
                  + '\nmsgid "Một câu đã bỏ khỏi mã"\nmsgstr "A sentence no longer in the code"\n', encoding="utf-8")
    assert translations.check(po=po).obsolete == ["Một câu đã bỏ khỏi mã"]


def test_the_compiled_catalogue_is_current(tmp_path: Path) -> None:
    """What the program loads (built by make / make package / CI) says what the source catalogue says."""
    shipped = translations.mo_path("en")
    assert shipped.exists(), "run `make translations` (or `python scripts/translations.py compile`)"
    fresh = translations.compile_all(package=tmp_path / "pkg")[0]
    assert fresh.read_bytes() == shipped.read_bytes(), "stale .mo: run `python scripts/translations.py compile`"
    catalogue = gettext.GNUTranslations(shipped.open("rb"))
    assert catalogue.gettext("Đã lưu lúc {time}") != "Đã lưu lúc {time}"


@pytest.mark.parametrize("text, expected", [("{a} và {b:,}", {"a", "b"}), ("{{không}} {x!r}", {"x"}), ("—", set())])
def test_fields_are_read_like_str_format(text: str, expected: set[str]) -> None:
    assert translations.fields(text) == expected
