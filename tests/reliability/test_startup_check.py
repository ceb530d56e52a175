"""The window's deferred start-up check: the file is checked right after the first paint, no write happens
before the check has passed, and a damaged file still leads to the rescue dialog (real widgets, offscreen).

The CLI keeps `PRAGMA quick_check` at open (`open_store()` default); `open_store(check=False)` is what the
window uses.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from rel_support import check_workload, workload_transaction

from lhtl_desktop.errors import DatabaseCorruptError
from lhtl_desktop.storage import backup as backup_store
from lhtl_desktop.storage import open_store
from lhtl_desktop.storage.db import quick_check
from lhtl_desktop.ui.app import WindowStart, create_application
from lhtl_desktop.ui.backup_dialog import StartupRecoveryDialog
from lhtl_desktop.ui.main_window import MainWindow
from lhtl_desktop.ui.ops import Ops, WriteOp


def _damage_btree(path: Path, name: str) -> str:
    """Break the root page of one table or index (an invalid page type); returns the file's new hash.
    `value_history_key` is read by nothing at start-up: the file opens, the window draws, only the check
    sees it. `meta` is read at once (is the installation set up?)."""
    conn = sqlite3.connect(path)
    try:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [name]).fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * size + (100 if root == 1 else 0)] = 0x01
    path.write_bytes(bytes(data))
    return hashlib.sha256(bytes(data)).hexdigest()


def _backup_at_step_one(path: Path) -> None:
    store = open_store(path)
    workload_transaction(store, 1)
    backup_store.rolling_backup(store, "exit")
    store.close()


def _rows(store) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    conn = store.conn
    return (sorted(conn.execute("SELECT key, value FROM meta").fetchall()),
            sorted(conn.execute("SELECT id, name FROM institutions").fetchall()),
            sorted(conn.execute("SELECT edit_id, value FROM value_records").fetchall()))


# -- the store -----------------------------------------------------------------------------------------------
def test_the_cli_path_still_checks_at_open(workload_db: Path) -> None:
    _damage_btree(workload_db, "value_history_key")
    with pytest.raises(DatabaseCorruptError) as caught:
        open_store(workload_db)
    assert "btreeInitPage" in caught.value.message and "*** in database" not in caught.value.message
    store = open_store(workload_db, check=False)  # the window's way: opens, the check comes later
    try:
        assert store.get_meta("unit_code") == "14389"
    finally:
        store.close()


def _traced(store) -> list[str]:  # type: ignore[no-untyped-def]
    """Every statement the store's connection runs, in order (SQLite's own trace)."""
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    return statements


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.split()[0].upper() in ("INSERT", "UPDATE", "DELETE", "BEGIN", "REPLACE")]


def test_writes_queued_before_the_check_wait_for_it_then_run(workload_db: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    store = open_store(workload_db, check=False)
    ops = Ops(store, check=True)
    statements = _traced(store)
    done: list[object] = []
    try:
        for k in (1, 2):
            ops.write(WriteOp(lambda s, k=k: workload_transaction(s, k), on_done=done.append))
        assert ops.check_passed is None
        assert check_workload(workload_db) == 0  # queued, not run: the writer waits for start_check()
        ops.start_check()
        qtbot.waitUntil(lambda: len(done) == 2, timeout=10_000)
        assert ops.check_passed is True
        check_at = statements.index("PRAGMA quick_check")
        assert _writes(statements) and all(statements.index(w) > check_at for w in _writes(statements))
    finally:
        ops.close()
    assert check_workload(workload_db) == 2


def test_a_failed_check_refuses_every_queued_write(workload_db: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    broken = _damage_btree(workload_db, "value_history_key")
    store = open_store(workload_db, check=False)
    before = _rows(store)
    ops = Ops(store, check=True)
    refused: list[str] = []
    settled: list[object] = []
    ops.checked.connect(settled.append)
    ops.show_error = lambda exc: refused.append(exc.message)  # the one error path: the dialog's text
    try:
        ops.write(WriteOp(lambda s: workload_transaction(s, 1)))
        ops.start_check()
        qtbot.waitUntil(lambda: bool(refused) and bool(settled), timeout=10_000)
        assert isinstance(settled[0], DatabaseCorruptError) and ops.check_passed is False
        assert refused[0].startswith("Không lưu được: cơ sở dữ liệu không vượt qua bước kiểm tra")
        ops.write(WriteOp(lambda s: workload_transaction(s, 2)))  # a later write too
        qtbot.waitUntil(lambda: len(refused) == 2, timeout=10_000)
        reader = open_store(workload_db, check=False)
        try:
            assert _rows(reader) == before
        finally:
            reader.close()
    finally:
        ops.close()
    assert hashlib.sha256(workload_db.read_bytes()).hexdigest() == broken


def test_quick_check_reports_what_it_found(workload_db: Path) -> None:
    store = open_store(workload_db, check=False)
    try:
        assert quick_check(store) is None
    finally:
        store.close()
    _damage_btree(workload_db, "value_history_key")
    store = open_store(workload_db, check=False)
    try:
        error = quick_check(store)
        assert isinstance(error, DatabaseCorruptError) and "btreeInitPage" in error.message
    finally:
        store.close()


# -- the window ----------------------------------------------------------------------------------------------
@pytest.fixture
def app(qapp: QApplication) -> QApplication:
    return create_application(["lhtl"])


def _start(app: QApplication, db: Path, rescues: list[StartupRecoveryDialog], *,
           accept: bool = True) -> WindowStart:
    start = WindowStart(app, db)
    start.show_error = lambda text: pytest.fail(f"unexpected error dialog: {text}")

    def recover(path: Path, error: DatabaseCorruptError) -> bool:
        dialog = StartupRecoveryDialog(path, error)  # the real dialog, its button pressed
        rescues.append(dialog)
        return accept and dialog.restore_newest()

    start.recover = recover
    return start


def _close(start: WindowStart) -> None:
    start._close()  # noqa: SLF001 — the window and the store, as the rescue closes them


def test_window_draws_first_then_checks_then_saves(app: QApplication, qtbot, workload_db: Path) -> None:  # type: ignore[no-untyped-def]
    start = _start(app, workload_db, [])
    try:
        assert start.open()
        ops = start.ops()
        assert ops is not None and isinstance(start.window, MainWindow)
        assert ops.check_passed is None  # nothing checked before the window is drawn
        assert start.checked_ops() is None  # so the exit backup would copy nothing yet
        saved: list[object] = []
        ops.write(WriteOp(lambda s: workload_transaction(s, 1), on_done=saved.append))  # waits for the check
        qtbot.waitUntil(lambda: bool(saved), timeout=10_000)  # the first paint started the check
        assert ops.check_passed is True and start.checked_ops() is ops
    finally:
        _close(start)
    assert check_workload(workload_db) == 1


def test_window_on_a_file_failing_its_check_leads_to_the_rescue(app: QApplication, qtbot, workload_db: Path) -> None:  # type: ignore[no-untyped-def]
    _backup_at_step_one(workload_db)
    broken = _damage_btree(workload_db, "value_history_key")
    rescues: list[StartupRecoveryDialog] = []
    start = _start(app, workload_db, rescues)
    try:
        assert start.open()  # the file opens and the window is drawn: only the check sees the damage
        first_window, first_store = start.window, start.store
        assert isinstance(first_window, MainWindow) and first_store is not None
        qtbot.waitUntil(lambda: bool(rescues), timeout=10_000)
        dialog = rescues[0]
        assert "btreeInitPage" in dialog.findChildren(type(dialog.offer))[0].text()
        assert "Xã Gia Lâm" in dialog.offer.text() and dialog.result_info is not None
        kept = dialog.result_info.kept_aside
        assert kept is not None  # the damaged file, as it was: nothing was written to it
        assert hashlib.sha256((kept / workload_db.name).read_bytes()).hexdigest() == broken
        assert start.exit_code == 0 and start.window is not first_window
        assert isinstance(start.window, MainWindow) and start.store is not first_store
        ops = start.ops()
        assert ops is not None and ops.check_passed is True  # reopened with the check
        assert start.store.get_meta("workload_step") == "1"
    finally:
        _close(start)
    assert check_workload(workload_db) == 1


def test_window_meeting_a_damaged_page_while_it_builds_leads_to_the_rescue(app: QApplication, qtbot, workload_db: Path) -> None:  # type: ignore[no-untyped-def]
    _backup_at_step_one(workload_db)
    _damage_btree(workload_db, "meta")  # read before the window exists (is the installation set up?)
    rescues: list[StartupRecoveryDialog] = []
    start = _start(app, workload_db, rescues)
    try:
        assert start.open()
        assert len(rescues) == 1 and "malformed" in rescues[0].findChildren(type(rescues[0].offer))[0].text()
        assert isinstance(start.window, MainWindow) and start.store is not None
        assert start.store.get_meta("workload_step") == "1"
    finally:
        _close(start)


def test_window_on_a_file_that_does_not_open_and_the_officer_quits(app: QApplication, qtbot, workload_db: Path) -> None:  # type: ignore[no-untyped-def]
    workload_db.write_bytes(workload_db.read_bytes()[:100] + b"\x07" * 8192)
    rescues: list[StartupRecoveryDialog] = []
    start = _start(app, workload_db, rescues, accept=False)
    assert not start.open()
    assert len(rescues) == 1 and start.exit_code == 2
    assert start.window is None and start.store is None
