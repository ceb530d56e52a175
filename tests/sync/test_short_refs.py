"""Short references («14389-3»): given once by the creating installation from its own counter space, carried
in bundles, never changed, the same on every installation, and accepted wherever an id is."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lhtl_desktop.errors import NotFoundError, RefusedError
from lhtl_desktop.services import institutions
from lhtl_desktop.storage import open_store
from lhtl_desktop.storage.migrations import MIGRATIONS
from lhtl_desktop.sync import importer
from tests.migration_support import rewind_to
from tests.sync.conftest import Net, enrol, make_node, resign


def refs(node_store) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    return {i.id: i.ref for i in node_store.institutions()}


def test_refs_travel_and_a_hub_never_takes_a_communes_number(net: Net) -> None:
    a, hub = net.a, net.hub
    own = institutions.add_institution(a.store, "14389", "cc_commune", "Trung tâm VH-TT xã Gia Lâm")
    assert (a.store.institution(a.institutions["lib"]).ref, own.ref) == ("14389-1", "14389-2")  # type: ignore[union-attr]
    importer.import_files(hub.store, [a.export()])
    assert refs(hub.store)[own.id] == "14389-2"

    # The same day, the hub adds one for the commune and the commune adds another: two counter spaces.
    by_hub = institutions.add_institution(hub.store, "14389", "village_house", "Nhà văn hóa thôn Đông", "Thôn Đông")
    by_commune = institutions.add_institution(a.store, "14389", "village_house", "Nhà văn hóa thôn Tây", "Thôn Tây")
    hub_own = institutions.add_institution(hub.store, "372", "lib_district", "Thư viện huyện Nho Quan")
    assert (by_hub.ref, by_commune.ref, hub_own.ref) == ("14389-372.1", "14389-3", "372-1")

    enrol(a, hub)  # the commune trusts its hub, so the hub's bundle can come down
    (down,) = importer.import_files(a.store, [hub.export(to="14389")])
    assert down.status == importer.ACCEPTED, down.reason
    (up,) = importer.import_files(hub.store, [a.export()])
    assert up.status == importer.ACCEPTED, up.reason
    at_commune = refs(a.store)
    at_hub = {i: r for i, r in refs(hub.store).items() if i in at_commune}
    assert at_commune == at_hub  # every institution of the commune: one number, the same on both sides
    assert sorted(r for r in at_commune.values() if r) == ["14389-1", "14389-2", "14389-3", "14389-372.1"]
    # numbering goes on in each space without looking at the other
    assert institutions.add_institution(a.store, "14389", "museum", "Bảo tàng Gia Lâm").ref == "14389-4"
    assert institutions.add_institution(hub.store, "14389", "museum", "Bảo tàng Thôn").ref == "14389-372.2"


def test_a_ref_is_accepted_wherever_an_id_is(net: Net) -> None:
    lib = net.a.institutions["lib"]
    assert institutions.require_institution(net.a.store, "14389-1").id == lib
    assert institutions.require_institution(net.a.store, " 14389-1 ").id == lib
    assert institutions.require_institution(net.a.store, lib).ref == "14389-1"
    with pytest.raises(NotFoundError, match="14389-7"):
        institutions.require_institution(net.a.store, "14389-7")


def test_two_institutions_with_one_ref_ask_for_the_id(net: Net) -> None:
    """What a restore from an old backup could cause: both kept, the reference refused as ambiguous."""
    store = net.a.store
    other = institutions.add_institution(store, "14389", "cc_commune", "Trung tâm VH-TT")
    with store.atomic():
        store.conn.execute("UPDATE institutions SET ref = '14389-1' WHERE id = ?", [other.id])
    with pytest.raises(RefusedError) as err:
        institutions.require_institution(store, "14389-1")
    assert net.a.institutions["lib"] in err.value.message and other.id in err.value.message


def test_a_received_ref_never_replaces_one_already_known(net: Net) -> None:
    a, hub = net.a, net.hub
    importer.import_files(hub.store, [a.export()])
    institutions.edit_institution(a.store, a.institutions["lib"], name="Thư viện xã Gia Lâm (mới)")

    def other_ref(body: dict) -> None:  # type: ignore[type-arg]
        for inst in body["institutions"]:
            inst["ref"] = "14389-9"

    data = resign(a, a.export().read_bytes(), other_ref)
    (result,) = importer.import_files(hub.store, [net.write(data)])
    assert result.status == importer.ACCEPTED, result.reason
    stored = hub.store.institution(a.institutions["lib"])
    assert stored is not None and (stored.name, stored.ref) == ("Thư viện xã Gia Lâm (mới)", "14389-1")


def test_a_bundle_without_refs_is_still_read(net: Net) -> None:
    a, hub = net.a, net.hub

    def drop(body: dict) -> None:  # type: ignore[type-arg]
        for inst in body["institutions"]:
            del inst["ref"]

    (result,) = importer.import_files(hub.store, [net.write(resign(a, a.export().read_bytes(), drop))])
    assert result.status == importer.ACCEPTED, result.reason
    inst = hub.store.institution(a.institutions["lib"])
    assert inst is not None and inst.ref is None and inst.shown_ref == inst.id[:8]
    importer.import_files(hub.store, [a.export()])  # the next bundle with the number fills it in
    assert hub.store.institution(a.institutions["lib"]).ref == "14389-1"  # type: ignore[union-attr]


@pytest.mark.parametrize("bad", ["14401-1", "14389-0", "14389-", "14389-x1", "14389-99999.1", "14389-1.2.3",
                                 "１４３８９-1", 14389, "14389-372.01"])
def test_a_bad_ref_refuses_the_bundle(net: Net, bad: object) -> None:
    a, hub = net.a, net.hub
    before = hub.store.dump()

    def set_bad(body: dict) -> None:  # type: ignore[type-arg]
        body["institutions"][0]["ref"] = bad

    (result,) = importer.import_files(hub.store, [net.write(resign(a, a.export().read_bytes(), set_bad))])
    assert result.status == importer.REJECTED and "mã ngắn" in (result.reason or "")
    assert hub.store.dump() == before


def test_migration_numbers_the_own_units_institutions_only(tmp_path: Path) -> None:
    """A database from before short references: its own unit's institutions get 1, 2, … in the order they
    were created; another unit's stay unnumbered until that unit's bundle brings the number."""
    path = tmp_path / "old.sqlite3"
    node = make_node(tmp_path, "372", "Lê Văn Cụm")
    node.store.close()
    conn = sqlite3.connect(node.folder / "lhtl.sqlite3")
    conn.execute("PRAGMA foreign_keys = OFF")
    step = next(i for i, m in enumerate(MIGRATIONS) if m.__name__ == "_institution_short_refs")
    rewind_to(conn, step)  # what this and later migrations made: as if never run (the column below is dropped)
    conn.execute("DROP INDEX IF EXISTS institutions_ref")
    conn.execute("ALTER TABLE institutions DROP COLUMN ref")
    conn.execute("DELETE FROM meta WHERE key LIKE 'institution_ref:%'")
    rows = [("b0000000-0000-4000-8000-000000000000", "372", "lib_district", "Thư viện B", "2025-02-01T00:00:00Z"),
            ("a0000000-0000-4000-8000-000000000000", "372", "cc_district", "Trung tâm A", "2025-03-01T00:00:00Z"),
            ("c0000000-0000-4000-8000-000000000000", "14389", "lib_commune", "Thư viện xã", "2025-01-01T00:00:00Z")]
    for inst_id, unit, type_code, name, created in rows:
        conn.execute("INSERT INTO institutions (id, unit_code, type, name, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?, ?)", [inst_id, unit, type_code, name, created, created])
    conn.commit()
    conn.close()
    (node.folder / "lhtl.sqlite3").rename(path)
    store = open_store(path)
    assert store.schema_version() == len(MIGRATIONS)
    assert refs(store) == {"b0000000-0000-4000-8000-000000000000": "372-1",
                           "a0000000-0000-4000-8000-000000000000": "372-2",
                           "c0000000-0000-4000-8000-000000000000": None}
    assert institutions.add_institution(store, "372", "museum", "Bảo tàng").ref == "372-3"
    store.close()


def test_conflicts_text_names_the_short_reference(net: Net, capsys: pytest.CaptureFixture[str]) -> None:
    from lhtl_desktop.cli import main

    a, hub = net.a, net.hub
    importer.import_files(hub.store, [a.export()])
    hub.set(a.institutions["lib"], "2025", why="đối chiếu sổ", LIB_VISITS=1200)  # the hub's correction
    a.set("lib", "2025", LIB_VISITS=1100)  # the commune, not having seen it
    hub.set(a.institutions["lib"], "2024", why="đối chiếu sổ", LIB_VISITS=900)  # a second key in conflict
    a.set("lib", "2024", LIB_VISITS=950)
    importer.import_files(hub.store, [a.export()])
    capsys.readouterr()
    assert main(["--db", str(hub.store.path), "conflicts"]) == 0
    out = capsys.readouterr().out
    assert "Thư viện xã 14389 (14389-1) 2025 LIB_VISITS:" in out and a.institutions["lib"] not in out
    assert "Thư viện xã 14389 (14389-1) 2024 LIB_VISITS:" in out
