"""One place that shows errors: the officer's message for a refused action, a crash report for our bugs.

`LhtlError` (bad input, refused, not found) is the environment's or the user's business: show its Vietnamese
message and carry on. Anything else is a bug: log it with its traceback to `lhtl.log` in the data folder and
show a dialog whose report can be copied and sent to whoever supports the program.
"""

from __future__ import annotations

import datetime as _dt
import logging
import platform
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import lhtl_desktop
from lhtl_desktop import logs
from lhtl_desktop.errors import LhtlError, environment_error

log = logging.getLogger("lhtl")


def tr(text: str) -> str:
    return QCoreApplication.translate("dialogs", text)


def show_error(parent: QWidget | None, exc: LhtlError, title: str | None = None) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title or tr("Không thực hiện được"), exc.message,
                      QMessageBox.StandardButton.Ok, parent)
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def crash_report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    lines = [
        f"lhtl_desktop {lhtl_desktop.__version__}",  # looked up when a crash is reported, not at start
        f"{_dt.datetime.now().isoformat(timespec='seconds')}",
        f"Python {platform.python_version()} — {platform.platform()}",
        "",
        "".join(traceback.format_exception(exc_type, exc, tb)).rstrip(),
    ]
    return "\n".join(lines)


class CrashDialog(QDialog):
    """Shows a copyable report of an unexpected error."""

    def __init__(self, report: str, log_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Lỗi không mong muốn"))
        self.resize(720, 460)
        layout = QVBoxLayout(self)
        text = self.tr(
            "Chương trình gặp lỗi không mong muốn. Số liệu đã lưu trước đó không bị mất. "
            "Hãy chép báo cáo dưới đây và gửi cho người hỗ trợ kỹ thuật."
        )
        if log_path is not None:
            text += "\n" + self.tr("Báo cáo cũng được ghi vào tệp: {path}").format(path=str(log_path))
        intro = QLabel(text)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.report = QPlainTextEdit(report)
        self.report.setReadOnly(True)
        layout.addWidget(self.report, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Chép báo cáo"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report.toPlainText())
        self.copy_button.setText(self.tr("Đã chép"))


def setup_logging(folder: Path) -> Path | None:
    """The shared rotating log (lhtl_desktop.logs), plus Qt's own messages routed into it."""
    path = logs.setup_logging(folder, "window")
    qInstallMessageHandler(_qt_message)
    return path


_QT_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """A Qt warning (a printer driver, a font, a platform plugin) goes to the log, not to a stderr that a
    windowed build does not have."""
    where = f" ({context.file}:{context.line})" if context.file else ""
    logging.getLogger("lhtl.qt").log(_QT_LEVELS.get(kind, logging.WARNING), "%s%s", message, where)


def install_excepthook(log_path: Path | None) -> None:
    """Route uncaught exceptions (including those raised in Qt slots) to the log and the crash dialog."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        refused = environment_error(exc)  # a refusal, or the environment's fault (busy, read-only, disk)
        if refused is not None:
            show_error(None, refused)
            return
        report = crash_report(exc_type, exc, tb)
        log.error("unexpected error\n%s", report)
        if QCoreApplication.instance() is not None:
            CrashDialog(report, log_path).exec()
        else:  # pragma: no cover
            sys.__excepthook__(exc_type, exc, tb)

    sys.excepthook = hook


def add_message_and_buttons(dialog: QDialog, layout: QVBoxLayout, on_save: Callable[[], None]) -> QLabel:
    """The foot every entry dialog shares: a red message line for a refusal, then «Lưu» / «Hủy».

    «Lưu» calls `on_save` (which keeps the dialog open and fills the message when the service refuses);
    «Hủy» rejects the dialog. Returns the message label.
    """
    message = QLabel()
    message.setObjectName("fieldError")
    message.setWordWrap(True)
    layout.addWidget(message)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(on_save)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return message
