"""The NĐ 30/2020 formalities of a summary sheet that an installation sets once and every sheet prints.

What a Sở VHTTDL clerk looks for besides the numbers (NĐ 30, appendix I):
- the issuing body over its governing body (top left), and under it «Số: 12/BC-UBND» — the number left blank
  («Số:      /BC-UBND») when the office numbers its documents by hand at registration;
- «Nơi nhận:» at the bottom left, one recipient a line, the last one «Lưu: VT.»;
- the signer's position in capitals (e.g. «TM. ỦY BAN NHÂN DÂN» over «CHỦ TỊCH») and the signer's name under
  the space for the signature and seal;
- the place before the date («Gia Lâm, ngày 05 tháng 01 năm 2026»).

Each is one `meta` key of the installation, so it is remembered per installation and never travels in a
bundle; an unset key falls back to a default for the installation's level. Multi-line values are stored with
"|" between lines (the existing `report_issuer` key keeps its meaning: "LINE 1|LINE 2").
`set_formalities` validates everything first and writes in one transaction: a bad value writes nothing.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, replace

from lhtl_desktop.errors import ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.catalogue import Level
from lhtl_desktop.model.units import Unit
from lhtl_desktop.storage import Store

KEYS = {
    "issuer": "report_issuer",
    "abbreviation": "report_abbreviation",
    "number": "report_number",
    "recipients": "report_recipients",
    "place": "report_place",
    "signer_title": "report_signer_title",
    "signer_name": "report_signer_name",
}
MAX_LINE = 120
MAX_LINES = 12
_NUMBER = re.compile(r"[0-9]{1,6}", re.ASCII)
_ABBREVIATION = re.compile(r"[A-ZĐ0-9]{1,12}(-[A-ZĐ0-9]{1,12}){0,2}")
_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", re.ASCII)

# Defaults per level of the installation. A hub is no government tier since 2025: it signs as the office
# that merges the communes, without a seal of its own, so its title stays the statistical form's.
DEFAULT_ABBREVIATION = {Level.COMMUNE: "UBND", Level.DISTRICT: "CTH", Level.PROVINCE: "SVHTTDL"}
DEFAULT_SIGNER_TITLE = (_("THỦ TRƯỞNG ĐƠN VỊ"),)
DEFAULT_RECIPIENTS = {
    Level.COMMUNE: (_("Sở Văn hóa, Thể thao và Du lịch (b/c);"), _("Cụm tổng hợp (huyện cũ);"), _("Lưu: VT.")),
    Level.DISTRICT: (_("Sở Văn hóa, Thể thao và Du lịch (b/c);"), _("UBND các xã, phường trong cụm;"),
                     _("Lưu: VT.")),
    Level.PROVINCE: (_("Bộ Văn hóa, Thể thao và Du lịch (b/c);"), _("UBND tỉnh (b/c);"),
                     _("UBND các xã, phường;"), _("Lưu: VT, VP.")),
}


@dataclass(frozen=True)
class Formalities:
    issuer_lines: tuple[str, ...] = ()  # governing body (regular) over the issuing body (bold, last)
    abbreviation: str = ""  # the part after «BC-»
    number: str = ""  # "" = left blank for hand filling
    recipients: tuple[str, ...] = ()
    place: str = ""
    signer_title: tuple[str, ...] = DEFAULT_SIGNER_TITLE
    signer_name: str = ""  # "" = written by hand

    @property
    def number_line(self) -> str:
        """«Số: 12/BC-UBND», or «Số:      /BC-UBND» with room to write the number by hand."""
        number = self.number or " " * 8
        return _("Số: {number}/BC-{abbr}").format(number=number, abbr=self.abbreviation)

    def with_number(self, number: str | None) -> Formalities:
        """The same formalities with one document's number (`report --number`), validated."""
        return self if number is None else replace(self, number=parse_number(number))


def default_issuer_lines(me_unit: Unit, province: Unit) -> tuple[str, ...]:
    """Issuing body per level (see sheet.py): "UBND XÃ …"; "CỤM TỔNG HỢP" over the former district;
    "UBND TỈNH …" over "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH"."""
    if me_unit.level == Level.COMMUNE:
        return (_("UBND {name}").format(name=me_unit.name.upper()),)
    if me_unit.level == Level.DISTRICT:
        return (_("CỤM TỔNG HỢP"), me_unit.name.upper())
    return (_("UBND {name}").format(name=province.name.upper()), _("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH"))


def default_place(unit: Unit) -> str:
    name = unit.short_name
    return name[: -len(" (cũ)")] if name.endswith(" (cũ)") else name


def _lines(raw: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in (raw or "").split("|") if line.strip())


def formalities(store: Store, me_unit: Unit, province: Unit) -> Formalities:
    """What this installation prints, stored values first, defaults for its level otherwise."""
    meta = store.meta()

    def get(name: str) -> str:
        return (meta.get(KEYS[name]) or "").strip()

    level = Level(me_unit.level)
    issuer = tuple(line.upper() for line in _lines(get("issuer"))) or default_issuer_lines(me_unit, province)
    return Formalities(
        issuer_lines=issuer,
        abbreviation=get("abbreviation") or DEFAULT_ABBREVIATION[level],
        number=get("number"),
        recipients=_lines(get("recipients")) or DEFAULT_RECIPIENTS[level],
        place=get("place") or default_place(me_unit),
        signer_title=tuple(line.upper() for line in _lines(get("signer_title"))) or DEFAULT_SIGNER_TITLE,
        signer_name=get("signer_name"),
    )


# -- validation ----------------------------------------------------------------------------------------
def _clean_text(text: str, what: str) -> str:
    value = unicodedata.normalize("NFC", text).strip()
    if any(unicodedata.category(c).startswith("C") for c in value):
        raise ValidationError(_("{what} có ký tự điều khiển; chỉ nhập chữ, số và dấu câu.").format(what=what),
                              field="formalities")
    if len(value) > MAX_LINE:
        raise ValidationError(_("{what} dài quá {n} ký tự.").format(what=what, n=MAX_LINE), field="formalities")
    return value


def _clean_lines(lines: list[str] | tuple[str, ...], what: str) -> str:
    cleaned = [_clean_text(line, what) for line in lines]
    cleaned = [line for line in cleaned if line]
    if any("|" in line for line in cleaned):
        raise ValidationError(_("{what} không được chứa ký tự «|».").format(what=what), field="formalities")
    if len(cleaned) > MAX_LINES:
        raise ValidationError(_("{what} có quá {n} dòng.").format(what=what, n=MAX_LINES), field="formalities")
    return "|".join(cleaned)


def parse_number(text: str) -> str:
    raw = text.strip()
    if raw and not _NUMBER.fullmatch(raw):
        raise ValidationError(
            _("Số văn bản «{text}» không hợp lệ: chỉ nhập chữ số (ví dụ 12), hoặc để trống để viết tay.")
            .format(text=text), field="number")
    return str(int(raw)) if raw else ""


def parse_abbreviation(text: str) -> str:
    raw = unicodedata.normalize("NFC", text).strip().upper()
    if raw and not _ABBREVIATION.fullmatch(raw):
        raise ValidationError(
            _("Chữ viết tắt «{text}» không hợp lệ: chữ in hoa và số, có thể nối bằng «-», ví dụ UBND, SVHTTDL.")
            .format(text=text), field="abbreviation")
    return raw


def parse_sheet_date(text: str) -> _dt.date:
    """«05/01/2026» → date(2026, 1, 5); anything else refused in Vietnamese."""
    m = _DATE.fullmatch(text.strip())
    date = None
    if m:
        try:
            date = _dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            date = None
    if date is None or not 2000 <= date.year <= 2100:
        raise ValidationError(_("Ngày «{text}» không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 05/01/2026.")
                              .format(text=text), field="date")
    return date


def set_formalities(store: Store, *, issuer: list[str] | None = None, abbreviation: str | None = None,
                    number: str | None = None, recipients: list[str] | None = None, place: str | None = None,
                    signer_title: list[str] | None = None, signer_name: str | None = None) -> None:
    """Change some formalities (None = leave as is, empty = back to the default). Validates everything
    before writing anything, then writes in one transaction."""
    changes: dict[str, str] = {}
    if issuer is not None:
        changes["issuer"] = _clean_lines(issuer, _("Tên cơ quan ban hành"))
    if abbreviation is not None:
        changes["abbreviation"] = parse_abbreviation(abbreviation)
    if number is not None:
        changes["number"] = parse_number(number)
    if recipients is not None:
        changes["recipients"] = _clean_lines(recipients, _("Nơi nhận"))
    if place is not None:
        changes["place"] = _clean_text(place, _("Địa danh"))
    if signer_title is not None:
        changes["signer_title"] = _clean_lines(signer_title, _("Chức vụ người ký"))
    if signer_name is not None:
        changes["signer_name"] = _clean_text(signer_name, _("Họ tên người ký"))
    if not changes:
        return
    with store.atomic():
        for name, value in changes.items():
            store.set_meta(KEYS[name], value)


def split_lines(text: str) -> list[str]:
    """A multi-line value as typed on the command line ("A|B") or in a text box (one a line)."""
    return [line for part in text.splitlines() for line in part.split("|")]
