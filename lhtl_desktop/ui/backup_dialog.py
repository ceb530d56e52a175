"""Backups in the window: "Sao lưu ra USB", restore from a file or a rolling backup, and the start-up rescue.

- `BackupPanel(ctx)`: the widget for the Cài đặt page's "Sao lưu" box (rolling backups listed, buttons).
- `BackupDialog(ctx)`: the same panel in a dialog, for a button anywhere.
- `StartupRecoveryDialog(db_path, error)` / `recover_at_startup(...)`: when the database fails its check at
  start-up, the newest good backup is offered instead of a crash.
- `install_exit_backup(app, get_ops)`: a rolling backup when the application quits (from `exit_backup`).

Every action calls `lhtl_desktop.services.backups`; nothing here knows SQL. The file pickers and the
confirmation are attributes (`choose_save_path`, `choose_open_path`, `ask`) so tests drive the real widgets
without native dialogs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lhtl_desktop.errors import DatabaseCorruptError, LhtlError
from lhtl_desktop.i18n import N_
from lhtl_desktop.services import backups
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.dialogs import message_box, plain_text_labels
from lhtl_desktop.ui.exit_backup import install_exit_backup as install_exit_backup  # re-exported
from lhtl_desktop.ui.look import UI_LOCALE
from lhtl_desktop.ui.ops import Changes, WriteOp
from lhtl_desktop.ui.page import with_filter

REASONS = {"import": N_("trước khi nhập gói"), "exit": N_("khi đóng chương trình"),
           "restore": N_("trước khi khôi phục"), "manual": N_("sao lưu tay")}
FILE_FILTER = N_("Bản sao lưu (*.sqlite3 *.db *.lhtlbak);;Mọi tệp (*)")


def tr(text: str) -> str:
    return QCoreApplication.translate("backup", text)


def _when(info: backups.BackupInfo) -> str:
    return info.taken_at.astimezone().strftime("%d/%m/%Y %H:%M:%S")


def _size(n: int) -> str:
    return UI_LOCALE.formattedDataSize(n)


def _ask(parent: QWidget | None, title: str, text: str) -> bool:
    box = message_box(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.button(QMessageBox.StandardButton.Yes).setText(tr("Đồng ý"))
    box.button(QMessageBox.StandardButton.No).setText(tr("Không"))
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def restore_op(file: Path, *, confirm_other_unit: bool, on_done: Callable[[backups.RestoreResult], None],
               on_error: Callable[[LhtlError], None]) -> WriteOp[backups.RestoreResult]:
    """The restore as the writer's job: it closes the window's connection, restores, and opens the file
    again (the old one, unchanged, when the restore was refused); every page then loads anew."""
    return WriteOp(lambda store: backups.restore(Path(store.path), file, confirm_other_unit=confirm_other_unit),
                   Changes.RESTORE, on_done=on_done, on_error=on_error, reopen=True,
                   progress=tr("Đang khôi phục dữ liệu…"))


class BackupPanel(QWidget):
    """Rolling backups, "Sao lưu ra USB…" and restore."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.choose_save_path: Callable[[str], str] = self._choose_save_path
        self.choose_open_path: Callable[[], str] = self._choose_open_path
        self.ask: Callable[[str, str], bool] = lambda title, text: _ask(self, title, text)

        layout = QVBoxLayout(self)
        intro = QLabel(tr(
            "Chương trình tự sao lưu trước mỗi lần nhập gói dữ liệu và khi đóng, giữ 10 bản gần nhất trong thư "
            "mục «backups» cạnh tệp dữ liệu. Hãy định kỳ sao lưu ra USB và cất USB ở nơi khác máy tính."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName(tr("Các bản sao lưu"))
        self.table.setHorizontalHeaderLabels([tr("Thời điểm"), tr("Lý do"), tr("Dung lượng")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(160)
        table, self.filter = with_filter(self.table)
        layout.addWidget(table, 1)
        row = QHBoxLayout()
        self.usb_button = QPushButton(tr("Sao lưu ra USB…"))
        self.usb_button.setObjectName("backup_usb")
        self.restore_selected_button = QPushButton(tr("Khôi phục bản đã chọn"))
        self.restore_file_button = QPushButton(tr("Khôi phục từ tệp…"))
        for b in (self.usb_button, self.restore_selected_button, self.restore_file_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)

        self.usb_button.clicked.connect(self.backup_to_usb)
        self.restore_selected_button.clicked.connect(self.restore_selected)
        self.restore_file_button.clicked.connect(self.restore_from_file)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.refresh()
        plain_text_labels(self)  # names and messages shown as typed, never as HTML

    # -- view -------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.items = backups.list_backups(self.ctx.db_path)
        self.table.setRowCount(len(self.items))
        for r, info in enumerate(self.items):
            for c, text in enumerate((_when(info), tr(REASONS.get(info.reason, info.reason)), _size(info.size))):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.filter.apply()  # filled cell by cell: filtered once full
        self.table.resizeColumnToContents(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.restore_selected_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def _show(self, text: str, ok: bool = True) -> None:
        self.message.setStyleSheet("" if ok else "color: #b00020;")
        self.message.setText(text)

    # -- pickers (replaced in tests) ----------------------------------------------------------------------
    def _choose_save_path(self, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(self, tr("Sao lưu ra USB"), suggested, tr(FILE_FILTER))
        return path

    def _choose_open_path(self) -> str:
        path, _filter = QFileDialog.getOpenFileName(self, tr("Chọn bản sao lưu"), "", tr(FILE_FILTER))
        return path

    # -- actions ------------------------------------------------------------------------------------------
    def backup_to_usb(self) -> bool:
        """Copy the database to a chosen file (on the writer, after every queued save). True when started."""
        target = self.choose_save_path(self.ctx.ops.read_now(backups.suggested_backup_name))
        if not target:
            return False

        def done(path: Path) -> None:
            self._show(tr("Đã sao lưu vào «{path}» ({size}). Có thể rút USB sau khi hệ điều hành báo an toàn.")
                       .format(path=str(path), size=_size(path.stat().st_size)))

        self.ctx.ops.write(WriteOp(lambda store: backups.export_backup(store, Path(target)), on_done=done,
                                   on_error=lambda exc: self._show(exc.message, ok=False), source=self,
                                   progress=tr("Đang sao lưu…")))
        return True

    def restore_selected(self) -> bool:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return False
        return self.restore_file(self.items[rows[0].row()].path)

    def restore_from_file(self) -> bool:
        chosen = self.choose_open_path()
        return self.restore_file(Path(chosen)) if chosen else False

    def restore_file(self, file: Path) -> bool:
        try:
            plan = backups.check_restore(self.ctx.db_path, file)
        except LhtlError as exc:
            self._show(exc.message, ok=False)
            return False
        if not plan.allowed:
            self._show(plan.problems[0], ok=False)
            return False
        text = tr("Khôi phục từ «{file}»?\n\n{what}\n\nSố liệu hiện tại được giữ lại trong thư mục «backups» "
                  "trước khi thay.").format(file=file.name, what=plan.describe())
        if plan.confirm:
            text += "\n\n" + tr("Lưu ý: ") + " ".join(plan.confirm)
        if not self.ask(tr("Khôi phục dữ liệu"), text):
            return False

        def done(result: backups.RestoreResult) -> None:
            text = tr("Đã khôi phục {unit} từ «{file}».").format(unit=result.info.unit_name or "", file=file.name)
            if result.kept_aside:
                text += " " + tr("Dữ liệu trước đó được giữ tại «{path}».").format(path=str(result.kept_aside))
            self._show(text)
            self.refresh()

        self.ctx.ops.write(restore_op(file, confirm_other_unit=bool(plan.confirm), on_done=done,
                                      on_error=lambda exc: self._show(exc.message, ok=False)))
        return True


class BackupDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Sao lưu và khôi phục"))
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        self.panel = BackupPanel(ctx, self)
        layout.addWidget(self.panel)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Đóng"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


# -- start-up rescue ---------------------------------------------------------------------------------------
class StartupRecoveryDialog(QDialog):
    """The database failed its check: explain, offer the newest good backup or another file, or quit."""

    def __init__(self, db_path: Path, error: LhtlError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.choose_open_path: Callable[[], str] = self._choose_open_path
        self.result_info: backups.RestoreResult | None = None
        self.setWindowTitle(tr("Dữ liệu bị hỏng"))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        head = QLabel(error.message)
        head.setWordWrap(True)
        layout.addWidget(head)
        self.good = backups.newest_good_backup(self.db_path)
        if self.good is not None:
            plan = backups.RestorePlan(file=self.good.path, info=self.good, current=None)
            moment = backups.taken_at(self.good.path)
            offer = tr("Bản sao lưu tốt gần nhất, lúc {when}:\n{what}").format(
                when=moment.astimezone().strftime("%d/%m/%Y %H:%M") if moment else self.good.path.name,
                what=plan.describe())
        else:
            offer = tr("Không tìm thấy bản sao lưu tốt trong thư mục «backups». Nếu có bản sao lưu trên USB, "
                       "hãy chọn «Chọn tệp sao lưu khác…».")
        self.offer = QLabel(offer)
        self.offer.setWordWrap(True)
        layout.addWidget(self.offer)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.restore_button = QPushButton(tr("Khôi phục bản sao lưu này"))
        self.restore_button.setEnabled(self.good is not None)
        self.other_button = QPushButton(tr("Chọn tệp sao lưu khác…"))
        self.quit_button = QPushButton(tr("Thoát"))
        for b in (self.restore_button, self.other_button, self.quit_button):
            row.addWidget(b)
        layout.addLayout(row)
        note = QLabel(tr("Tệp hỏng không bị xóa: nó được giữ trong thư mục «backups» để kỹ thuật viên xem lại."))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.restore_button.clicked.connect(self.restore_newest)
        self.other_button.clicked.connect(self.restore_other)
        self.quit_button.clicked.connect(self.reject)
        if self.good is not None:
            self.restore_button.setDefault(True)
        plain_text_labels(self)  # names and messages shown as typed, never as HTML

    def _choose_open_path(self) -> str:
        path, _filter = QFileDialog.getOpenFileName(self, tr("Chọn bản sao lưu"), "", tr(FILE_FILTER))
        return path

    def _restore(self, file: Path) -> bool:
        try:
            # The damaged database says nothing about itself: a backup of it cannot be compared, so the
            # officer's choice here is the confirmation.
            self.result_info = backups.restore(self.db_path, file, confirm_other_unit=True)
            open_store(self.db_path, create=False).close()  # proves it opens (and migrates an older one)
        except LhtlError as exc:
            self.message.setText(exc.message)
            return False
        self.accept()
        return True

    def restore_newest(self) -> bool:
        return self.good is not None and self._restore(self.good.path)

    def restore_other(self) -> bool:
        chosen = self.choose_open_path()
        return self._restore(Path(chosen)) if chosen else False


def recover_at_startup(parent: QWidget | None, db_path: Path, error: DatabaseCorruptError) -> bool:
    """Show the rescue dialog; True when a backup was restored and the database can be opened again."""
    dialog = StartupRecoveryDialog(db_path, error, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted


def open_store_or_recover(db_path: Path | None = None) -> Store | None:
    """`open_store`, with the rescue dialog on a damaged database. None when the officer quits."""
    from lhtl_desktop.storage import default_db_path

    path = Path(db_path) if db_path is not None else default_db_path()
    try:
        return open_store(path)
    except DatabaseCorruptError as exc:
        if not recover_at_startup(None, path, exc):
            return None
    return open_store(path)
