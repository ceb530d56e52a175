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
