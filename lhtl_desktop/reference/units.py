"""Units of one province after the 2025 reform, with default merge hubs (DOMAIN.md §7).

Hubs are the province's former districts (legacy tree of vietnam-provinces). Each new commune joins the
former district that most of its legacy communes came from; a tie goes to the lowest district code.
Only districts that win at least one commune become hubs (22 for Ninh Bình). The result is copied into
the database at set-up and is editable there; nothing here is consulted afterwards.

vietnam-provinces (its legacy tables above all) takes a noticeable time to import, so it is imported inside
the functions that read it: importing this module for a constant costs nothing at start-up.

Every name is written with the official tone-mark placement (`model.spelling`: «Giao Hòa», not «Giao Hoà»)
before it reaches the database; migration `official_spellings` rewrites databases set up before that.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from lhtl_desktop.errors import NotFoundError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.catalogue import Level
from lhtl_desktop.model.spelling import official_spelling
from lhtl_desktop.model.units import Unit

DEFAULT_PROVINCE = "37"  # Ninh Bình (merged Hà Nam, Nam Định, Ninh Bình)


@dataclass
class ProvinceReference:
    province: Unit
    hubs: list[Unit]
    communes: list[Unit]
    lineage: list[dict[str, str]] = field(default_factory=list)

    def all_units(self) -> list[Unit]:
        """Province, its communes with no former district behind them (the five đặc khu: Bạch Long Vĩ, Cồn Cỏ,
        Hoàng Sa, Lý Sơn, Côn Đảo report straight to the province), then each hub followed by its communes
        (the natural reading order). Every commune of the province is listed exactly once."""
        out = [self.province]
        out.extend(c for c in self.communes if c.parent == self.province.code)
        for hub in self.hubs:
            out.append(hub)
            out.extend(c for c in self.communes if c.parent == hub.code)
        return out


def provinces() -> list[tuple[str, str]]:
    """(code, name) of the 34 provinces, by code."""
    from vietnam_provinces import Province

    return sorted((f"{int(p.code):02d}", official_spelling(p.name)) for p in Province.iter_all())


def province_of_commune(commune_code: str) -> str:
    from vietnam_provinces import Ward

    for w in Ward.iter_all():
        if int(w.code) == int(commune_code):
            return f"{int(w.province_code):02d}"
    raise NotFoundError(_("Không có xã, phường mã «{code}».").format(code=commune_code))


def province_of_hub(hub_code: str) -> str:
    from vietnam_provinces import Province
    from vietnam_provinces.legacy import District

    try:
        d = District.from_code(int(hub_code))  # type: ignore[arg-type]
    except (ValueError, KeyError):
        raise NotFoundError(_("Không có huyện (cũ) mã «{code}».").format(code=hub_code)) from None
    legacy_province = int(d.province_code)
    candidates = [p for p in Province.iter_all()
                  if any(int(lp.code) == legacy_province for lp in p.get_legacy_sources())]
    if len(candidates) > 1:
        # A former province split between new ones (Tiền Giang's districts went to Đồng Tháp, one corner to
        # Tây Ninh): the hub belongs where `load_province` makes it a hub, i.e. where the district's communes
        # are the majority source of new communes.
        for p in candidates:
            if f"{int(d.code):03d}" in _hubs_of(p.code):
                return f"{int(p.code):02d}"
    if candidates:
        return f"{int(candidates[0].code):02d}"
    raise NotFoundError(_("Không có huyện (cũ) mã «{code}».").format(code=hub_code))


def _hubs_of(province_code: object) -> set[str]:
    """The former-district codes that are hubs of a new province (the same vote as `load_province`)."""
    from vietnam_provinces import Ward

    hubs: set[str] = set()
    for w in Ward.iter_by_province(province_code):  # type: ignore[arg-type]
        votes: Counter[int] = Counter(int(s.district_code) for s in w.get_legacy_sources())
        if votes:
            hubs.add(f"{max(votes.items(), key=lambda kv: (kv[1], -kv[0]))[0]:03d}")
    return hubs


def load_province(code: str = DEFAULT_PROVINCE) -> ProvinceReference:
    from vietnam_provinces import Province, ProvinceCode, Ward
    from vietnam_provinces.legacy import District

    try:
        prov = Province.from_code(ProvinceCode(int(code)))
    except ValueError:
        raise NotFoundError(_("Không có tỉnh, thành phố mã «{code}».").format(code=code)) from None
    pcode = f"{int(prov.code):02d}"
    wards = sorted(Ward.iter_by_province(prov.code), key=lambda w: int(w.code))

    lineage: list[dict[str, str]] = []
    hub_of: dict[str, str] = {}
    hub_names: dict[str, str] = {}
    for w in wards:
        wcode = f"{int(w.code):05d}"
        sources = w.get_legacy_sources()
        votes: Counter[int] = Counter(int(s.district_code) for s in sources)
        for s in sources:
            dcode = int(s.district_code)
            if f"{dcode:03d}" not in hub_names:
                hub_names[f"{dcode:03d}"] = official_spelling(District.from_code(s.district_code).name)
            lineage.append({
                "unit_code": wcode,
                "legacy_code": f"{int(s.code):05d}",
                "legacy_name": official_spelling(s.name),
                "legacy_district_code": f"{dcode:03d}",
                "legacy_district_name": hub_names[f"{dcode:03d}"],
            })
        if votes:
            best = max(votes.items(), key=lambda kv: (kv[1], -kv[0]))[0]
            hub_of[wcode] = f"{best:03d}"

    hub_codes = sorted(set(hub_of.values()))
    hubs = [Unit(h, f"{hub_names[h]} (cũ)", Level.DISTRICT, pcode, "huyện cũ") for h in hub_codes]
    communes = [
        Unit(f"{int(w.code):05d}", official_spelling(w.name), Level.COMMUNE, hub_of.get(f"{int(w.code):05d}", pcode),
             str(w.division_type))
        for w in wards
    ]
    province = Unit(pcode, official_spelling(prov.name), Level.PROVINCE, None, str(prov.division_type))
    return ProvinceReference(province, hubs, communes, lineage)
