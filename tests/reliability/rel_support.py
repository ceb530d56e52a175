"""Shared pieces of the reliability suite: a set-up installation, a checkable write workload, the ledger.

The workload's transaction k adds institution "Thư viện số k" and sets five values of the base library
to 1000 + k, then records `workload_step = k` — all in one `store.atomic()`. After any fault the
database must satisfy `check_workload`: step s, exactly s numbered institutions, every value equal to 1000 + s, (s - 1) × 5 rows of history.
So "wholly before or wholly after" is checked row by row, not guessed from a file size.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from lhtl_desktop.services import entry, installation, institutions
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.sync.keys import generate_key

COMMUNE = "14389"  # Xã Gia Lâm, Ninh Bình
BASE_NAMES = ("Thư viện xã",)
LIB_CODES = ("LIB_VISITS", "LIB_READERS", "LIB_SKILL_CLASSES", "LIB_READING_EVENTS", "LIB_LLL_PARTICIPANTS")
PERIOD = "2025"

def make_installation(path: Path, unit: str = COMMUNE, officer: str = "Nguyễn Thị Hoa") -> Store:
    store = open_store(path)
    installation.init_installation(store, unit, officer, generate_key(None))
    return store


def make_workload_db(path: Path) -> str:
    """A commune database with one library (the workload target). Returns the library id."""
    store = make_installation(path)
    try:
        lib = institutions.add_institution(store, COMMUNE, "lib_commune", BASE_NAMES[0])
        with store.atomic():
            store.set_meta("workload_step", "0")
        return lib.id
    finally:
        store.close()


def workload_transaction(store: Store, k: int) -> None:
    lib_id = _library_id(store)
    with store.atomic():
        institutions.add_institution(store, COMMUNE, "lib_commune", f"Thư viện số {k}")
        entry.set_values(store, lib_id, PERIOD, {code: str(1000 + k) for code in LIB_CODES})
        store.set_meta("workload_step", str(k))


def _library_id(store: Store) -> str:
    row = store.db.execute("SELECT id FROM institutions WHERE name = ?", [BASE_NAMES[0]]).fetchone()
    return str(row[0])


def integrity(path: Path) -> str:
    """Full `PRAGMA integrity_check` through a plain connection (recovers a hot WAL like the app would)."""
    conn = sqlite3.connect(str(path))
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        return "ok" if [r[0] for r in rows] == ["ok"] else "; ".join(str(r[0]) for r in rows[:5])
    finally:
        conn.close()


def check_workload(path: Path) -> int:
    """Assert the workload invariants on the database at `path`; return the step it is at."""
    store = open_store(path, create=False)
    try:
        step = int(store.get_meta("workload_step") or "0")
        names = [r[0] for r in store.db.execute("SELECT name FROM institutions").fetchall()]
        numbered = sorted(int(m.group(1)) for n in names if (m := re.fullmatch(r"Thư viện số (\d+)", n)))
        assert numbered == list(range(1, step + 1)), (step, numbered)
        current = entry.current_values(store, _library_id(store), PERIOD)
        if step == 0:
            assert all(cv.value is None for cv in current.values()), current
        else:
            values = {code: current[code].value for code in LIB_CODES}
            assert values == {code: 1000 + step for code in LIB_CODES}, (step, values)
            # superseded history rows belong to earlier steps only: no orphan of a torn transaction
            live = store.db.execute(
                "SELECT count(*) FROM value_records WHERE institution_id = ?", [_library_id(store)]
            ).fetchone()[0]
            assert live == len(LIB_CODES), live
            history = store.db.execute(
                "SELECT count(*) FROM value_history WHERE institution_id = ?", [_library_id(store)]
            ).fetchone()[0]
            assert history == (step - 1) * len(LIB_CODES), (step, history)
        return step
    finally:
        store.close()


# -- the ledger behind docs/RELIABILITY.md ---------------------------------------------------------------
LEDGER_FILE = Path(__file__).resolve().parents[2] / "docs" / "RELIABILITY.md"
_RESULTS: dict[str, dict[str, object]] = {}


def record(fault_id: str, fault: str, how: str, tried: int, lost: int) -> None:
    """Note one fault family for docs/RELIABILITY.md: how many times it was tried and how many runs lost or
    corrupted anything. Call it before asserting `lost == 0`, so a failure is written down too."""
    _RESULTS[fault_id] = {"fault": fault, "tried": tried, "lost": lost, "how": how}


def session_results() -> dict[str, dict[str, object]]:
    return dict(_RESULTS)


def dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


# -- sync: a hub, an enrolled commune, a valid bundle -------------------------------------------------------
HUB = "372"


def make_sync_pair(tmp: Path, institutions_n: int = 6) -> tuple[Path, Path, Path]:
    """(hub db, commune db, bundle file): the hub has enrolled the commune, nothing imported yet; the commune
    has `institutions_n` institutions with values over two years; the bundle is its export to the hub."""
    from lhtl_desktop.sync import enrolment, exporter

    hub_db, commune_db = tmp / "hub" / "lhtl.sqlite3", tmp / "commune" / "lhtl.sqlite3"
    hub = make_installation(hub_db, unit=HUB, officer="Lê Văn Cụm")
    commune = make_installation(commune_db)
    try:
        enrol_file = enrolment.export_enrolment(commune, tmp / "enrol.lhtl")
        fingerprint = str(commune.key(str(commune.get_meta("own_key_id")))["fingerprint"])  # type: ignore[index]
        enrolment.enrol_key(hub, enrol_file, fingerprint)
        for i in range(institutions_n):
            lib = institutions.add_institution(commune, COMMUNE, "lib_commune", f"Thư viện thôn {i + 1}")
            for year in ("2024", "2025"):
                entry.set_values(commune, lib.id, year, {c: str(100 * (i + 1) + int(year) % 10)
                                                         for c in LIB_CODES})
        (tmp / "bundles").mkdir()
        bundle = exporter.export_bundle(commune, tmp / "bundles", to_unit=HUB).path
    finally:
        hub.close()
        commune.close()
    return hub_db, commune_db, bundle


def import_state(path: Path) -> tuple[object, ...]:
    """What an import changes, without its timestamps: records, institutions, bundles, certificates,
    quarantine. Two databases with equal states hold the same data."""
    conn = sqlite3.connect(str(path))
    try:
        def q(sql: str) -> list[tuple[object, ...]]:
            return [tuple(r) for r in conn.execute(sql).fetchall()]

        return (
            q("SELECT edit_id, institution_id, period, indicator, value, vv FROM value_records ORDER BY edit_id"),
            q("SELECT edit_id FROM value_history ORDER BY edit_id"),
            q("SELECT id, name, unit_code FROM institutions ORDER BY id"),
            q("SELECT bundle_id, payload_hash, seq FROM sync_bundles ORDER BY bundle_id"),
            q("SELECT subject_key_id, issuer_key_id, status, version FROM sync_certificates ORDER BY 1, 2"),
            q("SELECT payload_hash FROM sync_quarantine ORDER BY 1"),
        )
    finally:
        conn.close()


# -- child processes for the crash tests (POSIX fork) ---------------------------------------------------------
def child_dying_at(db: Path, n: int, every: int, work: Callable[[Store], int]) -> int:
    """Fork a child that opens `db` and runs `work`, dying (os._exit(9): no rollback, no close, WAL left hot)
    at SQLite progress call n. Returns the child's exit code: 9 died, 1 raised, else what `work` returned."""
    pid = os.fork()
    if pid == 0:  # child: never returns into pytest
        code = 0
        try:
            store = open_store(db)
            calls = 0

            def die() -> int:
                nonlocal calls
                calls += 1
                if calls == n:
                    os._exit(9)
                return 0

            store.db.conn.set_progress_handler(die, every)
            code = work(store)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def kill_child_after(db: Path, delay: float, work: Callable[[Store], object]) -> None:
    """Fork a child that opens `db`, says it is ready, runs `work`; SIGKILL it `delay` seconds after ready."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            child = open_store(db)
            os.write(w, b"R")
            work(child)
        finally:
            os._exit(0)
    os.close(w)
    os.read(r, 1)
    os.close(r)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
