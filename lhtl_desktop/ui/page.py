"""The base of every page of the main window: what it depends on and how it loads.

A page's constructor only builds its widgets; `refresh()` loads what it shows (on the UI thread, through
`ctx.ops`); `refresh_in_background()` does the same without holding the window (a page whose data takes
longer than a frame computes it with a `ReadOp` and says so meanwhile; `loading` is then true).
`depends_on` names the `Changes` after which the page must load again: the main window routes every write's
changes to the pages that depend on them (a restore reloads them all).
"""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtWidgets import QWidget

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
