"""What the first-run set-up needs before a database is initialised: provinces, units, search by name.

Officers type unit names without diacritics ("gia lam"); `fold` makes matching diacritic- and
case-insensitive, including đ/Đ, which Unicode does not decompose.
"""

from __future__ import annotations

import unicodedata

from lhtl_desktop.model.units import Unit
from lhtl_desktop.reference.units import DEFAULT_PROVINCE, load_province, provinces

__all__ = ["DEFAULT_PROVINCE", "fold", "matches", "province_choices", "setup_units"]


def fold(text: str) -> str:
    """'Xã Gia Lâm' → 'xa gia lam'; 'Đồng' → 'dong'. Whitespace collapsed."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def matches(query: str, text: str) -> bool:
    """Every word of the query occurs in the text (folded); an empty query matches everything."""
    target = fold(text)
    return all(word in target for word in fold(query).split())


def province_choices() -> list[tuple[str, str]]:
    """(code, name) of the 34 provinces."""
    return provinces()


def setup_units(province_code: str = DEFAULT_PROVINCE) -> list[Unit]:
    """The province, its hubs (former districts) and communes, in reading order (province first)."""
    return load_province(province_code).all_units()
