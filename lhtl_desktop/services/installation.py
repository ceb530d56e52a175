"""Setting up an installation and reading who and where it is: unit, officer, scope, hierarchy."""

from __future__ import annotations

from dataclasses import dataclass

from lhtl_desktop.errors import NotFoundError, RefusedError, ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.model import hierarchy
from lhtl_desktop.model.catalogue import CATALOG_VERSION, INDICATORS, INSTITUTION_TYPES, Level
from lhtl_desktop.model.criteria import CRITERIA_RULE_VERSION
from lhtl_desktop.model.institutions import clean_text
from lhtl_desktop.model.keys import NewKey
from lhtl_desktop.model.records import now_utc
from lhtl_desktop.model.targets import DEFAULT_TARGETS
from lhtl_desktop.model.units import Unit, level_of, normalise_code
from lhtl_desktop.storage import Store
from lhtl_desktop.storage.identity import read_identity

ROLE_LABELS = {
    Level.COMMUNE: _("Xã, phường (nhập số liệu)"),
    Level.DISTRICT: _("Cụm tổng hợp (huyện cũ)"),
    Level.PROVINCE: _("Tỉnh (tổng hợp, đánh giá)"),
}


@dataclass(frozen=True)
class Installation:
    unit: Unit
    province_code: str
    officer: str
    key_id: str
    report_to: str | None
    two_tier: bool

    @property
    def level(self) -> str:
        return self.unit.level


def is_initialised(store: Store) -> bool:
    return store.get_meta("unit_code") is not None


def refuse_if_initialised(store: Store) -> None:
    if is_initialised(store):
        raise RefusedError(
            _("Cơ sở dữ liệu «{path}» đã được thiết lập cho {unit}; không thiết lập lại.").format(
                path=store.path, unit=store.get_meta("unit_name")
            )
        )


def init_installation(store: Store, unit_code: str, officer: str, key: NewKey,
                      report_to: str | None = None) -> Installation:
    """Create the installation: reference data, catalogue, targets, own key — all in one transaction."""
    # The reference tables (vietnam-provinces) are only needed here, at set-up: not imported at start-up.
    from lhtl_desktop.reference.units import load_province, province_of_commune, province_of_hub

    refuse_if_initialised(store)
    code = normalise_code(unit_code)
    officer_name = clean_text(officer, _("tên cán bộ"), required=True) or ""
    level = level_of(code)
    if level == Level.COMMUNE:
        province_code = province_of_commune(code)
    elif level == Level.DISTRICT:
        province_code = province_of_hub(code)
    else:
        province_code = code
    ref = load_province(province_code)
    units = ref.all_units()
    by_code = {u.code: u for u in units}
    if code not in by_code:
        raise NotFoundError(
            _("Mã «{code}» không phải một xã, phường, đặc khu hay cụm tổng hợp của {province}.").format(
                code=code, province=ref.province.name)
        )
    target = None
    if report_to is not None:
        target = normalise_code(report_to)
        if target not in by_code or target == code:
            raise NotFoundError(_("Không có đơn vị nhận báo cáo mã «{code}».").format(code=report_to))
        if level_of(target) == Level.COMMUNE or (level == Level.DISTRICT and level_of(target) != Level.PROVINCE):
            raise ValidationError(_("Đơn vị nhận báo cáo phải ở cấp trên (cụm hoặc tỉnh)."), field="report_to")
        if level == Level.PROVINCE:
            raise ValidationError(_("Cấp tỉnh không báo cáo lên đơn vị nào trong chương trình."), field="report_to")

    now = now_utc()
    with store.atomic():
        store.insert_units(units)
        store.insert_lineage(ref.lineage)
        store.insert_catalogue(INSTITUTION_TYPES, INDICATORS)
        store.insert_targets(DEFAULT_TARGETS)
        if target is not None and level == Level.COMMUNE:
            store.set_unit_parent(code, target, officer_name, now)
        store.insert_key({
            "key_id": key.key_id, "unit_code": code, "public_key": key.public_key,
            "fingerprint": key.fingerprint, "status": "own", "private_key": key.private_key,
            "officer": officer_name, "created_at": key.created_at,
        })
        for k, v in {
            "unit_code": code, "unit_name": by_code[code].name, "province_code": province_code,
            "officer": officer_name, "own_key_id": key.key_id, "report_to": target or "",
            "two_tier": "0", "created_at": now, "catalog_version": CATALOG_VERSION,
            "criteria_rule_version": CRITERIA_RULE_VERSION, "reference_source": "vietnam-provinces 2026.9.0",
        }.items():
            store.set_meta(k, v)
    return installation(store)


def installation(store: Store) -> Installation:
    """Who this installation is (`storage.identity`, the one reader of it); refused when not set up."""
    me = read_identity(store)
    return Installation(unit=me.unit, province_code=me.province_code, officer=me.officer, key_id=me.own_key_id,
                        report_to=me.report_to, two_tier=me.two_tier)


def _two_tier(store: Store) -> bool:
    return store.get_meta("two_tier") == "1"


def parent_of(store: Store, code: str) -> str | None:
    """The unit a unit reports to: its stored parent; communes go straight to the province in two-tier mode."""
    return hierarchy.parent_of(store.units(), code, two_tier=_two_tier(store))


def children_of(store: Store, code: str) -> list[Unit]:
    return hierarchy.children_of(store.units(), code, two_tier=_two_tier(store))


def subtree(store: Store, code: str) -> list[str]:
    """The unit and every unit below it in the (current) merge hierarchy."""
    return hierarchy.subtree(store.units(), code, two_tier=_two_tier(store))


def is_ancestor_or_self(store: Store, ancestor: str, code: str) -> bool:
    return hierarchy.is_ancestor_or_self(store.units(), ancestor, code, two_tier=_two_tier(store))


def require_unit(store: Store, code: str) -> Unit:
    unit = store.unit(normalise_code(code))
    if unit is None:
        raise NotFoundError(_("Không có đơn vị mã «{code}» trong tỉnh của cơ sở dữ liệu này; danh sách mã: «units» "
                              "(hoặc «units --parent MÃ_CỤM»).").format(code=code), field="unit")
    return unit


def require_in_scope(store: Store, code: str) -> Unit:
    """A unit this installation may write for: itself or a unit below it."""
    unit = require_unit(store, code)
    me = installation(store)
    if not is_ancestor_or_self(store, me.unit.code, unit.code):
        raise RefusedError(
            _("{unit} nằm ngoài phạm vi của {me}: chỉ được ghi số liệu của đơn vị mình và đơn vị trực thuộc.")
            .format(unit=unit.name, me=me.unit.name),
            field="unit",
        )
    return unit


def set_officer(store: Store, name: str) -> None:
    officer = clean_text(name, _("tên cán bộ"), required=True) or ""
    with store.atomic():
        store.set_meta("officer", officer)


def set_two_tier(store: Store, enabled: bool) -> None:
    """Province only: part of the province's rules (services.config), which reach hubs and communes in bundles."""
    from lhtl_desktop.services import config

    me = installation(store)
    if me.level != Level.PROVINCE:
        raise RefusedError(_("Chỉ cấp tỉnh mới thay đổi chế độ hai cấp; cụm và xã nhận thay đổi này cùng quy định "
                             "của tỉnh trong gói dữ liệu."))
    if enabled == me.two_tier:
        return
    config.set_two_tier(store, enabled)


def set_hub(store: Store, commune_code: str, hub_code: str) -> None:
    """Reassign a commune to another hub (kept with who and when): province only, a new version of its rules."""
    from lhtl_desktop.services import config

    me = installation(store)
    if me.level != Level.PROVINCE:
        raise RefusedError(_("Chỉ cấp tỉnh mới thay đổi cụm tổng hợp của xã; cụm và xã nhận thay đổi này cùng quy "
                             "định của tỉnh trong gói dữ liệu."))
    commune = require_unit(store, commune_code)
    hub = require_unit(store, hub_code)
    if commune.level != Level.COMMUNE or hub.level != Level.DISTRICT:
        raise ValidationError(_("Chỉ gán xã, phường vào một cụm tổng hợp (huyện cũ)."), field="unit")
    if commune.parent == hub.code:
        return
    config.set_hub(store, commune.code, hub.code)
