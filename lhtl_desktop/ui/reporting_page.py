"""«Tình hình báo cáo» (hubs and the province): every unit expected to report for a period — submitted, values
but no submission, nothing — with lateness against the deadline and the last bundle received; the late ones
first. Exactly what `lhtl reporting --period P [--scope CODE]` prints. A hub (or the province) records a
paper report as submitted for a unit below it («Ghi nhận đã nộp…», `lhtl submit --unit CODE`)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lhtl_desktop.errors import LhtlError
from lhtl_desktop.model.catalogue import Level
from lhtl_desktop.model.periods import MAX_YEAR, MIN_YEAR, parse_period
from lhtl_desktop.model.reporting import UnitStatus, local_time_text
from lhtl_desktop.services import reporting
from lhtl_desktop.services.dashboard import scope_choices
from lhtl_desktop.storage import Store
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.dialogs import confirm, show_error
from lhtl_desktop.ui.models import ROW_KEY, RecordTableModel
from lhtl_desktop.ui.ops import Changes, WriteOp
from lhtl_desktop.ui.page import ListFilter, Page

STATUS_COLOURS = {UnitStatus.SUBMITTED: QColor("#d8f0dd"), UnitStatus.PARTIAL: QColor("#fff1cc"),
                  UnitStatus.NONE: QColor("#fde2e1")}
FILTERS = ("all", "not_submitted", "partial", "none", "submitted", "late")


class RegisterModel(RecordTableModel[reporting.RegisterRow]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__((), parent)
        self.headers = (self.tr("Mã"), self.tr("Đơn vị"), self.tr("Cụm"), self.tr("Tình trạng"), self.tr("Nộp lúc"),
                        self.tr("Người nộp"), self.tr("Hạn nộp"), self.tr("Gói cuối"), self.tr("Nhận gói lúc"))

    def cell(self, r: reporting.RegisterRow, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            late = self.tr(" — quá hạn") if r.late else ""
            return (r.unit, r.name, r.hub or "", r.status.label + late,
                    local_time_text(r.submitted_at) if r.submitted_at else "", r.submitted_by or "",
                    r.deadline.strftime("%d/%m/%Y"), str(r.last_seq) if r.last_seq else "",
                    local_time_text(r.received_at) if r.received_at else "")[column]
        if role == ROW_KEY:
            return r.unit
        if role == Qt.ItemDataRole.BackgroundRole and column == 3:
            return QBrush(STATUS_COLOURS[r.status])
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and r.late:
            return QBrush(QColor("#b00020"))
        return None


class ReportingPage(Page):
    depends_on = Changes.SUBMISSIONS | Changes.SYNC | Changes.VALUES | Changes.SETTINGS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.register: reporting.Register | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        title = QLabel(self.tr("Tình hình báo cáo"))
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("Phạm vi:")))
        self.scope = QComboBox()
        self.scope.setMinimumWidth(240)
        for unit in ctx.ops.read_now(scope_choices):
            if unit.level != Level.COMMUNE:
                self.scope.addItem(("" if unit.level == Level.PROVINCE else "  ") + unit.name, unit.code)
        top.addWidget(self.scope)
        top.addWidget(QLabel(self.tr("Kỳ:")))
        self.half = QComboBox()
        self.half.addItem(self.tr("Cả năm"), "")
        self.half.addItem(self.tr("6 tháng đầu năm"), "-H1")
        top.addWidget(self.half)
        self.year = QSpinBox()
        self.year.setRange(MIN_YEAR, MAX_YEAR)
        self.year.setGroupSeparatorShown(False)
        self.year.setValue(QDate.currentDate().year())
        self.year.setAccessibleName(self.tr("Năm"))
        top.addWidget(self.year)
        layout.addLayout(top)

        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("background: #f4f6f8; border: 1px solid #d5dbe1; padding: 6px;")
        layout.addWidget(self.summary)

        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Hiện:")))
        self.filter = QComboBox()
        labels = {"all": self.tr("Tất cả đơn vị"), "not_submitted": self.tr("Chưa nộp"),
                  "partial": self.tr("Có số liệu, chưa nộp"), "none": self.tr("Chưa báo cáo"),
                  "submitted": self.tr("Đã nộp"), "late": self.tr("Quá hạn hoặc nộp muộn")}
        for key in FILTERS:
            self.filter.addItem(labels[key], key)
        filters.addWidget(self.filter)
        self.model = RegisterModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        # «Tìm trong danh sách» (Ctrl+F) by name or code, without diacritics: the window's one list filter.
        self.search = ListFilter(self.table)
        filters.addWidget(self.search, 1)
        self.record_button = QPushButton(self.tr("Ghi nhận đã nộp (báo cáo giấy)…"))
        self.record_button.setToolTip(self.tr("Đơn vị đã nộp báo cáo bằng giấy hoặc Excel: ghi nhận thay đơn vị"))
        filters.addWidget(self.record_button)
        layout.addLayout(filters)

        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 56), (2, 44), (3, 250), (4, 150), (5, 140), (6, 90), (7, 64), (8, 150)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(col, width)
        self.table.setAccessibleName(self.tr("Danh sách đơn vị phải báo cáo"))
        layout.addWidget(self.table, 1)

        self.ask: Callable[[str, str], bool] = lambda title, text: confirm(self, title, text)
        self.scope.currentIndexChanged.connect(self.refresh)
        self.half.currentIndexChanged.connect(self.refresh)
        self.year.valueChanged.connect(self.refresh)
        self.filter.currentIndexChanged.connect(self._show_rows)
        self.search.textChanged.connect(self._summarise)
        self.record_button.clicked.connect(self.record_paper_submission)

    def period(self) -> str:
        return f"{self.year.value()}{self.half.currentData() or ''}"

    def refresh(self) -> None:
        period, scope = self.period(), self.scope.currentData()
        self.register = self.ctx.ops.read_now(lambda store: reporting.register(store, period, scope))
        self._show_rows()

    def listed_rows(self) -> list[reporting.RegisterRow]:
        """The rows of the status chosen in «Hiện:» (the table's rows; the text filter hides some of them)."""
        reg = self.register
        if reg is None:
            return []
        key = self.filter.currentData()
        tests: dict[str, Callable[[reporting.RegisterRow], bool]] = {
            "all": lambda r: True, "not_submitted": lambda r: r.status != UnitStatus.SUBMITTED,
            "partial": lambda r: r.status == UnitStatus.PARTIAL, "none": lambda r: r.status == UnitStatus.NONE,
            "submitted": lambda r: r.status == UnitStatus.SUBMITTED, "late": lambda r: r.late}
        return [r for r in reg.rows if tests[key](r)]

    def visible_rows(self) -> list[reporting.RegisterRow]:
        """The rows on screen: of the status chosen and matching what is typed in the filter."""
        return [self.model.row_at(row) for row in self.search.visible_rows()]

    def _show_rows(self) -> None:
        if self.register is None:
            return
        self.model.set_rows(self.listed_rows())
        self._summarise()

    def _summarise(self) -> None:
        reg = self.register
        if reg is None:
            return
        rows = self.visible_rows()
        text = self.tr("{scope}, {period} — hạn nộp {deadline}. {coverage}.").format(
            scope=reg.scope_name, period=reg.period.label().lower(), deadline=reg.deadline.strftime("%d/%m/%Y"),
            coverage=reg.coverage.text())
        text += "\n" + self.tr("Đã nộp: {s} · Có số liệu, chưa nộp: {p} · Chưa báo cáo: {n} · Quá hạn hoặc nộp muộn: "
                               "{late}").format(s=reg.count(UnitStatus.SUBMITTED), p=reg.count(UnitStatus.PARTIAL),
                                                n=reg.count(UnitStatus.NONE), late=reg.late)
        if len(rows) != len(reg.rows):
            text += " " + self.tr("(đang hiện {n}/{total})").format(n=len(rows), total=len(reg.rows))
        self.summary.setText(text)

    def selected(self) -> reporting.RegisterRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def record_paper_submission(self) -> None:
        row = self.selected()
        if row is None:
            show_error(self, LhtlError(self.tr("Chọn một đơn vị trong danh sách trước.")))
            return
        if row.status == UnitStatus.SUBMITTED:
            show_error(self, LhtlError(self.tr("{unit} đã nộp báo cáo kỳ này.").format(unit=row.name)))
            return
        period = self.period()
        empty = row.status == UnitStatus.NONE
        question = self.tr("Ghi nhận {unit} đã nộp báo cáo {period} (bằng giấy hoặc Excel)?").format(
            unit=row.name, period=parse_period(period).label().lower())
        if empty:
            question += " " + self.tr("Đơn vị chưa có số liệu nào trên máy này: báo cáo được ghi là báo cáo trống.")
        if not self.ask(self.tr("Ghi nhận đã nộp"), question):
            return
        unit = row.unit

        def work(store: Store) -> object:
            return reporting.submit(store, period, unit=unit, empty=empty)

        self.ctx.ops.write(WriteOp(work, Changes.SUBMISSIONS, source=self, on_done=lambda _r: self.refresh()))
