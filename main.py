"""lhtl_desktop entry point: with a command, the CLI; without one, the window (see lhtl_desktop/launcher.py)."""

import sys

from lhtl_desktop.launcher import main

if __name__ == "__main__":
    sys.exit(main())
