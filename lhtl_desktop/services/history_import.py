"""Figures from before the program: a documented layout (template), its strict import, and the growth bases.

Layout (sheet «Số liệu» of the template, or a UTF-8 CSV with the same header row), one value a row:
`Năm` | `Mã đơn vị` | `Mã thiết chế` | `Tên thiết chế` | `Mã chỉ số` | `Giá trị` (a `Tên đơn vị` column may be
kept for the reader's eye; it is not read).
- A row naming an institution (its id, or its exact name in a unit of today) is that institution's value: it is
  written like an entered value (provenance «nguồn: số liệu trước chương trình …» as its reason) and feeds the
  growth targets and charts as one.
- A row with no institution is a **total of a former unit**, by its code in vietnam-provinces' legacy tree
  (`unit_lineage`): a former district (3 digits) or a former commune (5 digits). Totals are kept apart
  (`history_totals`) and are used only as growth bases (`history_base`), where a scope has no value of its own
  for the year.
Every bad row is listed (sheet!cell or «dòng N»); one bad row refuses the whole file, nothing written.

How a total counts for a scope S (`history_base`):
- a former district's total counts for the hub that stands for it (same code) and everything above it;
- a former commune that became (part of) exactly one new commune counts for that commune and above;
- a former commune split across several new communes is not guessed: it is listed «không phân bổ được» with its
  figures, and counts only for a scope that holds every commune it became part of (the province, usually);
- within one scope a former district's total replaces its former communes' totals (never counted twice).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from lhtl_desktop.errors import LhtlError, ValidationError
from lhtl_desktop.i18n import N_, _, fmt_int, in_every_language
from lhtl_desktop.model.catalogue import INDICATORS, INDICATORS_BY_CODE
from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.model.periods import parse_year
from lhtl_desktop.model.records import now_utc
from lhtl_desktop.model.targets import Status, TargetResult, growth_value
from lhtl_desktop.model.validation import indicator_for, parse_value
from lhtl_desktop.services.forms.importer import value_outcome, write_value
from lhtl_desktop.services.forms.provenance import history_reason
from lhtl_desktop.services.forms.xlsx_in import CellError, FormFileError
from lhtl_desktop.services.installation import installation, subtree
from lhtl_desktop.storage import Store, forms_store, sync_store
from lhtl_desktop.storage.backup import rolling_backup

MAX_HISTORY_BYTES = 10 * 1024 * 1024
MAX_HISTORY_ROWS = 200_000
# Headers are written in the program's language and read in Vietnamese, English or as the machine keys, so a
# template from one installation imports into any other.
SHEET_SOURCE = N_("Số liệu")
SHEET = _(SHEET_SOURCE)
COLUMNS = (
    ("year", N_("Năm")),
    ("unit", N_("Mã đơn vị")),
    ("unit_name", N_("Tên đơn vị")),
    ("institution", N_("Mã thiết chế")),
    ("institution_name", N_("Tên thiết chế")),
    ("indicator", N_("Mã chỉ số")),
    ("value", N_("Giá trị")),
)
REQUIRED = ("year", "unit", "indicator", "value")
UNALLOCATED = _("không phân bổ được")
BASIS_NOTE = _("cơ sở năm {year}: số liệu tổng hợp theo đơn vị cũ")


class HistoryFileError(FormFileError):
    """A history file that cannot be read at all."""


@dataclass
class HistoryResult:
    file: str
    status: str = "rejected"
    reason: str = ""
    errors: list[CellError] = field(default_factory=list)
    dry_run: bool = False
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    conflicts: int = 0
    totals_new: int = 0
    totals_changed: int = 0
    totals_unchanged: int = 0
    unallocated: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = [e.as_json() for e in self.errors]
        return data

    def summary(self) -> str:
        if self.status == "rejected":
            return f"{self.file}: " + (self.reason or _("bị từ chối"))
        text = _("{file}: số liệu thiết chế — mới {new}, thay đổi {changed}, không đổi {unchanged}, xung đột {conf}; "
                 "tổng theo đơn vị cũ — mới {tn}, thay đổi {tc}, không đổi {tu}").format(
            file=self.file, new=self.new, changed=self.changed, unchanged=self.unchanged, conf=self.conflicts,
            tn=self.totals_new, tc=self.totals_changed, tu=self.totals_unchanged)
        return text + (" " + _("(xem trước, chưa ghi)") if self.dry_run else "")

    def unallocated_lines(self) -> list[str]:
        return [_("{code} {name}, năm {year}, {indicator} = {value}: {why} (nay thuộc {units})").format(
            code=u["legacy_code"], name=u["legacy_name"], year=u["year"], indicator=u["indicator"],
            value=fmt_int(u["value"]), why=UNALLOCATED, units=", ".join(u["units"])) for u in self.unallocated]


@dataclass(frozen=True)
class _Row:
    where: tuple[str, str]  # (sheet, cell) of the row's first cell, for messages
    cells: dict[str, str]  # column key → text


# -- reading ------------------------------------------------------------------------------------------
def _read_rows(path: Path) -> list[_Row]:
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise HistoryFileError(_("Tệp «{name}» phải là .xlsx hoặc .csv theo mẫu («history template»).").format(
            name=path.name))
    try:
        size = path.stat().st_size
        if size > MAX_HISTORY_BYTES:
            raise HistoryFileError(_("Tệp «{name}» quá lớn: không nhận.").format(name=path.name))
        data = path.read_bytes()
    except OSError as exc:
        raise HistoryFileError(_("Không đọc được tệp «{name}»: {why}").format(name=path.name,
                                                                           why=exc.strerror or exc)) from exc
    return _csv_rows(data, path.name) if suffix == ".csv" else _xlsx_rows(data, path.name)


def _header_keys(header: Sequence[Any], name: str) -> dict[int, str]:
    by_label = ({spelling.casefold(): key for key, label in COLUMNS for spelling in in_every_language(label)}
                | {key: key for key, _label in COLUMNS})
    keys: dict[int, str] = {}
    for n, text in enumerate(header):
        key = by_label.get(str(text or "").strip().casefold())
        if key:
            keys[n] = key
    missing = [_(label) for key, label in COLUMNS if key in REQUIRED and key not in keys.values()]
    if missing:
        raise HistoryFileError(_("Tệp «{name}» thiếu cột {cols} ở dòng đầu: hãy dùng tệp mẫu («history template»).")
                               .format(name=name, cols=", ".join(f"«{m}»" for m in missing)))
    return keys


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(data: bytes, name: str) -> list[_Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HistoryFileError(_("Tệp «{name}» không phải văn bản UTF-8: hãy lưu CSV dạng «UTF-8».").format(
            name=name)) from None
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        raise HistoryFileError(_("Tệp «{name}» trống.").format(name=name))
    keys = _header_keys(rows[0], name)
    out = []
    for n, raw in enumerate(rows[1:], 2):
        if not any(c.strip() for c in raw):
            continue
        out.append(_Row(("CSV", _("dòng {n}").format(n=n)),
                        {k: _text(raw[i]) if i < len(raw) else "" for i, k in keys.items()}))
        if len(out) > MAX_HISTORY_ROWS:
            raise HistoryFileError(_("Tệp «{name}» có quá nhiều dòng.").format(name=name))
    return out


def _xlsx_rows(data: bytes, name: str) -> list[_Row]:
    from openpyxl import load_workbook

    from lhtl_desktop.services.forms.xlsx_in import OLE_MAGIC, ZIP_MAGIC

    if data.startswith(OLE_MAGIC):
        raise HistoryFileError(_("Tệp «{name}» có mật khẩu hoặc là Excel cũ (.xls): hãy lưu lại dạng .xlsx.")
                               .format(name=name))
    if not data.startswith(ZIP_MAGIC):
        raise HistoryFileError(_("Tệp «{name}» bị hỏng hoặc không phải tệp Excel (.xlsx).").format(name=name))
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # a damaged workbook: any openpyxl error
        raise HistoryFileError(_("Tệp «{name}» bị hỏng (không đọc được).").format(name=name)) from exc
    sheet = next((n for n in sorted(in_every_language(SHEET_SOURCE)) if n in wb.sheetnames), None)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    it = ws.iter_rows()
    header = next(it, None)
    if header is None:
        raise HistoryFileError(_("Tệp «{name}» trống.").format(name=name))
    keys = _header_keys([c.value for c in header], name)
    out = []
    formula_errors: list[_Row] = []
    for cells in it:
        values = {k: cells[i] for i, k in keys.items() if i < len(cells)}
        if not any(_text(c.value) for c in values.values()):
            continue
        first = next(iter(cells))
        row_cells: dict[str, str] = {}
        for k, c in values.items():
            if c.data_type == "f":
                formula_errors.append(_Row((ws.title, c.coordinate), {"formula": "1"}))
            row_cells[k] = _text(c.value)
        out.append(_Row((ws.title, f"A{first.row}"), row_cells))
        if len(out) > MAX_HISTORY_ROWS:
            raise HistoryFileError(_("Tệp «{name}» có quá nhiều dòng.").format(name=name))
    return formula_errors + out


# -- checking -----------------------------------------------------------------------------------------
@dataclass
class _Checked:
    values: list[tuple[Institution, str, str, int]] = field(default_factory=list)  # institution, year, code, value
    totals: dict[tuple[str, int, str], tuple[str, int]] = field(default_factory=dict)  # (code, year, ind) → level, v


def _lineage(store: Store) -> tuple[dict[str, set[str]], dict[str, str], dict[str, str], dict[str, str]]:
    """legacy commune → new communes; legacy commune → its former district; names of former communes and
    districts."""
    homes: dict[str, set[str]] = {}
    district_of: dict[str, str] = {}
    names: dict[str, str] = {}
    district_names: dict[str, str] = {}
    for r in forms_store.lineage_rows(store):
        homes.setdefault(r["legacy_code"], set()).add(r["unit_code"])
        district_of[r["legacy_code"]] = r["legacy_district_code"]
        names[r["legacy_code"]] = r["legacy_name"]
        district_names[r["legacy_district_code"]] = r["legacy_district_name"]
    return homes, district_of, names, district_names


def _check(store: Store, rows: Iterable[_Row]) -> tuple[_Checked, list[CellError]]:
    me = installation(store)
    scope = set(subtree(store, me.unit.code))
    homes, _district_of, _names, district_names = _lineage(store)
    by_unit_name: dict[tuple[str, str], Institution] = {}
    insts = {i.id: i for i in store.institutions(scope)}
    for inst in insts.values():
        by_unit_name[(inst.unit_code, inst.name.casefold())] = inst
    checked = _Checked()
    errors: list[CellError] = []
    labels = {i.label.casefold(): i.code for i in INDICATORS}
    for row in rows:
        sheet, cell = row.where
        if "formula" in row.cells:
            errors.append(CellError(sheet, cell, _("ô có công thức; hãy chép giá trị (dán dạng số) rồi lưu lại")))
            continue
        c = row.cells
        try:
            year = parse_year(c.get("year", ""))
            code_text = c.get("indicator", "").strip()
            code = labels.get(code_text.casefold(), code_text.upper())
            if code not in INDICATORS_BY_CODE:
                raise ValidationError(_("không có chỉ số «{code}»").format(code=code_text))
            inst_id, inst_name = c.get("institution", ""), c.get("institution_name", "")
            unit = c.get("unit", "").strip()
            if inst_id or inst_name:
                found = insts.get(inst_id) if inst_id else by_unit_name.get((unit, inst_name.casefold()))
                if found is None:
                    raise ValidationError(_("không tìm thấy thiết chế «{what}» trong phạm vi của {me}").format(
                        what=inst_id or f"{inst_name} ({unit})", me=me.unit.name))
                inst = found
                ind = indicator_for(inst.type, code)
                checked.values.append((inst, str(year), code, parse_value(ind, c.get("value", ""))))
                continue
            value = parse_value(INDICATORS_BY_CODE[code], c.get("value", ""))
            if len(unit) == 5 and unit in homes:
                level = "commune"
                in_scope = any(h in scope for h in homes[unit])
            elif len(unit) == 3 and unit in district_names:
                level = "district"
                in_scope = unit in scope or me.unit.level == "province"
            else:
                raise ValidationError(_("«{code}» không phải mã xã cũ (5 chữ số) hay huyện cũ (3 chữ số) của tỉnh")
                                      .format(code=unit))
            if not in_scope:
                raise ValidationError(_("đơn vị cũ «{code}» nằm ngoài phạm vi của {me}").format(code=unit,
                                                                                               me=me.unit.name))
            key = (unit, year, code)
            if key in checked.totals and checked.totals[key][1] != value:
                raise ValidationError(_("đơn vị cũ «{code}», năm {year}, {ind}: hai dòng ghi hai giá trị khác nhau")
                                      .format(code=unit, year=year, ind=code))
            checked.totals[key] = (level, value)
        except ValidationError as exc:
            errors.append(CellError(sheet, cell, exc.message))
    return checked, errors


# -- import -------------------------------------------------------------------------------------------
def import_history(store: Store, path: str | os.PathLike[str], *, dry_run: bool = False,
                   backup: bool = True) -> HistoryResult:
    p = Path(path)
    result = HistoryResult(file=str(path), dry_run=dry_run)
    try:
        rows = _read_rows(p)
    except LhtlError as exc:
        result.reason = exc.message
        return result
    checked, errors = _check(store, rows)
    if errors:
        result.errors = errors
        result.reason = _("Tệp có {n} dòng không hợp lệ: không nhập gì. Hãy sửa rồi nhập lại.").format(n=len(errors))
        return result
    stored = {(r["legacy_code"], r["year"], r["indicator"]): r["value"] for r in forms_store.history_totals(store)}
    for key, (_level, value) in checked.totals.items():
        if key not in stored:
            result.totals_new += 1
        elif stored[key] != value:
            result.totals_changed += 1
        else:
            result.totals_unchanged += 1
    for inst, year, code, value in checked.values:
        outcome = value_outcome(store, inst, year, code, value)
        setattr(result, outcome, getattr(result, outcome) + 1)
    result.status = "accepted"
    if not dry_run:
        data = p.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        me = installation(store)
        now = now_utc()
        reason = history_reason(p.name, sha, me.officer)
        if backup:
            rolling_backup(store, "history-import")
        with sync_store.immediate(store):
            for inst, year, code, value in checked.values:
                if value_outcome(store, inst, year, code, value) != "unchanged":
                    write_value(store, inst, year, code, value, reason, None, now)
            forms_store.upsert_history_totals(store, [
                {"legacy_code": unit, "level": level, "year": year, "indicator": code, "value": value,
                 "file_name": p.name, "sha256": sha, "imported_at": now, "imported_by": me.officer}
                for (unit, year, code), (level, value) in checked.totals.items()
                if stored.get((unit, year, code)) != value])
    result.unallocated = unallocated(store, extra=None if not dry_run else checked.totals)
    return result


def unallocated(store: Store, extra: dict[tuple[str, int, str], tuple[str, int]] | None = None) -> list[dict[str, Any]]:
    """Totals of former communes split across several new communes («không phân bổ được»), with their figures."""
    homes, _district_of, names, _dn = _lineage(store)
    units = store.units()
    totals = {(r["legacy_code"], r["year"], r["indicator"]): (r["level"], r["value"])
              for r in forms_store.history_totals(store)}
    totals.update(extra or {})
    out = []
    for (code, year, ind), (level, value) in sorted(totals.items()):
        if level == "commune" and len(homes.get(code, ())) > 1:
            out.append({"legacy_code": code, "legacy_name": names.get(code, code), "year": year, "indicator": ind,
                        "value": value, "units": sorted(f"{units[u].name} ({u})" if u in units else u
                                                        for u in homes[code])})
    return out


def history_base(store: Store, scope: str, year: int, indicator: str) -> int | None:
    """The scope's total of `indicator` in `year` from former units' totals (None: no total counts for it)."""
    rows = forms_store.history_totals(store, [year], [indicator])
    if not rows:
        return None
    homes, district_of, _n, _dn = _lineage(store)
    inside = set(subtree(store, scope))
    districts = {r["legacy_code"] for r in rows if r["level"] == "district" and r["legacy_code"] in inside}
    if store.unit(scope) is not None and store.unit(scope).level == "province":  # type: ignore[union-attr]
        districts |= {r["legacy_code"] for r in rows if r["level"] == "district"}
    total, counted = 0, False
    for r in rows:
        code = r["legacy_code"]
        if r["level"] == "district":
            ok = code in districts
        else:
            places = homes.get(code, set())
            ok = bool(places) and places <= inside and district_of.get(code) not in districts
        if ok:
            total += int(r["value"])
            counted = True
    return total if counted else None


def has_history(store: Store) -> bool:
    return forms_store.has_history_totals(store)


def with_history_bases(store: Store, result: TargetResult, indicator: str) -> TargetResult:
    """A growth result whose V_Y or V_{Y−1} is missing (no institution-level value in the scope for that year),
    completed from former units' totals where they count for the scope — and saying so in `note`."""
    if result.status == Status.NOT_APPLICABLE:
        return result
    current, previous = result.numerator, result.denominator
    notes = []
    if current is None:
        current = history_base(store, result.scope, result.year, indicator)
        if current is not None:
            notes.append(BASIS_NOTE.format(year=result.year))
    if previous is None:
        previous = history_base(store, result.scope, result.year - 1, indicator)
        if previous is not None:
            notes.append(BASIS_NOTE.format(year=result.year - 1))
    if not notes:
        return result
    value = growth_value(current, previous)
    if value is None or result.threshold is None:
        met, status = False, Status.MISSING_DATA
    elif value >= result.threshold:
        met, status = True, Status.MET
    else:
        met, status = False, Status.BEHIND
    return replace(result, numerator=current, denominator=previous, value=value, met=met, status=status,
                   note="; ".join(notes))


# -- template ------------------------------------------------------------------------------------------
def template_bytes(store: Store) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from lhtl_desktop.services.forms.xlsx_out import text_cell

    me = installation(store)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    bold = Font(name="Times New Roman", bold=True)
    for n, (_key, label) in enumerate(COLUMNS, 1):
        text_cell(ws, 1, n, _(label), bold)
        ws.column_dimensions[chr(64 + n)].width = (8, 12, 28, 38, 34, 24, 12)[n - 1]
    examples = [("2024", "372", "Huyện Nho Quan (cũ) — tổng cả huyện", "", "", "LIB_VISITS", "15400"),
                ("2024", "14389", "Xã Gia Lâm (cũ) — tổng cả xã", "", "", "LIB_VISITS", "1200")]
    for r, ex in enumerate(examples, 2):
        for n, text in enumerate(ex, 1):
            if n in (1, 7):
                ws.cell(row=r, column=n, value=int(text))
            else:
                text_cell(ws, r, n, text)
    ws.freeze_panes = "A2"
    guide = wb.create_sheet(_("Hướng dẫn"))
    lines = [
        _("MẪU NHẬP SỐ LIỆU TRƯỚC CHƯƠNG TRÌNH (2022–2024)"),
        _("Mỗi dòng một giá trị: Năm, Mã đơn vị, (Mã hoặc Tên thiết chế), Mã chỉ số, Giá trị. Xóa hai dòng ví dụ."),
        _("Số liệu của một thiết chế: ghi Mã thiết chế (lệnh «institution list») hoặc Tên thiết chế đúng như trong "
          "chương trình cùng Mã đơn vị hiện nay (xã 5 chữ số)."),
        _("Số liệu tổng hợp theo đơn vị cũ: để trống cột thiết chế; Mã đơn vị là mã huyện cũ (3 chữ số) hoặc mã xã "
          "cũ (5 chữ số) theo danh mục trước ngày 01/7/2025."),
        _("Tổng của huyện cũ được tính cho cụm tổng hợp mang mã đó; tổng của xã cũ được cộng vào xã mới mà nó "
          "nhập vào trọn vẹn; xã cũ bị chia cho nhiều xã mới được liệt kê «không phân bổ được»."),
        _("Số liệu tổng hợp chỉ dùng làm cơ sở tính tăng trưởng khi đơn vị không có số liệu của từng thiết chế "
          "cho năm đó."),
        _("Mã chỉ số:"),
    ]
    lines += [f"{i.code} — {i.label}" for i in INDICATORS]
    lines += ["", _("Đơn vị lập: {unit}").format(unit=me.unit.name)]
    guide.column_dimensions["A"].width = 110
    for n, text in enumerate(lines, 1):
        text_cell(guide, n, 1, text, bold if n == 1 else Font(name="Times New Roman"))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_template(store: Store, out: str | os.PathLike[str]) -> Path:
    from lhtl_desktop.services.reports import write_atomically

    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        raise ValidationError(_("Tệp mẫu «{name}» phải có đuôi .xlsx.").format(name=path.name), field="out")
    if not (path.parent if str(path.parent) else Path(".")).is_dir():
        raise ValidationError(_("Thư mục «{path}» không tồn tại.").format(path=path.parent), field="out")
    write_atomically(path, template_bytes(store))
    return path

