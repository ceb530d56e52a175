"""Every action of the window has a command (ARCHITECTURE.md §5).

`lhtl_desktop/ui/actions.py` declares the window's actions and their commands. Here: each command and option
it names exists in the `lhtl` parser. `tests/ui/test_window_actions.py` holds the table to the real window
(no button or check box that the table does not list, none listed that the window lacks)."""

from __future__ import annotations

from pathlib import Path

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
