"""Start-up of the window: QApplication, look and feel, the database, first-run wizard, main window.

The window opens its database without `PRAGMA quick_check` (45–60 ms on a province database, growing with
its size), draws itself, and right after its first paint runs the check on a worker with a read-only
connection of its own (`storage.db.deferred_check`). Until the check has passed the store refuses every
write: a save waits for the check (and is refused, with a Vietnamese message, if it failed or takes too
long), and SQLite's `query_only` refuses anything else. A failed check closes the window and leads the
officer to the newest good backup (`backup_dialog.StartupRecoveryDialog`), as a file that fails to open
at all does. The CLI keeps checking at open.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from lhtl_desktop.errors import DatabaseCorruptError, DatabaseError, LhtlError
from lhtl_desktop.services.account import data_folder
from lhtl_desktop.services.installation import is_initialised
from lhtl_desktop.storage import Store, default_db_path, open_store
from lhtl_desktop.storage.db import corruption_error, deferred_check
from lhtl_desktop.ui.dialogs import install_excepthook, message_box, setup_logging
from lhtl_desktop.ui.look import apply_look, install_translations
from lhtl_desktop.ui.main_window import MainWindow, build_main_window
from lhtl_desktop.ui.tasks import run_in_background

__all__ = ["WindowStart", "build_main_window", "create_application", "main", "open_window"]


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


def _recover(db_path: Path, error: DatabaseCorruptError) -> bool:
    # reliability: a damaged database leads to the newest good backup, not to a crash
    from lhtl_desktop.ui.backup_dialog import recover_at_startup

    return recover_at_startup(None, db_path, error)


class WindowStart(QObject):
    """Opens the database for the window, shows the window, then checks the file after the first paint.

    `open()` returns False when there is nothing to show (the officer quit the rescue, or the database
    cannot be opened: the message was shown). `recover` (the rescue dialog) and `show_error` are attributes
    so that tests drive the real dialog without a modal loop. `exit_code` is 2 once start-up has failed.
    """

    def __init__(self, app: QApplication, db_path: Path | str | None = None) -> None:
        super().__init__(app)
        self.app = app
        self.db_path = Path(db_path) if db_path is not None else default_db_path()
        self.store: Store | None = None
        self.window: QWidget | None = None
        self.exit_code = 0
        self.recover: Callable[[Path, DatabaseCorruptError], bool] = _recover
        self.show_error: Callable[[str], object] = lambda text: message_box(
            QMessageBox.Icon.Critical, app.translate("app", "Không mở được dữ liệu"), text,
            QMessageBox.StandardButton.Ok, None).exec()
        self.before_window: Callable[[Store], None] | None = None  # main(): the log file and the error dialog
        self._painted = False

    # -- opening ----------------------------------------------------------------------------------------
    def open(self) -> bool:
        try:
            try:
                store = open_store(self.db_path, check=False)
            except DatabaseCorruptError as damaged:
                if not self.recover(self.db_path, damaged):
                    return self._fail()
                store = open_store(self.db_path)  # the restored file, checked
        except LhtlError as exc:
            self.show_error(exc.message)
            return self._fail()
        return self._show(store)

    def _show(self, store: Store) -> bool:
        self.store = store
        if self.before_window is not None:
            self.before_window(store)
            self.before_window = None
        try:
            self.window = open_window(store)
        except Exception as exc:
            damaged = corruption_error(exc, store.path)  # a damaged page met before the check has run
            if damaged is None:
                raise
            return self._rescue(damaged)
        if store.check_passed is None:
            self._painted = False
            self.window.installEventFilter(self)
        return True

    def current_store(self) -> Store | None:
        """The store the window works on now (after a restore from the window: the reopened one)."""
        ctx = getattr(self.window, "ctx", None) if self.window is not None else None
        store = getattr(ctx, "store", None)
        return store if isinstance(store, Store) else self.store

    def checked_store(self) -> Store | None:
        """The current store once its file has passed its check (the exit backup copies nothing else)."""
        store = self.current_store()
        return store if store is not None and store.check_passed is True else None

    # -- the deferred check -----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt's name
        if watched is self.window and event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._start_check)  # after the whole first paint pass
        return False

    def _start_check(self) -> None:
        store = self.store
        if store is None or store.check_passed is not None:
            return
        run_in_background(lambda: deferred_check(store), lambda error: self._checked(store, error),
                          lambda exc: self._checked(store, exc))

    def _checked(self, store: Store, error: object) -> None:
        if store is not self.store or store is not self.current_store():
            return  # that store has been closed meanwhile (a restore from the window, a rescue)
        if error is None:
            store.lift_hold()
            return
        if not isinstance(error, LhtlError):  # the check itself broke: writes stay refused, say why
            error = DatabaseError(str(error))
            store.settle_check(error)
        if not isinstance(error, DatabaseCorruptError):
            self._close()
            self.show_error(error.message)
            self._fail()
            self.app.exit(self.exit_code)
            return
        if not self._rescue(error):
            self.app.exit(self.exit_code)

    # -- rescue -----------------------------------------------------------------------------------------
    def _close(self) -> None:
        """Close the window (its background work finishes first) and the store."""
        window, self.window = self.window, None
        if window is not None:
            main_window = window.property("main_window")  # the wizard's main window, if it opened one
            for w in (main_window, window):
                if isinstance(w, QWidget):
                    w.close()
                    w.deleteLater()
        store, self.store = self.store, None
        if store is not None:
            store.close()

    def _rescue(self, damaged: DatabaseCorruptError) -> bool:
        """The file failed its check: the rescue dialog, then the window again on the restored file."""
        quit_on_close = self.app.quitOnLastWindowClosed()
        self.app.setQuitOnLastWindowClosed(False)  # closing the damaged window must not end the program
        try:
            self._close()
            if not self.recover(self.db_path, damaged):
                return self._fail()
            try:
                store = open_store(self.db_path)  # the restored file, checked at open
            except LhtlError as exc:
                self.show_error(exc.message)
                return self._fail()
            return self._show(store)
        finally:
            self.app.setQuitOnLastWindowClosed(quit_on_close)

    def _fail(self) -> bool:
        self.exit_code = 2
        return False


def main(argv: list[str] | None = None) -> int:
    app = create_application(argv)
    start = WindowStart(app)
    start.before_window = lambda store: install_excepthook(setup_logging(data_folder(store)))
    if not start.open():
        return start.exit_code
    from lhtl_desktop.ui.exit_backup import install_exit_backup  # reliability: rolling backup on exit

    # only a store whose file passed its check is copied (a failed one must not push out good backups)
    install_exit_backup(app, start.checked_store)
    code = app.exec()
    return code or start.exit_code
