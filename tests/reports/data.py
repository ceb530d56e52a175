"""Test data for report tests, built through the services like a user would (province 37, two hubs)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lhtl_desktop.model.records import ValueRecord, new_id, now_utc
from lhtl_desktop.services import entry, institutions, reporting
from lhtl_desktop.services.installation import init_installation
from lhtl_desktop.storage import Store
from lhtl_desktop.sync.keys import generate_key

GIA_LAM, GIA_TUONG, TAM_DIEP = "14389", "14401", "14362"  # hub 372 (Nho Quan cũ) ×2, hub 370 (Tam Điệp cũ)
HUB_NHO_QUAN, HUB_TAM_DIEP = "372", "370"
WHY = "Nhập hộ theo báo cáo giấy"


VALUES: dict[str, dict[str, dict[str, int]]] = {
    "2024": {
        "lib_prov": {"LIB_VISITS": 120000, "LIB_SKILL_CLASSES": 20},
        "museum": {"MUS_VISITS": 50000, "MUS_LEARNING_VISITS": 8000, "MUS_EDU_PROGRAMMES": 3,
                   "MUS_DIGITAL_EXHIBITS": 1},
        "lib_dist": {"LIB_VISITS": 15000, "LIB_READING_EVENTS": 4},
        "lib_gl": {"LIB_VISITS": 1100, "LIB_SKILL_CLASSES": 0},
        "lib_gt": {"LIB_VISITS": 800},
        "lib_td": {"LIB_VISITS": 2300, "LIB_MOBILE_RUNS": 2},
    },
    "2025": {
        "lib_prov": {"LIB_VISITS": 133500, "LIB_SKILL_CLASSES": 24, "LIB_DIGITAL_SERVICE": 1,
                     "LIB_READERS": 4321},
        "museum": {"MUS_VISITS": 61000, "MUS_LEARNING_VISITS": 9100, "MUS_EDU_PROGRAMMES": 4,
                   "MUS_DIGITAL_EXHIBITS": 2, "MUS_STUDENT_PARTICIPANTS": 2750},
        "lib_dist": {"LIB_VISITS": 16250, "LIB_READING_EVENTS": 0, "LIB_SKILL_CLASSES": 0},
        "lib_gl": {"LIB_VISITS": 1234, "LIB_SKILL_CLASSES": 3, "LIB_HOLDINGS": 5678},
        "cc_gl": {"CC_CLUBS": 2, "CC_ACTIVITIES": 14, "CC_PARTICIPANTS": 1890},
        "vh_gl1": {"CC_CLUBS": 1, "CC_ACTIVITIES": 12},
        "vh_gl2": {"CC_ACTIVITIES": 5},
        "lib_gt": {"LIB_VISITS": 950, "LIB_READING_EVENTS": 2},
        # cc_gt: no data in 2025 (missing); lib_td too
        "school_td": {"LIB_VISITS": 3456, "LIB_DIGITAL_SERVICE": 0},
    },
}


@dataclass
class Built:
    ids: dict[str, str] = field(default_factory=dict)


def _add(store: Store, built: Built, key: str, unit: str, type_code: str, name: str,
         village: str | None = None) -> str:
    inst = institutions.add_institution(store, unit, type_code, name, village)
    built.ids[key] = inst.id
    return inst.id


def build_province(store: Store, *, conflict: bool = True) -> Built:
    """A province installation with institutions in three communes of two hubs, a hub and the province."""
    init_installation(store, "37", "Trần Thị Bình", generate_key(None))
    b = Built()
    _add(store, b, "lib_prov", "37", "lib_province", "Thư viện tỉnh Ninh Bình")
    _add(store, b, "museum", "37", "museum", "Bảo tàng tỉnh Ninh Bình")
    _add(store, b, "lib_dist", HUB_NHO_QUAN, "lib_district", "Thư viện huyện Nho Quan (cũ)")
    _add(store, b, "lib_gl", GIA_LAM, "lib_commune", "Thư viện xã Gia Lâm")
    _add(store, b, "cc_gl", GIA_LAM, "cc_commune", "Trung tâm Văn hóa – Thể thao xã Gia Lâm")
    _add(store, b, "vh_gl1", GIA_LAM, "village_house", "Nhà văn hóa thôn Đồng Giao", "Thôn Đồng Giao")
    _add(store, b, "vh_gl2", GIA_LAM, "village_house", "Nhà văn hóa thôn Bãi Sậy", "Thôn Bãi Sậy")
    _add(store, b, "lib_gt", GIA_TUONG, "lib_commune", "Thư viện xã Gia Tường")
    _add(store, b, "cc_gt", GIA_TUONG, "cc_commune", "Trung tâm Văn hóa – Thể thao xã Gia Tường")
    _add(store, b, "lib_td", TAM_DIEP, "lib_commune", "Phòng đọc phường Tam Điệp")
    _add(store, b, "school_td", TAM_DIEP, "lib_school", "Thư viện Trường THPT Nguyễn Huệ")

    for period, per_inst in VALUES.items():
        for key, vals in per_inst.items():
            entry.set_values(store, b.ids[key], period, {k: str(v) for k, v in vals.items()}, why=WHY)
    if conflict:
        add_conflict(store, b.ids["lib_gl"], "2025", "LIB_VISITS", 1299, GIA_LAM)
    submit_all(store, "2025")
    return b


def submit_all(store: Store, period: str) -> None:
    """Every unit expected to report for the period submits (the paper copies recorded here): the sheets then
    show the plain statuses; tests of incomplete coverage reopen or start without this."""
    me = store.get_meta("unit_code") or ""
    for code in reporting.expected_units(store, me):
        reporting.submit(store, period, unit=code, empty=True)


def add_conflict(store: Store, inst_id: str, period: str, indicator: str, value: int, author_unit: str) -> None:
    """A concurrent sibling from another installation's key (as an import would leave it): an open conflict."""
    inst = store.institution(inst_id)
    assert inst is not None
    rec = ValueRecord(
        edit_id=new_id(), institution_id=inst_id, unit_code=inst.unit_code, period=period, indicator=indicator,
        value=value, vv={"commune-key-0000": 1}, author_key="commune-key-0000", author_unit=author_unit,
        created_at=now_utc(), author_name="Nguyễn Văn An",
    )
    with store.atomic():
        store.insert_record(rec)


def build_local(store: Store, unit: str, officer: str) -> Built:
    """A commune or hub installation holding the institutions of build_province that lie in its scope."""
    init_installation(store, unit, officer, generate_key(None))
    scoped = {
        GIA_LAM: ["lib_gl", "cc_gl", "vh_gl1", "vh_gl2"],
        HUB_NHO_QUAN: ["lib_dist", "lib_gl", "cc_gl", "vh_gl1", "vh_gl2", "lib_gt", "cc_gt"],
    }[unit]
    specs = {
        "lib_dist": (HUB_NHO_QUAN, "lib_district", "Thư viện huyện Nho Quan (cũ)", None),
        "lib_gl": (GIA_LAM, "lib_commune", "Thư viện xã Gia Lâm", None),
        "cc_gl": (GIA_LAM, "cc_commune", "Trung tâm Văn hóa – Thể thao xã Gia Lâm", None),
        "vh_gl1": (GIA_LAM, "village_house", "Nhà văn hóa thôn Đồng Giao", "Thôn Đồng Giao"),
        "vh_gl2": (GIA_LAM, "village_house", "Nhà văn hóa thôn Bãi Sậy", "Thôn Bãi Sậy"),
        "lib_gt": (GIA_TUONG, "lib_commune", "Thư viện xã Gia Tường", None),
        "cc_gt": (GIA_TUONG, "cc_commune", "Trung tâm Văn hóa – Thể thao xã Gia Tường", None),
    }
    b = Built()
    for key in scoped:
        u, t, name, village = specs[key]
        _add(store, b, key, u, t, name, village)
    for period, per_inst in VALUES.items():
        for key, vals in per_inst.items():
            if key in b.ids:
                inst = store.institution(b.ids[key])
                why = WHY if inst is not None and inst.unit_code != unit else None
                entry.set_values(store, b.ids[key], period, {k: str(v) for k, v in vals.items()}, why=why)
    submit_all(store, "2025")
    return b
