"""A wheel built from the repository installs into a fresh venv outside the checkout and works there.

This is what a maintainer who `pip install`s the program gets: fonts and translations must be package
data (not files beside the checkout), the version must come from the package metadata, and `lhtl` with no
command opens the window while `lhtl-gui` exists for Windows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.i18n_support import untranslated

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    wheels = work / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels), str(ROOT)], check=True, timeout=600)
    (wheel,) = wheels.glob("lhtl_desktop-*.whl")
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], check=True, timeout=900)
    return env_dir


def _run(env_dir: Path, tool: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = env_dir / ("Scripts" if os.name == "nt" else "bin") / tool
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(cwd), XDG_DATA_HOME=str(cwd / "data"))
    return subprocess.run([str(exe), *args], cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8",
                          timeout=300)


def test_the_wheel_carries_fonts_and_metadata(installed: Path, tmp_path: Path) -> None:
    code = ("import lhtl_desktop, pathlib; from lhtl_desktop.services.reports.fonts import bundled_font_dir;"
            "d = bundled_font_dir(); print(lhtl_desktop.__version__); print(d);"
            "print(sorted(p.name for p in d.iterdir()))")
    done = _run(installed, "python", "-c", code, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    version, folder, names = done.stdout.splitlines()
    declared = next(line.split('"')[1] for line in (ROOT / "pyproject.toml").read_text().splitlines()
                    if line.startswith("version"))
    assert version == declared
    assert str(ROOT) not in folder and "site-packages" in folder
    assert "LhtlMarks.ttf" in names and "Tinos-Regular.ttf" in names


def test_selftest_version_and_a_cli_round_trip_outside_the_checkout(installed: Path, tmp_path: Path) -> None:
    selftest = _run(installed, "lhtl", "--selftest", cwd=tmp_path)
    assert selftest.returncode == 0, selftest.stdout + selftest.stderr
    assert "[LỖI]" not in selftest.stdout
    assert _run(installed, "lhtl", "--version", cwd=tmp_path).stdout.startswith("lhtl ")
    assert _run(installed, "lhtl-gui", "--version", cwd=tmp_path).returncode == 0
    db = tmp_path / "xa.sqlite3"
    assert _run(installed, "lhtl", "--db", str(db), "init", "--unit", "14389", "--officer", "Nguyễn Văn An",
                cwd=tmp_path).returncode == 0
    added = _run(installed, "lhtl", "--db", str(db), "institution", "add", "--unit", "14389", "--type",
                 "lib_commune", "--name", "Thư viện xã Gia Lâm", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    listed = _run(installed, "lhtl", "--db", str(db), "institution", "list", "--json", cwd=tmp_path)
    inst = json.loads(listed.stdout)[0]["id"]
    assert _run(installed, "lhtl", "--db", str(db), "set", "--institution", inst, "--period", "2025",
                "LIB_VISITS=1300", cwd=tmp_path).returncode == 0
    got = _run(installed, "lhtl", "--db", str(db), "get", "--institution", inst, "--period", "2025", "--json",
               cwd=tmp_path)
    assert '"LIB_VISITS": 1300' in got.stdout, got.stdout + got.stderr
    pdf = tmp_path / "bieu.pdf"
    report = _run(installed, "lhtl", "--db", str(db), "report", "--period", "2025", "--out", str(pdf), cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_wheel_speaks_english_when_asked(installed: Path, tmp_path: Path) -> None:
    """The compiled catalogue is package data: `LHTL_LANG=en` in a venv outside the checkout is English."""
    exe = installed / ("Scripts" if os.name == "nt" else "bin") / "lhtl"
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"), LHTL_LANG="en")
    done = subprocess.run([str(exe), "--help"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)
    assert done.returncode == 0, done.stderr
    assert "lifelong" in done.stdout.lower() and "database file" in done.stdout
    assert untranslated(done.stdout.splitlines()) == [], done.stdout
