"""What every page of the window shares: the operation runner and the installation.

Pages receive an `AppContext` in their constructor (`Page(ctx, parent=None)`). They never hold the store:
writes are `WriteOp`s queued on `ctx.ops` (one writer thread owns the only write connection), reads are
`ReadOp`s or `ctx.ops.read_now(fn)` on reader connections (`ui.ops`). What a write changed comes back as
typed `Changes`, which the main window routes to the pages that depend on them — one object, no global
main window (STYLE.md).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from lhtl_desktop.services.installation import Installation, installation
from lhtl_desktop.storage import Store
from lhtl_desktop.ui.ops import Ops


class AppContext(QObject):
    def __init__(self, store: Store, parent: QObject | None = None, *, check: bool = False,
                 ops: Ops | None = None) -> None:
        """`store` is handed to the writer thread (the window's only write connection). `check=True`: the
        file has not passed its quick_check yet; the writer runs it first (`ops.start_check()`). `ops`: the
        runner that already owns `store` (the first-run wizard's), taken over instead of a second writer."""
        super().__init__(parent)
        if ops is None:
            ops = Ops(store, check=check)
        ops.setParent(self)
        self.ops = ops

    @property
    def db_path(self) -> Path:
        return self.ops.path

    @property
    def installation(self) -> Installation:
        return self.ops.read_now(installation)
