"""NĐ 30 formalities on paper: «Số: …/BC-…», «Nơi nhận», issuing body, place, signer, the date of `--date`,
all set once per installation (`lhtl settings`), and a closing block that never sits alone on a page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from lhtl_desktop.cli import main
from lhtl_desktop.services import institutions, reports
from lhtl_desktop.services.reports.layout import A4_LANDSCAPE, MARGIN_BOTTOM, LineOp, TextOp, layout_report
from lhtl_desktop.storage import Store, open_store
from tests.reports.conftest import needs_poppler, pdf_text
from tests.reports.data import GIA_LAM, Built, build_local


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def commune(tmp_path: Path) -> Path:
    db = tmp_path / "xa.sqlite3"
    s = open_store(db)
    build_local(s, GIA_LAM, "Nguyễn Văn An")
    s.close()
    return db


@needs_poppler
def test_configured_formalities_are_on_the_printed_sheet(commune: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, commune, "settings", "--report-number", "07",
                       "--signer-title", "TM. Ủy ban nhân dân|Chủ tịch", "--signer-name", "Phạm Văn Đức",
                       "--report-recipients", "Sở Văn hóa, Thể thao và Du lịch tỉnh Ninh Bình;|Lưu: VT, VHXH.",
                       "--report-issuer", "Ủy ban nhân dân|xã Gia Lâm", "--report-place", "Gia Lâm")
    assert code == 0, err
    out = tmp_path / "xa.pdf"
    code, _, err = run(capsys, commune, "report", "--period", "2025", "--date", "5/1/2026", "--out", str(out))
    assert code == 0, err
    text = pdf_text(out)
    flat = re.sub(r"\s+", " ", pdf_text(out, layout=False))
    assert "Số: 7/BC-UBND" in text  # the number as a number, the default abbreviation of a commune
    assert "ỦY BAN NHÂN DÂN" in text and "XÃ GIA LÂM" in text  # issuing lines in capitals
    assert "Gia Lâm, ngày 05 tháng 01 năm 2026" in text
    assert "Nơi nhận:" in text
    assert "- Sở Văn hóa, Thể thao và Du lịch tỉnh Ninh Bình;" in flat and "- Lưu: VT, VHXH." in flat
    assert "TM. ỦY BAN NHÂN DÂN" in text and "CHỦ TỊCH" in text
    assert "Phạm Văn Đức" in text and "Nguyễn Văn An" in text  # the signer and the maker
    # remembered: the next sheet (no options) prints the same, and `--number` changes one document only
    out2 = tmp_path / "xa2.pdf"
    assert run(capsys, commune, "report", "--period", "2025", "--number", "31", "--out", str(out2))[0] == 0
    assert "Số: 31/BC-UBND" in pdf_text(out2) and "Phạm Văn Đức" in pdf_text(out2)
    assert "Số: 7/BC-UBND" in pdf_text(out)


@needs_poppler
def test_blank_number_leaves_room_to_write_it_and_defaults_follow_the_level(
        province: Built, store: Store, tmp_path: Path) -> None:
    out = tmp_path / "tinh.pdf"
    reports.write_report(store, 2025, None, out, dt.date(2026, 1, 5))
    text = pdf_text(out)
    assert re.search(r"Số:\s+/BC-SVHTTDL", text)  # blank for hand filling
    assert "Nơi nhận:" in text and "- Bộ Văn hóa, Thể thao và Du lịch (b/c);" in text and "- Lưu: VT, VP." in text
    assert "THỦ TRƯỞNG ĐƠN VỊ" in text and "Ninh Bình, ngày 05 tháng 01 năm 2026" in text


@pytest.mark.parametrize("args, words", [
    (["settings", "--report-number", "12a"], "Số văn bản «12a» không hợp lệ"),
    (["settings", "--report-number", "١٢"], "không hợp lệ"),
    (["settings", "--report-abbreviation", "bc/ub"], "Chữ viết tắt «bc/ub» không hợp lệ"),
    (["settings", "--signer-name", "An\x07"], "ký tự điều khiển"),
    (["settings", "--report-place", "x" * 121], "dài quá 120 ký tự"),
    (["settings", "--report-recipients", "|".join(["Sở"] * 13)], "quá 12 dòng"),
    (["settings", "--report-number", "5", "--signer-title", "A\tB"], "ký tự điều khiển"),
])
def test_bad_formalities_are_refused_and_nothing_is_written(commune: Path, capsys: pytest.CaptureFixture[str],
                                                            args: list[str], words: str) -> None:
    s = open_store(commune)
    before = s.dump()
    s.close()
    code, out, err = run(capsys, commune, *args)
    assert code == 2 and out == ""
    assert words in err and len(err.strip().splitlines()) == 1
    s = open_store(commune)
    assert s.dump() == before
    s.close()


@pytest.mark.parametrize("date", ["31/02/2026", "2026-01-05", "05/13/2026", "5/1/26", "０５/01/2026", ""])
def test_bad_date_is_refused_and_no_file_is_written(commune: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str], date: str) -> None:
    out = tmp_path / "out" / "xa.pdf"
    out.parent.mkdir()
    code, _, err = run(capsys, commune, "report", "--period", "2025", "--date", date, "--out", str(out))
    assert code == 2 and "không hợp lệ" in err and "ngày/tháng/năm" in err
    assert list(out.parent.iterdir()) == []


def _closing_page(doc) -> int:  # type: ignore[no-untyped-def]
    pages = [n for n, p in enumerate(doc.pages) for op in p.ops if isinstance(op, TextOp) and op.text == "Nơi nhận:"]
    assert len(pages) == 1
    return pages[0]


def test_signature_block_stays_with_the_last_table_rows_on_long_and_short_sheets(tmp_path: Path) -> None:
    """A commune grows one village house at a time (no data: a row in its table and one in the missing list,
    the last table of the sheet); whatever the page breaks, the closing block shares its page with the last
    row of the last table, above the bottom margin."""
    s = open_store(tmp_path / "xa.sqlite3")
    build_local(s, GIA_LAM, "Nguyễn Văn An")
    bottom = A4_LANDSCAPE[1] - MARGIN_BOTTOM
    page_counts: set[int] = set()
    moved = 0
    for k in range(1, 46):
        institutions.add_institution(s, GIA_LAM, "village_house", f"Nhà văn hóa thôn Số {k:02d}", f"Thôn {k}")
        report = reports.build_report(s, 2025)
        doc = layout_report(report)
        page_counts.add(len(doc.pages))
        n = _closing_page(doc)
        page = doc.pages[n]
        last_name = report.missing[-1].name
        rows = [op for op in page.ops if isinstance(op, TextOp) and op.text == last_name]
        assert rows, (k, "the last row of the missing list is not on the signatures' page")
        closing = [op for op in page.ops if isinstance(op, TextOp) and op.text in ("Nơi nhận:", "NGƯỜI LẬP BIỂU")]
        assert all(op.y > rows[0].y for op in closing)
        assert n == len(doc.pages) - 1  # nothing after the closing block
        names = [op for op in page.ops if isinstance(op, TextOp) and op.text == "Nguyễn Văn An"]
        assert names and all(op.y <= bottom for op in names)
        table_lines = [op for op in page.ops if isinstance(op, LineOp)]
        assert table_lines
        # a row that had room on the previous page moved with the closing block
        if n > 0 and len(report.missing) > 1 and any(isinstance(op, TextOp) and op.text == report.missing[-2].name for op in doc.pages[n - 1].ops):
            moved += 1
    s.close()
    assert len(page_counts) >= 3  # short and long sheets (2, 3, 4… pages)
    assert moved >= 1  # the rule was exercised: the list was split so the block kept a row with it
