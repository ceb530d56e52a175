"""The «Trợ giúp» menu: F1 opens the user guide."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

from lhtl_desktop.ui.main_window import build_main_window


def test_f1_is_the_guide_in_the_window(qtbot, commune) -> None:  # type: ignore[no-untyped-def]
    window = build_main_window(commune.store)
    qtbot.addWidget(window)
    action = window.findChild(QAction, "openGuide")
    assert action is not None and action.text() == "Hướng dẫn sử dụng"
    assert action.shortcut() == QKeySequence("F1")
