"""«Gói đã nhập» on the Đồng bộ page: every imported bundle, and «Hoàn tác gói…» for one of them.

The button previews what the file changed (per value: the value now → the value before it), asks for the
reason, and writes the corrections (services.revert) on the writer; a file whose values were changed later is
refused with those values listed, and nothing is written.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lhtl_desktop.errors import LhtlError
from lhtl_desktop.services import revert
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.dialogs import add_message_and_buttons
from lhtl_desktop.ui.look import fmt_int, fmt_when
from lhtl_desktop.ui.models import TextTableModel, tr
from lhtl_desktop.ui.ops import Changes, WriteOp
from lhtl_desktop.ui.page import titled_list, with_filter


def _shown(value: int | None) -> str:
    return tr("(không có)") if value is None else fmt_int(value)


class RevertDialog(QDialog):
    """The preview of one revert and the reason; «Đồng ý» writes the corrections."""

    def __init__(self, ctx: AppContext, plan: revert.RevertPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan = plan
        self.setWindowTitle(self.tr("Hoàn tác gói số {seq} của {unit}").format(seq=plan.seq, unit=plan.from_unit))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Các giá trị gói này đã thay đổi sẽ được điều chỉnh về giá trị trước khi nhập. Điều "
                               "chỉnh được ghi lý do và gửi đi như mọi điều chỉnh khác."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = TextTableModel((self.tr("Thiết chế"), self.tr("Kỳ"), self.tr("Chỉ số"), self.tr("Hiện nay"),
                                     self.tr("Trả về")), self)
        self.model.set_rows([(c.institution_name, c.period, c.indicator, _shown(c.after), _shown(c.before))
                             for c in plan.changes])
        table = QTableView()
        table.setAccessibleName(self.tr("Giá trị sẽ trả về"))
        table.setModel(self.model)
        table.verticalHeader().setVisible(False)
        table.setColumnWidth(0, 240)
        self.view = table
        box, self.filter = with_filter(table)
        layout.addWidget(box, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Lý do:")))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Ví dụ: xã gửi nhầm tệp của năm trước"))
        row.addWidget(self.reason, 1)
        layout.addLayout(row)
        self.message = add_message_and_buttons(self, layout, self.save)

    def save(self) -> None:
        why, bundle_id = self.reason.text(), self.plan.bundle_id

        def refused(exc: LhtlError) -> None:
            self.message.setText(exc.message)

        self.ctx.ops.write(WriteOp(lambda store: revert.revert_bundle(store, bundle_id, why), Changes.VALUES,
                                   on_done=lambda _r: self.accept(), on_error=refused))


class ImportHistoryPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.bundles: list[revert.ImportedBundle] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.model = TextTableModel((self.tr("Đơn vị gửi"), self.tr("Gói số"), self.tr("Nhận lúc"), self.tr("Tệp"),
                                     self.tr("Mới / thay đổi / xung đột"), self.tr("Hoàn tác")), self)
        self.view = QTableView()
        self.view.setAccessibleName(self.tr("Gói đã nhập"))
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.setColumnWidth(0, 220)
        self.view.setColumnWidth(3, 260)
        box, self.filter = titled_list(QLabel(self.tr("Gói đã nhập (mới nhất trước):")), self.view)
        layout.addWidget(box, 1)
        row = QHBoxLayout()
        self.revert_button = QPushButton(self.tr("Hoàn tác gói đã chọn…"))
        row.addWidget(self.revert_button)
        self.message = QLabel()
        self.message.setWordWrap(True)
        row.addWidget(self.message, 1)
        layout.addLayout(row)
        self.revert_button.clicked.connect(self.revert_selected)

    def open_dialog(self, plan: revert.RevertPlan) -> None:
        """Show the preview (tests replace this to fill in the reason and accept)."""
        if RevertDialog(self.ctx, plan, self).exec():
            self.message.setText(self.tr("Đã hoàn tác gói số {seq}.").format(seq=plan.seq))

    def selected(self) -> revert.ImportedBundle | None:
        row = self.view.currentIndex().row()
        return self.bundles[row] if 0 <= row < len(self.bundles) else None

    def revert_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self.message.setText(self.tr("Hãy chọn một gói trong danh sách."))
            return
        try:
            plan = self.ctx.ops.read_now(lambda store: revert.revert_bundle(store, chosen.bundle_id, "xem trước",
                                                                            dry_run=True))
        except LhtlError as exc:
            self.message.setText(exc.message)
            return
        if not plan.changes:
            self.message.setText(self.tr("Gói này không còn giá trị nào cần hoàn tác."))
            return
        self.message.setText("")
        self.open_dialog(plan)

    def refresh(self) -> None:
        self.bundles = self.ctx.ops.read_now(revert.import_history)
        self.model.set_rows([
            (f"{b.unit_name} ({b.from_unit})", str(b.seq), fmt_when(b.imported_at), b.file_name,
             f"{b.counts.get('new', 0)} / {b.counts.get('changed', 0)} / {b.counts.get('conflicts', 0)}",
             fmt_when(b.reverted_at) if b.reverted_at else "")
            for b in self.bundles])
