"""«Cài đặt»: officer and key, data folder, hub membership and two-tier mode, targets' thresholds, and the
province's rules in force (ui.rules_panel; read-only below the province)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lhtl_desktop.errors import LhtlError, ValidationError
from lhtl_desktop.logs import LOG_NAME, default_log_folder
from lhtl_desktop.model.catalogue import Level
from lhtl_desktop.model.periods import MAX_YEAR, MIN_YEAR
from lhtl_desktop.services import account
from lhtl_desktop.services.installation import set_hub, set_officer, set_two_tier
from lhtl_desktop.services.settings import set_threshold
from lhtl_desktop.storage import Store
from lhtl_desktop.sync.keys import is_protected, open_private, seal_private
from lhtl_desktop.ui.backup_dialog import BackupPanel
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.dialogs import add_message_and_buttons, plain_text_labels, show_error
from lhtl_desktop.ui.formalities_tab import FormalitiesTab
from lhtl_desktop.ui.look import fmt_percent, fmt_when
from lhtl_desktop.ui.models import TextTableModel
from lhtl_desktop.ui.ops import Changes, WriteOp
from lhtl_desktop.ui.page import Page, titled_list, with_filter
from lhtl_desktop.ui.rules_panel import RulesPanel


class PassphraseDialog(QDialog):
    """Change the passphrase protecting the private key. scrypt runs off the UI thread."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.key = ctx.ops.read_now(account.own_key)
        self.setWindowTitle(self.tr("Đổi mật khẩu bảo vệ khóa"))
        self.setMinimumWidth(480)
        form = QFormLayout()
        self.old = QLineEdit()
        self.old.setEchoMode(QLineEdit.EchoMode.Password)
        self.new = QLineEdit()
        self.new.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        if is_protected(self.key.sealed):
            form.addRow(self.tr("Mật khẩu hiện tại:"), self.old)
        form.addRow(self.tr("Mật khẩu mới (ít nhất 8 ký tự):"), self.new)
        form.addRow(self.tr("Nhập lại mật khẩu mới:"), self.again)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.message = add_message_and_buttons(self, layout, self.save)
        plain_text_labels(self)  # names and messages shown as typed, never as HTML

    def save(self) -> None:
        if self.new.text() != self.again.text():
            self.message.setText(self.tr("Hai lần nhập mật khẩu mới không khớp nhau."))
            return
        if not self.new.text():
            self.message.setText(self.tr("Chưa nhập mật khẩu mới."))
            return
        sealed, old, new = self.key.sealed, self.old.text(), self.new.text()

        def work(store: Store) -> None:
            account.replace_own_sealed_key(store, seal_private(open_private(sealed, old or None), new))

        self.ctx.ops.write(WriteOp(work, Changes.KEYS, on_done=lambda _r: self.accept(),
                                   on_error=lambda exc: self.message.setText(exc.message),
                                   progress=self.tr("Đang bảo vệ lại khóa bằng mật khẩu mới…")))


class SettingsPage(Page):
    depends_on = Changes.SETTINGS | Changes.KEYS | Changes.CONFIG

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        me = ctx.installation
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Cài đặt"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.tabs.addTab(self._officer_tab(), self.tr("Cán bộ và khóa"))
        self.tabs.addTab(self._data_tab(), self.tr("Dữ liệu và sao lưu"))
        self.formalities_tab = FormalitiesTab(ctx)
        self.tabs.addTab(self.formalities_tab, self.tr("Thể thức văn bản"))
        self.hub_tab: QWidget | None = None
        self.threshold_tab: QWidget | None = None
        if me.level != Level.COMMUNE:
            self.hub_tab = self._hub_tab()
            self.tabs.addTab(self.hub_tab, self.tr("Cụm tổng hợp"))
        if me.level == Level.PROVINCE:
            self.threshold_tab = self._threshold_tab()
            self.tabs.addTab(self.threshold_tab, self.tr("Ngưỡng chỉ tiêu"))
        # The province's rules, read-only below the province (they arrive in bundles from above).
        self.rules_panel = RulesPanel(ctx)
        self.tabs.addTab(self.rules_panel, self.tr("Quy định của tỉnh"))
        plain_text_labels(self)  # names and messages shown as typed, never as HTML

    # -- officer and key --------------------------------------------------------------------------------
    def _officer_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        box = QGroupBox(self.tr("Cán bộ phụ trách"))
        form = QFormLayout(box)
        self.unit_label = QLabel()
        self.officer = QLineEdit()
        self.officer.setMinimumWidth(340)
        self.officer_save = QPushButton(self.tr("Lưu tên cán bộ"))
        row = QHBoxLayout()
        row.addWidget(self.officer)
        row.addWidget(self.officer_save)
        row.addStretch(1)
        self.officer_message = QLabel()
        self.officer_message.setWordWrap(True)
        form.addRow(self.tr("Đơn vị:"), self.unit_label)
        form.addRow(self.tr("Họ và tên:"), row)
        form.addRow("", self.officer_message)
        layout.addWidget(box)

        key_box = QGroupBox(self.tr("Khóa ký gói dữ liệu"))
        key_form = QFormLayout(key_box)
        self.fingerprint = QLabel()
        self.fingerprint.setStyleSheet("font-size: 14pt; font-weight: 600; letter-spacing: 1px;")
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.protection = QLabel()
        self.protection.setWordWrap(True)
        self.passphrase_button = QPushButton(self.tr("Đổi mật khẩu bảo vệ khóa…"))
        key_form.addRow(self.tr("Dấu vân tay:"), self.fingerprint)
        key_form.addRow(self.tr("Bảo vệ:"), self.protection)
        key_buttons = QHBoxLayout()
        key_buttons.addWidget(self.passphrase_button)
        key_buttons.addStretch(1)
        key_form.addRow("", key_buttons)
        layout.addWidget(key_box)
        layout.addStretch(1)
        self.officer_save.clicked.connect(self.save_officer)
        self.officer.returnPressed.connect(self.save_officer)
        self.passphrase_button.clicked.connect(self.change_passphrase)
        return tab

    def _write(self, fn: Callable[[Store], object], changes: Changes, done: Callable[[], None],
               refused: Callable[[LhtlError], None]) -> None:
        """This page's writes: queued on the writer; the page shows the outcome itself."""
        self.ctx.ops.write(WriteOp(fn, changes, on_done=lambda _r: done(), on_error=refused, source=self))

    def save_officer(self) -> None:
        name = self.officer.text()

        def done() -> None:
            self.officer_message.setStyleSheet("color: #1b6e32;")
            self.officer_message.setText(self.tr("Đã lưu."))

        def refused(exc: LhtlError) -> None:
            self.officer_message.setText(exc.message)
            self.officer_message.setStyleSheet("color: #b00020;")

        self._write(lambda store: set_officer(store, name), Changes.SETTINGS, done, refused)

    def change_passphrase(self) -> None:
        if PassphraseDialog(self.ctx, self).exec():
            self.refresh()

    # -- data folder --------------------------------------------------------------------------------------
    def _data_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        box = QGroupBox(self.tr("Thư mục dữ liệu"))
        form = QFormLayout(box)
        self.db_label = QLabel()
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.db_label.setWordWrap(True)
        self.folder_label = QLabel()
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setWordWrap(True)
        self.open_folder = QPushButton(self.tr("Mở thư mục dữ liệu"))
        form.addRow(self.tr("Tệp cơ sở dữ liệu:"), self.db_label)
        form.addRow(self.tr("Thư mục:"), self.folder_label)
        form.addRow("", self.open_folder)
        self.log_label = QLabel(str(default_log_folder() / LOG_NAME))
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_label.setWordWrap(True)
        form.addRow(self.tr("Nhật ký:"), self.log_label)
        layout.addWidget(box)
        backup = QGroupBox(self.tr("Sao lưu"))
        backup_layout = QVBoxLayout(backup)
        self.backup_panel = BackupPanel(self.ctx)
        backup_layout.addWidget(self.backup_panel)
        layout.addWidget(backup, 1)
        self.open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ctx.ops.read_now(account.data_folder)))))
        return tab

    # -- hubs ---------------------------------------------------------------------------------------------
    def _hub_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.two_tier = QCheckBox(self.tr("Chế độ hai cấp: xã, phường báo cáo thẳng lên tỉnh (không qua cụm)"))
        layout.addWidget(self.two_tier)
        hint = QLabel(self.tr("Mỗi xã, phường thuộc một cụm tổng hợp (huyện cũ). Chọn một xã rồi chọn cụm mới "
                              "để chuyển; mọi thay đổi được ghi lại người sửa và thời điểm."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.hub_model = TextTableModel((self.tr("Mã"), self.tr("Xã, phường"), self.tr("Cụm tổng hợp"),
                                         self.tr("Báo cáo lên")), self)
        self.hub_table = QTableView()
        self.hub_table.setModel(self.hub_model)
        self.hub_table.setAccessibleName(self.tr("Xã, phường và cụm tổng hợp"))
        self.hub_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.hub_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.hub_table.verticalHeader().setVisible(False)
        self.hub_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.hub_table.setColumnWidth(0, 70)
        self.hub_table.setColumnWidth(2, 260)
        self.hub_table.setColumnWidth(3, 260)
        hubs, self.hub_filter = with_filter(self.hub_table)
        layout.addWidget(hubs, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Chuyển xã đã chọn sang cụm:")))
        self.hub_choice = QComboBox()
        self.hub_choice.setMinimumWidth(260)
        row.addWidget(self.hub_choice)
        self.hub_apply = QPushButton(self.tr("Chuyển cụm"))
        row.addWidget(self.hub_apply)
        row.addStretch(1)
        layout.addLayout(row)
        self.hub_message = QLabel()
        self.hub_message.setWordWrap(True)
        layout.addWidget(self.hub_message)
        self.two_tier.toggled.connect(self.toggle_two_tier)
        self.hub_apply.clicked.connect(self.apply_hub)
        if self.ctx.installation.level != Level.PROVINCE:
            # Hub membership and two-tier mode are the province's rules: shown here, changed only there.
            self.two_tier.setEnabled(False)
            self.hub_choice.setEnabled(False)
            self.hub_apply.setEnabled(False)
            hint.setText(self.tr("Mỗi xã, phường thuộc một cụm tổng hợp (huyện cũ). Việc gán xã vào cụm và chế độ "
                                 "hai cấp do tỉnh quyết định (mục «Quy định của tỉnh»); ở cấp cụm chỉ xem."))
        return tab

    def _fill_hubs(self) -> None:
        rows, hubs = self.ctx.ops.read_now(account.hub_assignments)
        names = {u.code: u.name for u in hubs}
        names.update({r.commune.code: r.commune.name for r in rows})
        me = self.ctx.installation
        names[me.province_code] = self.tr("Tỉnh")
        self.hub_model.set_rows([(r.commune.code, r.commune.name, r.hub.name if r.hub else "—",
                                  names.get(r.reports_to or "", r.reports_to or "—")) for r in rows])
        self._hub_codes = [r.commune.code for r in rows]
        current = self.hub_choice.currentData()
        self.hub_choice.clear()
        for hub in hubs:
            self.hub_choice.addItem(hub.name, hub.code)
        if current:
            self.hub_choice.setCurrentIndex(max(0, self.hub_choice.findData(current)))
        self.two_tier.blockSignals(True)
        self.two_tier.setChecked(me.two_tier)
        self.two_tier.blockSignals(False)

    def toggle_two_tier(self, on: bool) -> None:
        def refused(exc: LhtlError) -> None:
            show_error(self, exc)
            self._fill_hubs()

        self._write(lambda store: set_two_tier(store, on), Changes.SETTINGS, self._fill_hubs, refused)

    def apply_hub(self) -> None:
        rows = self.hub_table.selectionModel().selectedRows()
        if not rows:
            self.hub_message.setText(self.tr("Chọn một xã, phường trong bảng trước."))
            return
        row, code, hub = rows[0].row(), self._hub_codes[rows[0].row()], self.hub_choice.currentData()

        def done() -> None:
            self.hub_message.setText(self.tr("Đã chuyển."))
            self._fill_hubs()
            self.hub_table.selectRow(row)

        self._write(lambda store: set_hub(store, code, hub), Changes.SETTINGS, done,
                    lambda exc: self.hub_message.setText(exc.message))

    # -- thresholds ---------------------------------------------------------------------------------------
    def _threshold_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.threshold_model = TextTableModel((self.tr("Chỉ tiêu"), self.tr("Ngưỡng theo mốc")), self)
        table = QTableView()
        table.setModel(self.threshold_model)
        table.setAccessibleName(self.tr("Ngưỡng các chỉ tiêu"))
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.setColumnWidth(1, 260)
        thresholds, self.threshold_filter = with_filter(table)
        layout.addWidget(thresholds, 3)
        row = QHBoxLayout()
        self.threshold_target = QComboBox()
        self.threshold_target.setMinimumWidth(380)
        self.threshold_year = QSpinBox()
        self.threshold_year.setRange(MIN_YEAR, MAX_YEAR)
        self.threshold_year.setGroupSeparatorShown(False)
        self.threshold_year.setValue(2030)
        self.threshold_value = QLineEdit()
        self.threshold_value.setPlaceholderText(self.tr("ví dụ 60 hoặc 12,5"))
        self.threshold_value.setMaximumWidth(120)
        self.threshold_save = QPushButton(self.tr("Lưu ngưỡng"))
        row.addWidget(QLabel(self.tr("Chỉ tiêu:")))
        row.addWidget(self.threshold_target, 1)
        row.addWidget(QLabel(self.tr("mốc năm")))
        row.addWidget(self.threshold_year)
        row.addWidget(QLabel(self.tr("ngưỡng (%)")))
        row.addWidget(self.threshold_value)
        row.addWidget(self.threshold_save)
        layout.addLayout(row)
        self.threshold_message = QLabel()
        self.threshold_message.setWordWrap(True)
        layout.addWidget(self.threshold_message)
        self.history_model = TextTableModel((self.tr("Thời điểm"), self.tr("Người sửa"), self.tr("Chỉ tiêu"),
                                             self.tr("Mốc"), self.tr("Cũ"), self.tr("Mới")), self)
        history = QTableView()
        history.setModel(self.history_model)
        history.setAccessibleName(self.tr("Lịch sử thay đổi ngưỡng"))
        history.verticalHeader().setVisible(False)
        history.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        history.setColumnWidth(0, 140)
        history.setColumnWidth(1, 160)
        changes, self.history_filter = titled_list(QLabel(self.tr("Lịch sử thay đổi ngưỡng:")), history)
        layout.addWidget(changes, 2)
        self.threshold_save.clicked.connect(self.save_threshold)
        self.threshold_value.returnPressed.connect(self.save_threshold)
        return tab

    def _fill_thresholds(self) -> None:
        targets, history = self.ctx.ops.read_now(
            lambda store: (account.target_definitions(store), account.threshold_history(store)))
        labels = {t.code: t.label for t in targets}
        self.threshold_model.set_rows([
            (t.label, "; ".join(f"{y}: {fmt_percent(v, 1) if v is not None else '—'}"
                                for y, v in sorted(t.milestones.items())))
            for t in targets
        ])
        current = self.threshold_target.currentData()
        self.threshold_target.clear()
        for t in targets:
            self.threshold_target.addItem(t.label, t.code)
        if current:
            self.threshold_target.setCurrentIndex(max(0, self.threshold_target.findData(current)))
        self.history_model.set_rows([
            (fmt_when(h["changed_at"]), h["changed_by"], labels.get(h["target_code"], h["target_code"]), str(h["year"]),
             fmt_percent(h["old_threshold"]), fmt_percent(h["new_threshold"]))
            for h in history
        ])

    def save_threshold(self) -> None:
        def refused(exc: LhtlError) -> None:
            self.threshold_message.setStyleSheet("color: #b00020;")
            self.threshold_message.setText(exc.message)

        def done() -> None:
            self.threshold_message.setStyleSheet("color: #1b6e32;")
            self.threshold_message.setText(self.tr("Đã lưu ngưỡng mới."))
            self.threshold_value.clear()
            self._fill_thresholds()

        if not self.threshold_value.text().strip():
            refused(ValidationError(self.tr("Chưa nhập ngưỡng.")))
            return
        target, year, text = (self.threshold_target.currentData(), self.threshold_year.value(),
                              self.threshold_value.text())
        self._write(lambda store: set_threshold(store, target, year, text), Changes.SETTINGS, done, refused)

    def first_field(self) -> QWidget | None:
        return self.officer

    # -- page ---------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        me = self.ctx.installation
        self.unit_label.setText(f"{me.unit.name} ({me.unit.code})")
        if not self.officer.hasFocus():
            self.officer.setText(me.officer)
        key = self.ctx.ops.read_now(account.own_key)
        self.fingerprint.setText(key.fingerprint)
        self.protection.setText(
            self.tr("Khóa được bảo vệ bằng mật khẩu.") if is_protected(key.sealed)
            else self.tr("⚠ Khóa chưa có mật khẩu bảo vệ: ai chép được tệp dữ liệu có thể ký gói dữ liệu "
                         "thay đơn vị. Nên đặt mật khẩu."))
        self.db_label.setText(str(self.ctx.db_path))
        self.folder_label.setText(str(self.ctx.ops.read_now(account.data_folder)))
        self.backup_panel.refresh()
        self.formalities_tab.refresh()
        if self.hub_tab is not None:
            self._fill_hubs()
        if self.threshold_tab is not None:
            self._fill_thresholds()
        self.rules_panel.refresh()
