"""Every action of the window has a command (ARCHITECTURE.md §5).

`lhtl_desktop/ui/actions.py` declares the window's actions and their commands. Here: each command and option
it names exists in the `lhtl` parser; and the real window — a commune's and a province's, every page, plus
the set-up wizard — shows no button or check box the table does not list (and the table lists none the window
lacks). Adding a button without saying which command does the same fails here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lhtl_desktop.cli import build_parser
from lhtl_desktop.cli.docs import option_strings, walk
from lhtl_desktop.ui.actions import ACTIONS


def _commands() -> dict[str, set[str]]:
    return {" ".join(path): option_strings(parser) for path, parser, _help in walk(build_parser())}


def test_the_table_imports_no_qt() -> None:
    source = (Path(__file__).resolve().parents[2] / "lhtl_desktop" / "ui" / "actions.py").read_text("utf-8")
    assert "PySide6" not in source and "shiboken6" not in source


def test_every_declared_command_and_option_exists() -> None:
    commands = _commands()
    for action in ACTIONS:
        if action.command is None:
            assert action.why_window_only, f"«{action.label}»: no command and no reason"
            continue
        words = action.command.split()
        options = [w for w in words if w.startswith("--")]
        path = " ".join(w for w in words if not w.startswith("--"))
        assert path in commands, f"«{action.label}» ({action.page}) names «lhtl {path}», which does not exist"
        for option in options:
            assert option in commands[path], f"«{action.label}»: «lhtl {path}» has no option {option}"


def test_the_check_fails_for_a_missing_command() -> None:
    """The check above can fail: a command that is not in the parser is not found."""
    assert "institution merge" not in _commands()
    assert "--pdf" in _commands()["key show"] and "--frobnicate" not in _commands()["key show"]


# -- the real window -------------------------------------------------------------------------------------
@pytest.fixture
def app(qapp):  # type: ignore[no-untyped-def]
    from lhtl_desktop.ui.app import create_application

    return create_application(["lhtl"])


def _window_controls(qtbot, store) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QCheckBox, QPushButton, QRadioButton

    from lhtl_desktop.ui.app import build_main_window
    from lhtl_desktop.ui.main_window import PAGE_KEYS

    window = build_main_window(store)
    qtbot.addWidget(window)
    for key in PAGE_KEYS:
        page = window.show_page(key)
        for kind in (QPushButton, QCheckBox, QRadioButton):
            for button in page.findChildren(kind):
                if button.text().strip():
                    yield key, button.text().replace("&", "")


def _wizard_controls(qtbot, store) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QPushButton

    from lhtl_desktop.ui.wizard import SetupWizard

    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    for page_id in wizard.pageIds():
        for button in wizard.page(page_id).findChildren(QPushButton):
            if button.text().strip():
                yield "wizard", button.text().replace("&", "")


def test_every_window_control_is_declared(qtbot, app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from lhtl_desktop.services.installation import init_installation
    from lhtl_desktop.storage import open_store
    from lhtl_desktop.sync.keys import generate_key

    seen: set[tuple[str, str]] = set()
    for unit in ("14389", "37"):  # a commune's window and a province's (hubs, two-tier, thresholds)
        store = open_store(tmp_path / f"{unit}.sqlite3")
        init_installation(store, unit, "Nguyễn Văn An", generate_key(None))
        seen |= set(_window_controls(qtbot, store))
    fresh = open_store(tmp_path / "new.sqlite3")
    seen |= set(_wizard_controls(qtbot, fresh))

    declared = {(a.page, a.label) for a in ACTIONS if a.control}
    undeclared = sorted(seen - declared)
    assert not undeclared, ("window controls with no line in lhtl_desktop/ui/actions.py (name the command that "
                            f"does the same): {undeclared}")
    gone = sorted(declared - seen)
    assert not gone, f"lhtl_desktop/ui/actions.py lists controls the window no longer has: {gone}"
