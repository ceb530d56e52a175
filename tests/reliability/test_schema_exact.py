"""Schema-exact databases: a file with a table, index, trigger or view our migrations do not make (or without one
they do make) is refused at open and at restore, with its bytes untouched; `restore --check` says what differs."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from rel_support import COMMUNE, make_installation, record

from lhtl_desktop.cli import main
from lhtl_desktop.errors import DatabaseCorruptError, DatabaseSchemaError
from lhtl_desktop.services import backups, entry, institutions
from lhtl_desktop.storage import backup as backup_store
from lhtl_desktop.storage import open_store
from lhtl_desktop.storage.db import migrate, quick_check
from lhtl_desktop.storage.migrations import MIGRATIONS
from lhtl_desktop.storage.schema_check import compare_schema, reference_schema, schema_of

# The example: every value of LIB_VISITS is multiplied by ten after our insert.
TRIGGER_X10 = ("CREATE TRIGGER x10 AFTER INSERT ON value_records WHEN NEW.indicator = 'LIB_VISITS' "
               "BEGIN UPDATE value_records SET value = NEW.value * 10 WHERE edit_id = NEW.edit_id; END")
TAMPERINGS: dict[str, tuple[str, str]] = {
    # name: (SQL run on a copy of a good backup, a word the refusal must name)
    "trigger": (TRIGGER_X10, "trigger «x10»"),
    "view": ("CREATE VIEW all_values AS SELECT * FROM value_records", "view «all_values»"),
    "table": ("CREATE TABLE notes (x TEXT)", "bảng «notes»"),
    "index": ("CREATE INDEX extra_idx ON value_records(value)", "chỉ mục «extra_idx»"),
    "missing-index": ("DROP INDEX value_records_key", "thiếu chỉ mục «value_records_key»"),
    "changed-index": ("DROP INDEX value_records_key; CREATE INDEX value_records_key ON value_records(value)",
                      "khác định nghĩa: chỉ mục «value_records_key»"),
    "trigger-on-institutions": ("CREATE TRIGGER t2 BEFORE UPDATE ON institutions BEGIN SELECT 1; END",
                                "trigger «t2»"),
}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tampered(good: Path, directory: Path, name: str, sql: str) -> Path:
    path = directory / f"{name}.sqlite3"
    shutil.copyfile(good, path)
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def installation_with_backup(tmp_path: Path) -> tuple[Path, Path, str]:
    db = tmp_path / "live" / "lhtl.sqlite3"
    store = make_installation(db)
    lib = institutions.add_institution(store, COMMUNE, "lib_commune", "Thư viện xã")
    entry.set_values(store, lib.id, "2025", {"LIB_VISITS": "1200"})
    good = backups.export_backup(store, tmp_path / "good.sqlite3")
    store.close()
    return db, good, lib.id


def test_reference_is_what_the_migrations_make_at_every_version(tmp_path: Path) -> None:
    """Derived from MIGRATIONS, not written down: each version's reference is a database migrated that far."""
    import sqlite_utils

    for version in range(len(MIGRATIONS) + 1):
        db = sqlite_utils.Database(tmp_path / f"v{version}.sqlite3")
        for index in range(version):
            with db.atomic():
                MIGRATIONS[index](db)
        assert schema_of(db.conn) == reference_schema(version)
        db.close()
    store = open_store(tmp_path / "fresh.sqlite3")
    assert not compare_schema(store.conn, len(MIGRATIONS))
    store.close()


def test_a_migration_appended_later_is_part_of_the_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another developer appends a migration: nothing here needs editing, the new object is expected."""
    from lhtl_desktop.storage import migrations, schema_check

    def _later(db: object) -> None:
        migrations.run_script(db, "CREATE TABLE later_feature (x TEXT); CREATE INDEX later_x ON later_feature(x)")  # type: ignore[arg-type]

    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, _later])
    monkeypatch.setattr(schema_check, "MIGRATIONS", migrations.MIGRATIONS)
    schema_check._reference.cache_clear()
    try:
        expected = reference_schema()
        assert ("table", "later_feature") in expected and ("index", "later_x") in expected
        import sqlite_utils

        db = sqlite_utils.Database(tmp_path / "later.sqlite3")
        migrate(db)  # db.migrate reads MIGRATIONS from its own import: run the new list by hand
        with db.atomic():
            _later(db)
        assert not compare_schema(db.conn, len(migrations.MIGRATIONS))
        assert compare_schema(db.conn, len(MIGRATIONS)).extra == (("index", "later_x"), ("table", "later_feature"))
        db.close()
    finally:
        schema_check._reference.cache_clear()


def test_tampered_files_are_refused_at_restore_and_at_open(installation_with_backup: tuple[Path, Path, str],
                                                           tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, good, _lib = installation_with_backup
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    tried = lost = 0
    for name, (sql, says) in TAMPERINGS.items():
        path = _tampered(good, bad_dir, name, sql)
        db_before, file_before = sha(db), sha(path)
        # restore --check: refused, says what differs
        rc_check = main(["--db", str(db), "restore", "--check", str(path)])
        out = capsys.readouterr().out
        # restore: refused, nothing touched
        rc = main(["--db", str(db), "restore", str(path)])
        err = capsys.readouterr().err
        # opened directly (as --db): refused, bytes untouched
        with pytest.raises(DatabaseSchemaError) as refused:
            open_store(path)
        tried += 3
        checks = [
            rc_check == 2 and says in out and "cấu trúc khác" in out,
            rc == 2 and says in err and err.count("\n") == 1,
            says in refused.value.message and isinstance(refused.value, DatabaseCorruptError)
            and sha(path) == file_before,
        ]
        checks = [c and sha(db) == db_before for c in checks]
        if not all(checks):
            print(name, rc_check, rc, out, err, refused.value.message)
        lost += checks.count(False)
    assert not (db.parent / "backups").exists()
    record("db-schema-tampered", "database or backup with an added trigger (×10), view, table or index, or a "
           "missing or redefined index", "CLI `restore --check`, `restore`, and `open_store` of the file; "
           "database and file hashed before/after", tried, lost)
    assert lost == 0


def test_the_x10_trigger_never_runs(installation_with_backup: tuple[Path, Path, str], tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Before: «Đã lưu 1.300», 13.000 stored and signed. Now the tampered file never reaches a write."""
    db, good, lib = installation_with_backup
    path = _tampered(good, tmp_path, "x10", TRIGGER_X10)
    before = sha(path)
    rc = main(["--db", str(path), "set", "--institution", lib, "--period", "2025", "LIB_VISITS=1300"])
    captured = capsys.readouterr()
    assert rc == 2 and "Đã lưu" not in captured.out and "trigger «x10»" in captured.err
    assert sha(path) == before
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM value_records WHERE indicator = 'LIB_VISITS'").fetchall() == [(1200,)]
    conn.close()


def test_the_window_finds_it_in_its_deferred_check(installation_with_backup: tuple[Path, Path, str],
                                                   tmp_path: Path) -> None:
    """The window opens with check=False (draws first); its writer's first job, quick_check, refuses the file
    (the writer then refuses every queued write: tests/ui cover that part of the runner)."""
    _db, good, lib = installation_with_backup
    path = _tampered(good, tmp_path, "window", TRIGGER_X10)
    store = open_store(path, check=False)
    try:
        error = quick_check(store)
        assert isinstance(error, DatabaseSchemaError) and "trigger «x10»" in error.message
        assert isinstance(error, DatabaseCorruptError)  # so the window offers the newest good backup
    finally:
        store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM value_records WHERE indicator = 'LIB_VISITS'").fetchall() == [(1200,)]
    conn.close()


def test_a_tampered_rolling_backup_is_never_offered(installation_with_backup: tuple[Path, Path, str]) -> None:
    db, good, _lib = installation_with_backup
    store = open_store(db)
    rolling = backup_store.rolling_backup(store, "exit")
    store.close()
    conn = sqlite3.connect(rolling)
    conn.executescript(TRIGGER_X10)
    conn.commit()
    conn.close()
    assert backups.newest_good_backup(db) is None
