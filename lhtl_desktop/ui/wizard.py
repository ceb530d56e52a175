"""First run: province, my unit (searchable without diacritics), officer, optional passphrase, then the key.

The key is made (scrypt when a passphrase is given) and the installation written by one `WriteOp` on the
wizard's operation runner (`ui.ops`: the writer thread, its one error path), the runner the main window then
takes over (`ops`), so the database has one writer from the first write on. A write that fails (a read-only
disk, a name refused) shows its Vietnamese message on the last step before creation and writes nothing (the
installation is one transaction). The last page shows the key fingerprint in large digits and offers to
print it for the parent unit to check.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QDate, QEvent, QMarginsF, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from lhtl_desktop.errors import LhtlError
from lhtl_desktop.model.catalogue import LEVEL_LABELS
from lhtl_desktop.model.units import Unit
from lhtl_desktop.services.installation import Installation, init_installation
from lhtl_desktop.services.setup import DEFAULT_PROVINCE, matches, province_choices, setup_units
from lhtl_desktop.storage import Store
from lhtl_desktop.sync.keys import MIN_PASSPHRASE, generate_key
from lhtl_desktop.ui.dialogs import plain_text_labels
from lhtl_desktop.ui.look import UI_LOCALE
from lhtl_desktop.ui.models import RecordTableModel, tr
from lhtl_desktop.ui.ops import Changes, Ops, WriteOp
from lhtl_desktop.ui.tasks import run_task


class UnitTableModel(RecordTableModel[Unit]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__((), parent)
        self.headers = (tr("Tên đơn vị"), tr("Cấp"), tr("Thuộc cụm"), tr("Mã"))
        self.parent_names: dict[str, str] = {}

    def cell(self, unit: Unit, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            parent = self.parent_names.get(unit.parent or "", "") if unit.level == "commune" else ""
            return (unit.name, LEVEL_LABELS.get(unit.level, unit.level), parent, unit.code)[column]
        if role == Qt.ItemDataRole.UserRole:
            return unit.code
        return None


class UnitPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Đơn vị của bạn"))
        self.setSubTitle(self.tr("Chọn tỉnh, rồi gõ tên xã, phường (gõ không dấu cũng được, ví dụ «gia lam»)."))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.province = QComboBox()
        for code, name in province_choices():
            self.province.addItem(name, code)
        self.province.setCurrentIndex(self.province.findData(DEFAULT_PROVINCE))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Tìm theo tên hoặc mã đơn vị"))
        self.search.setClearButtonEnabled(True)
        form.addRow(self.tr("Tỉnh, thành phố:"), self.province)
        form.addRow(self.tr("Tìm đơn vị:"), self.search)
        layout.addLayout(form)
        self.model = UnitTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(1, 190)
        self.table.setColumnWidth(2, 200)
        self.table.setColumnWidth(3, 70)
        layout.addWidget(self.table, 1)
        self.chosen = QLabel()
        layout.addWidget(self.chosen)
        self.all_units: list[Unit] = []
        self.province.currentIndexChanged.connect(self._load_province)
        self.search.textChanged.connect(self._filter)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.setAccessibleName(self.tr("Danh sách đơn vị"))
        self.search.installEventFilter(self)
        self._set_units(setup_units(DEFAULT_PROVINCE))
        plain_text_labels(self)  # names and messages shown as typed, never as HTML

    def initializePage(self) -> None:  # noqa: N802
        # The officer types the commune's name first: the province box would take «g» as «Gia Lai». After the
        # event loop turns, so that showing the window does not give the focus back to the first widget.
        _focus_soon(self.search)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt's name
        """↓ in the search box goes to the list (to pick among several matches); Enter moves on (the wizard)."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_Down and self.model.rowCount():
            self.table.setFocus(Qt.FocusReason.TabFocusReason)
            if not self.table.selectionModel().selectedRows():
                self.table.selectRow(0)
            return True
        return super().eventFilter(watched, event)

    def _load_province(self) -> None:
        code = self.province.currentData()
        run_task(self, self.tr("Đang tải danh sách đơn vị…"), lambda: setup_units(code), self._set_units,
                 lambda exc: self.chosen.setText(exc.message if isinstance(exc, LhtlError) else str(exc)))

    def _set_units(self, units: object) -> None:
        assert isinstance(units, list)
        self.all_units = units
        self.model.parent_names = {u.code: u.name for u in units}
        self._filter()

    def _filter(self) -> None:
        query = self.search.text()
        rows = [u for u in self.all_units if matches(query, u.name) or u.code.startswith(query.strip())]
        self.model.set_rows(rows)
        if len(rows) == 1:
            self.table.selectRow(0)
        self._selection_changed()

    def unit(self) -> Unit | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selection_changed(self) -> None:
        unit = self.unit()
        self.chosen.setText(self.tr("Đã chọn: {name} (mã {code})").format(name=unit.name, code=unit.code)
                            if unit else self.tr("Chưa chọn đơn vị."))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self.unit() is not None


class OfficerPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Cán bộ phụ trách và mật khẩu"))
        self.setSubTitle(self.tr("Mật khẩu bảo vệ khóa ký gói dữ liệu gửi cấp trên. Có thể để trống, "
                                 "nhưng nên đặt nếu máy dùng chung."))
        form = QFormLayout(self)
        self.officer = QLineEdit()
        self.officer.setPlaceholderText(self.tr("Ví dụ: Nguyễn Văn An"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        form.addRow(self.tr("Họ và tên cán bộ:"), self.officer)
        form.addRow(self.tr("Mật khẩu (không bắt buộc, ít nhất {n} ký tự):").format(n=MIN_PASSPHRASE), self.passphrase)
        form.addRow(self.tr("Nhập lại mật khẩu:"), self.again)
        form.addRow("", self.message)
        self.officer.textChanged.connect(self.completeChanged)
        plain_text_labels(self)  # names and messages shown as typed, never as HTML

    def initializePage(self) -> None:  # noqa: N802
        _focus_soon(self.officer)

    def isComplete(self) -> bool:  # noqa: N802
        return bool(self.officer.text().strip())

    def validatePage(self) -> bool:  # noqa: N802
        p = self.passphrase.text()
        if p != self.again.text():
            self.message.setText(self.tr("Hai lần nhập mật khẩu không khớp nhau."))
            return False
        if p and len(p) < MIN_PASSPHRASE:
            self.message.setText(self.tr("Mật khẩu cần ít nhất {n} ký tự.").format(n=MIN_PASSPHRASE))
            return False
        self.message.setText("")
        return True


class ConfirmPage(QWizardPage):
    """Shows what will be created; «Tạo» makes the key and the installation in the background."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard)
        self.setup = wizard
        self.setTitle(self.tr("Kiểm tra lại và tạo"))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("&Tạo khóa và thiết lập"))
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.done = False
        plain_text_labels(self)  # names and messages shown as typed, never as HTML

    def initializePage(self) -> None:  # noqa: N802
        unit = self.setup.unit_page.unit()
        officer = self.setup.officer_page
        protected = bool(officer.passphrase.text())
        self.summary.setText(self.tr(
            "Đơn vị: {unit} (mã {code})\nCán bộ: {officer}\nKhóa: {prot}\n\n"
            "Bấm «Tạo khóa và thiết lập». Sau bước này không đổi được đơn vị của cơ sở dữ liệu."
        ).format(unit=unit.name if unit else "—", code=unit.code if unit else "—",
                 officer=officer.officer.text().strip(),
                 prot=self.tr("có mật khẩu bảo vệ") if protected else self.tr("không có mật khẩu bảo vệ")))
        _default_button(self.setup, QWizard.WizardButton.CommitButton)

    def validatePage(self) -> bool:  # noqa: N802
        if self.done:
            return True
        if not self.setup.busy:
            self.setup.create_installation()
        return False


class FingerprintPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard)
        self.setup = wizard
        self.setTitle(self.tr("Đã thiết lập xong"))
        self.setSubTitle(self.tr("Đây là dấu vân tay khóa của đơn vị. Cấp trên sẽ hỏi dãy số này khi nhận "
                                 "khóa của bạn: hãy in ra hoặc chép lại và giữ cẩn thận."))
        layout = QVBoxLayout(self)
        self.fingerprint = QLabel()
        self.fingerprint.setObjectName("fingerprint")
        self.fingerprint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QLabel()
        self.details.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details.setWordWrap(True)
        layout.addStretch(1)
        layout.addWidget(self.fingerprint)
        layout.addWidget(self.details)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.print_button = QPushButton(self.tr("In dấu vân tay…"))
        self.pdf_button = QPushButton(self.tr("Lưu thành tệp PDF…"))
        for button in (self.print_button, self.pdf_button):
            button.setAutoDefault(False)  # Enter is «Hoàn tất», not printing
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(2)
        self.print_button.clicked.connect(self.print_sheet)
        self.pdf_button.clicked.connect(self.save_pdf)
        plain_text_labels(self)  # names and messages shown as typed, never as HTML

    def initializePage(self) -> None:  # noqa: N802
        me = self.setup.installation
        if me is None:
            return
        self.fingerprint.setText(self.setup.fingerprint)
        self.details.setText(self.tr("{unit} — cán bộ {officer}").format(unit=me.unit.name, officer=me.officer))
        _default_button(self.setup, QWizard.WizardButton.FinishButton)

    def sheet(self) -> QTextDocument:
        me = self.setup.installation
        assert me is not None
        doc = QTextDocument()
        doc.setHtml(self.tr(
            "<h2>DẤU VÂN TAY KHÓA KÝ GÓI DỮ LIỆU</h2>"
            "<p>Đơn vị: <b>{unit}</b> (mã {code})</p><p>Cán bộ phụ trách: <b>{officer}</b></p>"
            "<p>Ngày tạo: {date}</p>"
            "<p style='font-size:22pt; font-weight:bold; letter-spacing:3px'>{fp}</p>"
            "<p>Cấp trên đọc dãy số này để xác nhận khóa trước khi nhận số liệu của đơn vị.</p>"
            "<p><br/>Người lập (ký, ghi rõ họ tên)</p>"
        ).format(unit=html.escape(me.unit.name), code=me.unit.code, officer=html.escape(me.officer),  # data, not markup
                 date=UI_LOCALE.toString(QDate.currentDate(), "dd/MM/yyyy"), fp=self.setup.fingerprint))
        return doc

    def _printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                          QMarginsF(30, 20, 15, 20), QPageLayout.Unit.Millimeter))
        return printer

    def print_sheet(self) -> None:
        printer = self._printer()
        dialog = QPrintDialog(printer, self)
        if dialog.exec():
            self.sheet().print_(printer)

    def save_pdf(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("Lưu dấu vân tay"), "dau-van-tay-khoa.pdf",
                                                    self.tr("Tệp PDF (*.pdf)"))
        if path:
            self.write_pdf(path)

    def write_pdf(self, path: str) -> None:
        printer = self._printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(path)
        self.sheet().print_(printer)


def _focus_soon(widget: QWidget) -> None:
    QTimer.singleShot(0, widget, lambda: widget.setFocus(Qt.FocusReason.OtherFocusReason))


def _default_button(wizard: QWizard, which: QWizard.WizardButton) -> None:
    """The button that moves on is the default (Enter) and has the focus."""
    button = wizard.button(which)
    if isinstance(button, QPushButton):
        button.setDefault(True)
        _focus_soon(button)


class SetupWizard(QWizard):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        """`store` is handed to the wizard's runner (`self.ops`); the main window opened after it takes the
        runner over (`app.open_window`)."""
        super().__init__(parent)
        self.ops = Ops(store)
        self.installation: Installation | None = None
        self.fingerprint = ""
        self.busy = False
        self.setWindowTitle(self.tr("Thiết lập lần đầu — Học tập suốt đời"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.resize(900, 640)
        self.unit_page = UnitPage()
        self.officer_page = OfficerPage()
        self.confirm_page = ConfirmPage(self)
        self.fingerprint_page = FingerprintPage(self)
        for page in (self.unit_page, self.officer_page, self.confirm_page, self.fingerprint_page):
            self.addPage(page)

    def create_installation(self) -> None:
        unit = self.unit_page.unit()
        assert unit is not None
        officer = self.officer_page.officer.text()
        passphrase = self.officer_page.passphrase.text() or None
        self.busy = True
        self.confirm_page.message.setText("")

        def work(store: Store) -> tuple[Installation, str]:
            key = generate_key(passphrase)
            return init_installation(store, unit.code, officer, key), key.fingerprint

        self.ops.write(WriteOp(work, Changes.SETTINGS | Changes.KEYS, on_done=self._created, on_error=self._failed,
                               source=self, progress=self.tr("Đang tạo khóa và thiết lập cơ sở dữ liệu…")))

    def _created(self, result: tuple[Installation, str]) -> None:
        self.installation, self.fingerprint = result
        self.busy = False
        self.confirm_page.done = True
        self.next()

    def _failed(self, exc: LhtlError) -> None:
        """The write was refused (the runner typed it: a read-only disk, a name with a refused character…):
        its message on the page, nothing written; the officer can go back, or press «Tạo» again."""
        self.busy = False
        self.confirm_page.message.setText(exc.message)
