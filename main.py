"""lhtl_desktop entry point: with a command, the CLI; without one, the window.

Two options are handled here, before either face starts, because they must work in the packaged program
whatever its state: `--version` (program, Python, SQLite and Qt versions) and `--selftest` (open the main
window offscreen, write a PDF, migrate a temporary database, verify a bundle; exit 0 only if all pass).
"""

import os
import sys
from pathlib import Path


def _usable_streams() -> None:
    """UTF-8 output even when redirected on Windows; a windowed build (no console) writes to nowhere."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 — lives as long as the process
        elif (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(encoding="utf-8", errors="replace")


def main() -> int:
    _usable_streams()
    args = sys.argv[1:]
    if args == ["--version"]:
        from lhtl_desktop.selftest import version_lines
        from lhtl_desktop.ui.selftest_window import qt_versions

        print("\n".join(version_lines(qt_versions())))
        return 0
    if args == ["--selftest"]:
        from lhtl_desktop.selftest import run_selftest
        from lhtl_desktop.ui.selftest_window import check_main_window

        return run_selftest(window_check=check_main_window)
    files = _received_files(args)
    if args and files is None:
        from lhtl_desktop.cli import main as cli_main

        return cli_main(args)
    from lhtl_desktop.ui.app import main as ui_main

    return ui_main(files=files)


def _received_files(args: list[str]) -> list[Path] | None:
    """`main.py FILE.lhtl …` (what a double-click on a received file runs): the window, with their preview.
    Decided here, before Qt is imported: any other argument list is a CLI command."""
    if not args or any(a.startswith("-") for a in args):
        return None
    paths = [Path(a) for a in args]
    if all(p.suffix.lower() in (".lhtl", ".xlsx") and p.is_file() for p in paths):
        return [p.resolve() for p in paths]
    return None


if __name__ == "__main__":
    sys.exit(main())
