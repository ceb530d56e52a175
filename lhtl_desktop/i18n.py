"""Marks user-visible text for translation outside the Qt layer.

Vietnamese is the source language. `_()` goes through stdlib gettext so that an English (or other)
catalogue can be dropped into `lhtl_desktop/resources/locale/` later without touching the callers; the window uses
Qt's own `tr()` for its widgets.
"""

from __future__ import annotations

import gettext
from pathlib import Path

_LOCALE_DIR = Path(__file__).resolve().parent / "resources" / "locale"
_translation = gettext.translation("lhtl", localedir=_LOCALE_DIR, fallback=True)


def _(text: str) -> str:
    """Return the translation of a Vietnamese source string (itself when there is none)."""
    return _translation.gettext(text)


def fmt_int(value: int) -> str:
    """Vietnamese grouping: 1234567 → "1.234.567" (the window uses QLocale vi_VN for the same)."""
    return f"{value:,}".replace(",", ".")


def fmt_percent(value: float | None, digits: int = 1) -> str:
    """Vietnamese decimal comma: 66.6667 → "66,7 %"; None → "—"."""
    if value is None:
        return "—"
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".") + " %"
