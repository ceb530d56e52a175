"""Which characters a name, a village or a reason may hold (typed here or read from a bundle).

Refused: control and format characters, surrogates, private-use and unassigned code points, and the line and
paragraph separators U+2028/U+2029 — these last break a line in a label, a PDF or a spreadsheet cell just as
a newline does, but Python's `str.split()` (and so a careless clean-up) counts them as spaces.
"""

from __future__ import annotations

import unicodedata

REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
LINE_SEPARATORS = frozenset({"\u2028", "\u2029"})


def has_refused_char(value: str) -> bool:
    return any(unicodedata.category(c) in REFUSED_CATEGORIES for c in value)
