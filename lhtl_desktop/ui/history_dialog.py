"""«Lịch sử»: every version of each value of one institution and period — value, who, which unit, when, why —
exactly what `lhtl history --institution ID --period P` prints. A correction from above shows where it lands."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from lhtl_desktop.model.catalogue import INDICATORS_BY_CODE
from lhtl_desktop.model.reporting import local_time_text
from lhtl_desktop.services.value_history import Version
from lhtl_desktop.ui.look import fmt_int
from lhtl_desktop.ui.models import TextTableModel
from lhtl_desktop.ui.page import with_filter


class HistoryDialog(QDialog):
    def __init__(self, title: str, history: dict[str, list[Version]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Lịch sử số liệu"))
        self.resize(1000, 520)
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setWordWrap(True)
        heading.setStyleSheet("font-weight: 600;")
        layout.addWidget(heading)
        self.model = TextTableModel([self.tr("Chỉ số"), self.tr("Giá trị"), self.tr("Người nhập"), self.tr("Đơn vị"),
                                     self.tr("Lúc"), self.tr("Lý do"), ""], self)
        rows = []
        for code, versions in history.items():
            label = INDICATORS_BY_CODE[code].label if code in INDICATORS_BY_CODE else code
            for v in versions:
                rows.append((label, fmt_int(v.value) if v.value is not None else self.tr("(đã xóa)"), v.author,
                             v.author_unit, local_time_text(v.created_at), v.reason or "",
                             self.tr("đang dùng") if v.current else self.tr("đã thay")))
        self.model.set_rows(rows)
        view = QTableView()
        view.setAccessibleName(self.tr("Lịch sử giá trị"))
        view.setModel(self.model)
        view.verticalHeader().setVisible(False)
        view.setWordWrap(True)
        header = view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3, 4, 6):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.view = view
        box, self.filter = with_filter(view)
        layout.addWidget(box, 1)
        if not rows:
            layout.addWidget(QLabel(self.tr("Chưa có giá trị nào cho kỳ này.")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Đóng"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
