"""The entry page's submission line: whether my report for the period is submitted, and the button that submits
it («Nộp báo cáo năm 2025») or reopens it. The same services and messages as `lhtl submit`: a period with no
values asks for confirmation first (the CLI's --empty), reopening a report already sent asks for a reason."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QPushButton, QWidget

from lhtl_desktop.errors import LhtlError
from lhtl_desktop.model.periods import Period
from lhtl_desktop.services import reporting
from lhtl_desktop.storage import Store
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.dialogs import confirm
from lhtl_desktop.ui.ops import Changes, WriteOp


def _ask_reason(parent: QWidget, title: str, text: str) -> str | None:
    value, ok = QInputDialog.getText(parent, title, text, QLineEdit.EchoMode.Normal, "")
    return value if ok else None


class SubmissionBar(QFrame):
    """`set_period(key)` loads the state of my report for that period; the button does the rest."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.state: reporting.SubmissionState | None = None
        self._period = ""
        self.setObjectName("submissionBar")
        self.setStyleSheet("#submissionBar { background: #f4f6f8; border: 1px solid #d5dbe1; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.button = QPushButton()
        self.button.setObjectName("submitButton")
        layout.addWidget(self.button)
        self.button.clicked.connect(self.act)
        # Replaced by tests: (title, text) → yes/no, and (title, text) → reason or None when cancelled.
        self.ask: Callable[[str, str], bool] = lambda title, text: confirm(self, title, text)
        self.ask_reason: Callable[[str, str], str | None] = lambda title, text: _ask_reason(self, title, text)
        self.on_error: Callable[[LhtlError], None] = lambda exc: self.label.setText("✖ " + exc.message)

    def set_period(self, key: str) -> None:
        self._period = key
        self.reload()

    def reload(self) -> None:
        key = self._period
        state = self.ctx.ops.read_now(lambda store: reporting.submission_state(store, key))
        self.state = state
        self.setVisible(state.expected)
        label = state.period.label().lower()
        self.label.setText(state.text())
        self.label.setStyleSheet("color: #b00020;" if state.late and not state.submitted else "")
        if state.submitted:
            self.button.setText(self.tr("Mở lại báo cáo {period}…").format(period=label))
        else:
            self.button.setText(self.tr("Nộp báo cáo {period}").format(period=label))

    def act(self) -> None:
        state = self.state
        if state is None:
            return
        key = state.period.key
        label = Period(state.period.year, state.period.half).label().lower()
        if state.submitted:
            why: str | None = None
            if state.sent:
                why = self.ask_reason(self.tr("Mở lại báo cáo"), self.tr(
                    "Báo cáo {period} đã được gửi lên cấp trên. Ghi lý do mở lại:").format(period=label))
                if why is None:
                    return
            self._write(lambda store: reporting.reopen(store, key, why=why))
            return
        empty = False
        if not state.has_values:
            if not self.ask(self.tr("Nộp báo cáo trống"), self.tr(
                    "{unit} chưa có số liệu nào cho {period}. Đơn vị thật sự không có gì để báo cáo và muốn nộp "
                    "báo cáo trống?").format(unit=state.unit_name, period=label)):
                return
            empty = True
        self._write(lambda store: reporting.submit(store, key, empty=empty))

    def _write(self, fn: Callable[[Store], object]) -> None:
        self.ctx.ops.write(WriteOp(fn, Changes.SUBMISSIONS, source=self,
                                   on_done=lambda _result: self.reload(), on_error=self.on_error))
