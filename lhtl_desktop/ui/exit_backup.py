"""The rolling backup taken when the application quits, installed at start-up.

Kept apart from `backup_dialog` (its widgets and the backup service) so that installing it costs nothing
while the window starts: the service is imported when the application quits.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from lhtl_desktop.storage import Store


def install_exit_backup(app: QCoreApplication, get_store: Callable[[], Store | None]) -> Callable[[], None]:
    """A rolling backup when the application quits (skipped when nothing changed since the newest one).
    Returns the slot (to disconnect it)."""

    def on_quit() -> None:
        from lhtl_desktop.services import backups

        store = get_store()
        if store is not None:
            backups.backup_on_exit(store)

    app.aboutToQuit.connect(on_quit)
    return on_quit
