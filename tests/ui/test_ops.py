"""The operation runner (ui/ops.py): one writer thread, in order, on one connection; reads that see what was
queued before them; one error path with the Vietnamese text; cancel for long ops. Real SQLite, real dialogs."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from lhtl_desktop.errors import DatabaseBusyError, ValidationError
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.ui.ops import Changes, Control, Latest, Ops, ReadOp, WriteOp

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "BEGIN", "COMMIT")


@pytest.fixture
def ops(db_path: Path, app: QApplication):  # type: ignore[no-untyped-def]
    runner = Ops(open_store(db_path))
    yield runner
    runner.close()


def _trace(store: Store) -> list[tuple[int, str]]:
    """(thread, statement) of everything the write connection runs (SQLite's trace, on the running thread)."""
    seen: list[tuple[int, str]] = []
    store.conn.set_trace_callback(lambda sql: seen.append((threading.get_ident(), sql)))
    return seen


def _put(store: Store, key: str, value: str) -> str:
    with store.atomic():
        store.set_meta(key, value)
    return value


def test_writes_run_in_queue_order_on_the_writer_thread_only(ops: Ops, qtbot) -> None:  # type: ignore[no-untyped-def]
    seen = _trace(ops.writer_store())
    results: list[str] = []
    for i in range(25):
        ops.write(WriteOp(lambda s, i=i: _put(s, "n", str(i)), Changes.SETTINGS, on_done=results.append))
    qtbot.waitUntil(lambda: len(results) == 25, timeout=10_000)
    assert results == [str(i) for i in range(25)]  # in the order they were queued
    writes = [(t, sql) for t, sql in seen if sql.split()[0].upper() in WRITES]
    assert len(writes) == 25 * 3  # BEGIN, INSERT, COMMIT each
    threads = {t for t, _sql in writes}
    assert threads == {ops.writer_ident} and threading.main_thread().ident not in threads
    assert ops.read_now(lambda s: s.get_meta("n")) == "24"


def test_two_writers_would_be_seen(ops: Ops, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The check above can fail: a write from the UI thread on the same connection shows up as a 2nd thread."""
    seen = _trace(ops.writer_store())
    done: list[str] = []
    ops.write(WriteOp(lambda s: _put(s, "a", "1"), on_done=done.append))
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    _put(ops.writer_store(), "b", "2")  # what a page holding the store used to do
    threads = {t for t, sql in seen if sql.split()[0].upper() in WRITES}
    assert len(threads) == 2


def test_read_now_sees_every_write_queued_before_it(ops: Ops) -> None:
    started = threading.Event()

    def slow(store: Store) -> str:
        started.set()
        time.sleep(0.2)
        return _put(store, "slow", "done")

    ops.write(WriteOp(slow))
    assert started.wait(5)
    assert ops.read_now(lambda s: s.get_meta("slow")) == "done"


def test_changes_come_after_on_done_with_their_source(ops: Ops, qtbot) -> None:  # type: ignore[no-untyped-def]
    events: list[object] = []
    ops.changed.connect(lambda changes, source: events.append(("changed", changes, source)))
    ops.write(WriteOp(lambda s: _put(s, "x", "1"), Changes.VALUES | Changes.INSTITUTIONS,
                      on_done=lambda r: events.append(("done", r))))
    ops.write(WriteOp(lambda s: 0, lambda n: Changes.VALUES if n else Changes.NONE))  # changed nothing
    qtbot.waitUntil(lambda: len(events) >= 2, timeout=10_000)
    qtbot.wait(50)
    assert events == [("done", "1"), ("changed", Changes.VALUES | Changes.INSTITUTIONS, None)]


def test_a_refused_op_reaches_the_error_dialog_with_its_vietnamese_text(ops: Ops, qtbot) -> None:  # type: ignore[no-untyped-def]
    texts: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            texts.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(20, read_and_close)

    def refuse(_store: Store) -> None:
        raise ValidationError("Giá trị «abc» không phải số nguyên không âm.")

    QTimer.singleShot(20, read_and_close)
    ops.write(WriteOp(refuse))  # no on_error: the one error path, the real dialog
    qtbot.waitUntil(lambda: bool(texts), timeout=10_000)
    assert texts == ["Giá trị «abc» không phải số nguyên không âm."]


def test_a_database_held_by_another_program_gives_the_busy_message(ops: Ops, db_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    ops.writer_store().conn.execute("PRAGMA busy_timeout = 100")  # SQLite retries for 100 ms, not 5 s
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program's write transaction
    refused: list[object] = []
    try:
        ops.write(WriteOp(lambda s: _put(s, "k", "v"), on_error=refused.append))
        qtbot.waitUntil(lambda: bool(refused), timeout=10_000)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert isinstance(refused[0], DatabaseBusyError)
    assert refused[0].message.startswith("Cơ sở dữ liệu đang được chương trình khác dùng")
    assert "không có gì bị thay đổi" in refused[0].message
    assert ops.read_now(lambda s: s.get_meta("k")) is None
    done: list[str] = []
    ops.write(WriteOp(lambda s: _put(s, "k", "v"), on_done=done.append))  # the writer carries on
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)


def test_a_bug_in_an_op_is_raised_on_the_ui_thread(ops: Ops, qtbot) -> None:  # type: ignore[no-untyped-def]
    def broken(_store: Store) -> None:
        raise KeyError("bug")

    with qtbot.captureExceptions() as raised:
        ops.write(WriteOp(broken, on_error=lambda exc: pytest.fail(f"a bug is no refusal: {exc}")))
        qtbot.waitUntil(lambda: bool(raised), timeout=10_000)
    assert isinstance(raised[0][1], KeyError)


def test_latest_read_wins(ops: Ops, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QObject

    owner = QObject()
    latest = Latest(owner)
    shown: list[str] = []

    def slow(_store: Store) -> str:
        time.sleep(0.2)
        return "old"

    ops.read(ReadOp(slow, shown.append, latest=latest))
    ops.read(ReadOp(lambda s: "new", shown.append, latest=latest))
    assert latest.loading
    qtbot.waitUntil(lambda: not latest.loading, timeout=10_000)
    qtbot.wait(400)  # the slow one has ended too
    assert shown == ["new"]


def test_a_long_op_reports_progress_and_stops_when_cancelled(ops: Ops, qtbot) -> None:  # type: ignore[no-untyped-def]
    control = Control()
    steps: list[int] = []
    control.progressed.connect(lambda done, _total, _text: steps.append(done))
    result: list[int] = []

    def long_op(store: Store) -> int:
        n = 0
        while not control.cancelled() and n < 500:
            n += 1
            control.report(n, 500, f"bước {n}")
            time.sleep(0.01)
        _put(store, "steps", str(n))
        return n

    ops.write(WriteOp(long_op, progress="Đang nhập gói…", control=control, on_done=result.append))
    qtbot.waitUntil(lambda: len(steps) >= 3, timeout=10_000)
    control.cancel()  # what «Hủy» does
    qtbot.waitUntil(lambda: bool(result), timeout=10_000)
    assert 3 <= result[0] < 500
    assert ops.read_now(lambda s: s.get_meta("steps")) == str(result[0])
