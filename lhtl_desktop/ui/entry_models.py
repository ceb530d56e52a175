"""The entry list's table model and its completeness colours (the «Nhập số liệu» page).

Apart from `ui.models` because they need the entry services (`services.entry`, `services.overview`), which
the window's first frame (the dashboard) does not: the entry page imports this module when it is first shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from lhtl_desktop.model.catalogue import type_label
from lhtl_desktop.services.entry import Completeness
from lhtl_desktop.services.overview import InstitutionProgress
from lhtl_desktop.ui.models import DISPLAY, ROW_KEY, RecordTableModel, tr

COMPLETENESS_COLOURS = {
    Completeness.EMPTY: QColor("#fde2e1"),
    Completeness.PARTIAL: QColor("#fff1cc"),
    Completeness.COMPLETE: QColor("#d8f0dd"),
    Completeness.WARNINGS: QColor("#ffe0b3"),
    Completeness.CONFLICT: QColor("#f3d1f4"),
}


def completeness_label(c: Completeness) -> str:
    return {
        Completeness.EMPTY: tr("Chưa nhập"),
        Completeness.PARTIAL: tr("Nhập dở"),
        Completeness.COMPLETE: tr("Đủ"),
        Completeness.WARNINGS: tr("Có cảnh báo"),
        Completeness.CONFLICT: tr("Có xung đột"),
    }[c]


def status_text(c: Completeness, filled: int, expected: int) -> str:
    return tr("{state} ({filled}/{expected})").format(state=completeness_label(c), filled=filled, expected=expected)


class EntryListModel(RecordTableModel[InstitutionProgress]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__((), parent)
        self.headers = (tr("Thiết chế"), tr("Số liệu"))

    def cell(self, p: InstitutionProgress, column: int, role: int) -> Any:
        if role == DISPLAY:
            if column == 0:
                return p.institution.name
            return status_text(p.completeness, p.filled, p.expected)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{type_label(p.institution.type)} — {p.unit_name}"
        if role == Qt.ItemDataRole.BackgroundRole and column == 1:
            return QBrush(COMPLETENESS_COLOURS[p.completeness])
        if role == ROW_KEY:
            return p.institution.id
        return None

    def row_of(self, inst_id: str) -> int:
        return next((i for i, p in enumerate(self._rows) if p.institution.id == inst_id), -1)

    def update_row(self, row: int, progress: InstitutionProgress) -> None:
        """Cheap in-place update after a save (no reset: keeps the selection)."""
        self._rows[row] = progress
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.headers) - 1))
