"""The main window: navigation, the other areas' pages, fit at 1366×768, Vietnamese look, error dialogs."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QLocale
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

from lhtl_desktop.ui.dialogs import CrashDialog, crash_report, setup_logging
from lhtl_desktop.ui.main_window import PAGE_KEYS, build_main_window
from lhtl_desktop.ui.reports_page import ReportsPage
from lhtl_desktop.ui.sync_page import SyncPage


def test_navigation_and_pages(qtbot, commune):
    window = build_main_window(commune.store)
    qtbot.addWidget(window)
    labels = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert labels == ["Tổng quan", "Thiết chế", "Nhập số liệu", "Đồng bộ", "Báo cáo", "Cài đặt"]
    assert list(window.pages) == ["dashboard"]  # the other pages are built when first shown
    assert isinstance(window.show_page("sync"), SyncPage)
    assert isinstance(window.show_page("reports"), ReportsPage)
    for key in PAGE_KEYS:
        assert window.show_page(key) is window.stack.currentWidget()
    assert set(window.pages) == set(PAGE_KEYS)


def test_fits_1366x768(qtbot, commune):
    window = build_main_window(commune.store)
    qtbot.addWidget(window)
    window.resize(1366, 700)
    window.show()
    qtbot.waitExposed(window)
    for key in PAGE_KEYS:
        window.show_page(key)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 700, (key, hint)
    assert window.width() <= 1366 and window.height() <= 700


def test_look_vietnamese(app, qtbot):
    assert QLocale().toString(1234567) == "1.234.567"
    assert "Be Vietnam Pro" in QFontDatabase.families()
    assert app.font().family() == "Be Vietnam Pro"
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert sorted(b.text() for b in box.buttons()) == ["Hủy", "Đồng ý"]
    edit = QLineEdit()
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    assert any("Dán" in a.text() for a in menu.actions())


def test_crash_dialog_copyable_and_logged(qtbot, tmp_path):
    log_path = setup_logging(tmp_path)
    try:
        raise RuntimeError("hỏng")
    except RuntimeError:
        report = crash_report(*sys.exc_info())  # type: ignore[arg-type]
    logging.getLogger("lhtl").error("unexpected error\n%s", report)
    dialog = CrashDialog(report, log_path)
    qtbot.addWidget(dialog)
    dialog.copy_report()
    assert "RuntimeError: hỏng" in QGuiApplication.clipboard().text()
    assert "RuntimeError: hỏng" in log_path.read_text(encoding="utf-8")
    from PySide6.QtCore import qInstallMessageHandler

    from lhtl_desktop import logs

    qInstallMessageHandler(None)  # give Qt's messages back to the test runner
    logs.reset_for_tests()


def test_help_menu_copies_support_information(qtbot, commune, monkeypatch, tmp_path):
    from PySide6.QtGui import QAction

    from lhtl_desktop import logs

    monkeypatch.setenv("LHTL_LOG_DIR", str(tmp_path / "logs"))
    logs.reset_for_tests()
    logs.setup_logging(tmp_path / "logs", "window")
    logs.event("import", file="xa.lhtl", status="accepted")
    window = build_main_window(commune.store)
    qtbot.addWidget(window)
    try:
        titles = [a.text() for a in window.menuBar().actions()]
        assert "&Trợ giúp" in titles
        copy = window.findChild(QAction, "copySupportInfo")
        assert copy is not None and copy.text() == "Sao chép thông tin hỗ trợ"
        assert window.findChild(QAction, "openLogFolder").text() == "Mở thư mục nhật ký"
        QGuiApplication.clipboard().setText("")
        copy.trigger()  # built on a worker; the clipboard is filled back on the UI thread
        qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() != "", timeout=20_000)
        text = QGuiApplication.clipboard().text()
        assert text.startswith("lhtl ") and "unit_code: 14389" in text
        assert "import file=xa.lhtl status=accepted" in text
        assert "Đã chép thông tin hỗ trợ" in window.statusBar().currentMessage()
    finally:
        logs.reset_for_tests()
