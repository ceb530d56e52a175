"""Institutions (thiết chế, DOMAIN.md §4): what they are and the rules on their names and places."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from lhtl_desktop.errors import ValidationError
from lhtl_desktop.i18n import _, nearest_codes
from lhtl_desktop.model.catalogue import LEVEL_LABELS, TYPES_BY_CODE, type_label
from lhtl_desktop.model.targets import InstitutionFacts
from lhtl_desktop.model.text import LINE_SEPARATORS, has_refused_char

MAX_NAME = 200


@dataclass(frozen=True)
class Institution:
    id: str
    unit_code: str
    type: str
    name: str
    village: str | None = None
    opened_year: int | None = None
    closed_year: int | None = None
    ref: str | None = None  # short reference, «14389-3» (storage/institution_refs.py); None until known here

    @property
    def shown_ref(self) -> str:
        """The short reference, or the start of the id while the number is not known here yet."""
        return self.ref or self.id[:8]

    @property
    def active(self) -> bool:
        return self.closed_year is None

    @property
    def type_label(self) -> str:
        return type_label(self.type)

    def facts(self) -> InstitutionFacts:
        return InstitutionFacts(self.id, self.type, self.unit_code, self.name, self.opened_year, self.closed_year)


def clean_text(text: str | None, what: str, *, required: bool) -> str | None:
    """NFC-normalise and trim a name; refuse empty (when required), control characters and overlong text."""
    separators = any(c in LINE_SEPARATORS for c in text or "")  # before strip()/split(): they count as spaces
    value = unicodedata.normalize("NFC", (text or "").strip())
    value = " ".join(value.split())
    if not value and not separators:
        if required:
            raise ValidationError(_("Chưa nhập {what}.").format(what=what), field=what)
        return None
    if separators or has_refused_char(value):
        raise ValidationError(_("{what} có ký tự không hợp lệ.").format(what=what.capitalize()), field=what)
    if len(value) > MAX_NAME:
        raise ValidationError(
            _("{what} quá dài (tối đa {n} ký tự).").format(what=what.capitalize(), n=MAX_NAME), field=what
        )
    return value


def check_type_for_level(type_code: str, level: str) -> None:
    """Refuse unknown types and types a unit of this level cannot hold (e.g. a province library in a xã)."""
    t = TYPES_BY_CODE.get(type_code)
    if t is None:
        known = ", ".join(TYPES_BY_CODE)
        close = [c.lower() for c in nearest_codes(type_code, list(TYPES_BY_CODE), n=2)]
        guess = _(" Có phải: {codes}?").format(codes=", ".join(close)) if close else ""
        raise ValidationError(
            _("Không có loại thiết chế «{code}».{guess} Các loại: {known}.").format(
                code=type_code, guess=guess, known=known),
            field="type",
        )
    if level not in t.levels:
        raise ValidationError(
            _("Đơn vị cấp «{level}» không thể có thiết chế loại «{type}».").format(
                level=LEVEL_LABELS.get(level, level), type=type_label(type_code)
            ),
            field="type",
        )
