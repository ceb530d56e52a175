"""What the first-run set-up needs before a database is initialised: provinces, units, search by name.

Officers type unit names without diacritics ("gia lam"); `fold` and `matches` (from `model.text`, the one
place diacritics are folded) make matching diacritic- and case-insensitive, including đ/Đ.
"""

from __future__ import annotations

from lhtl_desktop.model.text import fold, matches
from lhtl_desktop.model.units import Unit
from lhtl_desktop.reference.units import DEFAULT_PROVINCE, load_province, provinces

__all__ = ["DEFAULT_PROVINCE", "fold", "matches", "province_choices", "setup_units"]


def province_choices() -> list[tuple[str, str]]:
    """(code, name) of the 34 provinces."""
    return provinces()


def setup_units(province_code: str = DEFAULT_PROVINCE) -> list[Unit]:
    """The province, its hubs (former districts) and communes, in reading order (province first)."""
    return load_province(province_code).all_units()
