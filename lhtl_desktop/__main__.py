"""`python -m lhtl_desktop …` runs the CLI (no command: the window)."""

import sys

from lhtl_desktop.cli import main

sys.exit(main())
