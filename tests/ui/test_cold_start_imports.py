"""The window's first frame imports only what it draws (the cold-start budget of `make bench`, issues 14 and 17).

A real process starts the program the way main.py does (`lhtl_desktop.launcher.main` with no argument, the
database in LHTL_DB) on the offscreen platform; once the main window has been painted it reports the modules
it has loaded and exits. None of the heavy libraries, the other pages or the services they use may be among
them: each is imported where it is first used (a page when it is first shown, the evaluation when the
dashboard fills itself after the first frame, the PDF and Excel writers when a report is made). A top-level
import that brings one of them back into the start fails here; nothing is timed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lhtl_desktop.services.entry import set_values
from lhtl_desktop.services.installation import init_installation
from lhtl_desktop.services.institutions import add_institution
from lhtl_desktop.storage import Store
from lhtl_desktop.sync.keys import generate_key

ROOT = Path(__file__).resolve().parents[2]

# Printed by the started program after its main window's first paint pass: the names in sys.modules. The
# probe itself imports nothing but PySide6 and json; it watches the main window only (not every event).
PROBE = """
import json, os, sys
sys.path.insert(0, sys.argv[1])
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QMainWindow

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and obj.objectName() != "probe-done":
            obj.setObjectName("probe-done")
            QTimer.singleShot(0, self.report)
        return False
    def report(self):
        sys.stdout.write(json.dumps(sorted(sys.modules)) + "\\n")
        sys.stdout.flush()
        os._exit(0)

spy = FirstPaint()
shown = QMainWindow.showMaximized
def watched(window):
    window.installEventFilter(spy)
    shown(window)
QMainWindow.showMaximized = watched

from lhtl_desktop.launcher import main
sys.exit(main([]))
"""

# Never loaded before the first frame (a name stands for the module and everything under it).
DEFERRED = (
    "openpyxl", "fpdf", "fontTools", "segno", "zxingcpp", "cryptography", "vietnam_provinces", "sqlite_utils",
    "logging.handlers", "importlib.resources", "uuid",
    "lhtl_desktop.sync", "lhtl_desktop.cli", "lhtl_desktop.reference", "lhtl_desktop.services.reports",
    "lhtl_desktop.services.forms", "lhtl_desktop.services.evaluation", "lhtl_desktop.services.config",
    "lhtl_desktop.services.entry", "lhtl_desktop.services.overview", "lhtl_desktop.services.reporting",
    "lhtl_desktop.ui.entry_page", "lhtl_desktop.ui.entry_models", "lhtl_desktop.ui.institutions_page",
    "lhtl_desktop.ui.sync_page", "lhtl_desktop.ui.reports_page", "lhtl_desktop.ui.settings_page",
    "lhtl_desktop.ui.reporting_page", "lhtl_desktop.ui.wizard", "lhtl_desktop.ui.backup_dialog",
)


def loaded_at_first_frame(db: Path, home: Path) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env.update(QT_QPA_PLATFORM="offscreen", LHTL_DB=str(db), HOME=str(home), XDG_DATA_HOME=str(home / "data"))
    done = subprocess.run([sys.executable, "-c", PROBE, str(ROOT)], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("[")]
    assert lines, f"the window was not drawn (exit {done.returncode}): {done.stderr[-2000:]}"
    return list(json.loads(lines[-1]))


def deferred_among(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == d or m.startswith(d + ".") for d in DEFERRED)]


@pytest.fixture
def commune_db(store: Store) -> Path:
    """A commune's database with institutions and values, closed (the started program opens it)."""
    init_installation(store, "14389", "Nguyễn Văn An", generate_key(None))
    library = add_institution(store, "14389", "lib_commune", "Thư viện xã Gia Lâm")
    set_values(store, library.id, "2025", {"LIB_VISITS": 1100, "LIB_SKILL_CLASSES": 3})
    path = Path(store.path)
    store.close()
    return path


def test_the_first_frame_loads_none_of_the_deferred_modules(commune_db: Path, tmp_path: Path) -> None:
    modules = loaded_at_first_frame(commune_db, tmp_path / "home")
    # The probe saw the real window: the main window and its first page (the dashboard) were drawn.
    assert {"lhtl_desktop.ui.main_window", "lhtl_desktop.ui.dashboard_page", "PySide6.QtWidgets"} <= set(modules)
    assert deferred_among(modules) == []


def test_the_check_names_a_module_that_comes_back() -> None:
    assert deferred_among(["openpyxl.workbook", "lhtl_desktop.ui.sync_page", "lhtl_desktop.ui.dashboard_page",
                           "lhtl_desktop.services.evaluation", "lhtl_desktop.services.dashboard", "uuid"]) == [
        "openpyxl.workbook", "lhtl_desktop.ui.sync_page", "lhtl_desktop.services.evaluation", "uuid"]
