"""The rolling backup taken when the application quits, installed at start-up.

Kept apart from `backup_dialog` (its widgets and the backup service) so that installing it costs nothing
while the window starts: the service is imported when the application quits. The backup is the writer's
last job (`ui.ops`): it runs after every write the officer queued, on the window's own connection.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from lhtl_desktop.ui.ops import Ops, WriteOp


def install_exit_backup(app: QCoreApplication, get_ops: Callable[[], Ops | None]) -> Callable[[], None]:
    """A rolling backup when the application quits (skipped when nothing changed since the newest one),
    then the writer stops. Returns the slot (to disconnect it)."""

    def on_quit() -> None:
        from lhtl_desktop.services import backups

        ops = get_ops()
        if ops is None:
            return
        ops.write(WriteOp(backups.backup_on_exit))
        ops.wait_idle()
        ops.close()

    app.aboutToQuit.connect(on_quit)
    return on_quit
