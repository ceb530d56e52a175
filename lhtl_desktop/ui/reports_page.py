"""The «Báo cáo» page. Placeholder until its feature lands: it says so and offers no button that pretends to work."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from lhtl_desktop.ui.context import AppContext


class ReportsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        label = QLabel(self.tr("Trang «Báo cáo» (in biểu tổng hợp và xuất Excel) chưa có trong phiên bản này."))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        layout.addWidget(label)

    def refresh(self) -> None:
        """Called when the page is shown or `ctx.changed` fires."""
