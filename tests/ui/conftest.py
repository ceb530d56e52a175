"""Fixtures for the window tests: the application as `main.py` sets it up, installations made with services,
and helpers that type like a person (key events with text, input-method commits)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.services.entry import set_values
from lhtl_desktop.services.installation import init_installation
from lhtl_desktop.services.institutions import add_institution, add_village_houses
from lhtl_desktop.storage import Store
from lhtl_desktop.sync.keys import generate_key
from lhtl_desktop.ui.context import AppContext

COMMUNE = "14389"  # Xã Gia Lâm


@pytest.fixture(scope="session")
def app(qapp: QApplication) -> QApplication:
    from lhtl_desktop.ui.app import create_application

    return create_application(["lhtl"])


@dataclass
class Commune:
    store: Store
    ctx: AppContext
    library: Institution
    centre: Institution
    houses: list[Institution]


@pytest.fixture
def commune(store: Store, app: QApplication) -> Iterator[Commune]:
    init_installation(store, COMMUNE, "Nguyễn Văn An", generate_key(None))
    library = add_institution(store, COMMUNE, "lib_commune", "Thư viện xã Gia Lâm")
    centre = add_institution(store, COMMUNE, "cc_commune", "Trung tâm Văn hóa – Thể thao xã Gia Lâm")
    houses = add_village_houses(store, COMMUNE, ["Thôn Đông", "Thôn Tây", "Thôn Trung"])
    set_values(store, library.id, "2024", {"LIB_VISITS": 1000, "LIB_SKILL_CLASSES": 2, "LIB_READERS": 100})
    set_values(store, library.id, "2025", {"LIB_VISITS": 1100, "LIB_SKILL_CLASSES": 3})
    set_values(store, centre.id, "2025", {"CC_CLUBS": 3, "CC_ACTIVITIES": 14})
    set_values(store, houses[0].id, "2025", {"CC_CLUBS": 1, "CC_ACTIVITIES": 12})
    set_values(store, houses[1].id, "2025", {"CC_CLUBS": 1, "CC_ACTIVITIES": 4})
    yield Commune(store, AppContext(store), library, centre, houses)


def settled(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    """Wait until every write the window queued has run and reported back (its page updated)."""
    qtbot.waitUntil(lambda: not ctx.ops.busy, timeout=10_000)


def type_text(widget: QWidget, text: str) -> None:
    """Type like a keyboard layout that produces the characters (Unikey's output arrives as such text)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))


def commit_text(widget: QWidget, text: str) -> None:
    """What an input method (Unikey, EVKey in IME mode) does: commit a composed string."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def press(widget: QWidget, key: Qt.Key) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier))
