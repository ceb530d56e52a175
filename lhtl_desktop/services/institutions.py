"""Adding, editing and closing institutions, and listing those in scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from lhtl_desktop.errors import NotFoundError, RefusedError, ValidationError
from lhtl_desktop.i18n import _, fmt_int
from lhtl_desktop.model.catalogue import type_label
from lhtl_desktop.model.institutions import Institution, check_type_for_level, clean_text
from lhtl_desktop.model.periods import MAX_YEAR, MIN_YEAR
from lhtl_desktop.model.records import new_id, now_utc
from lhtl_desktop.model.version_vector import advance
from lhtl_desktop.services.installation import installation, require_in_scope, subtree
from lhtl_desktop.storage import Store, institution_store
from lhtl_desktop.storage.institution_refs import REF_RE, ids_with_ref, next_ref

# A name is data: the same in every installation whatever its language (it prints on the province's sheets).
VILLAGE_HOUSE_NAME = "Nhà văn hóa {village}"


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
        inst = replace(inst, ref=next_ref(store, inst.unit_code, me.unit.code))
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
            inst = Institution(new_id(), unit.code, "village_house", VILLAGE_HOUSE_NAME.format(village=village),
                               village, ref=next_ref(store, unit.code, me.unit.code))
            store.insert_institution(inst, created_at=now_utc(), vv=advance([], me.key_id), author_key=me.key_id,
                                     edit_id=new_id())
            created.append(inst)
    return created


def require_institution(store: Store, inst_id: str) -> Institution:
    """The institution with this id or short reference («14389-3»); refused when there is none (or, after a
    restore from an old backup, when two institutions carry the reference)."""
    text = (inst_id or "").strip()
    inst = store.institution(text)
    if inst is None and REF_RE.fullmatch(text):
        ids = ids_with_ref(store, text)
        if len(ids) > 1:
            raise RefusedError(_("Mã ngắn «{ref}» đang thuộc {n} thiết chế: dùng mã đầy đủ (id) {ids}.").format(
                ref=text, n=len(ids), ids=", ".join(ids)), field="institution")
        inst = store.institution(ids[0]) if ids else None
    if inst is None:
        raise NotFoundError(_("Không có thiết chế mã «{id}» (nhập mã ngắn như 14389-3 hoặc mã đầy đủ; xem "
                              "«institution list»).").format(id=inst_id), field="institution")
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
    if new_type != inst.type:
        refuse_type_change_with_values(store, inst, new_type)
    updated = replace(
        inst, type=new_type,
        name=(clean_text(name, _("tên thiết chế"), required=True) or inst.name) if name is not None else inst.name,
        village=clean_text(village, _("tên thôn, tổ dân phố"), required=False) if village is not None else inst.village,
    )
    _save(store, updated)
    return updated


def type_change_allowed(store: Store, inst: Institution) -> bool:
    """Whether the institution's type may still change: only while it holds no values (see below)."""
    return store.institution_record_count(inst.id) == 0


def refuse_type_change_with_values(store: Store, inst: Institution, new_type: str) -> None:
    """A type change once values exist is refused: the values were entered for the old type's indicators, so
    the new type would make them invalid — every later bundle rejected at the hub, the values impossible to
    correct. The way out keeps history straight: close this institution and create a new one («đóng và tạo
    mới»)."""
    count = store.institution_record_count(inst.id)
    if count:
        raise RefusedError(_(
            "Không đổi được loại của «{name}» từ «{old}» sang «{new}»: thiết chế đã có {n} giá trị số liệu nhập theo "
            "loại «{old}», đổi loại sẽ làm các giá trị đó không còn hợp lệ và gói gửi lên cấp trên bị từ chối. Hãy "
            "đóng và tạo mới: ghi nhận «{name}» ngừng hoạt động từ một năm, rồi thêm thiết chế mới loại «{new}»."
        ).format(name=inst.name, old=type_label(inst.type), new=type_label(new_type), n=fmt_int(count)),
            field="type")


def close_institution(store: Store, inst_id: str, year: int) -> Institution:
    """Closed institutions leave the denominators from `year` on; their data stays."""
    inst = require_institution(store, inst_id)
    require_in_scope(store, inst.unit_code)
    if inst.closed_year is not None:
        raise RefusedError(_("Thiết chế «{name}» đã đóng từ năm {year}.").format(name=inst.name, year=inst.closed_year))
    closed = _check_year(year, _("Năm ngừng hoạt động"))
    updated = replace(inst, closed_year=closed)
    _save(store, updated)
    return updated


def reopen_institution(store: Store, inst_id: str) -> Institution:
    inst = require_institution(store, inst_id)
    require_in_scope(store, inst.unit_code)
    if inst.closed_year is None:
        raise RefusedError(_("Thiết chế «{name}» đang hoạt động, không cần mở lại.").format(name=inst.name))
    updated = replace(inst, closed_year=None)
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
