"""Table models over plain records (ARCHITECTURE.md §4). Each holds a list it was given and never queries:
pages read through the services, then hand the rows over with `set_rows` (a full reset).

The entry list's model and its completeness colours live in `ui.entry_models` (they need the entry
services, which the window's first frame does not); the names are still importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from lhtl_desktop.model.catalogue import type_label
from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.model.targets import Status, TargetKind, TargetResult
from lhtl_desktop.ui.look import fmt_int, fmt_percent

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
ROW_KEY = Qt.ItemDataRole.UserRole  # the record's id
PROGRESS = Qt.ItemDataRole.UserRole + 1  # 0–100 for the progress delegate


def tr(text: str) -> str:
    return QCoreApplication.translate("models", text)


STATUS_COLOURS = {
    Status.MET: QColor("#d8f0dd"),
    Status.ON_TRACK: QColor("#e3eefa"),
    Status.BEHIND: QColor("#fde2e1"),
    Status.MISSING_DATA: QColor("#fff1cc"),
    Status.NOT_APPLICABLE: QColor("#eeeeee"),
    Status.INCOMPLETE: QColor("#ffe0b3"),  # not every unit has reported: no verdict yet
}

class RecordTableModel[T](QAbstractTableModel):
    """Read-only table over a list of records; subclasses say how a cell looks."""

    headers: Sequence[str] = ()

    def __init__(self, rows: Sequence[T] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = list(rows)

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> T:
        return self._rows[row]

    @property
    def rows(self) -> list[T]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:  # noqa: N802
        if role == DISPLAY and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) \
                or not (0 <= index.column() < len(self.headers)):
            return None
        return self.cell(self._rows[index.row()], index.column(), role)

    def cell(self, record: T, column: int, role: int) -> Any:
        raise NotImplementedError


class InstitutionTableModel(RecordTableModel[Institution]):
    def __init__(self, unit_names: dict[str, str] | None = None, parent: Any = None) -> None:
        super().__init__((), parent)
        self.unit_names = unit_names or {}
        self.headers = (tr("Loại"), tr("Tên thiết chế"), tr("Thôn, tổ dân phố"), tr("Đơn vị"), tr("Tình trạng"),
                        tr("Mã ngắn"))

    def cell(self, inst: Institution, column: int, role: int) -> Any:
        if role == DISPLAY:
            return (
                type_label(inst.type), inst.name, inst.village or "",
                self.unit_names.get(inst.unit_code, inst.unit_code),
                tr("Đang hoạt động") if inst.closed_year is None
                else tr("Ngừng từ năm {year}").format(year=inst.closed_year),
                inst.shown_ref,
            )[column]
        if role == ROW_KEY:
            return inst.id
        if role == Qt.ItemDataRole.ForegroundRole and inst.closed_year is not None:
            return QBrush(QColor("#888888"))
        return None


def result_value_text(r: TargetResult) -> str:
    return fmt_percent(r.value)


def result_fraction_text(r: TargetResult) -> str:
    if r.kind == TargetKind.GROWTH:
        return tr("{cur} / {prev} (năm trước)").format(cur=fmt_int(r.numerator), prev=fmt_int(r.denominator))
    return tr("{num} / {den} thiết chế").format(num=fmt_int(r.numerator), den=fmt_int(r.denominator))


def result_threshold_text(r: TargetResult) -> str:
    if r.threshold is None:
        return "—"
    return tr("{thr} (mốc {year})").format(thr=fmt_percent(r.threshold, 0 if r.threshold == int(r.threshold) else 1),
                                           year=r.threshold_year)


def result_progress(r: TargetResult) -> int:
    """How far the value is toward the threshold, 0–100 (a met target is full)."""
    if r.value is None or r.threshold is None:
        return 0
    if r.threshold <= 0:
        return 100 if r.value >= r.threshold else 0
    return max(0, min(100, int(r.value / r.threshold * 100)))


class TargetTableModel(RecordTableModel[TargetResult]):
    COLUMN_PROGRESS = 4

    def __init__(self, parent: Any = None) -> None:
        super().__init__((), parent)
        self.headers = (tr("Chỉ tiêu"), tr("Trạng thái"), tr("Kết quả"), tr("Ngưỡng"), tr("Tiến độ"),
                        tr("Tử số / mẫu số"))

    def cell(self, r: TargetResult, column: int, role: int) -> Any:
        if role == DISPLAY:
            # Imported here: the table is first filled after the window is drawn, and services.evaluation is
            # not loaded for the window's first frame (tests/ui/test_cold_start_imports.py).
            from lhtl_desktop.services.evaluation import status_text as evaluation_status_text

            return (r.label, evaluation_status_text(r), result_value_text(r), result_threshold_text(r),
                    f"{result_progress(r)} %", result_fraction_text(r))[column]
        if role == PROGRESS:
            return result_progress(r)
        if role == ROW_KEY:
            return r.target
        if role == Qt.ItemDataRole.BackgroundRole and column == 1:
            return QBrush(STATUS_COLOURS[r.status])
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.label
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and r.status == Status.NOT_APPLICABLE:
            return QBrush(QColor("#888888"))
        return None


class TextTableModel(RecordTableModel[tuple[str, ...]]):
    """Rows of ready-made text (detail lists, history)."""

    def __init__(self, headers: Sequence[str], parent: Any = None) -> None:
        super().__init__((), parent)
        self.headers = tuple(headers)

    def cell(self, row: tuple[str, ...], column: int, role: int) -> Any:
        if role == DISPLAY:
            return row[column] if column < len(row) else ""
        return None


_ENTRY_NAMES = ("COMPLETENESS_COLOURS", "EntryListModel", "completeness_label", "status_text")


def __getattr__(name: str) -> Any:
    """`from lhtl_desktop.ui.models import EntryListModel` still works, importing ui.entry_models then."""
    if name in _ENTRY_NAMES:
        from lhtl_desktop.ui import entry_models

        return getattr(entry_models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
