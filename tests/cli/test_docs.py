"""Docs kept true by tests: docs/CLI.md is what `make docs` writes from today's parser, every command and
option says what it does, and README's command section names every command and points to docs/CLI.md.

The commands are read from the argparse tree, so a command any module registers is covered without being
listed here."""

from __future__ import annotations

import re
from pathlib import Path

from lhtl_desktop.cli import build_parser
from lhtl_desktop.cli.docs import command_paths, docs_path, render, walk

ROOT = Path(__file__).resolve().parents[2]


def readme_command_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Dòng lệnh / Command line")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_cli_md_is_current() -> None:
    expected = render(build_parser())
    current = docs_path().read_text(encoding="utf-8") if docs_path().exists() else ""
    assert current == expected, "docs/CLI.md is stale: run «make docs» and commit it"


def test_cli_md_names_every_command_and_option() -> None:
    text = docs_path().read_text(encoding="utf-8")
    for path, parser, _help in walk(build_parser()):
        section = text.split(f"## `lhtl {' '.join(path)}`\n", 1)[1].split("\n## ", 1)[0]
        for action in parser._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help", "--db"):
                    assert f"`{option}" in section, (path, option)


def test_every_command_and_option_has_help() -> None:
    for path, parser, help_text in walk(build_parser()):
        assert help_text.strip(), f"«lhtl {' '.join(path)}» has no help line"
        for action in parser._actions:
            if set(action.option_strings) & {"-h", "--help", "--db"}:
                continue
            assert (action.help or "").strip(), f"«lhtl {' '.join(path)}»: {action.option_strings or action.dest}"


def test_readme_lists_every_command_and_points_to_cli_md() -> None:
    section = readme_command_section()
    assert "docs/CLI.md" in section
    listed = set(re.findall(r"lhtl ([a-z][a-z-]*(?: [a-z][a-z-]*)?)", section))
    missing = [p for p in command_paths(build_parser())
               if p not in listed and not any(line.startswith(p + " ") for line in listed)]
    assert not missing, f"README's command section does not name: {missing}"


def test_the_walk_sees_commands_added_later() -> None:
    """A module registering a new group shows up in the page without touching the generator."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    group = sub.add_parser("demo", help="nhóm thử")
    inner = group.add_subparsers()
    p = inner.add_parser("run", help="chạy thử")
    p.add_argument("--fast", action="store_true", help="nhanh")
    assert "demo run" in command_paths(parser)
    page = render(parser)
    assert "## `lhtl demo run`" in page and "`--fast`" in page and "| nhanh |" in page
