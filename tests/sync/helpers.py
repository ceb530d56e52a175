"""Shared helpers for the sync tests: installations driven through the CLI, as an officer's script would."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lhtl_desktop.cli import main
from lhtl_desktop.storage import Store, open_store


@dataclass
class Site:
    """One installation (one database) run through the CLI."""

    db: Path
    unit: str
    capsys: pytest.CaptureFixture[str]

    def run(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main(["--db", str(self.db), *args])
        out = self.capsys.readouterr()
        return code, out.out, out.err

    def ok(self, *args: str) -> str:
        code, out, err = self.run(*args)
        assert code == 0, (args, out, err)
        return out

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json"))

    def fingerprint(self) -> str:
        return str(self.json("key", "show")["fingerprint"])

    def add(self, type_code: str, name: str) -> str:
        return self.ok("institution", "add", "--unit", self.unit, "--type", type_code, "--name", name).strip()

    def export(self, out: Path, *extra: str) -> Path:
        self.ok("export", "--out", str(out), *extra)
        return out

    def store(self) -> Store:
        return open_store(self.db)


def make_site(tmp: Path, capsys: pytest.CaptureFixture[str], unit: str, officer: str = "Nguyễn Văn An",
              *extra: str) -> Site:
    site = Site(tmp / f"{unit}.sqlite3", unit, capsys)
    site.ok("init", "--unit", unit, "--officer", officer, *extra)
    return site


def enrol(parent: Site, child: Site, folder: Path) -> None:
    """The child writes its enrolment file; the parent types the fingerprint read from the child's sheet."""
    path = folder / f"enrol-{child.unit}.lhtl"
    child.ok("key", "export", "--out", str(path))
    parent.ok("key", "enroll", str(path), "--fingerprint", child.fingerprint())
