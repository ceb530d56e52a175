"""«Tổng quan»: every target for a scope and year, exactly as `services.evaluation.evaluate` computes it.

Each row shows the status word, the value against the threshold in force, a progress bar and the
numerator/denominator; selecting a row lists the institutions that meet, do not meet or have no data, and
for the two growth targets draws the scope's yearly sums.

The constructor only builds the widgets. `refresh()` evaluates at once (a year or scope the officer chose);
`refresh_in_background()` evaluates on a worker with its own read connection while the window stays usable —
what the main window does when it shows the page (at start-up, or after a change elsewhere).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lhtl_desktop.model.periods import MAX_YEAR, MIN_YEAR
from lhtl_desktop.model.targets import Status, TargetKind, TargetResult
from lhtl_desktop.services.dashboard import scope_choices
from lhtl_desktop.ui.bar_chart import BarChart
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.dialogs import plain_text_labels
from lhtl_desktop.ui.look import fmt_int, fmt_percent
from lhtl_desktop.ui.models import PROGRESS, TargetTableModel, TextTableModel
from lhtl_desktop.ui.ops import Changes, Latest, ReadOp
from lhtl_desktop.ui.page import ListFilter, Page, with_filter

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyleOptionViewItem

    from lhtl_desktop.services.evaluation import Evaluation
    from lhtl_desktop.storage import Store

CHART_YEARS = 6


# The evaluation (services.evaluation and the rules, reporting and config modules it pulls in) is first needed
# after the window is drawn — the page fills itself in the background then —, so it is imported there, not
# with the page: the window's cold start does not pay for it (tests/ui/test_cold_start_imports.py).
def _evaluate_with_sources(store: Store, period: str, scope: str) -> Evaluation:
    from lhtl_desktop.services.dashboard import with_form_sources
    from lhtl_desktop.services.evaluation import evaluate

    return with_form_sources(store, evaluate(store, period, scope))


class ProgressDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        value = index.data(PROGRESS)
        if value is None:
            super().paint(painter, option, index)
            return
        from PySide6.QtWidgets import QStyleOptionProgressBar  # a row is painted after the first frame

        bar = QStyleOptionProgressBar()
        rect = option.rect  # type: ignore[attr-defined]
        height = min(20, rect.height() - 6)
        bar.rect = rect.adjusted(4, (rect.height() - height) // 2, -4, -(rect.height() - height + 1) // 2)
        bar.minimum = 0
        bar.maximum = 100
        bar.progress = int(value)
        bar.text = f"{int(value)} %"
        bar.textVisible = True
        bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
        QApplication.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class DashboardPage(Page):
    depends_on = Changes.VALUES | Changes.INSTITUTIONS | Changes.SETTINGS | Changes.CONFIG | Changes.SUBMISSIONS

    loaded = Signal()  # an evaluation is on screen (after refresh() or a background evaluation)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation: Evaluation | None = None
        self.reads = Latest(self)  # the newest evaluation wins; an older one arriving late is dropped
        self._keep: str | None = None  # the target selected before a background evaluation cleared the table
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        title = QLabel(self.tr("Tổng quan thực hiện chỉ tiêu"))
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("Phạm vi:")))
        self.scope = QComboBox()
        self.scope.setMinimumWidth(260)
        for unit in ctx.ops.read_now(scope_choices):
            indent = {"province": "", "district": "  ", "commune": "    "}.get(unit.level, "")
            self.scope.addItem(indent + unit.name, unit.code)
        top.addWidget(self.scope)
        top.addWidget(QLabel(self.tr("Năm:")))
        self.year = QSpinBox()
        self.year.setRange(MIN_YEAR, MAX_YEAR)
        self.year.setGroupSeparatorShown(False)
        self.year.setValue(QDate.currentDate().year())
        top.addWidget(self.year)
        self.half = QComboBox()  # the yearly report, or the 6-month one (its judgements provisional)
        self.half.addItem(self.tr("Cả năm"), "")
        self.half.addItem(self.tr("6 tháng đầu năm"), "-H1")
        top.addWidget(self.half)
        self.hide_na = QCheckBox(self.tr("Ẩn chỉ tiêu không áp dụng"))
        self.hide_na.setChecked(True)
        top.addWidget(self.hide_na)
        layout.addLayout(top)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("summary")
        self.summary.setStyleSheet("background: #f4f6f8; border: 1px solid #d5dbe1; padding: 6px;")
        layout.addWidget(self.summary)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.model = TargetTableModel(self)
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Các chỉ tiêu"))
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(TargetTableModel.COLUMN_PROGRESS, ProgressDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 170), (2, 80), (3, 125), (4, 120), (5, 165)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(col, width)
        targets, self.filter = with_filter(self.table)
        splitter.addWidget(targets)

        detail = QWidget()
        detail_layout = QHBoxLayout(detail)
        detail_layout.setContentsMargins(0, 4, 0, 0)
        left = QVBoxLayout()
        self.detail_title = QLabel()
        self.detail_title.setWordWrap(True)
        self.detail_title.setStyleSheet("font-weight: 600;")
        self.detail_text = QLabel()
        self.detail_text.setWordWrap(True)
        self.detail_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chart = BarChart()
        left.addWidget(self.detail_title)
        left.addWidget(self.detail_text)
        left.addWidget(self.chart, 6)
        left.addStretch(1)
        detail_layout.addLayout(left, 5)
        self.tabs = QTabWidget()
        headers = (self.tr("Thiết chế"), self.tr("Đơn vị"))
        self.lists: dict[str, TextTableModel] = {}
        self.list_filters: dict[str, ListFilter] = {}
        list_names = {"missing": self.tr("Thiết chế thiếu số liệu"), "not_meeting": self.tr("Thiết chế chưa đạt"),
                      "meeting": self.tr("Thiết chế đạt")}
        for key in ("missing", "not_meeting", "meeting"):
            model = TextTableModel(headers, self)
            view = QTableView()
            view.setModel(model)
            view.setAccessibleName(list_names[key])
            view.verticalHeader().setVisible(False)
            view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
            view.setWordWrap(False)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            self.lists[key] = model
            box, self.list_filters[key] = with_filter(view)
            self.tabs.addTab(box, "")
        detail_layout.addWidget(self.tabs, 6)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)

        self.scope.currentIndexChanged.connect(self.refresh)
        self.year.valueChanged.connect(self.refresh)
        self.half.currentIndexChanged.connect(self.refresh)
        self.hide_na.toggled.connect(self._show_results)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self.show_detail(cur.row()))
        self.show_detail(-1)
        plain_text_labels(self)  # names and messages shown as typed, never as HTML

    def first_field(self) -> QWidget | None:
        return self.year

    def set_year(self, year: int) -> None:
        self.year.setValue(year)

    def period(self) -> str:
        """The period shown: «2025» or «2025-H1»."""
        return f"{self.year.value()}{self.half.currentData() or ''}"

    def refresh(self) -> None:
        """Evaluate the chosen scope and year now and show it."""
        self.reads.supersede()
        period, scope = self.period(), self.scope.currentData()
        self.show_evaluation(self.ctx.ops.read_now(lambda store: _evaluate_with_sources(store, period, scope)))

    def refresh_in_background(self) -> None:
        """Evaluate on a worker thread with a read connection of its own; the page says it is computing and
        the rest of the window stays usable. A newer refresh (or a change of year or scope) supersedes it."""
        year, scope = self.period(), self.scope.currentData()
        self._keep = self._current_target() or self._keep
        self.evaluation = None
        self.model.set_rows([])
        self.show_detail(-1)
        self.detail_text.setText("")
        self.summary.setText(self.tr("Đang tính các chỉ tiêu kỳ {year}…").format(year=year))
        self.ctx.ops.read(ReadOp(lambda reader: _evaluate_with_sources(reader, year, scope),
                                 self.show_evaluation, lambda exc: self.summary.setText(exc.message),
                                 latest=self.reads))

    @property
    def loading(self) -> bool:
        """A background evaluation is running; its result is shown when it arrives."""
        return self.reads.loading

    def show_evaluation(self, ev: Evaluation) -> None:
        self.evaluation = ev
        self._show_results()
        self.loaded.emit()

    def _show_results(self) -> None:
        ev = self.evaluation
        if ev is None:
            return
        keep = self._current_target() or self._keep
        self._keep = None
        # Not applicable over the values received (no institution of the group), whatever the coverage says.
        results = [r for r in ev.results
                   if not (self.hide_na.isChecked() and (r.measured_status or r.status) == Status.NOT_APPLICABLE)]
        self.model.set_rows(results)
        self.table.resizeRowsToContents()
        self._summarise(ev)
        row = next((i for i, r in enumerate(results) if r.target == keep), 0)
        if results:
            self.table.selectRow(row)
            self.show_detail(row)
        else:
            self.show_detail(-1)

    def _current_target(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()).target if index.isValid() else None

    def _summarise(self, ev: Evaluation) -> None:
        counts: dict[Status, int] = {}
        for r in ev.results:
            counts[r.status] = counts.get(r.status, 0) + 1
        missing = {i for r in ev.results for i in r.missing if r.year == ev.year}
        parts = [f"{s.label}: {counts[s]}" for s in (Status.MET, Status.ON_TRACK, Status.BEHIND, Status.MISSING_DATA,
                                                     Status.INCOMPLETE) if counts.get(s)]
        text = ""
        if ev.coverage is not None:  # the first line: whom the numbers count
            text = ev.coverage.text() + "."
            if not ev.coverage.complete:
                text += " " + self.tr("Chưa kết luận «Đạt» hay «Đúng tiến độ» khi còn đơn vị chưa nộp báo cáo.")
            text += "\n"
        if ev.half_year:
            text += self.tr("Số liệu 6 tháng đầu năm {year}: đánh giá chỉ tiêu là tạm tính.").format(year=ev.year) + "\n"
        text += self.tr("{scope}, năm {year} — {parts}.").format(
            scope=ev.scope_name, year=ev.year, parts=", ".join(parts) or self.tr("chưa có chỉ tiêu áp dụng"))
        if missing:
            text += " " + self.tr("{n} thiết chế còn thiếu số liệu — xem thẻ «Thiếu số liệu» của từng chỉ tiêu.").format(
                n=len(missing))
        else:
            text += " " + self.tr("Không thiết chế nào thiếu số liệu.")
        if ev.provisional:
            text += " " + self.tr("⚠ Có số liệu đang xung đột, tạm tính theo giá trị cấp trên hoặc mới nhất.")
        # Which rules of the province the numbers were judged by, so a commune's screen and the province's compare.
        text += " " + self.tr("Quy định của tỉnh: {label}.").format(label=ev.config_label)
        self.summary.setText(text)

    def show_detail(self, row: int) -> None:
        ev = self.evaluation
        if ev is None or row < 0 or row >= self.model.rowCount():
            self.detail_title.setText("")
            self.detail_text.setText(self.tr("Chọn một chỉ tiêu để xem các thiết chế đạt, chưa đạt, thiếu số liệu."))
            self.chart.setVisible(False)
            for model in self.lists.values():
                model.set_rows([])
            return
        from lhtl_desktop.services.dashboard import institution_lines, yearly_sums
        from lhtl_desktop.services.evaluation import status_text

        r = self.model.row_at(row)
        self.detail_title.setText(f"{r.label} — {status_text(r)}")
        self.detail_text.setText(self._explain(r))
        lists = {"missing": r.missing, "not_meeting": r.not_meeting, "meeting": r.meeting}
        lines_of = self.ctx.ops.read_now(lambda store: {key: institution_lines(store, ev, ids)
                                                     for key, ids in lists.items()})
        for key, lines in lines_of.items():  # a value from an unsigned Excel form says so beside the name
            self.lists[key].set_rows([(f"{line.name} ({line.source})" if line.source else line.name, line.unit_name)
                                      for line in lines])
        if r.kind == TargetKind.GROWTH:
            names = (self.tr("Thiếu số liệu ({n})"), self.tr("—"), self.tr("Đã báo cáo ({n})"))
        else:
            names = (self.tr("Thiếu số liệu ({n})"), self.tr("Chưa đạt ({n})"), self.tr("Đạt ({n})"))
        for i, key in enumerate(("missing", "not_meeting", "meeting")):
            self.tabs.setTabText(i, names[i].format(n=len(lists[key])))
            self.tabs.setTabEnabled(i, not (r.kind == TargetKind.GROWTH and key == "not_meeting"))
        self.tabs.setCurrentIndex(0 if r.missing else (1 if r.not_meeting else 2))
        if r.kind == TargetKind.GROWTH:
            years = list(range(r.year - CHART_YEARS + 1, r.year + 1))
            target = r.target
            sums = self.ctx.ops.read_now(lambda store: yearly_sums(store, target, ev.scope, years))
            self.chart.set_data(self.tr("Tổng của {scope} theo năm").format(scope=ev.scope_name),
                                [(y, sums[y]) for y in years], highlight=r.year)
            self.chart.setVisible(True)
        else:
            self.chart.setVisible(False)

    def _explain(self, r: TargetResult) -> str:
        if r.kind == TargetKind.GROWTH:
            text = self.tr("Năm {y}: {cur}; năm {p}: {prev}. Tăng trưởng: {value} (ngưỡng {thr}).").format(
                y=r.year, cur=fmt_int(r.numerator), p=r.year - 1, prev=fmt_int(r.denominator),
                value=fmt_percent(r.value), thr=fmt_percent(r.threshold))
            if r.value is None:
                text += " " + self.tr("Chưa tính được vì thiếu tổng của một trong hai năm hoặc năm trước bằng 0.")
            if r.note:  # a base from former units' totals (figures from before the program)
                text += " " + r.note[:1].upper() + r.note[1:] + "."
            return text
        text = self.tr("{num} trên {den} thiết chế đạt tiêu chí = {value} (ngưỡng {thr}, mốc {ty}).").format(
            num=fmt_int(r.numerator), den=fmt_int(r.denominator), value=fmt_percent(r.value),
            thr=fmt_percent(r.threshold), ty=r.threshold_year or "—")
        if r.missing:
            text += " " + self.tr("Thiết chế thiếu số liệu vẫn nằm trong mẫu số và được tính là chưa đạt.")
        return text
