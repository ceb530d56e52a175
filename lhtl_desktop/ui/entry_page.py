"""«Nhập số liệu»: pick a period and an institution, type the values; each field saves when it is left.

A value is validated by the service on leaving its field (Tab, Enter or a click elsewhere): an invalid value
is refused in place with the service's Vietnamese message and nothing is written; a valid one is saved in one
transaction and the status line says when. Warnings (×3 jumps) are shown under the field but saved.
Forms are built once per institution family and refilled, so switching institution stays cheap.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTime, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lhtl_desktop.errors import LhtlError
from lhtl_desktop.i18n import N_
from lhtl_desktop.model.catalogue import TYPES_BY_CODE, Indicator, indicators_for_type, type_label
from lhtl_desktop.model.periods import MIN_YEAR, Period, max_period_year
from lhtl_desktop.model.reporting import local_time_text
from lhtl_desktop.services.entry import Completeness, clear_value, set_values
from lhtl_desktop.services.forms.provenance import source_mark
from lhtl_desktop.services.overview import (
    EntryForm,
    InstitutionProgress,
    entry_form,
    entry_overview,
    institution_progress,
)
from lhtl_desktop.services.value_history import correction_of, value_history
from lhtl_desktop.storage import Store
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.dialogs import plain_text_labels
from lhtl_desktop.ui.entry_models import EntryListModel, status_text
from lhtl_desktop.ui.history_dialog import HistoryDialog
from lhtl_desktop.ui.look import UI_LOCALE, fmt_int
from lhtl_desktop.ui.models import ROW_KEY
from lhtl_desktop.ui.ops import Changes, WriteOp
from lhtl_desktop.ui.page import ListFilter, Page
from lhtl_desktop.ui.submission_bar import SubmissionBar

# How the form groups a family's indicators (presentation only; the catalogue decides which apply).
GROUPS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "lib": (
        (N_("Phục vụ bạn đọc"), ("LIB_VISITS", "LIB_READERS", "LIB_HOLDINGS")),
        (N_("Hoạt động học tập suốt đời"), ("LIB_SKILL_CLASSES", "LIB_READING_EVENTS", "LIB_LLL_PARTICIPANTS",
                                        "LIB_DIGITAL_SERVICE", "LIB_MOBILE_RUNS")),
    ),
    "museum": (
        (N_("Khách tham quan"), ("MUS_VISITS", "MUS_LEARNING_VISITS", "MUS_STUDENT_PARTICIPANTS")),
        (N_("Giáo dục và trưng bày số"), ("MUS_EDU_PROGRAMMES", "MUS_DIGITAL_EXHIBITS")),
    ),
    "cc": (
        (N_("Lớp năng khiếu, câu lạc bộ, nhóm sở thích"), ("CC_TALENT_CLASSES", "CC_CLUBS", "CC_INTEREST_GROUPS",
                                                       "CC_MEMBERS")),
        (N_("Hoạt động trong kỳ"), ("CC_ACTIVITIES", "CC_PARTICIPANTS")),
    ),
}


@dataclass
class FieldRow:
    indicator: Indicator
    edit: QLineEdit
    previous: QLabel
    message: QLabel
    saved_text: str = ""
    refused_text: str | None = None
    pending_text: str | None = None  # queued on the writer, not saved yet

    def show_message(self, text: str, *, error: bool) -> None:
        self.message.setObjectName("fieldError" if error else "fieldWarning")
        self.message.setText(("✖ " if error else "⚠ ") + text if text else "")
        self.message.setVisible(bool(text))
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.edit.setProperty("invalid", error and bool(text))
        self.edit.setProperty("warning", (not error) and bool(text))
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)


class _EnterMovesOn(QObject):
    """Enter/Return in a field behaves like Tab (keyboard-only entry, like a paper form)."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(obj, QLineEdit):
            # Leaving the field by Tab saves it (editingFinished on focus-out) and moves on.
            QApplication.sendEvent(obj, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Tab,
                                                  Qt.KeyboardModifier.NoModifier))
            return True
        return False


class FamilyForm(QWidget):
    """The fields of one institution family (lib, museum, cc), built once and refilled per institution."""

    committed = Signal(str)  # indicator code

    def __init__(self, family: str, type_code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[str, FieldRow] = {}
        self._enter = _EnterMovesOn(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        indicators = {i.code: i for i in indicators_for_type(type_code)}
        groups = list(GROUPS.get(family, ()))
        grouped = {c for _title, codes in groups for c in codes}
        rest = tuple(c for c in indicators if c not in grouped)
        if rest:
            groups.append((N_("Khác"), rest))
        for title, codes in groups:
            box = QGroupBox(self.tr(title))
            grid = QGridLayout(box)
            grid.setColumnStretch(0, 1)
            grid.setHorizontalSpacing(12)
            grid.setVerticalSpacing(2)
            line = 0
            for code in codes:
                ind = indicators.get(code)
                if ind is None:
                    continue
                label = QLabel(ind.label)
                label.setWordWrap(True)
                help_label = QLabel(ind.help)
                help_label.setObjectName("fieldHelp")
                help_label.setWordWrap(True)
                edit = QLineEdit()
                edit.setObjectName(f"field_{code}")
                edit.setAccessibleName(ind.label)
                edit.setFixedWidth(110)
                edit.setAlignment(Qt.AlignmentFlag.AlignRight)
                edit.setToolTip(ind.help)
                edit.installEventFilter(self._enter)
                label.setBuddy(edit)
                unit = QLabel(ind.unit)
                unit.setFixedWidth(90)
                previous = QLabel()
                previous.setObjectName("previous")
                previous.setFixedWidth(150)
                message = QLabel()
                message.setWordWrap(True)
                message.setVisible(False)
                label.setStyleSheet("font-weight: 500;")
                grid.addWidget(label, line, 0)
                grid.addWidget(edit, line, 1)
                grid.addWidget(unit, line, 2)
                grid.addWidget(previous, line, 3)
                grid.addWidget(help_label, line + 1, 0, 1, 4)
                grid.addWidget(message, line + 2, 0, 1, 4)
                grid.setRowMinimumHeight(line + 2, 0)
                line += 3
                row = FieldRow(ind, edit, previous, message)
                self.rows[code] = row
                edit.editingFinished.connect(lambda c=code: self.committed.emit(c))
            layout.addWidget(box)
        layout.addStretch(1)
        plain_text_labels(self)  # names and messages shown as typed, never as HTML

    def first_field(self) -> QLineEdit | None:
        return next(iter(self.rows.values())).edit if self.rows else None


class EntryPage(Page):
    depends_on = Changes.VALUES | Changes.INSTITUTIONS | Changes.CONFIG | Changes.SUBMISSIONS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.form_data: EntryForm | None = None
        self.forms: dict[str, FamilyForm] = {}

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        title = QLabel(self.tr("Nhập số liệu"))
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("Kỳ báo cáo:")))
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Cả năm"), None)
        self.kind.addItem(self.tr("6 tháng đầu năm"), 1)
        self.year = QSpinBox()
        self.year.setRange(MIN_YEAR, max_period_year())
        self.year.setGroupSeparatorShown(False)
        self.year.setValue(QDate.currentDate().year())
        self.year.setAccessibleName(self.tr("Năm"))
        top.addWidget(self.kind)
        top.addWidget(QLabel(self.tr("năm")))
        top.addWidget(self.year)
        layout.addLayout(top)
        self.submission = SubmissionBar(ctx)  # «Nộp báo cáo năm …»: my report for the period
        layout.addWidget(self.submission)

        splitter = QSplitter()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.list_model = EntryListModel(self)
        self.list = QTableView()
        self.list.setModel(self.list_model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.verticalHeader().setVisible(False)
        self.list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Fixed, sized from the possible labels: ResizeToContents would measure every row of the list (2,566 at
        # a province) again after each save, when the saved institution's row changes.
        self.list.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.list.setAccessibleName(self.tr("Danh sách thiết chế"))
        self.filter = ListFilter(self.list, self._row_text)
        left_layout.addWidget(self.filter)
        left_layout.addWidget(self.list, 1)
        self.list_summary = QLabel()
        self.list_summary.setObjectName("hint")
        self.list_summary.setWordWrap(True)
        left_layout.addWidget(self.list_summary)
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setObjectName("formHeading")
        self.heading.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.heading.setWordWrap(True)
        right_layout.addWidget(self.heading)
        reason_row = QHBoxLayout()
        self.reason_label = QLabel(self.tr("Lý do điều chỉnh (bắt buộc khi sửa số liệu của đơn vị cấp dưới):"))
        self.reason = QLineEdit()
        reason_row.addWidget(self.reason_label)
        reason_row.addWidget(self.reason, 1)
        right_layout.addLayout(reason_row)
        self.form_scroll = QScrollArea()
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.form_stack = QStackedWidget()
        self.empty = QLabel(self.tr("Chọn một thiết chế ở danh sách bên trái để nhập số liệu.\n"
                                    "Chưa có thiết chế nào? Thêm ở trang «Thiết chế»."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.form_stack.addWidget(self.empty)
        self.form_scroll.setWidget(self.form_stack)
        right_layout.addWidget(self.form_scroll, 1)
        bottom = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("saveStatus")
        self.status.setWordWrap(True)
        bottom.addWidget(self.status, 1)
        self.history_button = QPushButton(self.tr("Lịch sử"))
        self.history_button.setToolTip(self.tr("Mọi phiên bản của từng giá trị: ai nhập, lúc nào, lý do"))
        bottom.addWidget(self.history_button)
        self.next_button = QPushButton(self.tr("Thiết chế tiếp theo ▸"))
        self.next_button.setToolTip(self.tr("Ctrl+PgDown"))
        bottom.addWidget(self.next_button)
        right_layout.addLayout(bottom)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([400, 760])
        layout.addWidget(splitter, 1)

        hint = QLabel(self.tr("Số liệu được lưu ngay khi rời ô (Tab, Enter hoặc bấm chỗ khác). "
                              "Enter chuyển sang ô tiếp theo. Để trống một ô rồi rời đi để xóa giá trị đã nhập."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)

        self.kind.currentIndexChanged.connect(self.refresh)
        self.year.valueChanged.connect(self.refresh)
        self.list.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._open_row(cur.row()))
        self.list.activated.connect(lambda _i: self._focus_form())
        self.next_button.clicked.connect(self.next_institution)
        self.history_button.clicked.connect(self.show_history)
        self.reason.editingFinished.connect(self._retry_refused)
        QShortcut(QKeySequence("Ctrl+PgDown"), self, self.next_institution)
        QShortcut(QKeySequence("Ctrl+PgUp"), self, self.previous_institution)
        self._set_reason_visible(False)
        plain_text_labels(self)  # names and messages shown as typed, never as HTML

    # -- period and list ------------------------------------------------------------------------------
    @property
    def period(self) -> str:
        return Period(self.year.value(), self.kind.currentData()).key

    def set_period(self, key: str) -> None:
        year, _sep, half = key.partition("-H")
        self.year.setValue(int(year))
        self.kind.setCurrentIndex(1 if half else 0)

    def refresh(self) -> None:
        keep = self.form_data.institution.id if self.form_data else None
        period = self.period
        rows = self.ctx.ops.read_now(lambda store: entry_overview(store, period))
        self.submission.set_period(period)
        self.list_model.set_rows(rows)  # filtered again by its ListFilter
        self.list.setColumnWidth(1, self._status_width(max((r.expected for r in rows), default=0)))
        done = sum(1 for r in rows if r.filled == r.expected)
        empty = sum(1 for r in rows if r.filled == 0)
        self.list_summary.setText(self.tr("{period}: {n} thiết chế — đủ số liệu {done}, chưa nhập {empty}.").format(
            period=Period(self.year.value(), self.kind.currentData()).label(), n=len(rows), done=done, empty=empty))
        row = self.list_model.row_of(keep) if keep else -1
        if row < 0 and rows:
            row = 0
        if row >= 0:
            self.list.selectRow(row)
            self._open_row(row)
        else:
            self.form_data = None
            self.form_stack.setCurrentWidget(self.empty)
            self.heading.setText("")
            self._set_reason_visible(False)

    def _row_text(self, row: int) -> str:
        return " ".join(str(self.list_model.index(row, c).data() or "") for c in range(self.list_model.columnCount()))

    def first_field(self) -> QWidget | None:
        form = self.current_form()
        field = form.first_field() if form is not None and self.form_data is not None else None
        return field or self.list

    def filter_box(self) -> QLineEdit | None:
        return self.filter

    def _status_width(self, expected: int) -> int:
        """Width of the «Số liệu» column: its widest possible text for a form of `expected` fields."""
        metrics = self.list.fontMetrics()
        texts = [self.list_model.headerData(1, Qt.Orientation.Horizontal)] + [
            status_text(c, expected, expected) for c in Completeness]
        return max(metrics.horizontalAdvance(str(t)) for t in texts) + 24

    def select_institution(self, inst_id: str) -> None:
        row = self.list_model.row_of(inst_id)
        if row >= 0:
            self.list.selectRow(row)

    def next_institution(self) -> None:
        self._step(1)

    def previous_institution(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        self._commit_focused()
        row = self.list.currentIndex().row() + delta
        while 0 <= row < self.list_model.rowCount() and self.list.isRowHidden(row):  # filtered out
            row += delta
        if 0 <= row < self.list_model.rowCount():
            self.list.selectRow(row)
            self._focus_form()

    # -- the form -------------------------------------------------------------------------------------
    def _form_for(self, type_code: str) -> FamilyForm:
        family = TYPES_BY_CODE[type_code].family
        form = self.forms.get(family)
        if form is None:
            form = FamilyForm(family, type_code)
            form.committed.connect(self.commit)
            self.forms[family] = form
            self.form_stack.addWidget(form)
        return form

    def current_form(self) -> FamilyForm | None:
        w = self.form_stack.currentWidget()
        return w if isinstance(w, FamilyForm) else None

    def _commit_focused(self) -> None:
        form = self.current_form()
        if form is None:
            return
        for code, row in form.rows.items():
            if row.edit.hasFocus():
                self.commit(code)

    def _open_row(self, row: int) -> None:
        if row < 0:
            return
        inst_id = self.list_model.index(row, 0).data(ROW_KEY)
        if self.form_data and self.form_data.institution.id == inst_id and self.form_data.period == self.period:
            return
        self._commit_focused()
        period = self.period
        self.load(self.ctx.ops.read_now(lambda store: entry_form(store, inst_id, period)))

    def load(self, data: EntryForm) -> None:
        self.form_data = data
        inst = data.institution
        form = self._form_for(inst.type)
        current = data.current
        corrections = self.ctx.ops.read_now(lambda store: {
            code: fix for code, cv in current.items()
            if (fix := correction_of(store, inst.unit_code, cv)) is not None})
        prev_word = self.tr("Năm trước") if Period(self.year.value(), None).key == data.period \
            else self.tr("Cùng kỳ năm trước")
        for code, row in form.rows.items():
            cv = data.current.get(code)
            text = "" if cv is None or cv.value is None else str(cv.value)
            row.edit.blockSignals(True)
            row.edit.setText(text)
            row.edit.blockSignals(False)
            row.saved_text = text
            row.refused_text = None
            row.pending_text = None
            prev = data.previous.get(code)
            row.previous.setText(f"{prev_word}: {fmt_int(prev)}")
            if cv is not None and cv.conflict:
                others = ", ".join(f"{fmt_int(s.value)} ({s.author_unit})" for s in cv.siblings if s.value is not None)
                row.show_message(self.tr("Đang có xung đột, tạm dùng giá trị cấp trên hoặc mới nhất. Các giá trị: {v}")
                                 .format(v=others), error=False)
            elif code in corrections:  # corrected from above: who, when, from what, why
                fix = corrections[code]
                row.show_message(self.tr("Đã được điều chỉnh bởi {unit} ({author}) lúc {when}, từ {old}: {why}").format(
                    unit=fix.by_unit, author=fix.author, when=local_time_text(fix.at),
                    old=fmt_int(fix.previous) if fix.previous is not None else "—", why=fix.reason or ""),
                    error=False)
            elif cv is not None and cv.record.warning:
                row.show_message(cv.record.warning, error=False)
            elif cv is not None and source_mark(cv.record.reason):  # from an Excel form or older figures
                row.show_message(source_mark(cv.record.reason), error=False)
            else:
                row.show_message("", error=False)
        self.form_stack.setCurrentWidget(form)
        # The one rich-text label: its markup is ours, the data in it escaped (a name may hold `<img …>`).
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setText(self.tr("{name}<br><span style='font-size:10pt; font-weight:400; color:#5a6570'>"
                                     "{ref} · {type} · {period}</span>").format(
            name=html.escape(inst.name), ref=html.escape(inst.shown_ref), type=html.escape(type_label(inst.type)),
            period=html.escape(self._period_label())))
        self.reason_label.setText(
            self.tr("Lý do điều chỉnh (bắt buộc khi sửa số liệu của đơn vị cấp dưới):") if data.from_above
            else self.tr("Lý do chọn giá trị thống nhất (bắt buộc khi sửa ô đang xung đột):"))
        self._set_reason_visible(data.needs_reason)
        self.status.setText("")

    def history(self) -> HistoryDialog | None:
        """The «Lịch sử» dialog of the institution and period in the form (not shown)."""
        data = self.form_data
        if data is None:
            return None
        inst_id, period = data.institution.id, data.period
        versions = self.ctx.ops.read_now(lambda store: value_history(store, inst_id, period))
        return HistoryDialog(self.tr("{name} — {period}").format(name=data.institution.name,
                                                                 period=self._period_label()), versions, self)

    def show_history(self) -> None:
        dialog = self.history()
        if dialog is not None:
            dialog.exec()

    def _period_label(self) -> str:
        return Period(self.year.value(), self.kind.currentData()).label()

    def _set_reason_visible(self, visible: bool) -> None:
        self.reason_label.setVisible(visible)
        self.reason.setVisible(visible)

    def _retry_refused(self) -> None:
        """Leaving the reason box saves the values refused for want of a reason: their fields would not try
        again by themselves (a QLineEdit reports editingFinished only when its text has changed)."""
        form = self.current_form()
        for code, row in list(form.rows.items()) if form is not None else []:
            if row.refused_text is not None and row.edit.text().strip() == row.refused_text:
                row.refused_text = None
                self.commit(code)

    def _focus_form(self) -> None:
        form = self.current_form()
        field = form.first_field() if form else None
        if field is not None:
            field.setFocus(Qt.FocusReason.TabFocusReason)
            field.selectAll()

    def commit(self, code: str) -> None:
        """Save one field if its text changed: one WriteOp (one transaction) on the writer, in order; the
        status says «Đang lưu…» at once, then «Đã lưu lúc …», or the refusal is shown in place."""
        data = self.form_data
        form = self.current_form()
        if data is None or form is None or code not in form.rows:
            return
        row = form.rows[code]
        text = row.edit.text().strip()
        if text in (row.saved_text, row.refused_text, row.pending_text):
            return
        why = self.reason.text() if data.needs_reason else None
        inst_id, period = data.institution.id, data.period
        row.pending_text = text

        def save(store: Store) -> tuple[list[str], InstitutionProgress]:
            if text == "":
                clear_value(store, inst_id, period, code, why)
                warnings: list[str] = []
            else:
                warnings = [w.message for w in set_values(store, inst_id, period, {code: text}, why).warnings]
            return warnings, institution_progress(store, inst_id, period)

        self.status.setStyleSheet("")
        self.status.setText(self.tr("Đang lưu…"))
        self.ctx.ops.write(WriteOp(save, Changes.VALUES, source=self,
                                   on_done=lambda result: self._saved(data, row, text, *result),
                                   on_error=lambda exc: self._refused(data, row, text, exc)))

    def _saved(self, data: EntryForm, row: FieldRow, text: str, warnings: list[str],
               progress: InstitutionProgress) -> None:
        if row.pending_text == text:
            row.pending_text = None
        if self.form_data is data:  # still the form that was saved (not another institution's by now)
            row.saved_text = text
            row.refused_text = None
            row.show_message(" ".join(warnings), error=False)
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Đã lưu lúc {time}").format(time=UI_LOCALE.toString(QTime.currentTime(), "HH:mm")))
        list_row = self.list_model.row_of(data.institution.id)
        if list_row >= 0:
            self.list_model.update_row(list_row, progress)

    def _refused(self, data: EntryForm, row: FieldRow, text: str, exc: LhtlError) -> None:
        if row.pending_text == text:
            row.pending_text = None
        self.status.setStyleSheet("color: #b00020;")
        if self.form_data is not data:  # the officer has moved on: say which value was not saved
            self.status.setText(self.tr("Chưa lưu «{label}» của {name}: {problem}").format(
                label=row.indicator.label, name=data.institution.name, problem=exc.message))
            return
        row.refused_text = text
        row.show_message(exc.message, error=True)
        self.status.setText(self.tr("Chưa lưu «{label}»: sửa giá trị trong ô có viền đỏ.").format(
            label=row.indicator.label))
