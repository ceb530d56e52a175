"""Every way of starting the program goes through one launcher: a command → CLI, none → window."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from lhtl_desktop import launcher

ROOT = Path(__file__).resolve().parents[2]


def test_console_and_gui_scripts_point_at_the_launcher() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"] == {"lhtl": "lhtl_desktop.launcher:main"}
    assert project["gui-scripts"] == {"lhtl-gui": "lhtl_desktop.launcher:gui_main"}


@pytest.mark.parametrize(("entry", "argv", "face"), [
    (launcher.main, [], "window"), (launcher.main, ["units"], "cli"),
    (launcher.gui_main, [], "window"), (launcher.gui_main, ["units"], "window"),
])
def test_which_face_starts(entry, argv: list[str], face: str, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import lhtl_desktop.cli as cli
    import lhtl_desktop.ui.app as app

    started: list[str] = []
    monkeypatch.setattr(app, "main", lambda *a: started.append("window") or 0)
    monkeypatch.setattr(cli, "main", lambda *a: started.append("cli") or 0)
    assert entry(argv) == 0
    assert started == [face]


@pytest.mark.parametrize("how", [["main.py"], ["-m", "lhtl_desktop"]])
def test_version_from_every_start(how: list[str]) -> None:
    args = [sys.executable, *([str(ROOT / how[0])] if how[0] == "main.py" else how), "--version"]
    done = subprocess.run(args, capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=ROOT,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert done.stdout.splitlines()[0] == f"lhtl {declared}"
