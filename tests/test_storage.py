"""Storage (ARCHITECTURE.md §2): pragmas on open, atomic() transactions, refusal of unusable files."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from lhtl_desktop.errors import DatabaseError, DatabaseTooNewError
from lhtl_desktop.model.catalogue import INDICATORS, INSTITUTION_TYPES
from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.model.units import Unit
from lhtl_desktop.storage import Store, default_db_path, open_store
from lhtl_desktop.storage.migrations import MIGRATIONS


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pragma(store: Store, name: str) -> object:
    return store.db.execute(f"PRAGMA {name}").fetchone()[0]


def test_pragmas_on_open(store: Store) -> None:
    assert pragma(store, "journal_mode") == "wal"
    assert pragma(store, "synchronous") == 2  # FULL
    assert pragma(store, "foreign_keys") == 1
    assert store.integrity_check() == "ok"


def test_pragmas_again_on_reopen(db_path: Path) -> None:
    open_store(db_path).close()
    store = open_store(db_path)
    try:
        assert (pragma(store, "journal_mode"), pragma(store, "synchronous"), pragma(store, "foreign_keys")) == (
            "wal", 2, 1)
    finally:
        store.close()


def test_default_path_is_per_user_and_env_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # conftest points XDG_DATA_HOME at a temporary home: the real user folder is never used
    assert default_db_path().name == "lhtl.sqlite3"
    assert "lhtl" in default_db_path().parts
    monkeypatch.setenv("LHTL_DB", str(tmp_path / "x.sqlite3"))
    assert default_db_path() == tmp_path / "x.sqlite3"


def test_open_without_create_refuses_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="Không tìm thấy"):
        open_store(tmp_path / "missing.sqlite3", create=False)
    assert not (tmp_path / "missing.sqlite3").exists()


def _seed_minimal(store: Store) -> None:
    with store.atomic():
        store.insert_units([Unit("37", "Tỉnh Ninh Bình", "province", None)])
        store.insert_catalogue(INSTITUTION_TYPES, INDICATORS)


def _institution(inst_id: str = "i-1", unit: str = "37") -> Institution:
    return Institution(inst_id, unit, "lib_province", "Thư viện tỉnh Ninh Bình")


def test_atomic_rolls_back_inserts_on_exception(store: Store) -> None:
    _seed_minimal(store)
    before = store.dump()
    with pytest.raises(RuntimeError), store.atomic():
        store.insert_institution(_institution(), created_at="t", vv={"k": 1}, author_key="k", edit_id="e")
        store.set_meta("x", "y")
        assert store.institution("i-1") is not None  # visible inside the transaction
        raise RuntimeError("boom")
    assert store.institution("i-1") is None
    assert store.get_meta("x") is None
    assert store.dump() == before


def test_nested_atomic_rolls_back_only_inner(store: Store) -> None:
    _seed_minimal(store)
    with store.atomic():
        store.set_meta("outer", "1")
        with pytest.raises(RuntimeError), store.atomic():
            store.set_meta("inner", "1")
            raise RuntimeError("inner")
    assert store.get_meta("outer") == "1"
    assert store.get_meta("inner") is None


def test_atomic_commits_and_survives_reopen(db_path: Path) -> None:
    store = open_store(db_path)
    _seed_minimal(store)
    with store.atomic():
        store.insert_institution(_institution(), created_at="t", vv={"k": 1}, author_key="k", edit_id="e")
    store.close()
    again = open_store(db_path)
    try:
        inst = again.institution("i-1")
        assert inst is not None and inst.name == "Thư viện tỉnh Ninh Bình"
        assert again.institution_vv("i-1") == {"k": 1}
    finally:
        again.close()


def test_foreign_keys_enforced(store: Store) -> None:
    _seed_minimal(store)
    before = store.dump()
    with pytest.raises(sqlite3.IntegrityError), store.atomic():
        store.insert_institution(_institution(unit="99999"), created_at="t", vv={}, author_key="k", edit_id="e")
    assert store.dump() == before


def test_too_new_database_refused_and_bytes_unchanged(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute("INSERT INTO future VALUES (1)")
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    digest = sha(db_path)
    files = sorted(p.name for p in db_path.parent.iterdir())
    with pytest.raises(DatabaseTooNewError) as err:
        open_store(db_path)
    assert "phiên bản mới hơn" in err.value.message and "999" in err.value.message
    assert isinstance(err.value, DatabaseError)
    assert sha(db_path) == digest  # not even the header (WAL mode would have rewritten it)
    assert sorted(p.name for p in db_path.parent.iterdir()) == files  # no -wal / -shm left beside it


def test_too_new_wal_database_refused_and_bytes_unchanged(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")  # one step beyond this program
    conn.commit()
    conn.close()  # checkpoints, removes -wal
    digest = sha(db_path)
    with pytest.raises(DatabaseTooNewError):
        open_store(db_path)
    assert sha(db_path) == digest


@pytest.mark.parametrize(
    "content",
    [b"Hello, this is a spreadsheet, not a database. " * 50, b"SQLite format 3\x00" + b"\xff" * 200,
     bytes(range(256)) * 8],
)
def test_non_sqlite_file_gives_vietnamese_error(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    with pytest.raises(DatabaseError) as err:
        open_store(db_path)
    assert "không phải cơ sở dữ liệu" in err.value.message or "Không mở được" in err.value.message
    assert db_path.read_bytes() == content


def test_dump_reflects_every_table(store: Store) -> None:
    _seed_minimal(store)
    before = store.dump()
    with store.atomic():
        store.set_meta("officer", "Lê Văn Bình")
    after = store.dump()
    assert after != before and "Lê Văn Bình" in after


def test_records_for_key_and_history(store: Store) -> None:
    from lhtl_desktop.model.records import ValueRecord

    _seed_minimal(store)
    with store.atomic():
        store.insert_institution(_institution(), created_at="t", vv={}, author_key="k", edit_id="e")
        old = ValueRecord("e1", "i-1", "37", "2025", "LIB_VISITS", 10, {"k": 1}, "k", "37", "2025-01-01T00:00:00.000Z")
        new = ValueRecord("e2", "i-1", "37", "2025", "LIB_VISITS", 12, {"k": 2}, "k", "37", "2025-01-02T00:00:00.000Z")
        store.insert_record(old)
        store.supersede(["e1"], "2025-01-02T00:00:00.000Z")
        store.insert_record(new)
    assert [r.edit_id for r in store.records_for_key("i-1", "2025", "LIB_VISITS")] == ["e2"]
    assert [r.edit_id for r in store.records_in_history("i-1", "2025", "LIB_VISITS")] == ["e1"]
    assert store.records_for_key("i-1", "2025", "LIB_VISITS")[0].vv == {"k": 2}
    assert store.conflict_keys() == []


def test_evaluation_read_is_served_by_the_covering_index(store: Store) -> None:
    """grouped_values' query must not visit the table: that is what keeps a province evaluate under 100 ms."""
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        store.grouped_values(["14389"], ["2025"], ["LIB_VISITS"])
    finally:
        store.conn.set_trace_callback(None)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "value_records" in s]
    assert reads
    plan = " ".join(str(row[3]) for row in store.conn.execute("EXPLAIN QUERY PLAN " + reads[0]))
    assert "COVERING INDEX value_records_read" in plan
