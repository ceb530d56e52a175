"""The base of every page of the main window: what it depends on and how it loads.

A page's constructor only builds its widgets; `refresh()` loads what it shows (on the UI thread, through
`ctx.ops`); `refresh_in_background()` does the same without holding the window (a page whose data takes
longer than a frame computes it with a `ReadOp` and says so meanwhile; `loading` is then true).
`depends_on` names the `Changes` after which the page must load again: the main window routes every write's
changes to the pages that depend on them (a restore reloads them all).

Keyboard: `first_field()` is where the officer types first on the page (the window puts the focus there
when the page is opened with Ctrl+1…6); `find_in_list()` (Ctrl+F) puts it in the page's filter box, if it has one.
`ListFilter` is that box: it hides the rows of a table that do not match what is typed (diacritics ignored).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLineEdit, QTableView, QWidget

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
        """The page's list filter (Ctrl+F), if it has one."""
        return None

    def find_in_list(self) -> bool:
        box = self.filter_box()
        if box is None:
            return False
        box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        box.selectAll()
        return True


class ListFilter(QLineEdit):
    """«Tìm trong danh sách»: hides the rows of `table` whose text (`row_text(row)`) does not contain every
    word typed, diacritics and case ignored; ↓ goes to the first row shown. Call `apply()` after a reload."""

    def __init__(self, table: QTableView, row_text: Callable[[int], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.row_text = row_text
        self.setPlaceholderText(QCoreApplication.translate("page", "Tìm trong danh sách (Ctrl+F)"))
        self.setAccessibleName(QCoreApplication.translate("page", "Tìm trong danh sách"))
        self.setClearButtonEnabled(True)
        self.textChanged.connect(self.apply)

    def apply(self) -> None:
        query = self.text()
        model = self.table.model()
        for row in range(model.rowCount()):
            self.table.setRowHidden(row, bool(query.strip()) and not matches(query, self.row_text(row)))

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
