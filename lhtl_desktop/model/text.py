"""Vietnamese text without its diacritics, in one place: for search («gia lam» finds «Xã Gia Lâm») and for
file names that survive FAT32 USB sticks and chat apps («lhtl-14389-Gia-Lam-…»).

«Đ/đ» is a letter of its own, not a D with a mark: Unicode does not decompose it, so it is mapped first.
"""

from __future__ import annotations

import re
import unicodedata


def strip_diacritics(text: str) -> str:
    """'Xã Gia Lâm' → 'Xa Gia Lam'; 'Đồng' → 'Dong' (case kept)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """For matching: 'Xã Gia Lâm' → 'xa gia lam'; 'Đồng' → 'dong'. Whitespace collapsed."""
    return " ".join(strip_diacritics(text).casefold().split())


def matches(query: str, text: str) -> bool:
    """Every word of the query occurs in the text (both folded); an empty query matches everything."""
    target = fold(text)
    return all(word in target for word in fold(query).split())


def ascii_slug(text: str, limit: int = 40, empty: str = "") -> str:
    """For file names: 'Xã Gia Lâm' → 'Xa-Gia-Lam' (ASCII letters and digits, '-' between, at most `limit`)."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", strip_diacritics(text).encode("ascii", "ignore").decode()).strip("-")
    return slug[:limit] or empty
