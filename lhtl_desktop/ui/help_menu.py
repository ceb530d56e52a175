"""«Trợ giúp»: the user guide (F1), the log folder, the support information (what a support officer asks for
first)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QStatusBar

from lhtl_desktop.logs import default_log_folder
from lhtl_desktop.ui.tasks import run_task


def tr(text: str) -> str:
    return QCoreApplication.translate("help_menu", text)


def install_help_menu(window: QMainWindow, db_path: Path | str, status: QStatusBar | None = None) -> None:
    menu = window.menuBar().addMenu(tr("&Trợ giúp"))
    menu.setObjectName("helpMenu")
    guide = QAction(tr("Hướng dẫn sử dụng"), window)
    guide.setObjectName("openGuide")
    guide.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))  # F1

    # services.support (zip, importlib.metadata) is imported when an action is used, not at window start.
    def open_guide() -> None:
        from lhtl_desktop.services.support import guide_path

        path = guide_path()
        if path is None:
            QMessageBox.warning(window, tr("Hướng dẫn sử dụng"),
                                tr("Không tìm thấy tệp hướng dẫn trong bản cài đặt này."))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    guide.triggered.connect(open_guide)
    menu.addAction(guide)
    menu.addSeparator()
    folder = default_log_folder()
    open_logs = QAction(tr("Mở thư mục nhật ký"), window)
    open_logs.setObjectName("openLogFolder")
    open_logs.triggered.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))
    copy_info = QAction(tr("Sao chép thông tin hỗ trợ"), window)
    copy_info.setObjectName("copySupportInfo")

    def copy() -> None:
        # The report runs quick_check on a read-only connection of its own: seconds on a large province
        # database, so off the UI thread.
        from lhtl_desktop.services.support import support_text

        def done(text: str) -> None:
            QGuiApplication.clipboard().setText(text)
            if status is not None:
                status.showMessage(tr("Đã chép thông tin hỗ trợ (phiên bản, cơ sở dữ liệu, nhật ký gần nhất)."),
                                   5000)

        def failed(exc: BaseException) -> None:
            if status is not None:
                status.showMessage(tr("Không lập được thông tin hỗ trợ: {err}").format(err=exc), 8000)

        run_task(window, tr("Đang lập thông tin hỗ trợ…"), lambda: support_text(db_path), done, failed)

    copy_info.triggered.connect(copy)
    menu.addAction(open_logs)
    menu.addAction(copy_info)
