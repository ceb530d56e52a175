"""`python -m lhtl_desktop [LỆNH …]`: with a command, the CLI; without one, the window (as main.py)."""

import sys

from lhtl_desktop.launcher import main

sys.exit(main())
