"""Strict reading of a filled return form (openpyxl): the file first, then the structure, then every cell.

Order, each step refusing the whole file with one Vietnamese line (FormFileError) before the next runs:
extension (.xlsm and anything but .xlsx refused) → size cap (stat) → magic bytes (an encrypted workbook is
an OLE file, not a zip: «có mật khẩu») → zip directory (bounded total size, no macros, no external links) →
openpyxl → our hidden «_lhtl» sheet and format version → the structure digest recomputed from the machine keys
found in the sheets. Then every filled cell is read with the entry form's own rules (`model.validation`),
and each bad cell becomes one `CellError` (sheet, cell, message): the caller refuses the file if there is any.
A formula cell is refused with its address, unless `use_cached` (the officer accepted «dùng giá trị đã tính»)
and the file holds a computed value for it.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import uuid
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lhtl_desktop.errors import LhtlError, ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.catalogue import INDICATORS_BY_CODE, MAX_VALUE, Indicator
from lhtl_desktop.model.institutions import clean_text
from lhtl_desktop.model.periods import parse_period
from lhtl_desktop.model.validation import parse_value
from lhtl_desktop.services.forms.spec import (
    FORM_FORMAT,
    FORM_VERSION,
    sheet_families,
    structure_digest,
    type_labels_read,
)
from lhtl_desktop.services.forms.xlsx_out import (
    CODES_MARK,
    CODES_ROW,
    ID_COL,
    META,
    NAME_COL,
    TYPE_COL,
    VILLAGE_COL,
    value_column,
)

MAX_FORM_BYTES = 5 * 1024 * 1024  # a form of one commune is ~30 KB; 5 MB leaves room for many photos' worth
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024
MAX_ZIP_ENTRIES = 400
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


class FormFileError(LhtlError):
    """A file that is not a readable return form of ours; nothing is written."""

    exit_code = 3


@dataclass(frozen=True)
class CellError:
    sheet: str
    cell: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"sheet": self.sheet, "cell": self.cell, "message": self.message}

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}: {self.message}"


@dataclass
class FormValue:
    indicator: str
    value: int
    cell: str  # "F7"


@dataclass
class FormLine:
    sheet: str
    row: int
    institution_id: str | None  # None: a new institution typed into an empty row
    type: str | None
    name: str | None
    village: str | None
    values: list[FormValue] = field(default_factory=list)


@dataclass
class ReadForm:
    file_name: str
    sha256: str
    unit: str
    unit_name: str
    period: str
    lines: list[FormLine]
    errors: list[CellError]


def _refuse(message: str) -> FormFileError:
    return FormFileError(message)


def read_form_file(path: Path | str, *, use_cached: bool = False) -> ReadForm:
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".xlsm":
        raise _refuse(_("Tệp «{name}» là sổ Excel có macro (.xlsm): không nhận. Hãy mở biểu và lưu lại dạng "
                        "«Excel Workbook (.xlsx)».").format(name=p.name))
    if suffix != ".xlsx":
        raise _refuse(_("Tệp «{name}» không phải biểu Excel (.xlsx) của chương trình.").format(name=p.name))
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise _refuse(_("Không đọc được tệp «{name}»: {why}").format(name=p.name, why=exc.strerror or exc)) from exc
    if size > MAX_FORM_BYTES:
        raise _refuse(_("Tệp «{name}» quá lớn ({mb} MB; biểu của chương trình nhỏ hơn {cap} MB): không nhận.")
                      .format(name=p.name, mb=round(size / 1024 / 1024, 1), cap=MAX_FORM_BYTES // 1024 // 1024))
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise _refuse(_("Không đọc được tệp «{name}»: {why}").format(name=p.name, why=exc.strerror or exc)) from exc
    return read_form_bytes(data, p.name, use_cached=use_cached)


def read_form_bytes(data: bytes, file_name: str, *, use_cached: bool = False) -> ReadForm:
    if len(data) > MAX_FORM_BYTES:
        raise _refuse(_("Tệp «{name}» quá lớn: không nhận.").format(name=file_name))
    if data.startswith(OLE_MAGIC):
        raise _refuse(_("Tệp «{name}» có mật khẩu (đã mã hóa) hoặc là định dạng Excel cũ (.xls): hãy bỏ mật khẩu "
                        "và lưu lại dạng .xlsx rồi nhập lại.").format(name=file_name))
    if not data.startswith(ZIP_MAGIC):
        raise _refuse(_("Tệp «{name}» bị hỏng hoặc không phải tệp Excel (.xlsx).").format(name=file_name))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(_("Tệp «{name}» bị hỏng (không mở được): hãy xin gửi lại tệp.").format(name=file_name)) from exc
    names = [i.filename.lower() for i in infos]
    if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
        raise _refuse(_("Tệp «{name}» quá lớn khi giải nén: không nhận.").format(name=file_name))
    if any(n.endswith("vbaproject.bin") for n in names):
        raise _refuse(_("Tệp «{name}» có macro: không nhận. Hãy lưu lại dạng .xlsx không có macro.")
                      .format(name=file_name))
    if any(n.startswith("xl/externallinks/") for n in names):
        raise _refuse(_("Tệp «{name}» có liên kết tới tệp khác: không nhận. Hãy xóa liên kết (hoặc chép giá trị) rồi "
                        "lưu lại.").format(name=file_name))
    if "xl/workbook.xml" not in names:
        raise _refuse(_("Tệp «{name}» không phải biểu Excel của chương trình.").format(name=file_name))

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():  # openpyxl's notes on extensions it drops are not the officer's concern
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), data_only=False, keep_links=False, keep_vba=False)
            cached = (load_workbook(io.BytesIO(data), data_only=True, keep_links=False, keep_vba=False)
                      if use_cached else None)
    except Exception as exc:  # openpyxl raises many kinds on damaged files; none of them is ours to crash on
        raise _refuse(_("Tệp «{name}» bị hỏng (không đọc được nội dung): hãy xin gửi lại tệp.").format(
            name=file_name)) from exc
    sha = hashlib.sha256(data).hexdigest()
    return _read_workbook(wb, cached, file_name, sha)


def _meta(wb: Any, file_name: str) -> dict[str, str]:
    not_ours = _refuse(_("Tệp «{name}» không phải biểu nhập số liệu của chương trình (không có phần mã của biểu). "
                         "Hãy dùng biểu xuất từ chương trình («form export»).").format(name=file_name))
    if META not in wb.sheetnames:
        raise not_ours
    ws = wb[META]
    meta: dict[str, str] = {}
    for row in ws.iter_rows(min_row=1, max_row=60, min_col=1, max_col=2, values_only=True):
        if row[0] is not None:
            meta[str(row[0])] = "" if row[1] is None else str(row[1])
    if meta.get("format") != FORM_FORMAT:
        raise not_ours
    try:
        version = int(meta.get("version", ""))
    except ValueError:
        raise not_ours from None
    if version > FORM_VERSION:
        raise _refuse(_("Biểu «{name}» được tạo bởi phiên bản chương trình mới hơn: hãy cập nhật chương trình rồi "
                        "nhập lại.").format(name=file_name))
    return meta


def _structure_error(file_name: str) -> FormFileError:
    return _refuse(_("Cấu trúc biểu «{name}» đã bị sửa (dòng, cột hoặc trang tính bị thêm, xóa hay di chuyển): "
                     "không nhập. Hãy điền lại vào biểu gốc, không thêm, xóa hay di chuyển dòng, cột.").format(
        name=file_name))


def _read_workbook(wb: Any, cached: Any, file_name: str, sha: str) -> ReadForm:
    meta = _meta(wb, file_name)
    unit, period = meta.get("unit", ""), meta.get("period", "")
    try:
        period = parse_period(period).key
    except ValidationError:
        raise _structure_error(file_name) from None
    sheets: list[tuple[str, int, int]] = []
    for key, value in meta.items():
        if key.startswith("sheet:"):
            try:
                first, last = (int(x) for x in value.split(":"))
            except ValueError:
                raise _structure_error(file_name) from None
            sheets.append((key[len("sheet:"):], first, last))
    found: list[tuple[str, list[str], list[str], int]] = []
    layouts: list[tuple[str, int, int, list[Indicator], str]] = []
    families = sheet_families()
    for name, first, last in sheets:
        if name not in wb.sheetnames or name not in families or not 0 < first <= last <= first + 5000:
            raise _structure_error(file_name)
        ws = wb[name]
        if ws.cell(row=CODES_ROW, column=ID_COL).value != CODES_MARK:
            raise _structure_error(file_name)
        codes: list[str] = []
        n = 0
        while True:
            code = ws.cell(row=CODES_ROW, column=value_column(n)).value
            if code is None:
                break
            codes.append(str(code))
            n += 1
            if n > 40:
                raise _structure_error(file_name)
        ids = []
        blank = 0
        for row in range(first, last + 1):
            v = ws.cell(row=row, column=ID_COL).value
            if v is None or str(v).strip() == "":
                blank += 1
            else:
                ids.append(str(v).strip())
        if ws.max_row > last + 2 and any(ws.cell(row=r, column=ID_COL).value for r in range(last + 1, ws.max_row + 1)):
            raise _structure_error(file_name)
        found.append((name, codes, ids, blank))
        indicators = [INDICATORS_BY_CODE[c] for c in codes if c in INDICATORS_BY_CODE]
        if len(indicators) != len(codes):
            raise _structure_error(file_name)
        layouts.append((name, first, last, indicators, families[name]))
    if not found or structure_digest(unit, period, found) != meta.get("digest"):
        raise _structure_error(file_name)

    errors: list[CellError] = []
    lines: list[FormLine] = []
    level = "commune" if len(unit) == 5 else "district" if len(unit) == 3 else "province"
    for name, first, last, indicators, family in layouts:
        ws = wb[name]
        cws = cached[name] if cached is not None else None
        # Anything typed below the table (the sheet is protected, but protection is lifted without a password)
        # would be lost silently: say where it is instead.
        for row in ws.iter_rows(min_row=last + 1, max_row=min(ws.max_row, last + 500), min_col=TYPE_COL,
                                max_col=value_column(len(indicators))):
            for cell in row:
                if cell.value is not None and str(cell.value).strip():
                    errors.append(CellError(name, cell.coordinate, _(
                        "ô nằm ngoài bảng của biểu: hãy ghi vào các dòng trống trong bảng (thêm dòng mới không được "
                        "nhận)")))
        labels = type_labels_read(family, level)
        for row in range(first, last + 1):
            inst_id = ws.cell(row=row, column=ID_COL).value
            line = FormLine(name, row, str(inst_id).strip() if inst_id else None, None, None, None)
            for n, ind in enumerate(indicators):
                col = value_column(n)
                cell = ws.cell(row=row, column=col)
                value = _cell_value(cell, cws, name, errors)
                if value is _SKIP:
                    continue
                try:
                    line.values.append(FormValue(ind.code, _to_int(ind, value), cell.coordinate))
                except ValidationError as exc:
                    errors.append(CellError(name, cell.coordinate, exc.message))
            if line.institution_id is None:
                if not _read_new_row(ws, cws, row, line, labels, errors) and not line.values:
                    continue
                if line.institution_id is None and not _valid_new(line, name, row, errors):
                    continue
            else:
                if not _is_uuid(line.institution_id):
                    raise _structure_error(file_name)
                _read_new_row(ws, cws, row, line, labels, [])  # used only if the institution is unknown here
            lines.append(line)
    return ReadForm(file_name, sha, unit, meta.get("unit_name", unit), period, lines, errors)


class _Skip:
    pass


_SKIP = _Skip()


def _cell_value(cell: Any, cached_ws: Any, sheet: str, errors: list[CellError]) -> Any:
    """The cell's value, or _SKIP when it is empty or already reported as an error."""
    value = cell.value
    is_formula = cell.data_type == "f" or type(value).__name__ in ("ArrayFormula", "DataTableFormula")
    if is_formula:
        cached = cached_ws[cell.coordinate].value if cached_ws is not None else None
        if cached_ws is None or cached is None:
            errors.append(CellError(sheet, cell.coordinate, _(
                "ô có công thức; hãy nhập số trực tiếp (hoặc chọn «dùng giá trị đã tính» nếu biểu đã được tính)")
                if cached_ws is None else _(
                "ô có công thức nhưng tệp không lưu giá trị đã tính; hãy nhập số trực tiếp")))
            return _SKIP
        value = cached
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return _SKIP
    return value


def _to_int(ind: Indicator, value: Any) -> int:
    if isinstance(value, bool):
        raise ValidationError(_("«{label}»: chỉ nhập số nguyên (chữ số 0–9), không nhập chữ.").format(label=ind.label))
    if isinstance(value, int):
        return parse_value(ind, str(value))
    if isinstance(value, float):
        if value.is_integer() and abs(value) <= MAX_VALUE * 10:
            return parse_value(ind, str(int(value)))
        return parse_value(ind, repr(value))
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time, _dt.timedelta)):
        raise ValidationError(_("«{label}»: ô chứa ngày tháng, không phải số.").format(label=ind.label))
    return parse_value(ind, str(value))


def _text_of(ws: Any, cws: Any, row: int, col: int, sheet: str, errors: list[CellError]) -> str | None:
    cell = ws.cell(row=row, column=col)
    value = _cell_value(cell, cws, sheet, errors)
    if value is _SKIP:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _read_new_row(ws: Any, cws: Any, row: int, line: FormLine, labels: dict[str, str],
                  errors: list[CellError]) -> bool:
    """Type, name and village of an empty row; True when anything was typed in them."""
    sheet = line.sheet
    type_text = _text_of(ws, cws, row, TYPE_COL, sheet, errors)
    name = _text_of(ws, cws, row, NAME_COL, sheet, errors)
    village = _text_of(ws, cws, row, VILLAGE_COL, sheet, errors)
    if type_text is None and name is None and village is None:
        return False
    if type_text is not None:
        code = labels.get(" ".join(type_text.split()).casefold())
        if code is None:
            errors.append(CellError(sheet, ws.cell(row=row, column=TYPE_COL).coordinate,
                                    _("loại thiết chế «{text}» không có trong danh sách; hãy chọn trong danh sách")
                                    .format(text=type_text)))
        line.type = code
    for col, text, what, attr in ((NAME_COL, name, _("tên thiết chế"), "name"),
                                  (VILLAGE_COL, village, _("tên thôn, tổ dân phố"), "village")):
        if text is None:
            continue
        try:
            setattr(line, attr, clean_text(text, what, required=False))
        except ValidationError as exc:
            errors.append(CellError(sheet, ws.cell(row=row, column=col).coordinate, exc.message))
    return True


def _valid_new(line: FormLine, sheet: str, row: int, errors: list[CellError]) -> bool:
    ok = True
    from openpyxl.utils import get_column_letter

    if line.type is None and not any(e.cell == f"{get_column_letter(TYPE_COL)}{row}" for e in errors):
        errors.append(CellError(sheet, f"{get_column_letter(TYPE_COL)}{row}",
                                _("dòng thiết chế mới chưa chọn loại thiết chế")))
        ok = False
    if not line.name and not any(e.cell == f"{get_column_letter(NAME_COL)}{row}" for e in errors):
        errors.append(CellError(sheet, f"{get_column_letter(NAME_COL)}{row}",
                                _("dòng thiết chế mới chưa ghi tên thiết chế")))
        ok = False
    return ok


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False
