"""«Trợ giúp»: open the log folder, copy the support information (what a support officer asks for first)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMainWindow, QStatusBar

from lhtl_desktop.logs import default_log_folder
from lhtl_desktop.services.support import support_text


def tr(text: str) -> str:
    return QCoreApplication.translate("help_menu", text)


def install_help_menu(window: QMainWindow, db_path: Path | str, status: QStatusBar | None = None) -> None:
    menu = window.menuBar().addMenu(tr("&Trợ giúp"))
    menu.setObjectName("helpMenu")
    folder = default_log_folder()
    open_logs = QAction(tr("Mở thư mục nhật ký"), window)
    open_logs.setObjectName("openLogFolder")
    open_logs.triggered.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))
    copy_info = QAction(tr("Sao chép thông tin hỗ trợ"), window)
    copy_info.setObjectName("copySupportInfo")

    def copy() -> None:
        QGuiApplication.clipboard().setText(support_text(db_path))
        if status is not None:
            status.showMessage(tr("Đã chép thông tin hỗ trợ (phiên bản, cơ sở dữ liệu, nhật ký gần nhất)."), 5000)

    copy_info.triggered.connect(copy)
    menu.addAction(open_logs)
    menu.addAction(copy_info)
