"""Reference names in the official tone-mark placement («Hòa», «Thủy», «Úy»), at set-up and by migration of a
database set up before; search finds a name under either spelling."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lhtl_desktop.model.spelling import official_spelling
from lhtl_desktop.services.installation import init_installation
from lhtl_desktop.services.setup import matches
from lhtl_desktop.storage import open_store
from lhtl_desktop.storage.migrations import MIGRATIONS, _official_spellings
from lhtl_desktop.sync.keys import generate_key
from tests.migration_support import rewind_to

OFFICIAL = {"13396": "Phường Nguyễn Úy", "14167": "Xã Giao Thủy", "14182": "Xã Giao Hòa"}
PACKAGE = {"13396": "Phường Nguyễn Uý", "14167": "Xã Giao Thuỷ", "14182": "Xã Giao Hoà"}


@pytest.mark.parametrize("given, official", [
    ("Xã Giao Hoà", "Xã Giao Hòa"), ("Giao Thuỷ", "Giao Thủy"), ("Nguyễn Uý", "Nguyễn Úy"),
    ("HOÀ BÌNH", "HÒA BÌNH"), ("Khoẻ", "Khỏe"), ("Thuý Hoà", "Thúy Hòa"), ("Tuỵ", "Tụy"),
    # unchanged: already official, a final consonant, qu + y, a modified vowel, no tone
    ("Xã Giao Hòa", "Xã Giao Hòa"), ("Hoàng Long", "Hoàng Long"), ("Thuyết", "Thuyết"), ("Quý", "Quý"),
    ("Quỳnh", "Quỳnh"), ("Thuở", "Thuở"), ("Hoa Lư", "Hoa Lư"), ("Xoay", "Xoay"), ("Ngoãi", "Ngoãi"),
])
def test_tone_marks_move_to_the_official_place(given: str, official: str) -> None:
    assert official_spelling(given) == official
    assert official_spelling(official) == official  # idempotent


def test_setup_writes_official_names_and_nothing_is_left_to_fix(db_path: Path) -> None:
    store = open_store(db_path)
    init_installation(store, "14167", "Nguyễn Văn An", generate_key(None))
    units = store.units()
    for code, name in OFFICIAL.items():
        assert units[code].name == name
    assert units["365"].name == "Huyện Giao Thủy (cũ)"  # hub and commune now agree
    assert all(official_spelling(u.name) == u.name for u in units.values())
    lineage = store.db.execute("SELECT legacy_name, legacy_district_name FROM unit_lineage").fetchall()
    assert lineage and all(official_spelling(a) == a and official_spelling(b) == b for a, b in lineage)
    store.close()


def test_migration_rewrites_a_database_set_up_with_the_package_spellings(db_path: Path) -> None:
    store = open_store(db_path)
    init_installation(store, "14167", "Nguyễn Văn An", generate_key(None))
    store.close()
    # the database as an earlier program left it: package spellings, schema just before this migration
    conn = sqlite3.connect(db_path)
    for code, name in PACKAGE.items():
        conn.execute("UPDATE units SET name = ? WHERE code = ?", [name, code])
    conn.execute("UPDATE unit_lineage SET legacy_name = 'Xã Giao Hoà' WHERE unit_code = '14182'")
    conn.execute("UPDATE institutions SET name = name")  # (no institutions yet; typed names are never touched)
    rewind_to(conn, MIGRATIONS.index(_official_spellings))
    conn.commit()
    conn.close()

    store = open_store(db_path)
    assert store.schema_version() == len(MIGRATIONS)
    units = store.units()
    for code, name in OFFICIAL.items():
        assert units[code].name == name
    names = {r[0] for r in store.db.execute("SELECT legacy_name FROM unit_lineage WHERE unit_code = '14182'")}
    assert "Xã Giao Hoà" not in names and "Xã Giao Hòa" in names
    store.close()


@pytest.mark.parametrize("query", ["giao thuy", "Giao Thuỷ", "Giao Thủy", "GIAO THỦY", "thuỷ"])
def test_search_finds_either_spelling(query: str) -> None:
    assert matches(query, "Xã Giao Thủy")
    assert not matches(query, "Xã Giao Hòa")


def test_wizard_search_finds_the_official_name_under_the_package_spelling(db_path: Path) -> None:
    from lhtl_desktop.services.setup import setup_units

    found = [u for u in setup_units("37") if matches("nguyen uý", u.name)]
    assert [u.name for u in found] == ["Phường Nguyễn Úy"]
