"""Command-line face of the services (ARCHITECTURE.md §5): argparse, printing and exit codes only.

Exit codes: 0 success; 2 bad input or refused (one Vietnamese line on stderr, nothing written);
3 an import where any file was rejected or quarantined. `--json` prints exactly one JSON document.
Each command group lives in its own module and registers itself through `register(subparsers)`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from lhtl_desktop import __version__, logs
from lhtl_desktop.errors import (
    BundleError,
    DatabaseError,
    FileAccessError,
    LhtlError,
    environment_error,
)
from lhtl_desktop.i18n import _
from lhtl_desktop.storage.opened import close_opened_stores

Handler = Callable[[argparse.Namespace], int]


class VietnameseArgumentParser(argparse.ArgumentParser):
    """argparse with a Vietnamese first line on usage errors (exit 2, as for every bad input)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, _("Lệnh không hợp lệ: {msg}. Xem «{prog} --help».").format(msg=message, prog=self.prog) + "\n")


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", default=argparse.SUPPRESS, metavar="PATH",
        help=_("tệp cơ sở dữ liệu (mặc định: biến LHTL_DB, rồi thư mục dữ liệu của người dùng)"),
    )


def add_command(sub: argparse._SubParsersAction, name: str, help_text: str,  # type: ignore[type-arg]
                handler: Handler) -> argparse.ArgumentParser:
    """A command of a group: its help line (also its description), --db, and the function that runs it."""
    p = sub.add_parser(name, help=help_text, description=help_text)
    add_db_option(p)
    p.set_defaults(handler=handler)
    return p


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=_("in đúng một tài liệu JSON ra stdout"))


def subcommands(sub: argparse._SubParsersAction, group: str) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    """The subcommand table of an existing group («institution», «key»), so that another module can add
    commands to it."""
    parser = sub.choices[group]
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def build_parser() -> argparse.ArgumentParser:
    from lhtl_desktop.cli import argparse_words

    argparse_words.install()
    parser = VietnameseArgumentParser(
        prog="lhtl",
        description=_(
            "Ghi nhận, tổng hợp và đánh giá hoạt động phục vụ học tập suốt đời trong thư viện, bảo tàng, "
            "trung tâm văn hóa (QĐ 1520/QĐ-TTg). Không có lệnh: mở cửa sổ chương trình."
        ),
    )
    parser.add_argument("--version", action="version", version=f"lhtl {__version__}",
                        help=_("in số phiên bản của chương trình rồi thoát"))
    add_db_option(parser)
    sub = parser.add_subparsers(dest="command", metavar=_("LỆNH"), parser_class=VietnameseArgumentParser)
    for module in command_modules():
        module.register(sub)
    return parser


def command_modules() -> list[Any]:
    """Every command group, in the order `--help` lists them. A new group adds its module here."""
    from lhtl_desktop.cli import (
        backup_commands,
        config_commands,
        core,
        form_commands,  # return forms and figures from before the program
        indicator_commands,
        institution_commands,
        key_commands,
        report_commands,
        reporting_commands,
        revert_commands,
        sheet_commands,
        support_commands,
        sync_commands,
    )

    # institution_commands and key_commands add to groups that core and sync_commands create: after them.
    return [core, backup_commands, report_commands, sync_commands, institution_commands, key_commands,
            indicator_commands, config_commands, revert_commands, reporting_commands, form_commands,
            sheet_commands, support_commands]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    _start_log(args)
    try:
        code = handler(args)
    except LhtlError as exc:
        logs.log.warning("cli %s refused (exit %s): %s", _command_name(args), exc.exit_code, exc.message)
        sys.stderr.write(exc.message + "\n")
        return _exit_code(args, exc)
    except BrokenPipeError:
        raise  # the reader went away: the launcher ends quietly
    except Exception as exc:
        # The environment's fault reaching here (a lock held past the busy timeout, a read-only disk, a file
        # that vanished): one Vietnamese line, never a traceback. Anything else is a bug and stays loud.
        mapped = environment_error(exc, getattr(args, "db", None))
        if mapped is None:
            logs.log.exception("cli %s: unexpected error", _command_name(args))
            raise
        logs.log.warning("cli %s stopped (exit %s): %s", _command_name(args), _exit_code(args, mapped),
                         mapped.message)
        sys.stderr.write(mapped.message + "\n")
        return _exit_code(args, mapped)
    finally:
        close_opened_stores()
    logs.event("cli", command=_command_name(args), exit=code)
    return code


def _command_name(args: argparse.Namespace) -> str:
    parts = [getattr(args, "command", None) or ""]
    for attr in ("key_command", "institution_command", "sub_command", "subcommand", "action"):
        value = getattr(args, attr, None)
        if isinstance(value, str):
            parts.append(value)
    return " ".join(p for p in parts if p)


def _start_log(args: argparse.Namespace) -> None:
    """The CLI logs into the same per-user log as the window (never beside a --db file)."""
    logs.setup_logging(logs.default_log_folder(), "cli")
    logs.event("cli-start", command=_command_name(args), db=getattr(args, "db", None) or "-")


def _exit_code(args: argparse.Namespace, exc: LhtlError) -> int:
    """2 for a refusal; 3 when an import was stopped by its files or the database (busy, read-only, ...): the
    import contract says 3 whenever not everything got in. A usage error («no file chosen») stays 2."""
    stopped = isinstance(exc, DatabaseError | FileAccessError | BundleError)
    return 3 if getattr(args, "command", None) == "import" and stopped else exc.exit_code
