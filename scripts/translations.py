"""The program's one translation catalogue: extract, compile, check.

    python scripts/translations.py extract   # refresh resources/locale/en.po from the code
    python scripts/translations.py compile   # en.po -> lhtl_desktop/resources/locale/en/LC_MESSAGES/lhtl.mo
    python scripts/translations.py check     # exit 1 when a marked string has no English translation

The source language is Vietnamese. Every user-visible string is marked `_()`/`N_()` (any layer) or `tr()` /
`QCoreApplication.translate(ctx, text)` (Qt); Babel's Python extractor finds all of them in one pass, so the
window and the CLI share one catalogue (see lhtl_desktop/i18n.py for why one). `make translations` runs
`extract`; `make` set-up, `make package` and CI run `compile`; tests/test_translations.py runs `check`.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lhtl_desktop"
SOURCES = ROOT / "resources" / "locale"
LANGUAGES = ("en",)
KEYWORDS = {"_": None, "N_": None, "tr": None, "translate": (2,)}
# {name} and {name:...} fields of str.format, %s-style is not used by the program.
_FIELD = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*|\d*)(?:[:!][^{}]*)?\}(?!\})")


def po_path(lang: str) -> Path:
    return SOURCES / f"{lang}.po"


def mo_path(lang: str, package: Path = PACKAGE) -> Path:
    return package / "resources" / "locale" / lang / "LC_MESSAGES" / "lhtl.mo"


def extracted(package: Path = PACKAGE) -> Catalog:
    """Every marked string of the package, with where it is used (file names only: line numbers churn)."""
    catalog = Catalog(project="lhtl-desktop", locale=None, charset="utf-8")
    root = package.parent
    for filename, lineno, message, comments, context in extract_from_dir(
            str(package), method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
        if not message or (isinstance(message, str) and not message.strip()):
            continue
        rel = (package / filename).relative_to(root).as_posix()
        catalog.add(message, locations=[(rel, lineno)], auto_comments=comments, context=context)
    return catalog


def _write_po(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=110, no_location=False, include_lineno=False, sort_output=True,
                 ignore_obsolete=True)


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _new_catalog(lang: str) -> Catalog:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    return Catalog(locale=lang, project="lhtl-desktop", header_comment=(
        "# English catalogue of lhtl-desktop. Source language: Vietnamese.\n"
        "# Refreshed by `make translations`; every msgstr is written by hand."),
        language_team="lhtl-desktop", last_translator="lhtl-desktop", creation_date=now, revision_date=now,
        fuzzy=False)


def extract() -> None:
    template = extracted()
    for lang in LANGUAGES:
        path = po_path(lang)
        catalog = read_catalog(path, lang) if path.exists() else _new_catalog(lang)
        template.creation_date = catalog.creation_date  # the header stays put: no merge conflict per extract
        # No fuzzy matching: a near-miss translation of a changed sentence is a wrong translation.
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        _write_po(catalog, path)
        print(f"{path.relative_to(ROOT)}: {sum(1 for m in catalog if m.id)} messages")


def compile_all(package: Path = PACKAGE) -> list[Path]:
    written = []
    for lang in LANGUAGES:
        catalog = read_catalog(po_path(lang), lang)
        target = mo_path(lang, package)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".mo.tmp")
        with tmp.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        tmp.replace(target)
        written.append(target)
    return written


def fields(text: str) -> set[str]:
    return set(_FIELD.findall(text))


@dataclass
class Problems:
    missing: list[str] = field(default_factory=list)        # in the code, not in the catalogue
    untranslated: list[str] = field(default_factory=list)   # in the catalogue with no (or a fuzzy) translation
    fields: list[str] = field(default_factory=list)         # translation with other {fields} than the source
    obsolete: list[str] = field(default_factory=list)       # in the catalogue, no longer in the code

    def __bool__(self) -> bool:
        return bool(self.missing or self.untranslated or self.fields or self.obsolete)

    def lines(self) -> Iterable[str]:
        for title, items in (("missing from the catalogue (run `make translations`)", self.missing),
                             ("without an English translation", self.untranslated),
                             ("whose {fields} differ from the source", self.fields),
                             ("no longer in the code (run `make translations`)", self.obsolete)):
            if items:
                yield f"{len(items)} message(s) {title}:"
                yield from (f"  {item!r}" for item in items[:40])
                if len(items) > 40:
                    yield f"  … and {len(items) - 40} more"


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def check(lang: str = "en", package: Path = PACKAGE, po: Path | None = None) -> Problems:
    """What stands between the code's marked strings and a complete catalogue for `lang`."""
    template = extracted(package)
    catalog = read_catalog(po or po_path(lang), lang)
    problems = Problems()
    in_code = {_key(m.id) for m in template if m.id}
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)
        if entry is None:
            problems.missing.append(_key(message.id))
            continue
        strings = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
        if entry.fuzzy or not all(s and s.strip() for s in strings):
            problems.untranslated.append(_key(message.id))
        elif any(fields(s) != fields(_key(message.id)) for s in strings):
            problems.fields.append(_key(message.id))
    problems.obsolete = sorted(_key(m.id) for m in catalog if m.id and _key(m.id) not in in_code)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Extract, compile and check the translation catalogue.")
    parser.add_argument("action", choices=("extract", "compile", "check"))
    args = parser.parse_args(argv)
    if args.action == "extract":
        extract()
        return 0
    if args.action == "compile":
        for path in compile_all():
            print(f"{path.relative_to(ROOT)}")
        return 0
    problems = check()
    for line in problems.lines():
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
