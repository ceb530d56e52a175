"""Reference units from vietnam-provinces and the hub rule (DOMAIN.md §7)."""

from __future__ import annotations

from collections import Counter

import pytest

from lhtl_desktop.errors import NotFoundError
from lhtl_desktop.reference.units import (
    ProvinceReference,
    load_province,
    province_of_commune,
    province_of_hub,
    provinces,
)


@pytest.fixture(scope="module")
def ninh_binh() -> ProvinceReference:
    return load_province("37")


@pytest.fixture(scope="module")
def ha_noi() -> ProvinceReference:
    return load_province("01")


def districts_per_commune(ref: ProvinceReference) -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = {}
    for row in ref.lineage:
        out.setdefault(row["unit_code"], Counter())[row["legacy_district_code"]] += 1
    return out


def expected_hub(votes: Counter[str]) -> str:
    """The rule, written out independently: most legacy communes; a tie goes to the lowest code."""
    top = max(votes.values())
    return min(code for code, n in votes.items() if n == top)


def test_ninh_binh_counts(ninh_binh: ProvinceReference) -> None:
    assert ninh_binh.province.code == "37"
    assert ninh_binh.province.level == "province" and ninh_binh.province.parent is None
    assert len(ninh_binh.communes) == 129
    assert Counter(c.division_type for c in ninh_binh.communes) == {"xã": 97, "phường": 32}
    assert len(ninh_binh.hubs) == 22
    assert all(h.level == "district" and h.parent == "37" and len(h.code) == 3 for h in ninh_binh.hubs)
    assert all(c.level == "commune" and len(c.code) == 5 for c in ninh_binh.communes)
    assert len({c.code for c in ninh_binh.communes}) == 129


def test_gia_lam_belongs_to_nho_quan(ninh_binh: ProvinceReference) -> None:
    gia_lam = next(c for c in ninh_binh.communes if c.code == "14389")
    assert gia_lam.name == "Xã Gia Lâm"
    assert gia_lam.parent == "372"
    nho_quan = next(h for h in ninh_binh.hubs if h.code == "372")
    assert nho_quan.name == "Huyện Nho Quan (cũ)"


def test_exactly_ten_communes_span_former_districts(ninh_binh: ProvinceReference) -> None:
    per = districts_per_commune(ninh_binh)
    assert set(per) == {c.code for c in ninh_binh.communes}  # every commune has a lineage
    spanning = [code for code, votes in per.items() if len(votes) > 1]
    assert len(spanning) == 10
    # the data has nine communes across two former districts and one across three
    assert Counter(len(per[c]) for c in spanning) == {2: 9, 3: 1}


@pytest.mark.parametrize("fixture", ["ninh_binh", "ha_noi"])
def test_hub_rule_is_generic(fixture: str, request: pytest.FixtureRequest) -> None:
    ref: ProvinceReference = request.getfixturevalue(fixture)
    per = districts_per_commune(ref)
    hub_codes = {h.code for h in ref.hubs}
    for commune in ref.communes:
        assert commune.parent == expected_hub(per[commune.code]), commune
    # hubs are exactly the former districts that win at least one commune
    assert hub_codes == {c.parent for c in ref.communes}
    # every lineage row names a real former district with its name
    assert all(row["legacy_district_name"] for row in ref.lineage)


def test_another_province_loads(ha_noi: ProvinceReference) -> None:
    assert ha_noi.province.code == "01"
    assert "Hà Nội" in ha_noi.province.name
    assert len(ha_noi.communes) == 126
    assert len(ha_noi.hubs) == 30
    assert all(c.parent in {h.code for h in ha_noi.hubs} for c in ha_noi.communes)


def test_all_units_reads_province_then_each_hub_and_its_communes(ninh_binh: ProvinceReference) -> None:
    units = ninh_binh.all_units()
    assert len(units) == 1 + 22 + 129
    assert units[0].code == "37"
    current_hub = None
    for u in units[1:]:
        if u.level == "district":
            current_hub = u.code
        else:
            assert u.parent == current_hub


def test_province_lookups() -> None:
    assert province_of_commune("14389") == "37"
    assert province_of_hub("372") == "37"
    assert province_of_hub("001") == "01"
    assert len(provinces()) == 34
    assert ("37", "Tỉnh Ninh Bình") in provinces()
    with pytest.raises(NotFoundError, match="Không có xã"):
        province_of_commune("99999")
    with pytest.raises(NotFoundError, match="Không có huyện"):
        province_of_hub("999")
    with pytest.raises(NotFoundError, match="Không có tỉnh"):
        load_province("99")


def test_a_hub_of_a_split_former_province_belongs_where_it_is_a_hub() -> None:
    """Tiền Giang's former districts (815–825) are hubs of Đồng Tháp (82), not of Tây Ninh (80), although
    both new provinces list Tiền Giang among their sources."""
    from lhtl_desktop.reference.units import load_province, province_of_hub

    hubs_82 = {u.code for u in load_province("82").hubs}
    for code in range(815, 826):
        assert f"{code}" in hubs_82
        assert province_of_hub(f"{code}") == "82"
    assert province_of_hub("372") == "37"
