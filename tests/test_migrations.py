"""Migrations tracked in PRAGMA user_version (ARCHITECTURE.md §2)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from lhtl_desktop.errors import DatabaseSchemaError
from lhtl_desktop.storage import open_store
from lhtl_desktop.storage.db import migrate, read_schema_version
from lhtl_desktop.storage.migrations import MIGRATIONS, SCHEMA_VERSION, run_script

EXPECTED_TABLES = {
    "meta", "units", "unit_lineage", "unit_changes", "institution_types", "indicators", "targets",
    "target_milestones", "threshold_changes", "keys", "institutions", "value_records", "value_history",
}


def tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                if not r[0].startswith("sqlite_")}
    finally:
        conn.close()


def test_new_database_reaches_latest_version(db_path: Path) -> None:
    store = open_store(db_path)
    try:
        assert store.schema_version() == len(MIGRATIONS) == SCHEMA_VERSION
    finally:
        store.close()
    assert read_schema_version(db_path) == len(MIGRATIONS)
    assert tables(db_path) >= EXPECTED_TABLES


def test_zero_byte_file_is_migrated(db_path: Path) -> None:
    db_path.write_bytes(b"")
    assert read_schema_version(db_path) == 0
    open_store(db_path).close()
    assert read_schema_version(db_path) == len(MIGRATIONS)
    assert tables(db_path) >= EXPECTED_TABLES


def test_v0_sqlite_file_with_foreign_tables_is_refused_untouched(db_path: Path) -> None:
    """Someone else's SQLite file (version 0, tables of its own) is not made into ours: its objects are not
    those the migrations make, so it is refused and left byte for byte as it was."""
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE notes (x TEXT)")
    conn.execute("INSERT INTO notes VALUES ('giữ lại')")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    assert read_schema_version(db_path) == 0
    with pytest.raises(DatabaseSchemaError, match="bảng «notes»"):
        open_store(db_path)
    assert db_path.read_bytes() == before
    assert sqlite3.connect(db_path).execute("SELECT x FROM notes").fetchone()[0] == "giữ lại"


def test_reopen_does_not_migrate_again(db_path: Path) -> None:
    store = open_store(db_path)
    store.set_meta("k", "v")
    dump = store.dump()
    store.close()
    again = open_store(db_path)
    try:
        assert again.dump() == dump
        assert migrate(again.db) == len(MIGRATIONS)
        assert again.dump() == dump
    finally:
        again.close()


def test_failed_migration_leaves_version_and_schema(tmp_path: Path) -> None:
    """A step that fails half-way is rolled back as a whole: the version does not move."""
    db = sqlite_utils.Database(sqlite3.connect(tmp_path / "m.sqlite3", isolation_level=None))

    def broken(d: sqlite_utils.Database) -> None:
        run_script(d, "CREATE TABLE half (x); CREATE TABLE half (y)")  # second statement fails

    MIGRATIONS.append(broken)
    try:
        try:
            migrate(db)
        except sqlite3.OperationalError:
            pass
        else:  # pragma: no cover - the step must fail
            raise AssertionError("the broken migration did not fail")
    finally:
        MIGRATIONS.pop()
    assert int(db.execute("PRAGMA user_version").fetchone()[0]) == len(MIGRATIONS)
    assert "half" not in db.table_names()
    assert "units" in db.table_names()  # the good steps before it were committed


def test_run_script_keeps_the_transaction_open(tmp_path: Path) -> None:
    """executescript() would COMMIT; run_script runs statement by statement inside atomic()."""
    db = sqlite_utils.Database(sqlite3.connect(tmp_path / "r.sqlite3", isolation_level=None))
    try:
        with db.atomic():
            run_script(db, "-- a comment\nCREATE TABLE a (x);\nCREATE TABLE b (y);")
            assert db.conn.in_transaction
            raise RuntimeError
    except RuntimeError:
        pass
    assert db.table_names() == []
