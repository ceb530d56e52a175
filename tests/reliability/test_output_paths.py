"""Output paths: no command writes onto the open database, its -wal/-shm, or into the backup folder, and no
file gets a name Windows reserves or silently changes. One check (storage/output_paths.py) serves them all."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from rel_support import COMMUNE, make_installation, record

from lhtl_desktop.cli import main
from lhtl_desktop.services import entry, institutions
from lhtl_desktop.storage import open_store
from lhtl_desktop.storage.output_paths import name_problem

RESERVED = ["CON", "prn", "AUX.lhtl", "NUL.pdf", "nul.tar.gz", "COM1", "com9.xlsx", "LPT1.lhtl", "LPT9.pdf",
            "CON .lhtl", "goi.lhtl.", "goi.lhtl ", "bao-cao.pdf.", "a:b.lhtl", "bao-cao?.pdf", "x|y.xlsx", "t\tab.pdf"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def commune(tmp_path: Path) -> Path:
    db = tmp_path / "data" / "lhtl.sqlite3"
    store = make_installation(db)
    lib = institutions.add_institution(store, COMMUNE, "lib_commune", "Thư viện xã")
    entry.set_values(store, lib.id, "2025", {"LIB_VISITS": "1200"})
    store.close()
    (db.parent / "backups").mkdir()
    return db


def _commands(out: str) -> list[list[str]]:
    """Every command that writes a file the officer names, with `out` as that file (`report` only where the
    name has a report's extension: another is refused for that reason alone)."""
    return [
        ["export", "--out", out],
        ["key", "export", "--out", out],
        ["key", "new", "--out", out],
        ["backup", "--out", out],
    ] + ([["report", "--period", "2025", "--out", out]] if out.endswith((".pdf", ".xlsx", os.sep)) else [])


def _state(db: Path) -> tuple[str, list[str]]:
    store = open_store(db)
    try:
        dump = store.dump()
    finally:
        store.close()
    return dump, sorted(str(p.relative_to(db.parent.parent)) for p in db.parent.parent.rglob("*")
                        if not p.name.endswith(("-wal", "-shm")))


def test_no_command_writes_onto_the_database_or_into_backups(commune: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    db = commune
    link = tmp_path / "data" / "looks-harmless.pdf"
    os.symlink(db, link)
    hard = tmp_path / "data" / "hard-link.xlsx"
    os.link(db, hard)
    targets = [str(db), f"{db}-wal", f"{db}-shm", f"{db}-journal", str(link), str(hard),
               str(db.parent / "backups" / "x.lhtl"), str(db.parent / "backups") + os.sep,
               str(db.parent / "backups" / "sub" / "y.pdf")]
    tried = lost = 0
    failures: list[object] = []
    for target in targets:
        for argv in _commands(target):
            before = _state(db)
            db_hash = sha(db)
            rc = main(["--db", str(db), *argv])
            err = capsys.readouterr().err
            tried += 1
            ok = (rc == 2 and err.count("\n") == 1 and ("cơ sở dữ liệu đang dùng" in err or "sao lưu" in err)
                  and _state(db) == before and sha(db) == db_hash)
            if not ok:
                failures.append((target, argv, rc, err))
            lost += 0 if ok else 1
    record("output-onto-database", "an output file that is the open database, its -wal/-shm/-journal, a "
           "symbolic or hard link to it, or inside backups/", "CLI export, key export, key new, backup, report "
           "--out; store.dump() and the folder listing before/after", tried, lost)
    assert lost == 0, failures


def test_windows_reserved_names_are_refused_by_every_command(commune: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    db = commune
    out_dir = tmp_path / "usb"
    out_dir.mkdir()
    tried = lost = 0
    failures: list[object] = []
    for name in RESERVED:
        for argv in _commands(str(out_dir / name)):
            before = _state(db)
            rc = main(["--db", str(db), *argv])
            err = capsys.readouterr().err
            tried += 1
            ok = rc == 2 and err.count("\n") == 1 and "Hãy đặt tên khác" in err and _state(db) == before
            ok = ok and not list(out_dir.iterdir())
            if not ok:
                failures.append((name, argv, rc, err))
            lost += 0 if ok else 1
    record("output-reserved-name", "an output file named CON, PRN, AUX, NUL, COM1–9, LPT1–9 (any case, any "
           "extension), with a trailing dot or space, ':' or another character Windows refuses",
           "CLI export, key export, key new, backup, report --out; store.dump() and the folder before/after",
           tried, lost)
    assert lost == 0, failures


@pytest.mark.parametrize("name", ["goi.lhtl", "Báo cáo 2025.pdf", "CONSOLE.lhtl", "com10.xlsx", "nulla.pdf",
                                  "lhtl-14389-Gia-Lam-den-372-20250101-0900.lhtl", ".an"])
def test_ordinary_names_pass(name: str) -> None:
    assert name_problem(name) is None


def test_an_ordinary_export_and_backup_still_work(commune: Path, tmp_path: Path) -> None:
    out = tmp_path / "usb"
    out.mkdir()
    assert main(["--db", str(commune), "export", "--out", str(out / "goi.lhtl")]) == 0
    assert main(["--db", str(commune), "backup", "--out", str(out / "saoluu.sqlite3")]) == 0
    assert main(["--db", str(commune), "report", "--period", "2025", "--out", str(out / "bao-cao.xlsx")]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["bao-cao.xlsx", "goi.lhtl", "saoluu.sqlite3"]
