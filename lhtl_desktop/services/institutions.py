"""Adding, editing and closing institutions, and listing those in scope."""

from __future__ import annotations

from collections.abc import Iterable

from lhtl_desktop.errors import NotFoundError, RefusedError, ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.institutions import Institution, check_type_for_level, clean_text
from lhtl_desktop.model.periods import MAX_YEAR, MIN_YEAR
from lhtl_desktop.model.records import new_id, now_utc
from lhtl_desktop.model.version_vector import advance
from lhtl_desktop.services.installation import installation, require_in_scope, subtree
from lhtl_desktop.storage import Store, institution_store


def _check_year(year: int | None, what: str) -> int | None:
    if year is None:
        return None
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise ValidationError(_("{what}: năm {year} không hợp lệ.").format(what=what, year=year), field=what)
    return int(year)


def add_institution(store: Store, unit_code: str, type_code: str, name: str, village: str | None = None,
                    opened_year: int | None = None) -> Institution:
    unit = require_in_scope(store, unit_code)
    check_type_for_level(type_code, unit.level)
    inst = Institution(
        id=new_id(),
        unit_code=unit.code,
        type=type_code,
        name=clean_text(name, _("tên thiết chế"), required=True) or "",
        village=clean_text(village, _("tên thôn, tổ dân phố"), required=False),
        opened_year=_check_year(opened_year, _("Năm thành lập")),
    )
    me = installation(store)
    with store.atomic():
        store.insert_institution(inst, created_at=now_utc(), vv=advance([], me.key_id), author_key=me.key_id,
                                 edit_id=new_id())
    return inst


def add_village_houses(store: Store, unit_code: str, villages: Iterable[str]) -> list[Institution]:
    """One village cultural house per village name (pasted list); duplicates and existing ones skipped."""
    unit = require_in_scope(store, unit_code)
    check_type_for_level("village_house", unit.level)
    existing = {(i.village or "").casefold() for i in store.institutions([unit.code]) if i.type == "village_house"}
    names: list[str] = []
    for raw in villages:
        village = clean_text(raw, _("tên thôn, tổ dân phố"), required=False)
        if village and village.casefold() not in existing:
            existing.add(village.casefold())
            names.append(village)
    me = installation(store)
    created: list[Institution] = []
    with store.atomic():
        for village in names:
            inst = Institution(new_id(), unit.code, "village_house", _("Nhà văn hóa {village}").format(village=village),
                               village)
            store.insert_institution(inst, created_at=now_utc(), vv=advance([], me.key_id), author_key=me.key_id,
                                     edit_id=new_id())
            created.append(inst)
    return created


def require_institution(store: Store, inst_id: str) -> Institution:
    inst = store.institution((inst_id or "").strip())
    if inst is None:
        raise NotFoundError(_("Không có thiết chế mã «{id}».").format(id=inst_id), field="institution")
    return inst


def _save(store: Store, inst: Institution) -> None:
    """A local edit: it saw every version held (the one shown and any concurrent ones), so its vector joins
    them all — it dominates them and closes an open institution conflict, up and down like any edit."""
    me = installation(store)
    with store.atomic():
        seen = [store.institution_vv(inst.id), *institution_store.sibling_vvs(store, inst.id)]
        store.update_institution(inst, updated_at=now_utc(), vv=advance(seen, me.key_id),
                                 author_key=me.key_id, edit_id=new_id())
        institution_store.replace_siblings(store, [inst.id], [])


def edit_institution(store: Store, inst_id: str, *, name: str | None = None, village: str | None = None,
                     type_code: str | None = None) -> Institution:
    inst = require_institution(store, inst_id)
    unit = require_in_scope(store, inst.unit_code)
    new_type = type_code or inst.type
    check_type_for_level(new_type, unit.level)
    updated = Institution(
        inst.id, inst.unit_code, new_type,
        clean_text(name, _("tên thiết chế"), required=True) if name is not None else inst.name,  # type: ignore[arg-type]
        clean_text(village, _("tên thôn, tổ dân phố"), required=False) if village is not None else inst.village,
        inst.opened_year, inst.closed_year,
    )
    _save(store, updated)
    return updated


def close_institution(store: Store, inst_id: str, year: int) -> Institution:
    """Closed institutions leave the denominators from `year` on; their data stays."""
    inst = require_institution(store, inst_id)
    require_in_scope(store, inst.unit_code)
    if inst.closed_year is not None:
        raise RefusedError(_("Thiết chế «{name}» đã đóng từ năm {year}.").format(name=inst.name, year=inst.closed_year))
    closed = _check_year(year, _("Năm ngừng hoạt động"))
    updated = Institution(inst.id, inst.unit_code, inst.type, inst.name, inst.village, inst.opened_year, closed)
    _save(store, updated)
    return updated


def reopen_institution(store: Store, inst_id: str) -> Institution:
    inst = require_institution(store, inst_id)
    require_in_scope(store, inst.unit_code)
    updated = Institution(inst.id, inst.unit_code, inst.type, inst.name, inst.village, inst.opened_year, None)
    _save(store, updated)
    return updated


def list_institutions(store: Store, unit_code: str | None = None) -> list[Institution]:
    """Institutions of a unit and its subtree (default: the whole installation's scope)."""
    me = installation(store)
    root = require_in_scope(store, unit_code).code if unit_code else me.unit.code
    return store.institutions(subtree(store, root))


def keep_version(store: Store, inst_id: str, *, type_code: str, name: str, village: str | None,
                 opened_year: int | None, closed_year: int | None) -> Institution:
    """Settle an institution edited concurrently in two places by keeping one version (or any fields): a local
    edit that saw every version, so it closes the conflict and travels up and down like any edit."""
    inst = require_institution(store, inst_id)
    unit = require_in_scope(store, inst.unit_code)
    check_type_for_level(type_code, unit.level)
    chosen = Institution(inst.id, inst.unit_code, type_code, clean_text(name, _("tên thiết chế"), required=True) or "",
                         clean_text(village, _("tên thôn, tổ dân phố"), required=False),
                         _check_year(opened_year, _("Năm thành lập")), _check_year(closed_year, _("Năm ngừng hoạt động")))
    _save(store, chosen)
    return chosen
