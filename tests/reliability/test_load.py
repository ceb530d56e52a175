"""Many bundles in one go: progress for every file, and (when the importer offers it) a cancel that leaves
the database as it was. Service level; the window shows the same callback in its progress dialog."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rel_support import COMMUNE, HUB, LIB_CODES, import_state, integrity, make_sync_pair, record

from lhtl_desktop.services import entry, institutions
from lhtl_desktop.storage import open_store
from lhtl_desktop.sync import exporter, importer

BUNDLES = 40


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    tmp = tmp_path_factory.mktemp("many")
    hub_db, commune_db, first = make_sync_pair(tmp, institutions_n=3)
    commune = open_store(commune_db)
    lib = institutions.list_institutions(commune, COMMUNE)[0]
    bundles = [first]
    for i in range(BUNDLES - 1):
        entry.set_values(commune, lib.id, "2025", {LIB_CODES[0]: str(5000 + i)})
        bundles.append(exporter.export_bundle(commune, tmp / "bundles" / f"b{i:03}.lhtl", to_unit=HUB).path)
    commune.close()
    return hub_db, bundles


def test_many_bundles_in_one_go_report_progress(many, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hub_db, bundles = many
    db = tmp_path / "hub.sqlite3"
    shutil.copy(hub_db, db)
    store = open_store(db)
    seen: list[tuple[int, int, str]] = []
    try:
        results = importer.import_files(store, list(reversed(bundles)), progress=lambda n, t, f: seen.append((n, t, f)))
        values = entry.current_values(store, institutions.list_institutions(store, COMMUNE)[0].id, "2025")
    finally:
        store.close()
    assert [s[0] for s in seen] == list(range(len(bundles)))
    assert all(t == len(bundles) for _n, t, _f in seen)
    assert [r.status for r in results].count(importer.ACCEPTED) == len(bundles)
    assert values[LIB_CODES[0]].value == 5000 + BUNDLES - 2  # newest wins whatever the order
    ok = integrity(db) == "ok"
    record("load-many-bundles", f"{BUNDLES} snapshot bundles imported in one go, newest first",
           "import_files with a progress callback; newest value kept, integrity_check", len(bundles), 0 if ok else 1)
    assert ok


def test_cancel_leaves_the_database_as_it_was(many, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hub_db, bundles = many
    db = tmp_path / "hub.sqlite3"
    shutil.copy(hub_db, db)
    before = import_state(db)
    store = open_store(db)
    calls = 0

    def cancel() -> bool:
        nonlocal calls
        calls += 1
        return calls > len(bundles) // 2

    try:
        with pytest.raises(importer.ImportCancelled, match="Đã hủy nhập"):
            importer.import_files(store, bundles, cancel=cancel)
    finally:
        store.close()
    assert import_state(db) == before
