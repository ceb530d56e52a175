"""Start-up of the window: QApplication, look and feel, the database, first-run wizard, main window.

The window opens its database without `PRAGMA quick_check` (45–60 ms on a province database, growing with
its size), draws itself, and right after its first paint starts its writer thread (`ui.ops`), whose first
job is the check (`storage.db.quick_check`). Every write goes through that writer, so writes queued
meanwhile wait for the check and run once it has passed (or are refused, with a Vietnamese message, if it
failed). A failed check closes the window and leads the officer to the newest good backup
(`backup_dialog.StartupRecoveryDialog`), as a file that fails to open at all does. The CLI keeps checking
at open.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from lhtl_desktop.errors import DatabaseCorruptError, LhtlError
from lhtl_desktop.logs import default_log_folder
from lhtl_desktop.services.installation import is_initialised
from lhtl_desktop.storage import Store, default_db_path, open_store
from lhtl_desktop.storage.db import corruption_error, quick_check
from lhtl_desktop.ui.dialogs import install_excepthook, message_box, setup_logging
from lhtl_desktop.ui.look import apply_look, install_translations
from lhtl_desktop.ui.main_window import MainWindow, build_main_window
from lhtl_desktop.ui.ops import Ops

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


def open_window(store: Store, *, check: bool = False) -> QWidget:
    """The main window, or the first-run wizard that opens it once the installation exists. `check`: the
    file has not passed its quick_check yet (the window's writer runs it first, see `WindowStart`)."""
    if is_initialised(store):
        window = build_main_window(store, check=check)
        window.showMaximized()
        return window
    from lhtl_desktop.ui.wizard import SetupWizard

    wizard = SetupWizard(store)
    holder: list[MainWindow] = []

    def finished(ok: int) -> None:
        if ok and wizard.installation is not None:  # written by the wizard's runner: the window takes it over
            main_window = build_main_window(store, ops=wizard.ops)
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
            checked = False
            try:
                store = open_store(self.db_path, check=False)
            except DatabaseCorruptError as damaged:
                if not self.recover(self.db_path, damaged):
                    return self._fail()
                store = open_store(self.db_path)  # the restored file, checked
                checked = True
        except LhtlError as exc:
            self.show_error(exc.message)
            return self._fail()
        return self._show(store, checked=checked)

    def _show(self, store: Store, *, checked: bool) -> bool:
        self.store = store
        if self.before_window is not None:
            self.before_window(store)
            self.before_window = None
        try:
            if not checked and not is_initialised(store):  # the wizard: a small file, checked at once
                error = quick_check(store)
                if error is not None:
                    return self._settle(error)
                checked = True
            self.window = open_window(store, check=not checked)
        except Exception as exc:
            damaged = corruption_error(exc, store.path)  # a damaged page met before the check has run
            if damaged is None:
                raise
            return self._rescue(damaged)
        ops = self.ops()
        if ops is not None and ops.check_passed is None:
            ops.checked.connect(lambda error, ops=ops: self._checked(ops, error))
            self._painted = False
            self.window.installEventFilter(self)
        return True

    def ops(self) -> Ops | None:
        """The operation runner of the main window (None while only the wizard is open)."""
        window = self.window.property("main_window") if self.window is not None else None
        if not isinstance(window, MainWindow):
            window = self.window
        return window.ctx.ops if isinstance(window, MainWindow) else None

    def checked_ops(self) -> Ops | None:
        """The window's runner once its file has passed its check (the exit backup copies nothing else)."""
        ops = self.ops()
        return ops if ops is not None and ops.check_passed is True else None

    # -- a second start on the same database ----------------------------------------------------------
    def receive(self, files: list[Path]) -> None:
        """Another start of the program on this database: come forward, and open the files it was given
        (received bundles) in the import preview."""
        window = self.window
        main_window = window.property("main_window") if window is not None else None
        shown = main_window if isinstance(main_window, MainWindow) else window
        if shown is None:
            return
        if shown.isMinimized():
            shown.showNormal()
        shown.raise_()
        shown.activateWindow()
        if files and isinstance(shown, MainWindow):
            shown.preview_received(files)

    # -- the deferred check -----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt's name
        if watched is self.window and event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._start_check)  # after the whole first paint pass
        return False

    def _start_check(self) -> None:
        ops = self.ops()
        if ops is not None:
            ops.start_check()

    def _checked(self, ops: Ops, error: object) -> None:
        if ops is not self.ops():
            return  # that window has been closed meanwhile (a rescue)
        if error is not None:
            assert isinstance(error, LhtlError)
            self._settle(error)

    def _settle(self, error: LhtlError) -> bool:
        """The file failed its check: the rescue for a damaged file, else the message and the end."""
        if not isinstance(error, DatabaseCorruptError):
            self._close()
            self.show_error(error.message)
            self._fail()
            self.app.exit(self.exit_code)
            return False
        if not self._rescue(error):
            self.app.exit(self.exit_code)
            return False
        return True

    # -- rescue -----------------------------------------------------------------------------------------
    def _close(self) -> None:
        """Close the window (its background work and queued writes finish first) and the store."""
        ops = self.ops()
        window, self.window = self.window, None
        if ops is not None:
            ops.close()
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
            return self._show(store, checked=True)
        finally:
            self.app.setQuitOnLastWindowClosed(quit_on_close)

    def _fail(self) -> bool:
        self.exit_code = 2
        return False


def main(argv: list[str] | None = None, files: list[Path] | None = None) -> int:
    """The window on the database (`LHTL_DB` or the per-user default). A second start on a database whose
    window is open brings that window forward, with `files` (received bundles) opened in its import preview,
    instead of opening a second writer (`ui.single_instance`)."""
    from lhtl_desktop.ui.single_instance import SingleInstance

    app = create_application(argv)
    start = WindowStart(app)
    instance = SingleInstance(start.db_path, app)
    if not instance.acquire(files):
        if instance.answered:
            return 0
        QMessageBox.warning(None, app.translate("app", "Chương trình đang mở"), app.translate(
            "app", "Cơ sở dữ liệu «{path}» đang mở trong một cửa sổ chương trình khác nhưng cửa sổ đó chưa trả "
            "lời. Hãy chờ nó mở xong (hoặc đóng nó) rồi thử lại.").format(path=start.db_path))
        return 2
    app.aboutToQuit.connect(instance.release)
    instance.received.connect(start.receive)
    start.before_window = lambda store: install_excepthook(setup_logging(default_log_folder()))
    if not start.open():
        instance.release()
        return start.exit_code
    from lhtl_desktop.ui.exit_backup import install_exit_backup  # reliability: rolling backup on exit

    # only a file that passed its check is copied (a failed one must not push out good backups)
    install_exit_backup(app, start.checked_ops)
    if files:
        QTimer.singleShot(0, lambda: start.receive(files))
    code = app.exec()
    return code or start.exit_code
