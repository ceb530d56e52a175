"""What every page of the window shares: the open store, the installation and a change signal.

Pages receive an `AppContext` in their constructor (`Page(ctx, parent=None)`) and call services with
`ctx.store`; after a write they emit `ctx.changed` with a short topic ("values", "institutions",
"sync", "settings") so that other pages refresh — one object, no global main window (STYLE.md).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from lhtl_desktop.services.installation import Installation, installation
from lhtl_desktop.storage import Store


class AppContext(QObject):
    changed = Signal(str)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store

    @property
    def installation(self) -> Installation:
        return installation(self.store)
