"""`python -m lhtl_desktop [LỆNH …]`: with a command, the CLI; without one, the window (as main.py)."""

import sys


def run() -> int:
    if len(sys.argv) > 1:
        from lhtl_desktop.cli import main

        return main(sys.argv[1:])
    from lhtl_desktop.ui.app import main as ui_main

    return ui_main()


sys.exit(run())
