"""A second start of the program on the same database brings the first window forward (with received files
in its import preview) instead of opening a second writer. The second start is a real process: `main.py`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lhtl_desktop.storage import open_store
from lhtl_desktop.ui.app import WindowStart
from lhtl_desktop.ui.main_window import MainWindow
from lhtl_desktop.ui.single_instance import SingleInstance

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from lhtl_desktop import launcher as entry_point  # noqa: E402 — every start goes through it


def _second_start(db: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "LHTL_DB": str(db), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen([sys.executable, str(ROOT / "main.py"), *args], env=env, cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture
def running(qtbot, app, commune):  # type: ignore[no-untyped-def]
    """The first window, as `ui.app.main` starts it: the database's lock and mailbox, then the window."""
    db = Path(commune.store.path)
    commune.store.close()
    instance = SingleInstance(db)
    assert instance.acquire()
    start = WindowStart(app, db)
    start.show_error = lambda text: pytest.fail(f"unexpected error dialog: {text}")
    assert start.open()
    instance.received.connect(start.receive)
    yield db, start, instance
    start._close()  # noqa: SLF001
    instance.release()


def test_a_second_start_brings_the_window_forward_and_previews_the_received_file(
        qtbot, running, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.sync.conftest import make_node

    db, start, _instance = running
    window = start.window
    assert isinstance(window, MainWindow)
    window.showMinimized()
    # a bundle from a commune this hub does not know: previewed (quarantine), nothing written
    sender = make_node(tmp_path / "x", "14404", "Đỗ Văn C")
    bundle = sender.export()
    before = open_store(db, check=False)
    try:
        dump = before.dump()
    finally:
        before.close()
    second = _second_start(db, str(bundle))
    qtbot.waitUntil(lambda: second.poll() is not None, timeout=60_000)
    out, err = second.communicate()
    assert second.returncode == 0, err
    qtbot.waitUntil(lambda: window.current_key() == "sync", timeout=10_000)
    sync = window.pages["sync"]
    qtbot.waitUntil(lambda: len(sync.last_results) == 1, timeout=20_000)  # type: ignore[attr-defined]
    assert not window.isMinimized()
    assert sync.tabs.currentIndex() == 1 and sync.files.count() == 1  # type: ignore[attr-defined]
    assert sync.last_results[0].dry_run  # type: ignore[attr-defined]
    assert "chưa ghi gì" in sync.result_summary.text()  # type: ignore[attr-defined]
    after = open_store(db, check=False)
    try:
        assert after.dump() == dump  # the second start opened no writer, the preview wrote nothing
    finally:
        after.close()


def test_a_plain_second_start_only_comes_forward(qtbot, running) -> None:  # type: ignore[no-untyped-def]
    db, start, instance = running
    came: list[list[Path]] = []
    instance.received.connect(came.append)
    second = _second_start(db)
    qtbot.waitUntil(lambda: second.poll() is not None, timeout=60_000)
    assert second.returncode == 0, second.communicate()[1]
    qtbot.waitUntil(lambda: bool(came), timeout=5_000)
    assert came == [[]]
    assert isinstance(start.window, MainWindow) and start.window.current_key() == "dashboard"


def test_a_lock_left_by_a_dead_window_is_taken_over(tmp_path: Path, app) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "lhtl.sqlite3"
    killed = subprocess.run([sys.executable, "-c", (
        "import os, sys\n"
        "from PySide6.QtCore import QLockFile\n"
        f"lock = QLockFile({str(db) + '.window-lock'!r})\n"
        "assert lock.tryLock(0)\n"
        "os._exit(9)  # the window's process dies without unlocking\n")], check=False)
    assert killed.returncode == 9 and (tmp_path / "lhtl.sqlite3.window-lock").exists()
    first = SingleInstance(db)
    try:
        assert first.acquire()  # not refused for a dead owner
        second = SingleInstance(db)
        assert not second.acquire(wait_seconds=0.3)  # while this one lives, the lock is held
        assert not second.answered  # (nobody takes requests in this test: no event loop turns)
    finally:
        first.release()


def test_received_files_decide_window_or_cli(tmp_path: Path) -> None:
    bundle = tmp_path / "goi.lhtl"
    bundle.write_bytes(b"{}")
    assert entry_point._received_files([str(bundle)]) == [bundle.resolve()]  # noqa: SLF001
    assert entry_point._received_files(["import", str(bundle)]) is None  # noqa: SLF001 — a CLI command
    assert entry_point._received_files([str(tmp_path / "missing.lhtl")]) is None  # noqa: SLF001
    assert entry_point._received_files([]) is None  # noqa: SLF001
