"""Administrative units as plain data: codes, levels and the merge hierarchy (DOMAIN.md §7).

Codes are the official ones, zero-padded: province 2 digits, former district (hub) 3, commune 5.
The hierarchy is data (stored, editable), never code: `parent` of a commune is its hub, and in two-tier
mode the province.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lhtl_desktop.errors import ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.catalogue import Level

_CODE_RE = re.compile(r"[0-9]{1,5}", re.ASCII)
_LEVEL_BY_LEN = {2: Level.PROVINCE, 3: Level.DISTRICT, 5: Level.COMMUNE}
LEVEL_RANK = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2}


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    parent: str | None
    division_type: str = ""

    @property
    def short_name(self) -> str:
        """'Xã Gia Lâm' → 'Gia Lâm' (for "Gia Lâm, ngày … tháng … năm …")."""
        for prefix in ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ", "Huyện ", "Thị xã ", "Quận "):
            if self.name.startswith(prefix):
                return self.name[len(prefix):]
        return self.name


def level_of(code: str) -> Level:
    try:
        return _LEVEL_BY_LEN[len(code)]
    except KeyError:
        raise ValidationError(
            _("Mã đơn vị «{code}» không hợp lệ: tỉnh 2 chữ số, cụm (huyện cũ) 3 chữ số, xã/phường 5 chữ số.")
            .format(code=code),
            field="unit",
        ) from None


def normalise_code(text: str | int) -> str:
    """Accept '37', '372', '14389', '4' (→ '00004' is ambiguous, so only exact lengths) and validate them."""
    raw = str(text).strip()
    if not _CODE_RE.fullmatch(raw) or len(raw) not in _LEVEL_BY_LEN:
        raise ValidationError(
            _("Mã đơn vị «{code}» không hợp lệ: tỉnh 2 chữ số, cụm (huyện cũ) 3 chữ số, xã/phường 5 chữ số.")
            .format(code=text),
            field="unit",
        )
    return raw
