"""The terminal as the program finds it: UTF-8 whatever the console says, quiet when the reader goes away.

On Windows a pipe or a redirect (`lhtl units > out.txt`) is cp1252 by default and Vietnamese would come out
as «M\\u0111\\u01a1n v\\u1ecb» or fail; `lhtl units | head` closes the pipe early and Python would end in a
BrokenPipeError traceback. Both are the terminal's business, not the officer's.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def utf8_streams() -> None:
    """stdout/stderr as UTF-8 whatever the console or pipe says; a windowed build (none) writes to nowhere."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 — lives as long as the process
        elif (getattr(stream, "encoding", "") or "").lower().replace("-", "").replace("_", "") != "utf8":
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(encoding="utf-8", errors="replace")


def quiet_on_closed_pipe(run: Callable[[], int]) -> int:
    """Run a command; if whoever reads our output has gone (`| head`), stop quietly with exit code 1 (not 0:
    the output was cut short), without a traceback."""
    try:
        code = run()
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # Point stdout at nowhere so the interpreter's own flush at exit does not raise a second time.
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        finally:
            os.close(devnull)
        return 1
