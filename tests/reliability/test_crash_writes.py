"""Crash safety of ordinary writes (institution + `set` values, one transaction):

- a deterministic sweep with SQLite's progress handler: the statement is interrupted at VM step N for every N
  across the whole transaction (in-process: rollback path; forked child: the process dies at step N);
- `kill -9` of a child process that writes in a loop, at 120 random moments;
- a full disk (`PRAGMA max_page_count`) at every page margin up to the size of the transaction.
Each time the database is wholly before or wholly after (rel_support.check_workload) and
`PRAGMA integrity_check` is ok.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest
import rel_support
from rel_support import check_workload, child_dying_at, integrity, record, workload_transaction

from lhtl_desktop.errors import DiskFullError
from lhtl_desktop.storage import Store, open_store

posix_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork/kill -9 harness needs POSIX")
PROGRESS_EVERY = 50  # VM instructions between progress-handler calls


def count_steps(db: Path, k: int) -> int:
    """How many progress-handler calls transaction k takes (run on a throw-away copy)."""
    calls = 0

    def count() -> int:
        nonlocal calls
        calls += 1
        return 0

    store = open_store(db)
    try:
        store.db.conn.set_progress_handler(count, PROGRESS_EVERY)
        workload_transaction(store, k)
    finally:
        store.close()
    return calls


def test_progress_handler_sweep_rolls_back_wholly(workload_db: Path) -> None:
    store = open_store(workload_db)
    tried = lost = interrupted = 0
    try:
        for n in range(1, 100_000):
            before = store.dump()
            calls = 0

            def stop_at(n: int = n) -> int:
                nonlocal calls
                calls += 1
                return 1 if calls == n else 0

            store.db.conn.set_progress_handler(stop_at, PROGRESS_EVERY)
            try:
                workload_transaction(store, 1)
                completed = True
            except sqlite3.OperationalError as exc:
                assert "interrupted" in str(exc)
                completed = False
            finally:
                store.db.conn.set_progress_handler(None, 0)
            tried += 1
            if completed:
                break  # n went past the last step: the transaction committed whole
            interrupted += 1
            if store.dump() != before or store.integrity_check() != "ok":
                lost += 1
    finally:
        store.close()
    if integrity(workload_db) != "ok" or check_workload(workload_db) != 1:
        lost += 1
    record("write-interrupt-sweep", "`set` + new institution interrupted at VM step N (every N)",
           "progress handler returns 1 at call N (every 50 VM steps), in-process rollback", tried, lost)
    assert lost == 0
    assert interrupted == tried - 1 > 20  # every step until the transaction could finish was interrupted


def _child_crash_at(db: Path, n: int, k: int) -> int:
    """Fork a child that dies (os._exit, no rollback, no close) at progress call n of transaction k."""

    def work(store: Store) -> int:
        workload_transaction(store, k)
        return 0

    return child_dying_at(db, n, PROGRESS_EVERY, work)


@posix_only
def test_crash_sweep_at_every_step_leaves_before_or_after(workload_db: Path, tmp_path: Path) -> None:
    probe = tmp_path / "probe.sqlite3"
    probe.write_bytes(workload_db.read_bytes())
    total = count_steps(probe, 1)
    stride = max(1, total // 60)  # ~60 crash points spread over the whole transaction, first and last included
    points = sorted({*range(1, total + 1, stride), total, total + 1})
    tried = lost = 0
    step = 0
    for n in points:
        code = _child_crash_at(workload_db, n, step + 1)
        tried += 1
        after = check_workload(workload_db)  # raises if torn
        # died inside the transaction (exit 9): wholly before; ran to the end (exit 0): wholly after
        expected = step if code == 9 else step + 1
        ok = integrity(workload_db) == "ok" and code in (0, 9) and after == expected
        lost += 0 if ok else 1
        step = after
    record("write-crash-sweep", "process dies at VM step N of `set` + new institution",
           "forked writer calls os._exit at progress call N, N spread evenly over the transaction", tried, lost)
    assert lost == 0
    assert step >= 1  # the last point (past the end) committed


@posix_only
@pytest.mark.slow
def test_kill_9_at_random_moments(workload_db: Path) -> None:
    rng = random.Random(20250701)
    rounds = 120
    lost = mid_transaction = 0
    step = 0
    for _ in range(rounds):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: write transactions until killed
            os.close(r)
            try:
                store = open_store(workload_db)
                k = int(store.get_meta("workload_step") or "0")
                os.write(w, b"R")
                while True:
                    k += 1
                    os.write(w, b"B")
                    workload_transaction(store, k)
                    os.write(w, b"C")
            finally:
                os._exit(1)
        os.close(w)
        assert os.read(r, 1) == b"R"
        time.sleep(rng.uniform(0.0, 0.06))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        trail = b""
        while chunk := os.read(r, 65536):
            trail += chunk
        os.close(r)
        begun, committed = trail.count(b"B"), trail.count(b"C")
        in_flight = begun > committed
        mid_transaction += in_flight
        try:
            after = check_workload(workload_db)
            ok = integrity(workload_db) == "ok"
            # wholly before or wholly after the transaction that was running (its commit may have reached
            # the disk just before the kill, before the child could say so)
            ok = ok and after in (step + committed, step + committed + (1 if in_flight else 0))
        except AssertionError:
            ok, after = False, step
        lost += 0 if ok else 1
        step = after
    record("write-kill-9", "`kill -9` of a process writing `set` + new institution in a loop",
           "SIGKILL after a random 0–60 ms (seeded), 120 processes", rounds, lost)
    assert lost == 0
    assert step > 0
    assert mid_transaction >= rounds // 3  # the kills really land inside transactions


def test_disk_full_at_every_margin_rolls_back_with_message(workload_db: Path) -> None:
    """For page margins 0..11, write until the disk is "full": the transaction that hits it rolls back whole."""
    tried = lost = 0
    messages = set()
    step = 0
    for margin in range(12):
        store = open_store(workload_db)
        try:
            pages = store.db.execute("PRAGMA page_count").fetchone()[0]
            store.db.execute(f"PRAGMA max_page_count = {pages + margin}")
            for _ in range(500):
                before = store.dump()
                try:
                    workload_transaction(store, step + 1)
                    step += 1
                except DiskFullError as exc:
                    tried += 1
                    messages.add(exc.message)
                    if store.dump() != before:
                        lost += 1
                    break
            else:
                pytest.fail("the page limit was never reached")
        finally:
            store.close()
        if integrity(workload_db) != "ok" or check_workload(workload_db) != step:
            lost += 1
    record("write-disk-full", "disk full during `set` + new institution",
           "PRAGMA max_page_count = pages + m (m = 0…11), writing until it is hit", tried, lost)
    assert lost == 0
    assert tried == 12 and step > 12
    assert messages and all("ổ đĩa đầy" in m for m in messages)


def test_disk_full_through_the_cli_is_a_vietnamese_refusal(workload_db: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's `set` prints the message and exits 2; nothing is written."""
    from lhtl_desktop.cli import main
    from lhtl_desktop.storage import db as db_module

    probe = open_store(workload_db)
    lib = rel_support._library_id(probe)
    probe.close()
    real_open = db_module.open_store

    def open_nearly_full(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        store = real_open(*args, **kwargs)  # type: ignore[arg-type]
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages}")
        return store

    monkeypatch.setattr("lhtl_desktop.cli.core.open_store", open_nearly_full)
    for attempt in range(300):  # each `set` keeps history: the file must grow, and then the disk is full
        probe = open_store(workload_db)
        before = probe.dump()
        probe.close()
        codes = [f"{c}={2000 + attempt}" for c in rel_support.LIB_CODES]
        rc = main(["--db", str(workload_db), "set", "--institution", lib, "--period", "2025", *codes])
        err = capsys.readouterr().err
        if rc != 0:
            break
    else:
        pytest.fail("the disk never filled")
    assert rc == 2
    assert "ổ đĩa đầy" in err
    probe = open_store(workload_db)
    try:
        assert probe.dump() == before
        assert probe.integrity_check() == "ok"
    finally:
        probe.close()
