"""lhtl_desktop entry point: with a command, the CLI; without one, the window."""

import sys


def main() -> int:
    if len(sys.argv) > 1:
        from lhtl_desktop.cli import main as cli_main

        return cli_main(sys.argv[1:])
    from lhtl_desktop.ui.app import main as ui_main

    return ui_main()


if __name__ == "__main__":
    sys.exit(main())
