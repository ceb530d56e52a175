"""Start-up of the window: QApplication, fonts, the database, then the main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from lhtl_desktop.i18n import _
from lhtl_desktop.services.installation import installation, is_initialised
from lhtl_desktop.storage import open_store


def main(argv: list[str] | None = None) -> int:
    app = QApplication.instance() or QApplication(argv or sys.argv)
    store = open_store()
    window = QMainWindow()
    window.setWindowTitle(_("Học tập suốt đời — lhtl"))
    if is_initialised(store):
        me = installation(store)
        text = _("{unit} — cán bộ {officer}").format(unit=me.unit.name, officer=me.officer)
    else:
        text = _("Chưa thiết lập. Chạy «lhtl init --unit MÃ --officer TÊN».")
    window.setCentralWidget(QLabel(text))
    window.resize(1024, 640)
    window.show()
    return app.exec()
