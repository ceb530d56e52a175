"""Institutions through the services: scope, village houses, edit, close and reopen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lhtl_desktop.errors import NotFoundError, RefusedError, ValidationError
from lhtl_desktop.services import institutions as svc
from lhtl_desktop.services.installation import init_installation, installation
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.sync.keys import generate_key


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / "hub.sqlite3")
    init_installation(store, "372", "Lê Thị Hoa", generate_key(None))
    yield store
    store.close()


def test_hub_scope_lists_its_communes_institutions(hub: Store) -> None:
    own = svc.add_institution(hub, "372", "cc_district", "Trung tâm văn hóa huyện Nho Quan (cũ)")
    lib = svc.add_institution(hub, "14389", "lib_commune", "Thư viện xã Gia Lâm")
    assert {i.id for i in svc.list_institutions(hub)} == {own.id, lib.id}
    assert [i.id for i in svc.list_institutions(hub, "14389")] == [lib.id]
    outside = next(u.code for u in hub.units().values() if u.level == "commune" and u.parent != "372")
    before = hub.dump()
    with pytest.raises(RefusedError, match="ngoài phạm vi"):
        svc.add_institution(hub, outside, "lib_commune", "Thư viện")
    with pytest.raises(RefusedError, match="ngoài phạm vi"):
        svc.add_institution(hub, "37", "lib_province", "Thư viện tỉnh")
    with pytest.raises(NotFoundError):
        svc.add_institution(hub, "99999", "lib_commune", "Thư viện")
    with pytest.raises(ValidationError, match="không thể có"):
        svc.add_institution(hub, "372", "lib_commune", "Thư viện")  # a hub holds no commune library
    with pytest.raises(ValidationError):
        svc.add_institution(hub, "14389", "lib_commune", "Thư viện", opened_year=1500)
    assert hub.dump() == before


def test_village_houses_from_a_pasted_list(hub: Store) -> None:
    made = svc.add_village_houses(hub, "14389", ["Thôn Đông", " thôn đông ", "Thôn Tây", "", "Xóm 3"])
    assert [i.village for i in made] == ["Thôn Đông", "Thôn Tây", "Xóm 3"]
    assert made[0].name == "Nhà văn hóa Thôn Đông" and made[0].type == "village_house"
    assert svc.add_village_houses(hub, "14389", ["THÔN TÂY"]) == []  # already there, case-insensitively


def test_edit_close_reopen_keep_identity_and_vector(hub: Store) -> None:
    inst = svc.add_institution(hub, "14389", "lib_commune", "Thư viện xã")
    key = installation(hub).key_id
    assert hub.institution_vv(inst.id) == {key: 1}
    edited = svc.edit_institution(hub, inst.id, name="Thư viện xã Gia Lâm", village="Thôn Đông")
    assert (edited.id, edited.name, edited.village) == (inst.id, "Thư viện xã Gia Lâm", "Thôn Đông")
    assert hub.institution_vv(inst.id) == {key: 2}
    closed = svc.close_institution(hub, inst.id, 2026)
    assert closed.closed_year == 2026 and not closed.active
    with pytest.raises(RefusedError, match="đã đóng"):
        svc.close_institution(hub, inst.id, 2027)
    reopened = svc.reopen_institution(hub, inst.id)
    assert reopened.closed_year is None and reopened.active
    stored = hub.institution(inst.id)
    assert stored is not None and stored.name == "Thư viện xã Gia Lâm"
