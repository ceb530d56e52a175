"""Official tone-mark placement for reference names (DOMAIN.md §9: «Hòa», «Thủy», «Úy»).

Vietnamese writes the tone of an open syllable ending in the glides oa, oe, uy in two ways: the newer
placement on the second vowel («Hoà», «Thuỷ», «Uý») and the traditional one on the first («Hòa», «Thủy»,
«Úy»), which official documents use. Unit names arrive from the reference package in both; the program
writes them the official way. Only these three pairs at the end of a word change: with a final consonant
(«Hoàng», «Thuyết») both placements agree, and in «quý» the u belongs to the consonant «qu», so the mark
stays on y. Search folds diacritics away (`services.setup.fold`), so either spelling still finds a name.
"""

from __future__ import annotations

import re
import unicodedata

TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # grave, acute, tilde, hook above, dot below
_GLIDES = {("o", "a"), ("o", "e"), ("u", "y")}
_WORD = re.compile(r"\w+")


def _split(ch: str) -> tuple[str, str, str]:
    """(base letter, modifiers such as circumflex or horn, tone) of one precomposed letter."""
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    tone = "".join(m for m in marks if m in TONES)
    return base, "".join(m for m in marks if m not in TONES), tone


def _word(word: str) -> str:
    if len(word) < 2:
        return word
    first, second = _split(word[-2]), _split(word[-1])
    if (first[0].lower(), second[0].lower()) not in _GLIDES or first[1] or second[1] or first[2] or not second[2]:
        return word
    if first[0].lower() == "u" and len(word) >= 3 and word[-3].lower() == "q":
        return word  # «quý»: qu + y, the mark already sits on the vowel
    moved_first = unicodedata.normalize("NFC", first[0] + second[2])
    return word[:-2] + moved_first + second[0]


def official_spelling(text: str) -> str:
    """«Xã Giao Hoà» → «Xã Giao Hòa», «Giao Thuỷ» → «Giao Thủy», «Nguyễn Uý» → «Nguyễn Úy»; NFC out."""
    nfc = unicodedata.normalize("NFC", text)
    return _WORD.sub(lambda m: _word(m.group(0)), nfc)
