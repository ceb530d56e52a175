"""The printed summary sheet, checked like a receiving office would: text, numbers, fonts, pages, layout."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from lhtl_desktop.cli import main
from lhtl_desktop.i18n import fmt_int, fmt_percent
from lhtl_desktop.model.catalogue import Level
from lhtl_desktop.services import reports
from lhtl_desktop.services.installation import init_installation, set_two_tier
from lhtl_desktop.services.reports.fonts import VIETNAMESE_PROBE, sheet_fonts
from lhtl_desktop.services.reports.layout import (
    A4_LANDSCAPE,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    TextOp,
    layout_report,
)
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.sync.keys import generate_key
from tests.reports.conftest import needs_poppler, pdf_fonts, pdf_pages, pdf_text
from tests.reports.data import GIA_LAM, HUB_NHO_QUAN, Built

pytestmark = needs_poppler

SCOPES = {"37": "Tỉnh Ninh Bình", HUB_NHO_QUAN: "Huyện Nho Quan (cũ)", GIA_LAM: "Xã Gia Lâm"}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def evaluate_json(capsys: pytest.CaptureFixture[str], db: Path, scope: str) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(["--db", str(db), "evaluate", "--period", "2025", "--scope", scope, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def threshold_text(t: dict[str, object]) -> str:
    thr = t["threshold"]
    assert isinstance(thr, float | int)
    return fmt_percent(float(thr), 0 if float(thr).is_integer() else 1)


@pytest.mark.parametrize("scope", list(SCOPES))
def test_cli_pdf_shows_national_title_unit_and_every_evaluated_number(
        province: Built, store: Store, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        scope: str) -> None:
    out = tmp_path / f"bien-ban-{scope}.pdf"
    assert main(["--db", str(db_path), "report", "--period", "2025", "--scope", scope, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Mã kiểm tra số liệu" in printed
    text = pdf_text(out)
    flat = squash(text)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "UBND TỈNH NINH BÌNH" in text and "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH" in text
    assert SCOPES[scope] in text
    today = dt.date.today()
    month = f"{today.month:02d}" if today.month <= 2 else str(today.month)
    assert f"Ninh Bình, ngày {today.day:02d} tháng {month} năm {today.year}" in text
    assert "KẾT QUẢ" not in text and "Kết quả thực hiện các chỉ tiêu phục vụ học tập suốt đời năm 2025" in flat
    assert "NGƯỜI LẬP BIỂU" in text and "THỦ TRƯỞNG ĐƠN VỊ" in text
    assert "(Ký, ghi rõ họ tên, đóng dấu)" in text and "Trần Thị Bình" in text

    own = store.own_key()
    assert own is not None
    assert own["fingerprint"] in text
    code = re.search(r"Mã kiểm tra số liệu: ([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})", printed)
    assert code and f"Mã kiểm tra số liệu: {code.group(1)}" in text

    # Every number of `evaluate --json`, in Vietnamese form, on the target's own line of the table.
    results = evaluate_json(capsys, db_path, scope)
    section = text[text.index("Kết quả thực hiện các chỉ tiêu năm 2025"):]
    lines = section.splitlines()
    for n, t in enumerate(results, 1):
        i = next(k for k, line in enumerate(lines) if re.match(rf"\s*{n}\s{{2,}}\S", line))
        row = lines[i]
        around = squash(" ".join(lines[max(i - 1, 0):i + 2]))
        label = str(t["label"])
        assert label[:25] in around and label.split()[-1] in around, (t["target"], around)
        wanted = [fmt_int(int(t[k])) if t[k] is not None else "—" for k in ("numerator", "denominator")]  # type: ignore[call-overload]
        wanted += [fmt_percent(t["value"]), threshold_text(t), str(t["status_label"]),  # type: ignore[arg-type]
                   fmt_int(len(t["missing"]))]  # type: ignore[arg-type]
        cells = [c.strip() for c in re.split(r"\s{2,}", row.strip())]
        for w in wanted:
            assert any(w in c for c in cells[2:]), (t["target"], w, row)


def test_province_sheet_lists_hubs_total_and_missing_institutions(province: Built, store: Store,
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "tinh.pdf"
    report = reports.write_report(store, 2025, None, out, dt.date(2026, 1, 5))
    text = pdf_text(out)
    assert "Ninh Bình, ngày 05 tháng 01 năm 2026" in text
    assert "Huyện Nho Quan (cũ) ⚠" in text  # the open conflict in Gia Lâm shows at the hub's row
    assert "Thành phố Tam Điệp (cũ)" in text
    total = next(line for line in text.splitlines() if "Tổng cộng" in line)
    assert fmt_int(report.total.institutions) in total
    lib_growth = report.total.counts["LIB_VISITS_GROWTH"]
    assert f"{fmt_int(lib_growth[0] or 0)}" in total and f"{fmt_int(lib_growth[1] or 0)}" in total
    # The missing list: every institution some target lists as missing, with its commune.
    flat = squash(text)
    for name in ("Phòng đọc phường Tam Điệp", "Trung tâm Văn hóa – Thể thao xã Gia Tường"):
        assert name in flat
    assert {m.name for m in report.missing} == {
        "Phòng đọc phường Tam Điệp", "Trung tâm Văn hóa – Thể thao xã Gia Tường", "Thư viện Trường THPT Nguyễn Huệ"}
    assert "⚠ Số liệu tạm tính" in text


def test_commune_sheet_has_each_institution_values_and_criterion(province: Built, store: Store,
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "xa.pdf"
    reports.write_report(store, 2025, GIA_LAM, out, dt.date(2026, 3, 9))
    text = pdf_text(out)
    assert "Ninh Bình, ngày 09 tháng 3 năm 2026" in text
    lib = next(line for line in text.splitlines() if "Thư viện xã Gia Lâm" in line)
    assert "1.234 ⚠" in lib and "5.678" in lib and "Đạt" in lib  # conflicted visits marked, holdings shown
    house = next(line for line in text.splitlines() if "Nhà văn hóa thôn Bãi Sậy" in line)
    assert "Chưa đạt" in house
    assert "Trung tâm Văn hóa – Thể thao xã Gia Lâm" in text and "1.890" in text


def test_fonts_are_embedded_and_cover_vietnamese(province: Built, store: Store, tmp_path: Path) -> None:
    out = tmp_path / "f.pdf"
    reports.write_report(store, 2025, None, out)
    fonts = pdf_fonts(out)
    assert fonts and all(f["emb"] == "yes" and f["uni"] == "yes" for f in fonts)
    names = " ".join(f["name"] for f in fonts)
    assert ("Tinos" in names) or ("Times" in names)
    bundled = sheet_fonts(prefer_system=False)
    assert bundled.source == "bundled"
    for face in bundled.faces.values():
        assert all(face.has(c) for c in VIETNAMESE_PROBE + "≥–—…×÷«»")
    assert bundled.marks.has("⚠")


def test_page_numbers_from_page_two_and_headers_repeat(province: Built, store: Store, tmp_path: Path) -> None:
    out = tmp_path / "p.pdf"
    reports.write_report(store, 2025, None, out)
    pages = pdf_pages(out)
    assert pages >= 2
    first = pdf_text(out, 1, 1, layout=False).split()
    assert first[0] != "1"
    for page in range(2, pages + 1):
        assert pdf_text(out, page, page, layout=False).split()[0] == str(page)
    second = pdf_text(out, 2, 2)
    assert "Cụm tổng hợp (huyện cũ)" in second and "STT" in second  # the table header again on page 2


def test_layout_stays_inside_the_margins_and_never_substitutes_letters(province: Built, store: Store) -> None:
    for scope in SCOPES:
        report = reports.build_report(store, 2025, scope)
        doc = layout_report(report)
        assert doc.substituted == frozenset()
        width, height = A4_LANDSCAPE
        for number, page in enumerate(doc.pages, 1):
            texts = [op for op in page.ops if isinstance(op, TextOp)]
            body = [op for op in texts if MARGIN_TOP <= op.y <= height - MARGIN_BOTTOM]
            for op in body:
                w = doc.fonts.width(op.text, op.style, op.size)
                assert op.x >= MARGIN_LEFT - 0.01 and op.x + w <= width - MARGIN_RIGHT + 0.01, op
            in_top_margin = [op for op in texts if op.y < MARGIN_TOP]
            assert [op.text for op in in_top_margin] == ([] if number == 1 else [str(number)])


def test_hub_installation_issues_as_hub_and_two_tier_province_has_a_row_per_commune(
        tmp_path: Path, province: Built, store: Store) -> None:
    hub_store = open_store(tmp_path / "hub.sqlite3")
    init_installation(hub_store, HUB_NHO_QUAN, "Lê Văn Cường", generate_key(None))
    hub = reports.build_report(hub_store, 2025)
    assert hub.issuer_lines == ("CỤM TỔNG HỢP", "HUYỆN NHO QUAN (CŨ)")
    assert hub.place == "Nho Quan" and hub.level == Level.DISTRICT
    hub_store.close()

    set_two_tier(store, True)
    report = reports.build_report(store, 2025)
    # every commune of new Ninh Bình, the province's own institutions, and the one hub holding a library
    assert len(report.units) == 129 + 2
    assert [u.code for u in report.units if len(u.code) != 5] == ["37", HUB_NHO_QUAN]
    assert report.row_unit_heading == "Đơn vị"  # communes and a hub side by side
    for t in report.targets:
        assert report.total.counts[t.code] == (t.numerator, t.denominator)


def test_place_and_date_use_leading_zeros_only_where_decree_30_says() -> None:
    from lhtl_desktop.services.reports.sheet import Report

    def fmt(d: dt.date) -> str:
        fake = Report.__new__(Report)
        object.__setattr__(fake, "place", "Gia Lâm")
        object.__setattr__(fake, "date", d)
        return fake.place_date

    assert fmt(dt.date(2026, 1, 5)) == "Gia Lâm, ngày 05 tháng 01 năm 2026"
    assert fmt(dt.date(2026, 2, 28)) == "Gia Lâm, ngày 28 tháng 02 năm 2026"
    assert fmt(dt.date(2026, 3, 9)) == "Gia Lâm, ngày 09 tháng 3 năm 2026"
    assert fmt(dt.date(2026, 12, 31)) == "Gia Lâm, ngày 31 tháng 12 năm 2026"


def test_commune_installation_issues_as_its_committee(tmp_path: Path) -> None:
    from tests.reports.data import build_local

    s = open_store(tmp_path / "xa.sqlite3")
    build_local(s, GIA_LAM, "Nguyễn Văn An")
    out = tmp_path / "xa.pdf"
    report = reports.write_report(s, 2025, None, out, dt.date(2026, 1, 5))
    text = pdf_text(out)
    assert report.issuer_lines == ("UBND XÃ GIA LÂM",)
    assert "UBND XÃ GIA LÂM" in text and "Gia Lâm, ngày 05 tháng 01 năm 2026" in text
    assert "Nguyễn Văn An" in text
    s.close()
