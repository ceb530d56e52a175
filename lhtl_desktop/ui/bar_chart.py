"""A small bar chart drawn with QPainter (QtCharts is not in PySide6 Essentials): the scope's yearly sums."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from lhtl_desktop.ui.look import fmt_int


class BarChart(QWidget):
    """Bars of values by year; a missing year is drawn as a dashed outline with "—"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: list[tuple[int, int | None]] = []
        self.title = ""
        self.highlight: int | None = None
        self.setMinimumHeight(150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(self, title: str, values: list[tuple[int, int | None]], highlight: int | None = None) -> None:
        self.title = title
        self.values = values
        self.highlight = highlight
        self.setAccessibleDescription("; ".join(f"{y}: {fmt_int(v)}" for y, v in values))
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, 190)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(8, 4, -8, -4)
        fm = painter.fontMetrics()
        line = fm.height()
        painter.setPen(QColor("#1f3b57"))
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), line), Qt.AlignmentFlag.AlignLeft, self.title)
        if not self.values:
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.tr("Chưa có số liệu"))
            return
        plot = QRectF(rect.left(), rect.top() + line + 4 + line, rect.width(), rect.height() - 3 * line - 10)
        top = max((v for _y, v in self.values if v is not None), default=0) or 1
        n = len(self.values)
        slot = plot.width() / n
        bar_w = min(56.0, slot * 0.6)
        axis_y = plot.bottom()
        painter.setPen(QPen(QColor("#9aa5b1"), 1))
        painter.drawLine(int(plot.left()), int(axis_y), int(plot.right()), int(axis_y))
        for i, (year, value) in enumerate(self.values):
            x = plot.left() + slot * i + (slot - bar_w) / 2
            label_rect = QRectF(plot.left() + slot * i, axis_y + 2, slot, line)
            painter.setPen(QColor("#333333"))
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignCenter, str(year))
            if value is None:
                painter.setPen(QPen(QColor("#b0b0b0"), 1, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(QRectF(x, axis_y - 20, bar_w, 20))
                painter.drawText(QRectF(x - 10, axis_y - 20 - line, bar_w + 20, line), Qt.AlignmentFlag.AlignCenter, "—")
                continue
            h = max(1.0, plot.height() * value / top)
            colour = QColor("#2c7bb6") if year == self.highlight else QColor("#8fb8de")
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRect(QRectF(x, axis_y - h, bar_w, h))
            painter.setPen(QColor("#333333"))
            painter.drawText(QRectF(x - 30, axis_y - h - line, bar_w + 60, line), Qt.AlignmentFlag.AlignCenter,
                             fmt_int(value))
        painter.end()
