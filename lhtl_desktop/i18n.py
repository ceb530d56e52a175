"""User-visible text in two languages: Vietnamese (the source language) and English.

Every string is written in Vietnamese in the source and marked `_()` (any layer) or `tr()` (Qt widgets). Both
kinds live in ONE gettext catalogue, `resources/locale/en.po`, compiled to
`lhtl_desktop/resources/locale/en/LC_MESSAGES/lhtl.mo` by `scripts/translations.py compile` (run by `make`
set-up, `make package` and CI). The window installs a QTranslator that answers every Qt context from the same
catalogue (`ui/look.py`), so a string marked `tr()` in one page and `_()` in a service is translated once.
One catalogue rather than Qt's .ts/.qm beside a gettext .po: one extraction, one file for the translator,
and module-level `tr()` helpers need no Qt context to be found.

The language is chosen once per process, from `LHTL_LANG` (`vi` by default, `en`), never from the system's
`LANG`: an officer whose Windows is in English still gets the Vietnamese program unless asked otherwise.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

LANGUAGES = ("vi", "en")
SOURCE_LANGUAGE = "vi"
DOMAIN = "lhtl"
LOCALE_DIR = Path(__file__).resolve().parent / "resources" / "locale"


def _chosen_language() -> str:
    raw = (os.environ.get("LHTL_LANG") or SOURCE_LANGUAGE).strip().lower().replace("-", "_")
    code = raw.split("_", 1)[0].split(".", 1)[0]
    return code if code in LANGUAGES else SOURCE_LANGUAGE


LANGUAGE = _chosen_language()
_translation: gettext.NullTranslations = (
    gettext.NullTranslations() if LANGUAGE == SOURCE_LANGUAGE
    else gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[LANGUAGE], fallback=True))


def _(text: str) -> str:
    """Return the translation of a Vietnamese source string (itself when there is none)."""
    if not text:  # gettext("") is the catalogue's header, never a translation
        return text
    return _translation.gettext(text)


def N_(text: str) -> str:  # noqa: N802 (the conventional gettext name)
    """Mark a string for extraction where it is defined; `_()`/`tr()` translates it where it is shown."""
    return text


def translation_of(text: str) -> str | None:
    """The catalogue's translation of `text`, or None when it has none (Qt then keeps its own source text)."""
    if not text or LANGUAGE == SOURCE_LANGUAGE:
        return None
    translated = _translation.gettext(text)
    return translated if translated != text else None


def is_english() -> bool:
    return LANGUAGE == "en"


_catalogues: dict[str, gettext.NullTranslations] = {}


def in_every_language(text: str) -> set[str]:
    """`text` (a Vietnamese source string) as every language of the program writes it.

    For what one installation writes and another reads — the sheet names, column headers and type labels of
    return forms and templates — so a file made in English imports into a Vietnamese installation and back."""
    spellings = {text}
    for lang in LANGUAGES:
        if lang == SOURCE_LANGUAGE:
            continue
        if lang not in _catalogues:
            _catalogues[lang] = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True)
        spellings.add(_catalogues[lang].gettext(text))
    return spellings


def fmt_int(value: int) -> str:
    """Vietnamese grouping: 1234567 → "1.234.567"; English: "1,234,567" (the window's QLocale does the same)."""
    if is_english():
        return f"{value:,}"
    return f"{value:,}".replace(",", ".")


def fmt_percent(value: float | None, digits: int = 1) -> str:
    """Vietnamese decimal comma: 66.6667 → "66,7 %"; None → "—"."""
    if value is None:
        return "—"
    if is_english():
        return f"{value:,.{digits}f} %"
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".") + " %"


def fmt_local_time(iso_utc: str | None) -> str:
    """A stored UTC time ("2026-01-15T02:30:00Z") as the officer's local time, "15/01/2026 09:30"; "" for none.

    Text output speaks local time like the window (dd/MM/yyyy HH:mm); JSON keeps the ISO UTC text."""
    if not iso_utc:
        return ""
    from datetime import UTC, datetime

    text = iso_utc.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text  # not a time we wrote: show it as it is rather than fail
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%d/%m/%Y %H:%M")


def nearest_codes(code: str, valid: list[str] | tuple[str, ...], n: int = 3) -> list[str]:
    """The valid codes closest to a mistyped one ("LIB_VISIT" → ["LIB_VISITS"]), best first."""
    from difflib import get_close_matches

    return get_close_matches((code or "").strip().upper(), [v.upper() for v in valid], n=n, cutoff=0.6)


def valid_codes_hint(code: str, valid: list[str] | tuple[str, ...]) -> str:
    """The end of a message naming a wrong code: the nearest valid ones when there are, else every valid one."""
    close = nearest_codes(code, valid)
    by_upper = {v.upper(): v for v in valid}
    if close:
        return _("Có phải: {codes}?").format(codes=", ".join(by_upper[c] for c in close))
    return _("Các mã hợp lệ: {codes}.").format(codes=", ".join(valid))
