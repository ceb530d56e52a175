"""Backups (rolling, on exit, to USB) and restore (CLI and service): consistent, atomic, guarded."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rel_support import COMMUNE, check_workload, integrity, make_installation, record, workload_transaction

from lhtl_desktop.cli import main
from lhtl_desktop.errors import DatabaseCorruptError, DatabaseError, DatabaseTooNewError, RefusedError
from lhtl_desktop.services import backups
from lhtl_desktop.storage import backup as backup_store
from lhtl_desktop.storage import open_store
from lhtl_desktop.storage.migrations import SCHEMA_VERSION


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(*argv: str) -> int:
    return main(list(argv))


# -- backup_to / rolling --------------------------------------------------------------------------------
def test_backup_is_a_consistent_self_contained_copy(workload_db: Path, tmp_path: Path) -> None:
    store = open_store(workload_db)
    try:
        workload_transaction(store, 1)
        out = backup_store.backup_to(store, tmp_path / "usb" / "copy.sqlite3")
    finally:
        store.close()
    assert out.exists()
    assert not Path(f"{out}-wal").exists()  # one file, journal_mode DELETE
    assert sqlite3.connect(out).execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert integrity(out) == "ok"
    assert check_workload(out) == 1
    assert [p.name for p in out.parent.iterdir()] == ["copy.sqlite3"]  # no temp file left


def test_backup_inside_an_open_transaction_holds_only_committed_data(workload_db: Path, tmp_path: Path) -> None:
    store = open_store(workload_db)
    try:
        with store.atomic():
            store.set_meta("workload_step", "999")  # uncommitted: must not reach the backup
            out = backup_store.backup_to(store, tmp_path / "mid.sqlite3")
            assert store.get_meta("workload_step") == "999"
    finally:
        store.close()
    assert check_workload(out) == 0


def test_failed_backup_leaves_previous_file_and_no_temp(workload_db: Path, tmp_path: Path) -> None:
    """Disk full while writing the backup: the old backup under the final name is untouched."""
    dest = tmp_path / "b.sqlite3"
    store = open_store(workload_db)
    try:
        backup_store.backup_to(store, dest)
        old = sha(dest)
        workload_transaction(store, 1)
        real = backup_store._backup_connection

        def full(store_: object, tmp: Path) -> None:
            tmp.write_bytes(b"SQLite format 3\x00 partial")
            raise OSError(28, "No space left on device")

        backup_store._backup_connection = full  # type: ignore[assignment]
        try:
            with pytest.raises(DatabaseError, match="Ổ đĩa đầy"):
                backup_store.backup_to(store, dest)
        finally:
            backup_store._backup_connection = real  # type: ignore[assignment]
    finally:
        store.close()
    assert sha(dest) == old
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_rolling_backups_keep_the_newest_ten(workload_db: Path) -> None:
    store = open_store(workload_db)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    try:
        made = [backup_store.rolling_backup(store, "import", now=start + timedelta(minutes=i)) for i in range(13)]
    finally:
        store.close()
    kept = backups.list_backups(workload_db)
    assert [b.path for b in kept] == list(reversed(made[3:]))
    assert all(b.reason == "import" for b in kept)
    assert not made[0].exists() and made[3].exists()
    assert kept[0].path.parent == workload_db.parent / "backups" / workload_db.name


def test_exit_backup_skips_when_nothing_changed(workload_db: Path) -> None:
    store = open_store(workload_db)
    try:
        first = backups.backup_on_exit(store)
        assert first is not None and first.exists()
        assert backups.backup_on_exit(store) is None  # nothing written since
        os.utime(workload_db)  # a change after the last backup
        workload_transaction(store, 1)
        second = backups.backup_on_exit(store)
    finally:
        store.close()
    assert second is not None and check_workload(second) == 1
    assert [b.reason for b in backups.list_backups(workload_db)] == ["exit", "exit"]


def test_usb_backup_names_the_unit_and_time(workload_db: Path, tmp_path: Path) -> None:
    (tmp_path / "usb").mkdir()
    store = open_store(workload_db)
    try:
        out = backups.export_backup(store, tmp_path / "usb", now=datetime(2025, 3, 4, 17, 5))
    finally:
        store.close()
    assert out.name == f"saoluu-Xa-Gia-Lam-{COMMUNE}-20250304-1705.sqlite3"
    assert out.parent == tmp_path / "usb"


# -- CLI --------------------------------------------------------------------------------------------------
def test_cli_backup_then_restore_round_trip(workload_db: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "usb" / "saoluu.sqlite3"
    assert run_cli("--db", str(workload_db), "backup", "--out", str(out), "--json") == 0
    reply = json.loads(capsys.readouterr().out)
    assert reply["file"] == str(out) and reply["size"] == out.stat().st_size
    store = open_store(workload_db)
    workload_transaction(store, 1)
    workload_transaction(store, 2)
    store.close()
    assert check_workload(workload_db) == 2

    assert run_cli("--db", str(workload_db), "restore", str(out)) == 0
    text = capsys.readouterr().out
    assert "Đã khôi phục Xã Gia Lâm" in text and "được giữ tại" in text
    assert check_workload(workload_db) == 0
    aside = sorted((workload_db.parent / "backups" / workload_db.name).glob("before-restore-*"))
    assert len(aside) == 1
    assert check_workload(aside[0] / workload_db.name) == 2  # nothing lost: the replaced state is kept


def test_cli_restore_check_reports_without_touching(workload_db: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "b.sqlite3"
    assert run_cli("--db", str(workload_db), "backup", "--out", str(out)) == 0
    capsys.readouterr()
    before = sha(workload_db)
    assert run_cli("--db", str(workload_db), "restore", "--check", "--json", str(out)) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["unit"] == COMMUNE and info["allowed"] is True and info["check"] == "ok"
    assert info["schema_version"] == SCHEMA_VERSION
    assert sha(workload_db) == before


def test_restore_onto_a_new_machine(workload_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Laptop stolen: the USB backup alone rebuilds the installation on a fresh PC."""
    out = tmp_path / "usb.sqlite3"
    store = open_store(workload_db)
    workload_transaction(store, 1)
    backups.export_backup(store, out)
    store.close()
    fresh = tmp_path / "newpc" / "lhtl.sqlite3"
    assert run_cli("--db", str(fresh), "restore", str(out)) == 0
    assert check_workload(fresh) == 1
    assert "được giữ tại" not in capsys.readouterr().out  # nothing to keep aside


# -- refusals ---------------------------------------------------------------------------------------------
def _bad_files(tmp_path: Path, good: Path) -> dict[str, Path]:
    files = {}
    files["text"] = tmp_path / "notes.sqlite3"
    files["text"].write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    files["empty"] = tmp_path / "empty.sqlite3"
    files["empty"].write_bytes(b"")
    files["foreign"] = tmp_path / "foreign.sqlite3"
    conn = sqlite3.connect(files["foreign"])
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    files["truncated"] = tmp_path / "truncated.sqlite3"
    files["truncated"].write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    data = bytearray(good.read_bytes())
    for offset in range(4096 * 3, len(data), 4096):  # trash the start of every page after the first three
        data[offset + 8: offset + 40] = b"\xff" * 32
    files["damaged"] = tmp_path / "damaged.sqlite3"
    files["damaged"].write_bytes(bytes(data))
    files["newer"] = tmp_path / "newer.sqlite3"
    files["newer"].write_bytes(good.read_bytes())
    conn = sqlite3.connect(files["newer"])
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    files["uninitialised"] = tmp_path / "blank.sqlite3"
    open_store(files["uninitialised"]).close()
    return files


def test_restore_refuses_bad_files_and_touches_nothing(workload_db: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.sqlite3"
    store = open_store(workload_db)
    workload_transaction(store, 1)
    backups.export_backup(store, good)
    store.close()
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = _bad_files(bad_dir, good)
    tried = lost = 0
    for name, path in bad.items():
        db_before, file_before = sha(workload_db), sha(path)
        rc = run_cli("--db", str(workload_db), "restore", str(path))
        err = capsys.readouterr().err
        tried += 1
        ok = rc == 2 and err.strip() != "" and sha(workload_db) == db_before and sha(path) == file_before
        ok = ok and not (workload_db.parent / "backups").exists()
        ok = ok and not [p for p in workload_db.parent.iterdir() if p.name.startswith(".lhtl-restore")]
        if not ok:
            print(name, rc, err)
        lost += 0 if ok else 1
    record("restore-bad-file", "restore from a bad file (text, empty, foreign db, truncated, damaged pages, "
           "newer schema, never set up)", "CLI `restore FILE`; database and file hashed before/after", tried, lost)
    assert lost == 0
    assert check_workload(workload_db) == 1


def test_restore_messages_are_specific(workload_db: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.sqlite3"
    store = open_store(workload_db)
    backups.export_backup(store, good)
    store.close()
    bad = _bad_files(tmp_path, good)
    with pytest.raises(DatabaseTooNewError, match="phiên bản mới hơn"):
        backups.restore(workload_db, bad["newer"])
    with pytest.raises(RefusedError, match="không phải bản sao lưu"):
        backups.restore(workload_db, bad["foreign"])
    with pytest.raises(RefusedError, match="chưa được thiết lập"):
        backups.restore(workload_db, bad["uninitialised"])
    with pytest.raises(DatabaseError, match="hỏng"):
        backups.restore(workload_db, bad["text"])
    with pytest.raises(DatabaseError, match="Không tìm thấy"):
        backups.restore(workload_db, tmp_path / "missing.sqlite3")
    with pytest.raises(RefusedError, match="chính là cơ sở dữ liệu"):
        backups.restore(workload_db, workload_db)


def test_restore_of_another_unit_needs_confirmation(workload_db: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other" / "lhtl.sqlite3"
    make_installation(other, unit="13285", officer="Trần Văn Bình").close()  # another commune
    before = sha(workload_db)
    assert run_cli("--db", str(workload_db), "restore", str(other)) == 2
    err = capsys.readouterr().err
    assert "Phường Phủ Lý" in err and "không phải của Xã Gia Lâm" in err and "--confirm-other-unit" in err
    assert sha(workload_db) == before
    assert run_cli("--db", str(workload_db), "restore", "--confirm-other-unit", str(other)) == 0
    restored = open_store(workload_db)
    assert restored.get_meta("unit_code") == "13285"
    restored.close()


def test_restore_of_another_installation_of_the_same_unit_needs_confirmation(workload_db: Path,
                                                                            tmp_path: Path) -> None:
    again = tmp_path / "again" / "lhtl.sqlite3"
    make_installation(again).close()  # same commune, set up again elsewhere
    plan = backups.check_restore(workload_db, again)
    assert plan.allowed and plan.confirm and "lần thiết lập khác" in plan.confirm[0]
    with pytest.raises(RefusedError):
        backups.restore(workload_db, again)


def test_restore_reads_a_raw_copy_with_its_wal(workload_db: Path, tmp_path: Path) -> None:
    """An officer copies lhtl.sqlite3 and lhtl.sqlite3-wal by hand from a working PC: the WAL is folded in."""
    store = open_store(workload_db)
    workload_transaction(store, 1)
    copy_dir = tmp_path / "handcopy"
    copy_dir.mkdir()
    for f in backup_store.database_files(workload_db):  # copied while the program still runs
        (copy_dir / f.name).write_bytes(f.read_bytes())
    store.close()
    target = tmp_path / "pc2" / "lhtl.sqlite3"
    backups.restore(target, copy_dir / workload_db.name)
    assert check_workload(target) == 1


# -- start-up check -----------------------------------------------------------------------------------------
def _corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 2, len(data), 4096):
        data[offset: offset + 16] = b"\x07" * 16
    path.write_bytes(bytes(data))


def test_corrupt_database_is_a_typed_error_and_the_newest_good_backup_is_offered(workload_db: Path) -> None:
    store = open_store(workload_db)
    try:
        workload_transaction(store, 1)
        older = backup_store.rolling_backup(store, "import", now=datetime(2025, 1, 1, tzinfo=UTC))
        workload_transaction(store, 2)
        newer = backup_store.rolling_backup(store, "exit", now=datetime(2025, 1, 2, tzinfo=UTC))
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    _corrupt(newer)  # the newest backup is damaged too: the next one is offered
    _corrupt(workload_db)
    with pytest.raises(DatabaseCorruptError) as caught:
        open_store(workload_db)
    assert "bị hỏng" in caught.value.message or "đã hỏng" in caught.value.message
    assert caught.value.path == str(workload_db)
    good = backups.newest_good_backup(workload_db)
    assert good is not None and good.path == older
    broken = workload_db.read_bytes()
    result = backups.restore(workload_db, good.path)
    assert check_workload(workload_db) == 1
    assert result.kept_aside is not None
    assert (result.kept_aside / workload_db.name).read_bytes() == broken  # the damaged file is kept, as it was


def test_no_good_backup_is_none(workload_db: Path) -> None:
    assert backups.newest_good_backup(workload_db) is None


def test_newer_database_is_refused_byte_for_byte(workload_db: Path) -> None:
    conn = sqlite3.connect(workload_db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    files = {p.name: sha(p) for p in workload_db.parent.iterdir() if p.is_file()}
    with pytest.raises(DatabaseTooNewError, match="không bị thay đổi"):
        open_store(workload_db)
    assert {p.name: sha(p) for p in workload_db.parent.iterdir() if p.is_file()} == files
    assert run_cli("--db", str(workload_db), "backup", "--out", str(workload_db.parent / "x.sqlite3")) == 2
    assert {p.name: sha(p) for p in workload_db.parent.iterdir() if p.is_file()} == files
