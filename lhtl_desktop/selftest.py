"""`--selftest`: prove that an installed copy of the program works on this computer, in a few seconds.

Run by `lhtl --selftest` (or `lhtl-cli.exe --selftest` on Windows) after installing the folder on a commune
PC, and by the packaging test on the built folder. Every check does the real thing in a temporary folder
— nothing touches the user's data:

- database: create and migrate a new database, check its integrity, set up a commune, enter values,
  evaluate the targets and compare with hand-computed numbers;
- files: the Be Vietnam Pro fonts are present and intact, the reference tables hold Ninh Bình's 129
  communes and 22 hubs;
- bundle: a commune exports a signed bundle, a hub enrols the commune's key and imports it; a copy with
  one flipped byte is rejected and changes nothing;
- PDF and Excel: the commune's summary sheet is written and read back;
- QR codes: the sheet's signed verification code is drawn as PNG and read back (segno, zxing-cpp);
- window: given by the caller (`main.py` passes `lhtl_desktop.ui.selftest_window.check_main_window`),
  because this module stays free of Qt like the rest of the core.

A part of the program that is missing makes its check FAIL with a message saying what is missing; the
self-test never reports success for something it did not do. Exit code: 0 when every check passed, 1
otherwise. Qt-free (ARCHITECTURE.md §1): imports services, sync, storage, model only.
"""

from __future__ import annotations

import importlib
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from lhtl_desktop import __version__
from lhtl_desktop.i18n import _

# Gia Lâm (Ninh Bình) and the hub it reports to by default (Huyện Nho Quan cũ): a real commune from the
# reference data, so the check also proves the vietnam-provinces tables are inside the build.
COMMUNE = "14389"
HUB = "372"
YEAR = 2025


class SelftestFailure(Exception):
    """A check found something wrong; the message says what (in Vietnamese, for the IT helper)."""


class MissingPart(SelftestFailure):
    """A part of the program this build should contain is not there."""


@dataclass
class Workspace:
    """The temporary folder every check works in, and what earlier checks left for later ones."""

    root: Path
    shared: dict[str, Any] = field(default_factory=dict)

    def path(self, name: str) -> Path:
        return self.root / name


Check = Callable[[Workspace], str]


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    seconds: float


def require(condition: bool, message: str) -> None:
    if not condition:
        raise SelftestFailure(message)


def optional_module(name: str, what: str) -> Any:
    """Import a module this build must contain; a MissingPart (not a pass) when it is absent."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            raise MissingPart(_("Thiếu phần {what} ({module}).").format(what=what, module=name)) from exc
        raise


# -- version ---------------------------------------------------------------------------------------------
def version_lines(extra: dict[str, str] | None = None) -> list[str]:
    """`--version`: the program's version first (what scripts read), then what it runs on."""
    parts = {"Python": platform.python_version()}
    parts.update(extra or {})
    frozen = _("bản đóng gói") if getattr(sys, "frozen", False) else _("chạy từ mã nguồn")
    details = ", ".join(f"{k} {v}" for k, v in parts.items())
    return [f"lhtl {__version__}", f"{details}; {frozen}; {platform.system()} {platform.machine()}"]


# -- checks ----------------------------------------------------------------------------------------------
def check_database(ws: Workspace) -> str:
    from lhtl_desktop.services.entry import set_values
    from lhtl_desktop.services.evaluation import evaluate
    from lhtl_desktop.services.installation import init_installation
    from lhtl_desktop.services.institutions import add_institution, add_village_houses
    from lhtl_desktop.storage import open_store
    from lhtl_desktop.storage.migrations import SCHEMA_VERSION
    from lhtl_desktop.sync.keys import generate_key

    # A new database is migrated to the current schema.
    store = open_store(ws.path("commune.sqlite3"))
    ws.shared["commune_store"] = store
    require(store.schema_version() == SCHEMA_VERSION,
            _("Lược đồ sau khi nâng cấp là {v}, cần {n}.").format(v=store.schema_version(), n=SCHEMA_VERSION))
    require(store.integrity_check() == "ok", _("Kiểm tra toàn vẹn cơ sở dữ liệu không đạt."))

    me = init_installation(store, COMMUNE, "Nguyễn Văn An", generate_key(None))
    require(me.report_to is None and me.unit.name.endswith("Gia Lâm"),
            _("Đơn vị sau khi thiết lập không đúng: {u}.").format(u=me.unit.name))
    library = add_institution(store, COMMUNE, "lib_commune", "Thư viện xã Gia Lâm")
    centre = add_institution(store, COMMUNE, "cc_commune", "Trung tâm Văn hóa – Thể thao xã Gia Lâm")
    houses = add_village_houses(store, COMMUNE, ["Thôn Đông", "Thôn Đoài", "Thôn Bái Đính"])
    for year, visits in ((YEAR - 1, 1000), (YEAR, 1150)):
        set_values(store, library.id, str(year), {"LIB_VISITS": visits, "LIB_SKILL_CLASSES": 2})
    set_values(store, centre.id, str(YEAR), {"CC_CLUBS": 3, "CC_ACTIVITIES": 24})
    set_values(store, houses[0].id, str(YEAR), {"CC_CLUBS": 1, "CC_ACTIVITIES": 12})
    set_values(store, houses[1].id, str(YEAR), {"CC_CLUBS": 0, "CC_ACTIVITIES": 30})
    ws.shared["institutions"] = [library, centre, *houses]

    results = {r.target: r for r in evaluate(store, YEAR).results}
    expected = {  # hand-computed: (numerator, denominator, value)
        "LIB_COMM_LLL": (1, 1, 100.0),
        "CC_COMMUNE_ACTIVE": (1, 1, 100.0),
        "CC_VILLAGE_ACTIVE": (1, 3, 100.0 / 3),
        "LIB_VISITS_GROWTH": (1150, 1000, 15.0),
    }
    for code, (num, den, value) in expected.items():
        r = results.get(code)
        require(r is not None and r.numerator == num and r.denominator == den
                and r.value is not None and abs(r.value - value) < 1e-9,
                _("Kết quả đánh giá {code} sai: {got}, cần {num}/{den} = {value}.").format(
                    code=code, got=r and (r.numerator, r.denominator, r.value), num=num, den=den, value=value))
    return _("lược đồ {n}, toàn vẹn ok; {k} chỉ tiêu đánh giá đúng").format(n=SCHEMA_VERSION, k=len(expected))


def check_files(ws: Workspace) -> str:
    fonts_pkg = optional_module("fontpkg_be_vietnam_pro", _("phông chữ Be Vietnam Pro"))
    font_dir = Path(fonts_pkg.ROOT) / "files"
    fonts = sorted(font_dir.glob("BeVietnamPro-*.ttf"))
    names = {f.name for f in fonts}
    for needed in ("BeVietnamPro-Regular.ttf", "BeVietnamPro-Bold.ttf", "BeVietnamPro-Italic.ttf"):
        require(needed in names, _("Thiếu tệp phông chữ {f} trong {d}.").format(f=needed, d=font_dir))
    for font in fonts:
        require(font.read_bytes()[:4] in (b"\x00\x01\x00\x00", b"true", b"OTTO"),
                _("Tệp phông chữ {f} bị hỏng.").format(f=font.name))

    from lhtl_desktop import i18n

    for lang in i18n.LANGUAGES:
        if lang == i18n.SOURCE_LANGUAGE:
            continue
        catalogue = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo"
        require(catalogue.is_file() and catalogue.read_bytes()[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde"),
                _("Thiếu hoặc hỏng tệp bản dịch {f}.").format(f=catalogue))

    from lhtl_desktop.reference.units import load_province

    province = load_province("37")
    require(len(province.communes) == 129 and len(province.hubs) == 22,
            _("Dữ liệu đơn vị hành chính không đủ: {c} xã, {h} cụm (cần 129 và 22).").format(
                c=len(province.communes), h=len(province.hubs)))
    return _("{n} tệp phông chữ Be Vietnam Pro; Ninh Bình: {c} xã, phường và {h} cụm").format(
        n=len(fonts), c=len(province.communes), h=len(province.hubs))


def check_bundle(ws: Workspace) -> str:
    store = _commune_store(ws)
    from lhtl_desktop.services.installation import init_installation
    from lhtl_desktop.storage import open_store

    optional_module("lhtl_desktop.sync.exporter", _("đồng bộ (xuất gói)"))
    from lhtl_desktop.sync.enrolment import enrol_key, export_enrolment, own_key_info
    from lhtl_desktop.sync.exporter import export_bundle
    from lhtl_desktop.sync.importer import import_file
    from lhtl_desktop.sync.keys import generate_key

    hub = open_store(ws.path("hub.sqlite3"))
    ws.shared["hub_store"] = hub
    init_installation(hub, HUB, "Trần Thị Bình", generate_key(None))

    # Enrolment: the hub trusts the commune's key only with the fingerprint an officer reads out.
    outbox = ws.path("usb")
    outbox.mkdir()
    enrolment = export_enrolment(store, outbox)
    enrolled = enrol_key(hub, enrolment, own_key_info(store).fingerprint)
    require(enrolled.unit == COMMUNE, _("Đăng ký khóa cho đơn vị sai: {u}.").format(u=enrolled.unit))

    exported = export_bundle(store, outbox)
    require(exported.to_unit == HUB and exported.records > 0,
            _("Gói xuất sai: gửi {to}, {n} bản ghi.").format(to=exported.to_unit, n=exported.records))

    # A copy with one flipped byte is rejected and writes nothing.
    data = exported.path.read_bytes()
    tampered = outbox / ("hong-" + exported.path.name)
    middle = len(data) // 2
    tampered.write_bytes(data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1:])
    before = hub.dump()
    bad = import_file(hub, tampered, backup=False)
    require(bad.status == "rejected", _("Gói bị sửa một byte không bị từ chối ({s}).").format(s=bad.status))
    require(hub.dump() == before, _("Gói bị từ chối nhưng cơ sở dữ liệu đã thay đổi."))

    good = import_file(hub, exported.path)
    require(good.status == "accepted" and good.new == exported.records,
            _("Nhập gói không đúng: {s}, {n}/{m} bản ghi mới. {r}").format(
                s=good.status, n=good.new, m=exported.records, r=good.reason))
    again = import_file(hub, exported.path)
    require(again.status == "duplicate", _("Nhập lại cùng gói không được nhận là trùng ({s}).").format(s=again.status))
    return _("gói {n} bản ghi ký bằng khóa đã đăng ký: nhận đủ; bản sửa 1 byte bị từ chối; nhập lại: trùng").format(
        n=exported.records)


def _commune_store(ws: Workspace) -> Any:
    store = ws.shared.get("commune_store")
    if store is None:
        raise SelftestFailure(_("Cần cơ sở dữ liệu của bước kiểm tra trước."))
    return store


def _reports() -> Any:
    return optional_module("lhtl_desktop.services.reports", _("báo cáo (PDF, Excel)"))


def check_pdf(ws: Workspace) -> str:
    store = _commune_store(ws)
    reports = _reports()
    out = ws.path("bieu-tong-hop.pdf")
    reports.write_report(store, YEAR, None, out)
    data = out.read_bytes()
    require(data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF") and len(data) > 5_000,
            _("Tệp PDF không hợp lệ ({n} byte).").format(n=len(data)))
    require(b"/FontFile2" in data, _("Tệp PDF không nhúng phông chữ: máy khác sẽ in ra ô vuông."))
    pages = data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type /Page/")
    return _("{n} byte, phông chữ nhúng").format(n=len(data)) + (f", {pages} " + _("trang") if pages else "")


def check_xlsx(ws: Workspace) -> str:
    store = _commune_store(ws)
    reports = _reports()
    from openpyxl import load_workbook

    out = ws.path("bieu-tong-hop.xlsx")
    reports.write_report(store, YEAR, None, out)
    wb = load_workbook(out)
    cells = [str(c.value) for ws_ in wb.worksheets for row in ws_.iter_rows() for c in row if c.value is not None]
    require(len(wb.worksheets) >= 2, _("Sổ Excel chỉ có {n} trang tính.").format(n=len(wb.worksheets)))
    require(any("Gia Lâm" in c for c in cells), _("Sổ Excel không có tên đơn vị «Gia Lâm»."))
    require(any(c == "1150" for c in cells), _("Sổ Excel thiếu số liệu đã nhập (1150 lượt)."))
    return _("{n} trang tính, có tên đơn vị và số liệu đã nhập").format(n=len(wb.worksheets))


def check_sheet_codes(ws: Workspace) -> str:
    """The sheets' QR codes: signed, drawn (segno), written as PNG and read back (zxing-cpp), as `lhtl import` and
    `lhtl sheet verify` read a photo of a sheet — with or without Pillow."""
    store = _commune_store(ws)
    reports = _reports()
    sheet_codes = optional_module("lhtl_desktop.sync.sheet_codes", _("mã QR trên biểu"))
    segno = optional_module("segno", _("vẽ mã QR (segno)"))
    optional_module("zxingcpp", _("đọc mã QR (zxing-cpp)"))
    report = reports.build_report(store, YEAR, None)
    frame = sheet_codes.verification_frame(store, reports.sheet_code_payload(report))
    png = ws.path("ma-qr.png")
    segno.make(frame, error="m", mode="byte", boost_error=False).save(str(png), kind="png", scale=4, border=4)
    signed = sheet_codes.read_verification(store, png)
    require(signed.payload.get("code") == report.code,
            _("Mã QR đọc lại không đúng mã kiểm tra của biểu ({a} ≠ {b}).").format(a=signed.payload.get("code"),
                                                                                 b=report.code))
    return _("mã kiểm tra {n} byte: ký, vẽ, đọc lại và kiểm chữ ký đúng").format(n=len(frame))


CORE_CHECKS: list[tuple[str, Check]] = [
    (_("cơ sở dữ liệu"), check_database),
    (_("tệp đi kèm"), check_files),
    (_("gói dữ liệu"), check_bundle),
    (_("biểu tổng hợp PDF"), check_pdf),
    (_("sổ Excel"), check_xlsx),
    (_("mã QR trên biểu"), check_sheet_codes),
]


# -- running ---------------------------------------------------------------------------------------------
def run_checks(checks: Sequence[tuple[str, Check]], out: TextIO | None = None,
               workdir: Path | None = None) -> list[CheckResult]:
    """Run every check (a failure does not stop the others) and print one line per check."""
    results: list[CheckResult] = []
    with tempfile.TemporaryDirectory(prefix="lhtl-selftest-", dir=workdir) as tmp:
        ws = Workspace(Path(tmp))
        try:
            for name, check in checks:
                start = time.perf_counter()
                try:
                    detail, ok = check(ws), True
                except SelftestFailure as exc:
                    detail, ok = str(exc), False
                except Exception as exc:  # noqa: BLE001 — any crash is a failed check, reported in full
                    detail, ok = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}", False
                result = CheckResult(name, ok, detail, time.perf_counter() - start)
                results.append(result)
                if out is not None:
                    word = _("ĐẠT") if ok else _("LỖI")
                    out.write(f"[{word}] {name} ({result.seconds:.2f} s): {detail}\n")
                    out.flush()
        finally:
            for value in ws.shared.values():
                close = getattr(value, "close", None)
                if callable(close):
                    close()
    return results


def run_selftest(window_check: Check | None, out: TextIO | None = None, workdir: Path | None = None) -> int:
    """All checks, the window last (it reuses the commune database). 0 when every one passed."""
    stream = out if out is not None else sys.stdout
    for line in version_lines():
        stream.write(line + "\n")
    checks = list(CORE_CHECKS)
    if window_check is None:
        checks.append((_("cửa sổ chương trình"), _missing_window))
    else:
        checks.append((_("cửa sổ chương trình"), window_check))
    results = run_checks(checks, stream, workdir)
    failed = [r.name for r in results if not r.ok]
    if failed:
        stream.write(_("Tự kiểm tra KHÔNG ĐẠT: {names}.").format(names=", ".join(failed)) + "\n")
        return 1
    stream.write(_("Tự kiểm tra đạt: {n} phần.").format(n=len(results)) + "\n")
    return 0


def _missing_window(ws: Workspace) -> str:
    raise MissingPart(_("Không kiểm tra được cửa sổ chương trình."))
