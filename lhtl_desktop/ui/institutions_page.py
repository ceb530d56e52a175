"""«Thiết chế»: the institutions of my scope, with add / edit / close and a quick list of village houses."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lhtl_desktop.errors import LhtlError
from lhtl_desktop.model.catalogue import INSTITUTION_TYPES, Level
from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.model.periods import MAX_YEAR, MIN_YEAR
from lhtl_desktop.services import institutions as inst_service
from lhtl_desktop.services.dashboard import scope_choices, unit_names
from lhtl_desktop.storage import Store
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.dialogs import add_message_and_buttons, plain_text_labels, show_error
from lhtl_desktop.ui.models import InstitutionTableModel
from lhtl_desktop.ui.ops import Changes, WriteOp
from lhtl_desktop.ui.page import ListFilter, Page


def _write_from_dialog[T](dialog: InstitutionDialog | VillageListDialog, write: Callable[[Store], T],
                       saved: Callable[[T], None]) -> None:
    """A dialog's save as a WriteOp: the buttons wait meanwhile; a refusal stays in the dialog's message."""
    dialog.setEnabled(False)

    def refused(exc: LhtlError) -> None:
        dialog.setEnabled(True)
        dialog.message.setText(exc.message)

    def done(result: T) -> None:
        dialog.setEnabled(True)
        saved(result)

    parent = dialog.parentWidget()
    dialog.ctx.ops.write(WriteOp(write, Changes.INSTITUTIONS, on_done=done, on_error=refused,
                                 source=parent if isinstance(parent, InstitutionsPage) else None))


class InstitutionDialog(QDialog):
    """Add or edit one institution. The service validates; a refusal keeps the dialog open with the message."""

    def __init__(self, ctx: AppContext, inst: Institution | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.inst = inst
        self.result_institution: Institution | None = None
        self.setWindowTitle(self.tr("Sửa thiết chế") if inst else self.tr("Thêm thiết chế"))
        self.setMinimumWidth(560)
        form = QFormLayout()
        self.unit = QComboBox()
        self.units = {u.code: u for u in ctx.ops.read_now(scope_choices)}
        for unit in self.units.values():
            self.unit.addItem(unit.name, unit.code)
        self.unit.setEnabled(inst is None and self.unit.count() > 1)
        self.type = QComboBox()
        self.name = QLineEdit()
        self.village = QLineEdit()
        self.village.setPlaceholderText(self.tr("Chỉ với nhà văn hóa thôn, tổ dân phố (có thể để trống)"))
        form.addRow(self.tr("Đơn vị:"), self.unit)
        form.addRow(self.tr("Loại thiết chế:"), self.type)
        form.addRow(self.tr("Tên thiết chế:"), self.name)
        form.addRow(self.tr("Thôn, tổ dân phố:"), self.village)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.message = add_message_and_buttons(self, layout, self.save)
        self.unit.currentIndexChanged.connect(self._fill_types)
        if inst is not None:
            self.unit.setCurrentIndex(max(0, self.unit.findData(inst.unit_code)))
        self._fill_types()
        if inst is not None:
            self.type.setCurrentIndex(max(0, self.type.findData(inst.type)))
            self.name.setText(inst.name)
            self.village.setText(inst.village or "")
            if not ctx.ops.read_now(lambda store: inst_service.type_change_allowed(store, inst)):
                # Values exist for this type's indicators: a change would break every later bundle.
                self.type.setEnabled(False)
                self.type_note = QLabel(self.tr(
                    "Thiết chế đã có số liệu nên không đổi được loại. Muốn đổi loại, hãy đóng và tạo mới: ghi nhận "
                    "thiết chế này ngừng hoạt động, rồi thêm thiết chế mới đúng loại."))
                self.type_note.setWordWrap(True)
                self.type_note.setTextFormat(Qt.TextFormat.PlainText)
                form.insertRow(2, "", self.type_note)
        # The officer types the name first (unit and type are chosen already); once the dialog is shown.
        QTimer.singleShot(0, self.name, lambda: self.name.setFocus(Qt.FocusReason.OtherFocusReason))
        plain_text_labels(self)  # names and messages shown as typed, never as HTML

    def _fill_types(self) -> None:
        code = self.unit.currentData()
        unit = self.units.get(code) if code else None
        level = unit.level if unit else Level.COMMUNE
        current = self.type.currentData()
        self.type.clear()
        for t in INSTITUTION_TYPES:
            if level in t.levels:
                self.type.addItem(t.label, t.code)
        if current:
            self.type.setCurrentIndex(max(0, self.type.findData(current)))

    def save(self) -> None:
        """Queue the add or edit on the writer; the dialog closes when it is saved, or shows the refusal."""
        inst, unit, type_code = self.inst, self.unit.currentData(), self.type.currentData()
        name, village = self.name.text(), self.village.text()

        def write(store: Store) -> Institution:
            if inst is None:
                return inst_service.add_institution(store, unit, type_code, name, village)
            return inst_service.edit_institution(store, inst.id, name=name, village=village, type_code=type_code)

        _write_from_dialog(self, write, self._saved)

    def _saved(self, inst: Institution) -> None:
        self.result_institution = inst
        self.accept()


class VillageListDialog(QDialog):
    """Paste or type one village (thôn, tổ dân phố) per line: one village cultural house is added for each."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.created: list[Institution] = []
        self.setWindowTitle(self.tr("Thêm nhà văn hóa thôn, tổ dân phố"))
        self.setMinimumSize(560, 420)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.unit = QComboBox()
        for unit in ctx.ops.read_now(scope_choices):
            if unit.level == Level.COMMUNE:
                self.unit.addItem(unit.name, unit.code)
        form.addRow(self.tr("Xã, phường:"), self.unit)
        layout.addLayout(form)
        hint = QLabel(self.tr("Mỗi dòng một thôn, tổ dân phố (dán từ Excel hoặc Word được). "
                              "Thôn đã có nhà văn hóa sẽ được bỏ qua."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(self.tr("Thôn Đông\nThôn Tây\nTổ dân phố 1"))
        layout.addWidget(self.text, 1)
        self.message = add_message_and_buttons(self, layout, self.save)
        plain_text_labels(self)  # names and messages shown as typed, never as HTML

    def villages(self) -> list[str]:
        names: list[str] = []
        for line in self.text.toPlainText().splitlines():
            names.extend(part for part in line.split("\t") if part.strip())
        return names

    def save(self) -> None:
        if self.unit.count() == 0:
            self.message.setText(self.tr("Không có xã, phường nào trong phạm vi để thêm nhà văn hóa thôn."))
            return
        names = self.villages()
        if not names:
            self.message.setText(self.tr("Chưa nhập tên thôn, tổ dân phố nào."))
            return
        unit = self.unit.currentData()
        _write_from_dialog(self, lambda store: inst_service.add_village_houses(store, unit, names), self._saved)

    def _saved(self, created: list[Institution]) -> None:
        self.created = created
        self.accept()


class CloseDialog(QDialog):
    def __init__(self, inst: Institution, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Ngừng hoạt động"))
        layout = QVBoxLayout(self)
        text = QLabel(self.tr("«{name}» ngừng hoạt động từ năm nào? Từ năm đó thiết chế không còn được tính "
                              "trong các chỉ tiêu; số liệu đã nhập vẫn được giữ.").format(name=inst.name))
        text.setWordWrap(True)
        layout.addWidget(text)
        self.year = QSpinBox()
        self.year.setRange(MIN_YEAR, MAX_YEAR)
        self.year.setValue(QDate.currentDate().year())
        self.year.setGroupSeparatorShown(False)
        layout.addWidget(self.year)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        plain_text_labels(self)  # names and messages shown as typed, never as HTML


class InstitutionsPage(Page):
    depends_on = Changes.INSTITUTIONS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Thiết chế văn hóa trong phạm vi quản lý"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        hint = QLabel(self.tr("Thư viện, bảo tàng, trung tâm văn hóa – thể thao và nhà văn hóa thôn, tổ dân phố "
                              "mà đơn vị báo cáo số liệu. Thiết chế ngừng hoạt động vẫn giữ số liệu cũ."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)

        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Thêm thiết chế…"))
        self.villages_button = QPushButton(self.tr("Thêm nhà văn hóa theo danh sách thôn…"))
        self.edit_button = QPushButton(self.tr("Sửa…"))
        self.close_button = QPushButton(self.tr("Ngừng hoạt động…"))
        self.reopen_button = QPushButton(self.tr("Hoạt động trở lại"))
        self.show_closed = QCheckBox(self.tr("Hiện cả thiết chế đã ngừng"))
        self.show_closed.setChecked(True)
        for b in (self.add_button, self.villages_button, self.edit_button, self.close_button, self.reopen_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.show_closed)
        layout.addLayout(buttons)

        self.model = InstitutionTableModel(ctx.ops.read_now(unit_names), self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 320)
        self.table.setColumnWidth(2, 170)
        self.table.setColumnWidth(3, 150)
        self.table.setColumnWidth(4, 150)
        self.table.setAccessibleName(self.tr("Danh sách thiết chế"))
        self.filter = ListFilter(self.table, self._row_text)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        self.count_label = QLabel()
        layout.addWidget(self.count_label)
        QShortcut(QKeySequence(QKeySequence.StandardKey.New), self, self.add)
        self.add_button.setToolTip("Ctrl+N")

        self.add_button.clicked.connect(self.add)
        self.villages_button.clicked.connect(self.add_villages)
        self.edit_button.clicked.connect(self.edit)
        self.close_button.clicked.connect(self.close_selected)
        self.reopen_button.clicked.connect(self.reopen_selected)
        self.show_closed.toggled.connect(self.refresh)
        self.table.doubleClicked.connect(lambda _index: self.edit())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()
        plain_text_labels(self)  # names and messages shown as typed, never as HTML

    def refresh(self) -> None:
        rows = self.ctx.ops.read_now(inst_service.list_institutions)
        if not self.show_closed.isChecked():
            rows = [i for i in rows if i.closed_year is None]
        self.model.set_rows(rows)  # filtered again by its ListFilter
        active = sum(1 for i in rows if i.closed_year is None)
        self.count_label.setText(self.tr("{n} thiết chế đang hoạt động, {m} đã ngừng.").format(
            n=active, m=len(rows) - active))
        self._update_buttons()

    def _row_text(self, row: int) -> str:
        inst = self.model.row_at(row)
        return " ".join(str(self.model.index(row, c).data() or "") for c in range(self.model.columnCount())) \
            + " " + (inst.village or "")

    def first_field(self) -> QWidget | None:
        return self.filter

    def filter_box(self) -> QLineEdit | None:
        return self.filter

    def selected(self) -> Institution | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_id(self, inst_id: str) -> None:
        for row, inst in enumerate(self.model.rows):
            if inst.id == inst_id:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
                return

    def _update_buttons(self) -> None:
        inst = self.selected()
        self.edit_button.setEnabled(inst is not None)
        self.close_button.setEnabled(inst is not None and inst.closed_year is None)
        self.reopen_button.setEnabled(inst is not None and inst.closed_year is not None)

    def _changed(self, select: str | None = None) -> None:
        """After this page's write: it shows the result itself (the main window refreshes the others)."""
        self.refresh()
        if select:
            self.select_id(select)

    def add(self) -> None:
        dialog = InstitutionDialog(self.ctx, None, self)
        if dialog.exec() and dialog.result_institution:
            self._changed(dialog.result_institution.id)

    def add_villages(self) -> None:
        dialog = VillageListDialog(self.ctx, self)
        if dialog.exec():
            self._changed(dialog.created[0].id if dialog.created else None)

    def edit(self) -> None:
        inst = self.selected()
        if inst is None:
            return
        dialog = InstitutionDialog(self.ctx, inst, self)
        if dialog.exec():
            self._changed(inst.id)

    def close_selected(self) -> None:
        inst = self.selected()
        if inst is None:
            return
        dialog = CloseDialog(inst, self)
        if not dialog.exec():
            return
        year = dialog.year.value()
        self.ctx.ops.write(WriteOp(lambda store: inst_service.close_institution(store, inst.id, year),
                                   Changes.INSTITUTIONS, on_done=lambda _r: self._changed(inst.id),
                                   on_error=lambda exc: show_error(self, exc), source=self))

    def reopen_selected(self) -> None:
        inst = self.selected()
        if inst is None:
            return
        self.ctx.ops.write(WriteOp(lambda store: inst_service.reopen_institution(store, inst.id),
                                   Changes.INSTITUTIONS, on_done=lambda _r: self._changed(inst.id),
                                   on_error=lambda exc: show_error(self, exc), source=self))

    def current_index(self) -> QModelIndex:
        return self.table.currentIndex()


__all__ = ["InstitutionsPage", "InstitutionDialog", "VillageListDialog", "CloseDialog", "Qt"]
