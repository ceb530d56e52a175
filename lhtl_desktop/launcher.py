"""The one way the program starts, whatever started it: main.py, `python -m lhtl_desktop`, `lhtl`, `lhtl-gui`.

Two options are handled before either face starts, because they must work in the packaged program whatever
its state: `--version` (program, Python, SQLite and Qt versions) and `--selftest` (open the main window
offscreen, write a PDF, migrate a temporary database, verify a bundle; exit 0 only if all pass). With any
other argument the CLI runs; with none, the window opens (`lhtl-gui` always opens the window).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from lhtl_desktop.console import quiet_on_closed_pipe, utf8_streams


def _special(args: list[str]) -> int | None:
    if args == ["--version"]:
        from lhtl_desktop.selftest import version_lines
        from lhtl_desktop.ui.selftest_window import qt_versions

        print("\n".join(version_lines(qt_versions())))
        return 0
    if args == ["--selftest"]:
        from lhtl_desktop.selftest import run_selftest
        from lhtl_desktop.ui.selftest_window import check_main_window

        return run_selftest(window_check=check_main_window)
    return None


def _window() -> int:
    from lhtl_desktop.ui.app import main as ui_main

    return ui_main()


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point: a command → the CLI; no command → the window."""
    utf8_streams()
    args = list(sys.argv[1:] if argv is None else argv)
    special = _special(args)
    if special is not None:
        return special
    if args:
        from lhtl_desktop.cli import main as cli_main

        return quiet_on_closed_pipe(lambda: cli_main(args))
    return _window()


def gui_main(argv: Sequence[str] | None = None) -> int:
    """Windowed entry point (`lhtl-gui`, no console on Windows): `--version`/`--selftest`, else the window."""
    utf8_streams()
    args = list(sys.argv[1:] if argv is None else argv)
    special = _special(args)
    return special if special is not None else _window()
