"""Institutions edited concurrently (sync.institution_merge), in the Đồng bộ page's «Xung đột» tab: every
version side by side, and «Giữ phiên bản đã chọn», which saves that version as a local edit that saw them all."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from lhtl_desktop.model.catalogue import TYPES_BY_CODE
from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.services import institutions
from lhtl_desktop.storage import Store
from lhtl_desktop.sync import conflicts as sync_conflicts
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.look import fmt_when
from lhtl_desktop.ui.models import TextTableModel
from lhtl_desktop.ui.ops import Changes, WriteOp
from lhtl_desktop.ui.page import titled_list


class InstitutionConflictsPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[tuple[sync_conflicts.InstitutionConflict, dict[str, object]]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(self.tr("Thiết chế được sửa đồng thời ở hai nơi (tên, thôn, loại, tình trạng):"))
        self.model = TextTableModel((self.tr("Thiết chế (mã)"), self.tr("Tên"), self.tr("Thôn"), self.tr("Loại"),
                                     self.tr("Ngừng từ năm"), self.tr("Người sửa"), self.tr("Lúc")), self)
        self.view = QTableView()
        self.view.setAccessibleName(self.tr("Thiết chế sửa đồng thời"))
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.setColumnWidth(1, 260)
        box, self.filter = titled_list(self.title, self.view)
        layout.addWidget(box, 1)
        row = QHBoxLayout()
        self.keep_button = QPushButton(self.tr("Giữ phiên bản đã chọn"))
        row.addWidget(self.keep_button)
        self.message = QLabel()
        self.message.setWordWrap(True)
        row.addWidget(self.message, 1)
        layout.addLayout(row)
        self.keep_button.clicked.connect(self.keep_selected)

    def keep_selected(self) -> None:
        index = self.view.currentIndex().row()
        if not 0 <= index < len(self.rows):
            self.message.setText(self.tr("Hãy chọn một phiên bản trong danh sách."))
            return
        conflict, v = self.rows[index]

        def year(value: object) -> int | None:
            return None if value is None else int(str(value))

        def work(store: Store) -> Institution:
            return institutions.keep_version(
                store, conflict.institution_id, type_code=str(v["type"]), name=str(v["name"]),
                village=str(v["village"]) if v["village"] else None, opened_year=year(v["opened_year"]),
                closed_year=year(v["closed_year"]))

        def done(_r: object) -> None:
            self.message.setText(self.tr("Đã thống nhất. Phiên bản này sẽ đi kèm gói gửi tiếp theo."))
            self.refresh()

        self.ctx.ops.write(WriteOp(work, Changes.INSTITUTIONS, on_done=done,
                                   on_error=lambda exc: self.message.setText(exc.message), source=self))

    def refresh(self) -> None:
        found = self.ctx.ops.read_now(sync_conflicts.institution_conflicts)
        self.rows = [(c, v) for c in found for v in c.versions]
        self.model.set_rows([
            (c.institution_id[:8], str(v["name"]), str(v["village"] or ""),
             TYPES_BY_CODE[str(v["type"])].label if str(v["type"]) in TYPES_BY_CODE else str(v["type"]),
             str(v["closed_year"] or ""), f"{v['author']} ({v['unit']})", fmt_when(str(v["updated"])))
            for c, v in self.rows])
        self.setVisible(bool(self.rows))
