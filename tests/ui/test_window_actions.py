"""The real window against `lhtl_desktop/ui/actions.py`: a commune's and a province's window (every page) and
the set-up wizard show no button or check box that the table does not list with its command, and the table
lists none the window lacks. Adding a button without saying which command does the same fails here
(`tests/cli/test_parity.py` checks the commands themselves)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from PySide6.QtWidgets import QCheckBox, QPushButton, QRadioButton

from lhtl_desktop.services.installation import init_installation
from lhtl_desktop.storage import open_store
from lhtl_desktop.sync.keys import generate_key
from lhtl_desktop.ui.actions import ACTIONS
from lhtl_desktop.ui.app import build_main_window
from lhtl_desktop.ui.main_window import PAGE_KEYS
from lhtl_desktop.ui.wizard import SetupWizard


def _window_controls(qtbot, store) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    window = build_main_window(store)
    qtbot.addWidget(window)
    for key in PAGE_KEYS:
        page = window.show_page(key)
        for kind in (QPushButton, QCheckBox, QRadioButton):
            for button in page.findChildren(kind):
                if button.text().strip():
                    yield key, button.text().replace("&", "")


def _wizard_controls(qtbot, store) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    for page_id in wizard.pageIds():
        for button in wizard.page(page_id).findChildren(QPushButton):
            if button.text().strip():
                yield "wizard", button.text().replace("&", "")


def test_every_window_control_is_declared(qtbot, app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seen: set[tuple[str, str]] = set()
    stores = []  # left open: the windows (closed by qtbot after the test) still use them
    for unit in ("14389", "37"):  # a commune's window and a province's (hubs, two-tier, thresholds)
        store = open_store(tmp_path / f"{unit}.sqlite3")
        stores.append(store)
        init_installation(store, unit, "Nguyễn Văn An", generate_key(None))
        seen |= set(_window_controls(qtbot, store))
    stores.append(open_store(tmp_path / "new.sqlite3"))
    seen |= set(_wizard_controls(qtbot, stores[-1]))

    # A label naming a year («Nộp báo cáo năm 2026») is declared with «{năm}» in its place.
    seen = {(page, re.sub(r"\b(19|20)\d\d\b", "{năm}", label)) for page, label in seen}
    declared = {(a.page, a.label) for a in ACTIONS if a.control}
    undeclared = sorted(seen - declared)
    assert not undeclared, ("window controls with no line in lhtl_desktop/ui/actions.py (name the command that "
                            f"does the same): {undeclared!r}"[:4000])
    gone = sorted(declared - seen)
    assert not gone, f"lhtl_desktop/ui/actions.py lists controls the window no longer has: {gone}"
