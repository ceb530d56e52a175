"""Shared fixtures. Qt runs offscreen; no test touches the real user folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The suite speaks the source language whatever the developer's shell says (the English build is tested in
# its own processes, tests/i18n/test_english.py); set before the package reads it.
os.environ["LHTL_LANG"] = os.environ.get("LHTL_TEST_LANG", "vi")  # LHTL_TEST_LANG=en: layout tests in English

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from lhtl_desktop.storage import Store, open_store  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own HOME/XDG dirs and no LHTL_DB, so the real data folder is never touched."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("LHTL_DB", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "lhtl.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = open_store(db_path)
    yield s
    s.close()
