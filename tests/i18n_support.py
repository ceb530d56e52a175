"""What tests of the English build share: how to spot Vietnamese text that should have been translated."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Letters only Vietnamese uses among the program's two languages (tone marks, ă â ê ô ơ ư, đ).
VIETNAMESE = re.compile("[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]",
                        re.IGNORECASE)

# Official document symbols are names too: «1520/QĐ-TTg», «30/2020/NĐ-CP», «16/2022/TT-BVHTTDL».
DOCUMENT_SYMBOL = re.compile(r"\b\d+(?:/\d{4})?/[A-ZĐ]+(?:-[A-ZĐa-z]+)*")


def untranslated(texts: Iterable[str], names: Iterable[str] = ()) -> list[str]:
    """The texts that still hold Vietnamese once the given names (places, people, institutions) are removed.

    Names are data and stay as they are in both languages; everything else the program writes must be English."""
    ordered = sorted({n for n in names if n}, key=len, reverse=True)  # «Xã Gia Lâm» before «Gia Lâm»
    left = []
    for text in texts:
        stripped = DOCUMENT_SYMBOL.sub("", text)
        for name in ordered:
            stripped = stripped.replace(name, "")
        if VIETNAMESE.search(stripped):
            left.append(text)
    return sorted(set(left))
