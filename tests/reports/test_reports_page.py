"""The «Báo cáo» page driven like an officer would: choose scope and year, preview, print, save PDF/Excel."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtGui import QPageLayout
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget
from pytestqt.qtbot import QtBot

from lhtl_desktop.errors import LhtlError
from lhtl_desktop.services import reports
from lhtl_desktop.storage import Store
from lhtl_desktop.ui import reports_page
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.reports_page import ReportsPage
from tests.reports.conftest import needs_poppler, pdf_fonts, pdf_text
from tests.reports.data import GIA_LAM, Built


@pytest.fixture
def page(qtbot: QtBot, province: Built, store: Store) -> ReportsPage:
    p = ReportsPage(AppContext(store))
    qtbot.addWidget(p)
    p.year.setValue(2025)
    p.refresh()  # as the window does when it shows the page
    return p


def choose(page: ReportsPage, code: str) -> None:
    page.scope.setCurrentIndex(page.scope.findData(code))


def test_scopes_are_mine_and_below_and_the_targets_show(page: ReportsPage, store: Store) -> None:
    codes = [page.scope.itemData(i) for i in range(page.scope.count())]
    assert codes[0] == "37" and GIA_LAM in codes and "372" in codes and len(codes) == 1 + 22 + 129
    choose(page, GIA_LAM)
    assert page.scope.currentText() == "Xã Gia Lâm (14389)"
    assert page.table.rowCount() == 11
    expected = reports.build_report(store, 2025, GIA_LAM)
    assert expected.code in page.summary.text()
    row = next(r for r in range(11) if page.table.item(r, 0).text().startswith("Tăng lượt người sử dụng"))
    assert [page.table.item(row, c).text() for c in (1, 2, 3)] == ["1.234", "1.100", "12,2 %"]


@needs_poppler
def test_printing_draws_the_same_sheet_as_the_pdf(page: ReportsPage, store: Store, tmp_path: Path) -> None:
    report = reports.build_report(store, 2025, GIA_LAM)
    doc = reports.layout_report(report)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printer.pdf"
    printer.setOutputFileName(str(out))
    page.print_document(doc, printer)
    text = pdf_text(out)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Phạm vi: Xã Gia Lâm (mã 14389)" in text
    assert "1.234 ⚠" in text and report.code in text
    assert len(pdf_text(out, layout=False).split("\f")) - 1 == len(doc.pages)
    assert all(f["emb"] == "yes" for f in pdf_fonts(out))


def test_preview_paints_every_page(page: ReportsPage, store: Store, qtbot: QtBot) -> None:
    doc = reports.layout_report(reports.build_report(store, 2025, None))
    dialog = page.open_preview(doc)
    qtbot.waitUntil(lambda: dialog.isVisible())
    preview = dialog.findChild(QPrintPreviewWidget)
    assert preview is not None
    qtbot.waitUntil(lambda: preview.pageCount() == len(doc.pages))
    assert dialog.printer().pageLayout().orientation() == QPageLayout.Orientation.Landscape
    dialog.close()


def test_save_excel_and_pdf_from_the_page(page: ReportsPage, store: Store, tmp_path: Path, qtbot: QtBot,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    choose(page, "372")
    target = tmp_path / "cum.xlsx"
    monkeypatch.setattr(page, "ask_save_path", lambda kind: str(tmp_path / f"cum.{kind}"))
    page.xlsx_button.click()
    qtbot.waitUntil(lambda: page.last_saved == target, timeout=10000)
    assert load_workbook(target).sheetnames[0] == "Bìa"
    code = reports.build_report(store, 2025, "372").code
    assert code in page.status.text()
    page.pdf_button.click()
    qtbot.waitUntil(lambda: page.last_saved == tmp_path / "cum.pdf", timeout=10000)
    assert (tmp_path / "cum.pdf").read_bytes()[:5] == b"%PDF-"


def test_bad_file_name_shows_the_message_and_writes_nothing(page: ReportsPage, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(reports_page, "show_error", lambda _parent, exc: shown.append(exc.message))
    monkeypatch.setattr(page, "ask_save_path", lambda kind: str(tmp_path / "bao-cao.docx"))
    page.pdf_button.click()
    assert shown and "phải có đuôi .pdf" in shown[0]
    assert list(tmp_path.glob("bao-cao*")) == []


def test_year_outside_data_still_builds_and_bad_year_is_reported(page: ReportsPage) -> None:
    page.year.setValue(2024)
    assert page.table.rowCount() == 11 and "năm 2024" in page.summary.text()
    with pytest.raises(LhtlError):
        reports.build_report(page.ctx.ops.writer_store(), "2024-H2", None)


@needs_poppler
def test_the_window_prints_the_signed_verification_code(page: ReportsPage, store: Store, tmp_path: Path,
                                                        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved from the page and through the printer: the sheet carries its QR code, which `sheet verify` (the
    sync reader) finds signed by this installation and matching."""
    from lhtl_desktop.sync import sheet_codes

    monkeypatch.setattr(page, "ask_save_path", lambda kind: str(tmp_path / f"tinh.{kind}"))
    page.pdf_button.click()
    qtbot.waitUntil(lambda: page.last_saved == tmp_path / "tinh.pdf", timeout=10000)
    signed = sheet_codes.read_verification(store, tmp_path / "tinh.pdf")
    assert signed.unit == "37" and signed.payload["scope"] == "37"
    assert signed.payload["code"] == reports.build_report(store, 2025, None).code

    maker = reports_page.verification_code_maker(store)
    assert maker is not None
    doc = reports.layout_report(reports.with_codes(reports.build_report(store, 2025, None), maker(page.report, "")))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printer.pdf"
    printer.setOutputFileName(str(out))
    page.print_document(doc, printer)
    assert sheet_codes.read_verification(store, out).payload["year"] == 2025
