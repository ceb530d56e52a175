"""Start-up of the window: QApplication, look and feel, the database, first-run wizard, main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from lhtl_desktop.errors import DatabaseCorruptError, LhtlError
from lhtl_desktop.services.account import data_folder
from lhtl_desktop.services.installation import is_initialised
from lhtl_desktop.storage import Store, default_db_path, open_store
from lhtl_desktop.ui.dialogs import install_excepthook, setup_logging
from lhtl_desktop.ui.look import apply_look, install_translations
from lhtl_desktop.ui.main_window import MainWindow, build_main_window

__all__ = ["build_main_window", "create_application", "main", "open_window"]


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with Vietnamese locale, Be Vietnam Pro and Vietnamese labels for Qt's buttons."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv)
    app.setApplicationName("lhtl")
    app.setApplicationDisplayName(app.translate("app", "Học tập suốt đời"))
    apply_look(app)
    install_translations(app)
    return app


def open_window(store: Store) -> QWidget:
    """The main window, or the first-run wizard that opens it once the installation exists."""
    if is_initialised(store):
        window = build_main_window(store)
        window.showMaximized()
        return window
    from lhtl_desktop.ui.wizard import SetupWizard

    wizard = SetupWizard(store)
    holder: list[MainWindow] = []

    def finished(ok: int) -> None:
        if ok and is_initialised(store):
            main_window = build_main_window(store)
            holder.append(main_window)
            wizard.setProperty("main_window", main_window)
            main_window.showMaximized()

    wizard.finished.connect(finished)
    wizard.show()
    return wizard


def main(argv: list[str] | None = None) -> int:
    app = create_application(argv)
    try:
        try:
            store = open_store()
        except DatabaseCorruptError as damaged:
            # reliability: a damaged database leads to the newest good backup, not to a crash
            from lhtl_desktop.ui.backup_dialog import recover_at_startup

            if not recover_at_startup(None, default_db_path(), damaged):
                return 2
            store = open_store()
    except LhtlError as exc:
        QMessageBox.critical(None, app.translate("app", "Không mở được dữ liệu"), exc.message)
        return 2
    install_excepthook(setup_logging(data_folder(store)))
    window = open_window(store)  # noqa: F841 (kept alive until the loop ends)
    from lhtl_desktop.ui.exit_backup import install_exit_backup  # reliability: rolling backup on exit

    # after a restore from the window, the context holds the reopened store
    install_exit_backup(app, lambda: getattr(getattr(window, "ctx", None), "store", store))
    return app.exec()
