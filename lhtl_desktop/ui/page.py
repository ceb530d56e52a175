"""The base of every page of the main window: what it depends on and how it loads.

A page's constructor only builds its widgets; `refresh()` loads what it shows (on the UI thread, through
`ctx.ops`); `refresh_in_background()` does the same without holding the window (a page whose data takes
longer than a frame computes it with a `ReadOp` and says so meanwhile; `loading` is then true).
`depends_on` names the `Changes` after which the page must load again: the main window routes every write's
changes to the pages that depend on them (a restore reloads them all).

Keyboard: `first_field()` is where the officer types first on the page (the window puts the focus there
when the page is opened with Ctrl+1…6); `find_in_list()` (Ctrl+F) puts it in the filter box of the list on
screen (the one the officer is in, else the first one shown). `ListFilter` is that box, the one filter of every
list of the window: it hides the rows of a table that do not match what is typed (diacritics ignored, by
`model.text.matches`), and filters again whenever the table's rows are replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from lhtl_desktop.model.text import matches
from lhtl_desktop.ui.ops import Changes


class Page(QWidget):
    depends_on: ClassVar[Changes] = Changes.NONE

    @property
    def loading(self) -> bool:
        return False

    def refresh(self) -> None:
        """Load what the page shows, now."""

    def refresh_in_background(self) -> None:
        self.refresh()

    def first_field(self) -> QWidget | None:
        """The widget the officer types in first on this page (None: leave the focus where it is)."""
        return None

    def filter_box(self) -> QLineEdit | None:
        """The list filter Ctrl+F goes to: the one of the list the officer is in, else the first shown."""
        return shown_filter(self)

    def find_in_list(self) -> bool:
        box = self.filter_box()
        if box is None:
            return False
        box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        box.selectAll()
        return True


class ListFilter(QLineEdit):
    """«Tìm trong danh sách»: hides the rows of `table` whose text (`row_text(row)`, by default every cell
    shown) does not contain every word typed, diacritics and case ignored; ↓ goes to the first row shown.
    Rows replaced (a reload) or added are filtered again; a table filled cell by cell (a QTableWidget)
    calls `apply()` once it is full."""

    def __init__(self, table: QTableView, row_text: Callable[[int], str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.row_text = row_text or (lambda row: displayed_row_text(table, row))
        self._hiding = False  # some row may be hidden: an empty query must show them again
        self.setPlaceholderText(QCoreApplication.translate("page", "Tìm trong danh sách (Ctrl+F)"))
        self.setAccessibleName(QCoreApplication.translate("page", "Tìm trong danh sách"))
        self.setClearButtonEnabled(True)
        self.textChanged.connect(self.apply)
        model = table.model()
        model.modelReset.connect(self.apply)
        model.rowsInserted.connect(self.apply)

    def apply(self) -> None:
        query = self.text()
        model = self.table.model()
        if not query.strip() and not self._hiding:
            return
        self._hiding = bool(query.strip())
        for row in range(model.rowCount()):
            self.table.setRowHidden(row, self._hiding and not matches(query, self.row_text(row)))

    def visible_rows(self) -> list[int]:
        return [r for r in range(self.table.model().rowCount()) if not self.table.isRowHidden(r)]

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 — Qt's name
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.visible_rows():
            self.table.setFocus(Qt.FocusReason.TabFocusReason)
            current = self.table.currentIndex().row()
            if current < 0 or self.table.isRowHidden(current):
                self.table.selectRow(self.visible_rows()[0])
            return
        super().keyPressEvent(event)


def displayed_row_text(table: QTableView, row: int) -> str:
    """Every cell of a row as shown, for the filter."""
    model = table.model()
    return " ".join(str(model.index(row, c).data() or "") for c in range(model.columnCount()))


def with_filter(table: QTableView, row_text: Callable[[int], str] | None = None) -> tuple[QWidget, ListFilter]:
    """A list and its filter above it, as one widget to lay out where the list alone was."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    list_filter = ListFilter(table, row_text)
    layout.addWidget(list_filter)
    layout.addWidget(table, 1)
    return box, list_filter


def titled_list(title: QLabel, table: QTableView,
                row_text: Callable[[int], str] | None = None) -> tuple[QWidget, ListFilter]:
    """A list under a line holding its title and, beside it, its filter: one line less than a title above a
    filter above a list, where a tab shows two or three lists."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    head = QHBoxLayout()
    head.addWidget(title)
    list_filter = ListFilter(table, row_text)
    list_filter.setMinimumWidth(240)
    head.addWidget(list_filter, 1)
    layout.addLayout(head)
    layout.addWidget(table, 1)
    return box, list_filter


def shown_filter(root: QWidget) -> ListFilter | None:
    """The filter of the list on screen below `root`: the one the focus is in (its box or its list), else the
    topmost one shown, then leftmost (lists on hidden tabs do not count)."""
    boxes = [b for b in root.findChildren(ListFilter) if b.isVisibleTo(root)]
    boxes.sort(key=lambda b: (b.mapTo(root, QPoint(0, 0)).y(), b.mapTo(root, QPoint(0, 0)).x()))
    focus = QApplication.focusWidget()
    for box in boxes:
        if focus is not None and (focus is box or focus is box.table or box.table.isAncestorOf(focus)):
            return box
    return boxes[0] if boxes else None
