"""Entering values: correction rule, conflicts (current_values, provisional choice), clearing, completeness."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lhtl_desktop.errors import NotFoundError, RefusedError
from lhtl_desktop.model.records import ValueRecord, choose_provisional
from lhtl_desktop.model.version_vector import Order, compare
from lhtl_desktop.services import entry
from lhtl_desktop.services.evaluation import evaluate
from lhtl_desktop.services.installation import init_installation, installation
from lhtl_desktop.services.institutions import add_institution
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.sync.keys import generate_key


def _store(tmp_path: Path, unit: str) -> Store:
    store = open_store(tmp_path / f"{unit}.sqlite3")
    init_installation(store, unit, "Cán bộ " + unit, generate_key(None))
    return store


@pytest.fixture
def commune(tmp_path: Path) -> Iterator[Store]:
    store = _store(tmp_path, "14389")
    yield store
    store.close()


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Store]:
    store = _store(tmp_path, "372")
    yield store
    store.close()


def _rec(edit_id: str, inst: str, value: int | None, vv: dict[str, int], author_unit: str, created: str,
         reason: str | None = None) -> ValueRecord:
    return ValueRecord(edit_id, inst, "14389", "2025", "LIB_VISITS", value, vv, f"key-{author_unit}", author_unit,
                       created, reason=reason, author_name=f"Cán bộ {author_unit}")


# -- correction rule ------------------------------------------------------------------------------------------
def test_hub_correction_needs_why(hub: Store) -> None:
    lib = add_institution(hub, "14389", "lib_commune", "Thư viện xã Gia Lâm").id
    before = hub.dump()
    for why in (None, "", "   "):
        with pytest.raises(RefusedError, match="lý do") as err:
            entry.set_values(hub, lib, "2025", {"LIB_VISITS": "10"}, why=why)
        assert err.value.field == "why"
        assert hub.dump() == before
    with pytest.raises(RefusedError):
        entry.clear_value(hub, lib, "2025", "LIB_VISITS")
    assert hub.dump() == before
    result = entry.set_values(hub, lib, "2025", {"LIB_VISITS": "10"}, why="  Sửa theo  sổ theo dõi ")
    assert result.saved == {"LIB_VISITS": 10}
    (rec,) = hub.records_for_key(lib, "2025", "LIB_VISITS")
    assert rec.reason == "Sửa theo sổ theo dõi"  # trimmed, inner spaces collapsed
    assert (rec.author_unit, rec.unit_code, rec.author_name) == ("372", "14389", "Cán bộ 372")
    assert rec.author_key == installation(hub).key_id


def test_hub_own_institution_needs_no_why(hub: Store) -> None:
    lib = add_institution(hub, "372", "lib_district", "Thư viện huyện Nho Quan (cũ)").id
    entry.set_values(hub, lib, "2025", {"LIB_VISITS": "10"})
    assert hub.records_for_key(lib, "2025", "LIB_VISITS")[0].reason is None


def test_commune_own_entry_keeps_optional_why(commune: Store) -> None:
    lib = add_institution(commune, "14389", "lib_commune", "Thư viện").id
    entry.set_values(commune, lib, "2025", {"LIB_VISITS": "10"}, why="Số liệu quý IV bổ sung")
    assert commune.records_for_key(lib, "2025", "LIB_VISITS")[0].reason == "Số liệu quý IV bổ sung"


def test_unknown_institution(commune: Store) -> None:
    with pytest.raises(NotFoundError, match="Không có thiết chế"):
        entry.set_values(commune, "khong-co", "2025", {"LIB_VISITS": "1"})


# -- edits, history and version vectors -----------------------------------------------------------------------
def test_edit_supersedes_and_advances_vector(commune: Store) -> None:
    lib = add_institution(commune, "14389", "lib_commune", "Thư viện").id
    key = installation(commune).key_id
    entry.set_values(commune, lib, "2025", {"LIB_VISITS": "10"})
    entry.set_values(commune, lib, "2025", {"LIB_VISITS": "12"})
    (cur,) = commune.records_for_key(lib, "2025", "LIB_VISITS")
    (old,) = commune.records_in_history(lib, "2025", "LIB_VISITS")
    assert (cur.value, old.value) == (12, 10)
    assert cur.vv == {key: 2} and old.vv == {key: 1}
    before = commune.dump()
    result = entry.set_values(commune, lib, "2025", {"LIB_VISITS": "12"})
    assert result.unchanged == ["LIB_VISITS"] and result.saved == {}
    assert commune.dump() == before  # re-entering the same value writes nothing


def test_clear_value_is_a_tombstone(commune: Store) -> None:
    lib = add_institution(commune, "14389", "lib_commune", "Thư viện").id
    entry.set_values(commune, lib, "2025", {"LIB_VISITS": "10", "LIB_READERS": "4"})
    assert entry.clear_value(commune, lib, "2025", "LIB_VISITS") is True
    assert set(entry.current_values(commune, lib, "2025")) == {"LIB_READERS"}
    (tomb,) = commune.records_for_key(lib, "2025", "LIB_VISITS")
    assert tomb.value is None
    before = commune.dump()
    assert entry.clear_value(commune, lib, "2025", "LIB_VISITS") is False
    assert entry.clear_value(commune, lib, "2025", "LIB_HOLDINGS") is False
    assert commune.dump() == before


def test_completeness(commune: Store) -> None:
    lib = add_institution(commune, "14389", "lib_commune", "Thư viện")
    assert entry.completeness(commune, lib, "2025") == entry.Completeness.EMPTY
    entry.set_values(commune, lib.id, "2025", {"LIB_VISITS": "10"})
    assert entry.completeness(commune, lib, "2025") == entry.Completeness.PARTIAL
    entry.set_values(commune, lib.id, "2025", {
        "LIB_READERS": "1", "LIB_HOLDINGS": "100", "LIB_SKILL_CLASSES": "0", "LIB_READING_EVENTS": "0",
        "LIB_LLL_PARTICIPANTS": "0", "LIB_DIGITAL_SERVICE": "0", "LIB_MOBILE_RUNS": "0"})
    assert entry.completeness(commune, lib, "2025") == entry.Completeness.COMPLETE
    entry.set_values(commune, lib.id, "2026", {"LIB_VISITS": "100"})
    entry.set_values(commune, lib.id, "2026", {
        "LIB_READERS": "1", "LIB_HOLDINGS": "100", "LIB_SKILL_CLASSES": "0", "LIB_READING_EVENTS": "0",
        "LIB_LLL_PARTICIPANTS": "0", "LIB_DIGITAL_SERVICE": "0", "LIB_MOBILE_RUNS": "0"})
    assert entry.completeness(commune, lib, "2026") == entry.Completeness.WARNINGS  # 100 > 3 × 10


# -- conflicts ------------------------------------------------------------------------------------------------
def test_concurrent_records_are_a_conflict_with_provisional_value(commune: Store) -> None:
    lib = add_institution(commune, "14389", "lib_commune", "Thư viện").id
    mine = _rec("e-commune", lib, 100, {"kc": 1}, "14389", "2026-01-05T08:00:00.000Z")
    theirs = _rec("e-hub", lib, 120, {"kh": 1}, "372", "2026-01-02T08:00:00.000Z", reason="Sửa theo sổ")
    assert compare(mine.vv, theirs.vv) == Order.CONCURRENT
    with commune.atomic():
        commune.insert_record(mine)
        commune.insert_record(theirs)
    cur = entry.current_values(commune, lib, "2025")["LIB_VISITS"]
    assert cur.conflict
    assert cur.value == 120  # the higher level's edit, although the commune's is later
    assert cur.record.edit_id == "e-hub"
    assert {r.edit_id for r in cur.siblings} == {"e-commune", "e-hub"}
    assert commune.conflict_keys() == [(lib, "2025", "LIB_VISITS")]
    assert entry.completeness(commune, commune.institution(lib), "2025") == entry.Completeness.CONFLICT  # type: ignore[arg-type]
    ev = evaluate(commune, 2025)
    assert (lib, "LIB_VISITS") in ev.provisional
    # choosing a value needs a reason, as a correction from above does (the window and `set --why` alike)
    before = commune.dump()
    with pytest.raises(RefusedError) as refused:
        entry.set_values(commune, lib, "2025", {"LIB_VISITS": "110"})
    assert "xung đột" in refused.value.message and "lý do" in refused.value.message
    with pytest.raises(RefusedError):
        entry.clear_value(commune, lib, "2025", "LIB_VISITS", "   ")
    assert commune.dump() == before
    # a local edit joins both vectors, dominates them and closes the conflict
    entry.set_values(commune, lib, "2025", {"LIB_VISITS": "110"}, "Đã gọi điện thống nhất với cụm")
    (rec,) = commune.records_for_key(lib, "2025", "LIB_VISITS")
    key = installation(commune).key_id
    assert rec.value == 110 and rec.vv == {"kc": 1, "kh": 1, key: 1}
    assert rec.reason == "Đã gọi điện thống nhất với cụm"
    assert compare(rec.vv, mine.vv) == Order.AFTER and compare(rec.vv, theirs.vv) == Order.AFTER
    assert {r.edit_id for r in commune.records_in_history(lib, "2025", "LIB_VISITS")} == {"e-commune", "e-hub"}
    assert commune.conflict_keys() == []
    assert not entry.current_values(commune, lib, "2025")["LIB_VISITS"].conflict


def test_same_level_siblings_later_one_is_provisional(commune: Store) -> None:
    lib = add_institution(commune, "14389", "lib_commune", "Thư viện").id
    with commune.atomic():
        commune.insert_record(_rec("e-1", lib, 5, {"a": 1}, "14389", "2026-01-01T00:00:00.000Z"))
        commune.insert_record(_rec("e-2", lib, 7, {"b": 1}, "14389", "2026-01-03T00:00:00.000Z"))
    cur = entry.current_values(commune, lib, "2025")["LIB_VISITS"]
    assert (cur.value, cur.conflict) == (7, True)


def test_tombstone_sibling_keeps_conflict_visible(commune: Store) -> None:
    lib = add_institution(commune, "14389", "lib_commune", "Thư viện").id
    with commune.atomic():
        commune.insert_record(_rec("e-del", lib, None, {"h": 1}, "372", "2026-01-03T00:00:00.000Z"))
        commune.insert_record(_rec("e-val", lib, 9, {"c": 1}, "14389", "2026-01-04T00:00:00.000Z"))
    cur = entry.current_values(commune, lib, "2025")["LIB_VISITS"]
    assert cur.conflict and cur.value is None  # the hub deleted it: provisional is the deletion, still flagged


# -- choose_provisional as a pure function --------------------------------------------------------------------
def test_choose_provisional_order() -> None:
    prov = _rec("p", "i", 1, {}, "37", "2026-01-01T00:00:00.000Z")
    hub = _rec("h", "i", 2, {}, "372", "2026-06-01T00:00:00.000Z")
    com_early = _rec("c1", "i", 3, {}, "14389", "2026-07-01T00:00:00.000Z")
    com_late = _rec("c2", "i", 4, {}, "14389", "2026-07-02T00:00:00.000Z")
    assert choose_provisional([]) is None
    assert choose_provisional([com_late, hub, prov, com_early]) is prov
    assert choose_provisional([com_late, hub, com_early]) is hub
    assert choose_provisional([com_early, com_late]) is com_late
    assert choose_provisional([com_late, com_early]) is com_late
    # same level and same time: a stable choice whatever the order
    x = _rec("x", "i", 5, {}, "14389", "2026-07-02T00:00:00.000Z")
    assert choose_provisional([x, com_late]) is choose_provisional([com_late, x])
