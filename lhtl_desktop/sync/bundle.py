"""The body of a bundle (ARCHITECTURE.md §3.3): building it for export, and checking it field by field on import.

A body is a full snapshot of the sender's scope — institutions, every current value record (tombstones
included) with its version vector, author key, edit id, time and reason — plus the certificates of every
key the sender knows, so that trust travels upward with the data. Loss and re-ordering of files do no harm.

The check (`parse_body`) runs after the signature and the strict JSON parse: codes by regular expression,
values by the catalogue, text in NFC; any deviation is a BundleError naming what is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lhtl_desktop.errors import BundleError, ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.catalogue import MAX_VALUE, TYPES_BY_CODE, IndicatorKind, indicators_for_type
from lhtl_desktop.model.corrections import reason_missing
from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.model.periods import MAX_YEAR, MIN_YEAR, parse_period
from lhtl_desktop.model.records import ValueRecord, value_record
from lhtl_desktop.model.reporting import SubmissionMark
from lhtl_desktop.model.text import has_refused_char
from lhtl_desktop.model.timestamps import is_utc_timestamp
from lhtl_desktop.model.units import Unit
from lhtl_desktop.model.version_vector import MAX_COUNTER
from lhtl_desktop.sync import receipts as _receipts
from lhtl_desktop.sync.lineage import Branch
from lhtl_desktop.sync.lineage import parse_wire as parse_lineage
from lhtl_desktop.sync.merge import InstitutionVersion
from lhtl_desktop.sync.province_config import check_wire_shape
from lhtl_desktop.sync.trust import Certificate, parse_certificate

FORMAT = "lhtl-bundle"
FORMAT_VERSION = 1
MAX_TEXT = 500
MAX_VV_ENTRIES = 256

_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII)
_KEYID_RE = re.compile(r"[0-9a-f]{32}", re.ASCII)
_UNIT_RE = re.compile(r"[0-9]{2}|[0-9]{3}|[0-9]{5}", re.ASCII)
_TS_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z", re.ASCII)
_PERIOD_RE = re.compile(r"[0-9]{4}(-H1)?", re.ASCII)
_CATALOG_RE = re.compile(r"[0-9]{4}\.[0-9]{1,4}", re.ASCII)

_TOP_KEYS = {"format", "format_version", "bundle_id", "from_unit", "to_unit", "seq", "created", "schema_version",
             "catalog_version", "scope", "institutions", "records", "certificates"}
# The province's signed rules document (sync.province_config) and the branches restores made in keys' histories
# (sync.lineage), when the sender has them: a bundle without either is byte for byte what it was before.
_OPTIONAL_KEYS = {"rules", "lineage", "institution_siblings"}
_INST_KEYS = {"id", "unit", "type", "name", "village", "opened_year", "closed_year", "created", "updated", "vv",
              "author_key", "edit_id"}
# The short reference («14389-3», storage/institution_refs.py) was added later: a body may carry it or not.
_INST_KEYS_REF = _INST_KEYS | {"ref"}
_REF_RE = re.compile(r"([0-9]{2,5})-(?:([0-9]{2,5})\.)?[1-9][0-9]{0,8}", re.ASCII)
_REC_KEYS = {"edit_id", "institution", "unit", "period", "indicator", "value", "vv", "author_key", "author_unit",
             "author_name", "created", "reason", "warning"}


@dataclass(frozen=True)
class Body:
    bundle_id: str
    from_unit: str
    to_unit: str
    seq: int
    created: str
    schema_version: int
    catalog_version: str
    scope: tuple[str, ...]
    institutions: tuple[InstitutionVersion, ...]
    institution_created: Mapping[str, str]
    records: tuple[ValueRecord, ...]
    certificates: tuple[Certificate, ...]
    rules: Mapping[str, str] | None = None  # the province's rules as signed: checked by sync.province_config
    lineage: Mapping[str, Sequence[Branch]] | None = None  # key id → branches of its history after restores
    institution_siblings: tuple[InstitutionVersion, ...] = ()  # concurrent versions (sync.institution_merge)
    # Optional sections (sync/receipts.py): submission marks of the scope, receipts for the addressee.
    submissions: tuple[SubmissionMark, ...] = ()
    receipts: tuple[_receipts.Receipt, ...] = ()


# -- building -----------------------------------------------------------------------------------------
def institution_wire(row: Mapping[str, Any], vv: Mapping[str, int]) -> dict[str, Any]:
    return {"id": row["id"], "unit": row["unit_code"], "type": row["type"], "name": row["name"],
            "village": row["village"], "opened_year": row["opened_year"], "closed_year": row["closed_year"],
            "created": row["created_at"], "updated": row["updated_at"], "vv": dict(vv),
            "author_key": row["author_key"], "edit_id": row["edit_id"], "ref": row.get("ref")}


def record_wire(rec: ValueRecord) -> dict[str, Any]:
    return {"edit_id": rec.edit_id, "institution": rec.institution_id, "unit": rec.unit_code, "period": rec.period,
            "indicator": rec.indicator, "value": rec.value, "vv": dict(rec.vv), "author_key": rec.author_key,
            "author_unit": rec.author_unit, "author_name": rec.author_name, "created": rec.created_at,
            "reason": rec.reason, "warning": rec.warning}


# -- checking -----------------------------------------------------------------------------------------
def _bad(detail: str) -> BundleError:
    return BundleError(_("Gói có dữ liệu không hợp lệ: {detail}. Không nhập gì cả; hãy báo đơn vị gửi kiểm tra "
                         "phiên bản chương trình và xuất lại.").format(detail=detail))


def _str(doc: Mapping[str, Any], key: str, pattern: re.Pattern[str], what: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise _bad(_("{what} «{value}» sai định dạng").format(what=what, value=str(value)[:60]))
    return value


def _stamp(doc: Mapping[str, Any], key: str, what: str) -> str:
    """A timestamp that names a real UTC moment (the shape alone lets 9999-99-99T99:99:99Z through)."""
    value = _str(doc, key, _TS_RE, what)
    if not is_utc_timestamp(value):
        raise _bad(_("{what} «{value}» không phải thời điểm có thật").format(what=what, value=value[:60]))
    return value


def _int(value: Any, lo: int, hi: int, what: str) -> int:
    if type(value) is not int or not lo <= value <= hi:
        raise _bad(_("{what} «{value}» không hợp lệ").format(what=what, value=str(value)[:60]))
    return value


def _text(value: Any, what: str, *, required: bool, limit: int = 200) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise _bad(_("{what} không hợp lệ").format(what=what))
    if not unicodedata.is_normalized("NFC", value):
        raise _bad(_("{what} «{value}» không ở dạng chuẩn Unicode NFC").format(what=what, value=value[:60]))
    if has_refused_char(value):
        raise _bad(_("{what} có ký tự điều khiển hoặc không hợp lệ").format(what=what))
    return value


def _vv(value: Any) -> dict[str, int]:
    if not isinstance(value, dict) or not value or len(value) > MAX_VV_ENTRIES:
        raise _bad(_("véc-tơ phiên bản không hợp lệ"))
    for k, n in value.items():
        if not _KEYID_RE.fullmatch(k) or type(n) is not int or not 1 <= n <= MAX_COUNTER:
            raise _bad(_("véc-tơ phiên bản không hợp lệ"))
    return dict(value)


def _ref(value: Any, unit: str, units: Mapping[str, Unit]) -> str | None:
    """An institution's short reference: its own unit's number, or one given by a known unit above it."""
    if value is None:
        return None
    match = _REF_RE.fullmatch(value) if isinstance(value, str) else None
    if match is None or match.group(1) != unit or (match.group(2) is not None and match.group(2) not in units):
        raise _bad(_("mã ngắn thiết chế «{value}» sai định dạng").format(value=str(value)[:40]))
    return value


def _year(value: Any, what: str) -> int | None:
    if value is None:
        return None
    return _int(value, MIN_YEAR, MAX_YEAR, what)


# Field labels for the messages, translated once (not for every field of every record).
_L_BUNDLE_ID = _("mã gói")
_L_FROM = _("đơn vị gửi")
_L_TO = _("đơn vị nhận")
_L_SEQ = _("số thứ tự gói")
_L_CREATED = _("thời điểm tạo")
_L_SCHEMA = _("phiên bản lược đồ")
_L_CATALOG = _("phiên bản danh mục")
_L_INST_ID = _("mã thiết chế")
_L_INST_UNIT = _("đơn vị của thiết chế")
_L_INST_NAME = _("tên thiết chế")
_L_VILLAGE = _("tên thôn")
_L_OPENED = _("năm thành lập")
_L_CLOSED = _("năm ngừng hoạt động")
_L_AUTHOR_KEY = _("khóa tác giả")
_L_EDIT_ID = _("mã lần sửa")
_L_UPDATED = _("thời điểm sửa")
_L_UNIT = _("đơn vị")
_L_PERIOD = _("kỳ báo cáo")
_L_AUTHOR_UNIT = _("đơn vị tác giả")
_L_REASON = _("lý do điều chỉnh")
_L_WARNING = _("cảnh báo")
_L_AUTHOR_NAME = _("tên người nhập")
_L_ENTERED = _("thời điểm nhập")


class _Seen:
    """Values of one body already found valid, so that the many repeats (key ids, unit codes, periods, times,
    names) are checked once. Each method accepts exactly what the full check accepts and, on anything
    else, runs the full check, which raises with its message."""

    def __init__(self, units: Mapping[str, Unit]) -> None:
        self.units = units
        self.key_ids: set[str] = set()
        self.stamps: set[str] = set()
        self.periods: set[str] = set()
        self.unit_codes: set[str] = set()
        self.texts: set[str] = set()  # NFC, no control characters; length and emptiness checked per use

    def key_id(self, doc: Mapping[str, Any], key: str, what: str) -> str:
        value = doc.get(key)
        if type(value) is str and value in self.key_ids:
            return value
        checked = _str(doc, key, _KEYID_RE, what)
        self.key_ids.add(checked)
        return checked

    def stamp(self, doc: Mapping[str, Any], key: str, what: str) -> str:
        value = doc.get(key)
        if type(value) is str and value in self.stamps:
            return value
        checked = _stamp(doc, key, what)
        self.stamps.add(checked)
        return checked

    def known_unit(self, doc: Mapping[str, Any], key: str, what: str) -> str:
        """A unit code of this province (format first, then membership)."""
        value = doc.get(key)
        if type(value) is str and value in self.unit_codes:
            return value
        code = _str(doc, key, _UNIT_RE, what)
        if code not in self.units:
            raise _bad(_("đơn vị «{code}» không thuộc tỉnh này").format(code=code))
        self.unit_codes.add(code)
        return code

    def period(self, doc: Mapping[str, Any]) -> str:
        value = doc.get("period")
        if type(value) is str and value in self.periods:
            return value
        period = _str(doc, "period", _PERIOD_RE, _L_PERIOD)
        try:
            if parse_period(period).key != period:
                raise _bad(_("kỳ báo cáo «{p}» không hợp lệ").format(p=period))
        except ValidationError as exc:
            raise _bad(exc.message.rstrip(".")) from None
        self.periods.add(period)
        return period

    def text(self, value: Any, what: str, *, required: bool, limit: int = 200) -> str | None:
        if value is None and not required:
            return None
        if (type(value) is str and value in self.texts and len(value) <= limit
                and (not required or value.strip())):
            return value  # type: ignore[no-any-return]
        checked = _text(value, what, required=required, limit=limit)
        if checked is not None:
            self.texts.add(checked)
        return checked

    def vv(self, value: Any) -> dict[str, int]:
        if type(value) is not dict or not value or len(value) > MAX_VV_ENTRIES:
            raise _bad(_("véc-tơ phiên bản không hợp lệ"))
        key_ids = self.key_ids
        for k, n in value.items():
            if type(n) is not int or not 1 <= n <= MAX_COUNTER:
                raise _bad(_("véc-tơ phiên bản không hợp lệ"))
            if k not in key_ids:
                if not _KEYID_RE.fullmatch(k):
                    raise _bad(_("véc-tơ phiên bản không hợp lệ"))
                key_ids.add(k)
        return value  # a fresh dict from the parser, owned by the record from now on


def _institution_item(item: Any, seen: _Seen, units: Mapping[str, Unit]) -> tuple[InstitutionVersion, str]:
    """One institution version of a body, checked field by field; with its creation time."""
    if type(item) is not dict or (item.keys() != _INST_KEYS and item.keys() != _INST_KEYS_REF):
        raise _bad(_("thiết chế thiếu hoặc thừa trường"))
    inst_id = _str(item, "id", _UUID_RE, _L_INST_ID)
    unit = seen.known_unit(item, "unit", _L_INST_UNIT)
    type_code = item["type"]
    if not isinstance(type_code, str) or type_code not in TYPES_BY_CODE:
        raise _bad(_("loại thiết chế «{t}» không có trong danh mục").format(t=str(type_code)[:40]))
    if units[unit].level not in TYPES_BY_CODE[type_code].levels:
        raise _bad(_("loại thiết chế «{t}» không hợp với cấp của đơn vị {code}").format(t=type_code, code=unit))
    name = seen.text(item["name"], _L_INST_NAME, required=True) or ""
    village = seen.text(item["village"], _L_VILLAGE, required=False)
    inst = Institution(inst_id, unit, type_code, name, village, _year(item["opened_year"], _L_OPENED),
                       _year(item["closed_year"], _L_CLOSED), _ref(item.get("ref"), unit, units))
    version = InstitutionVersion(
        inst, seen.vv(item["vv"]), seen.key_id(item, "author_key", _L_AUTHOR_KEY),
        _str(item, "edit_id", _UUID_RE, _L_EDIT_ID), seen.stamp(item, "updated", _L_UPDATED))
    return version, seen.stamp(item, "created", _L_CREATED)


def parse_body(doc: Any, units: Mapping[str, Unit]) -> Body:
    """Check every field of a decoded body. Units must be known here; values must fit the catalogue."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _bad(_("không phải gói số liệu"))
    if doc.get("format_version") != FORMAT_VERSION or type(doc.get("format_version")) is not int:
        raise BundleError(_("Gói được tạo bởi phiên bản chương trình khác (định dạng {v}). Hãy cập nhật chương "
                            "trình ở cả hai nơi cho cùng phiên bản.").format(v=str(doc.get("format_version"))[:20]))
    if set(doc) - _OPTIONAL_KEYS - _receipts.SECTIONS != _TOP_KEYS:
        raise _bad(_("thiếu hoặc thừa trường"))
    seen = _Seen(units)
    bundle_id = _str(doc, "bundle_id", _UUID_RE, _L_BUNDLE_ID)
    from_unit = _str(doc, "from_unit", _UNIT_RE, _L_FROM)
    to_unit = _str(doc, "to_unit", _UNIT_RE, _L_TO)
    seq = _int(doc["seq"], 1, MAX_COUNTER, _L_SEQ)
    created = _stamp(doc, "created", _L_CREATED)
    schema_version = _int(doc["schema_version"], 1, 10_000, _L_SCHEMA)
    catalog_version = _str(doc, "catalog_version", _CATALOG_RE, _L_CATALOG)
    for code in (from_unit, to_unit):
        if code not in units:
            raise _bad(_("đơn vị «{code}» không thuộc tỉnh này").format(code=code))

    scope_raw = doc["scope"]
    if not isinstance(scope_raw, list) or len(scope_raw) > 10_000:
        raise _bad(_("phạm vi không hợp lệ"))
    scope: list[str] = []
    for code in scope_raw:
        if not isinstance(code, str) or not _UNIT_RE.fullmatch(code) or code not in units:
            raise _bad(_("đơn vị «{code}» trong phạm vi không hợp lệ").format(code=str(code)[:20]))
        scope.append(code)

    insts_raw, recs_raw, certs_raw = doc["institutions"], doc["records"], doc["certificates"]
    if not isinstance(insts_raw, list) or not isinstance(recs_raw, list) or not isinstance(certs_raw, list):
        raise _bad(_("danh sách không hợp lệ"))
    if len(certs_raw) > 10_000:
        raise _bad(_("quá nhiều chứng nhận khóa"))

    institutions: dict[str, InstitutionVersion] = {}
    created_at: dict[str, str] = {}
    for item in insts_raw:
        one, created = _institution_item(item, seen, units)
        if one.institution.id in institutions:
            raise _bad(_("thiết chế «{id}» lặp lại").format(id=one.institution.id))
        institutions[one.institution.id] = one
        created_at[one.institution.id] = created
    # Concurrent versions of institutions (sync.institution_merge): optional, each of an institution above.
    siblings: list[InstitutionVersion] = []
    sibs_raw = doc.get("institution_siblings", [])
    if not isinstance(sibs_raw, list) or len(sibs_raw) > 100_000:
        raise _bad(_("danh sách không hợp lệ"))
    for item in sibs_raw:
        sib, _created = _institution_item(item, seen, units)
        main = institutions.get(sib.institution.id)
        if main is None or main.institution.unit_code != sib.institution.unit_code:
            raise _bad(_("phiên bản song song của thiết chế «{id}» không có trong gói").format(id=sib.institution.id))
        siblings.append(sib)

    records: list[ValueRecord] = []
    edit_ids: set[str] = set()
    kinds: dict[str, dict[str, IndicatorKind]] = {}
    uuid_match = _UUID_RE.fullmatch
    # The common case inline (a value already seen valid); anything else goes to the full check of _Seen.
    key_ids, stamps, periods, unit_codes, texts = seen.key_ids, seen.stamps, seen.periods, seen.unit_codes, seen.texts
    for item in recs_raw:
        if type(item) is not dict or item.keys() != _REC_KEYS:
            raise _bad(_("bản ghi thiếu hoặc thừa trường"))
        edit_id = item["edit_id"]
        if type(edit_id) is not str or not uuid_match(edit_id):
            _str(item, "edit_id", _UUID_RE, _L_EDIT_ID)  # raises
        if edit_id in edit_ids:
            raise _bad(_("bản ghi «{id}» lặp lại").format(id=edit_id))
        edit_ids.add(edit_id)
        inst_id = item["institution"]
        version = institutions.get(inst_id) if type(inst_id) is str else None  # its keys are checked ids
        if version is None:
            inst_id = _str(item, "institution", _UUID_RE, _L_INST_ID)
            raise _bad(_("bản ghi của thiết chế «{id}» không có trong gói").format(id=inst_id))
        inst = version.institution
        unit = item["unit"]
        if unit != inst.unit_code:  # the institution's code is a checked code: equal means valid
            _str(item, "unit", _UNIT_RE, _L_UNIT)
            raise _bad(_("bản ghi ghi sai đơn vị của thiết chế"))
        period = item["period"]
        if type(period) is not str or period not in periods:
            period = seen.period(item)
        kind_of = kinds.get(inst.type)
        if kind_of is None:
            kind_of = kinds[inst.type] = {i.code: i.kind for i in indicators_for_type(inst.type)}
        indicator = item["indicator"]
        kind = kind_of.get(indicator) if type(indicator) is str else None
        if kind is None:
            raise _bad(_("chỉ số «{code}» không áp dụng cho loại thiết chế «{t}»").format(
                code=str(indicator)[:40], t=inst.type))
        value = item["value"]
        if value is not None:
            hi = 1 if kind == IndicatorKind.FLAG else MAX_VALUE
            if type(value) is not int or not 0 <= value <= hi:
                _int(value, 0, hi, _("giá trị của {code}").format(code=indicator))  # raises
        author_unit = item["author_unit"]
        if type(author_unit) is not str or author_unit not in unit_codes:
            author_unit = seen.known_unit(item, "author_unit", _L_AUTHOR_UNIT)
        reason = item["reason"]
        if reason is not None:
            reason = seen.text(reason, _L_REASON, required=False, limit=MAX_TEXT)
        # A record its own unit entered needs no reason (corrections.needs_reason): asked of corrections only.
        if author_unit != unit and reason_missing(author_unit, unit, reason):
            raise _bad(_("điều chỉnh của cấp trên cho {code} thiếu lý do").format(code=indicator))
        vv = item["vv"]
        if type(vv) is dict and len(vv) == 1:  # one key: its own edits only, the usual record
            [(k, n)] = vv.items()
            if k not in key_ids or type(n) is not int or not 1 <= n <= MAX_COUNTER:
                vv = seen.vv(vv)
        else:
            vv = seen.vv(vv)
        author_key = item["author_key"]
        if type(author_key) is not str or author_key not in key_ids:
            author_key = seen.key_id(item, "author_key", _L_AUTHOR_KEY)
        entered = item["created"]
        if type(entered) is not str or entered not in stamps:
            entered = seen.stamp(item, "created", _L_ENTERED)
        warning = item["warning"]
        if warning is not None:
            warning = seen.text(warning, _L_WARNING, required=False, limit=MAX_TEXT)
        author_name = item["author_name"]
        if type(author_name) is not str or author_name not in texts or len(author_name) > 200:
            author_name = seen.text(author_name, _L_AUTHOR_NAME, required=False) or ""
        records.append(value_record(edit_id, inst_id, unit, period, indicator, value, vv, author_key, author_unit,
                                    entered, reason, warning, author_name))

    certificates = tuple(parse_certificate(c) for c in certs_raw)
    rules = check_wire_shape(doc["rules"]) if "rules" in doc else None
    lineage = parse_lineage(doc["lineage"]) if "lineage" in doc else None
    submissions, receipts = _receipts.parse_sections(doc, units)
    return Body(bundle_id, from_unit, to_unit, seq, created, schema_version, catalog_version, tuple(scope),
                tuple(institutions.values()), created_at, tuple(records), certificates, rules, lineage,
                tuple(siblings), submissions, receipts)
