"""Migration splitting by SQLite's own rules, Windows removable disks by bus, backups kept per database."""

from __future__ import annotations

import sqlite3
from pathlib import Path, PureWindowsPath

import pytest
import sqlite_utils

from lhtl_desktop.services import backups
from lhtl_desktop.storage import open_store
from lhtl_desktop.storage.backup import rolling_backup
from lhtl_desktop.storage.location import (
    BUS_TYPE_USB,
    DRIVE_FIXED,
    DRIVE_REMOVABLE,
    LocationKind,
    classify_windows,
)
from lhtl_desktop.storage.migrations import run_script, split_statements


def test_a_semicolon_inside_a_string_is_not_a_split() -> None:
    script = "CREATE TABLE t (x TEXT DEFAULT 'x;y');\nINSERT INTO t DEFAULT VALUES;"
    assert split_statements(script) == ["CREATE TABLE t (x TEXT DEFAULT 'x;y');", "INSERT INTO t DEFAULT VALUES;"]


def test_a_trigger_body_stays_one_statement(tmp_path: Path) -> None:
    script = """
        -- a comment; with a semicolon
        CREATE TABLE a (n INTEGER);
        CREATE TABLE log (n INTEGER, note TEXT DEFAULT 'ghi; chú');
        CREATE TRIGGER a_log AFTER INSERT ON a BEGIN
            INSERT INTO log (n) VALUES (new.n);
            INSERT INTO log (n) VALUES (new.n * 2);
        END;
        CREATE TABLE "odd;name" (v)
    """
    assert len(split_statements(script)) == 4
    db = sqlite_utils.Database(sqlite3.connect(tmp_path / "m.sqlite3", isolation_level=None))
    with db.conn:
        run_script(db, script)
    db.execute("INSERT INTO a VALUES (21)")
    assert db.execute("SELECT n, note FROM log ORDER BY n").fetchall() == [(21, "ghi; chú"), (42, "ghi; chú")]
    assert "odd;name" in db.table_names()


def test_an_unfinished_statement_is_an_error_not_a_silent_half() -> None:
    with pytest.raises(ValueError, match="incomplete"):
        split_statements("CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO log VALUES (1);")


@pytest.mark.parametrize(("bus", "kind"), [(BUS_TYPE_USB, LocationKind.REMOVABLE), (0xC, LocationKind.REMOVABLE),
                                           (0x11, LocationKind.LOCAL), (None, LocationKind.LOCAL)])
def test_a_fixed_drive_on_a_usb_bus_is_removable(bus: int | None, kind: LocationKind) -> None:
    """USB SSDs report DRIVE_FIXED; the bus type (IOCTL_STORAGE_QUERY_PROPERTY) tells the truth. 0x11 is NVMe;
    None is a volume the question could not be put to."""
    asked: list[str] = []

    def bus_type(root: str) -> int | None:
        asked.append(root)
        return bus

    loc = classify_windows(PureWindowsPath(r"E:\lhtl\lhtl.sqlite3"), lambda root: DRIVE_FIXED, bus_type)
    assert loc.kind == kind and asked == ["E:\\"]


def test_a_removable_drive_type_needs_no_bus_question() -> None:
    def never(root: str) -> int:
        raise AssertionError("asked")

    loc = classify_windows(PureWindowsPath(r"F:\x.sqlite3"), lambda root: DRIVE_REMOVABLE, never)
    assert loc.kind == LocationKind.REMOVABLE


def _commune(path: Path, unit: str) -> None:
    from lhtl_desktop.cli import main

    assert main(["--db", str(path), "init", "--unit", unit, "--officer", "Nguyễn Văn An"]) == 0


def test_backups_of_two_databases_in_one_folder_do_not_push_each_other_out(tmp_path: Path) -> None:
    a, b = tmp_path / "gialam.sqlite3", tmp_path / "giatuong.sqlite3"
    _commune(a, "14389")
    _commune(b, "14401")
    sa, sb = open_store(a), open_store(b)
    try:
        kept_a = [rolling_backup(sa, "import", keep=3) for _ in range(3)]
        for _ in range(5):  # five imports into the other database
            rolling_backup(sb, "import", keep=3)
    finally:
        sa.close()
        sb.close()
    assert all(p.exists() for p in kept_a)  # none of a's pushed out by b's
    listed_a = backups.list_backups(a)
    assert [x.path for x in listed_a] == list(reversed(kept_a))
    assert len(backups.list_backups(b)) == 3
    assert {p.parent.name for p in kept_a} == {"gialam.sqlite3"}


def test_backups_left_by_the_shared_folder_layout_are_still_offered(tmp_path: Path) -> None:
    db = tmp_path / "lhtl.sqlite3"
    _commune(db, "14389")
    store = open_store(db)
    try:
        own = rolling_backup(store, "exit")
    finally:
        store.close()
    legacy = tmp_path / "backups" / "lhtl-20240101T000000000000Z-import.sqlite3"
    legacy.write_bytes(own.read_bytes())
    assert [x.path for x in backups.list_backups(db)] == [own, legacy]
