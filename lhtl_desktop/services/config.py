"""The province's rules in force (ARCHITECTURE.md §3.7): reading them, and changing them at the province.

Every level reads the same document: `rules_in_force(store)` gives its version, who issued it and when, and
the content (model.rules). Version 0 means no document has been issued or received yet: the defaults set up
at `init` apply (QĐ 1520's milestones; KH 87's citation only for province 37).

Only the province changes the rules. Each change writes a new version at once (evaluations name it from then
on) and brings the tables the rest of the program reads (milestones, hubs, two-tier mode) in line; the
version is signed by the province's key when it first leaves in a bundle (sync.province_config), where the
key's passphrase is at hand. Hubs and communes receive signed versions inside bundles and cannot change them.

`deadline_for(store, period)` is the one place the reporting deadline of a period is read.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from lhtl_desktop.errors import NotFoundError, RefusedError, ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.catalogue import Level
from lhtl_desktop.model.criteria import CRITERIA, PARAM_BOUNDS, Criterion, criteria_with
from lhtl_desktop.model.periods import Period
from lhtl_desktop.model.records import now_utc
from lhtl_desktop.model.rules import (
    Citation,
    Deadlines,
    RulesContent,
    check_citation_date,
    content_from_json,
    content_to_json,
    default_content,
    parse_day_month,
)
from lhtl_desktop.model.targets import TargetDefinition
from lhtl_desktop.storage import Store, rules_store
from lhtl_desktop.storage.version_marks import next_rules_version


@dataclass(frozen=True)
class RulesInForce:
    version: int  # 0: defaults, nothing issued or received yet
    issued_at: str | None
    issued_by: str  # signing key id ('' while unsigned)
    officer: str
    signed: bool
    from_unit: str  # '' when made here
    content: RulesContent

    @property
    def label(self) -> str:
        """«phiên bản 3 (01/12/2026)» — what a sheet or a page prints."""
        if self.version == 0:
            return _("mặc định (chưa nhận quy định của tỉnh)")
        return _("phiên bản {v} ({date})").format(v=self.version, date=format_stamp(self.issued_at))


def format_stamp(stamp: str | None) -> str:
    if not stamp:
        return "—"
    return f"{stamp[8:10]}/{stamp[5:7]}/{stamp[0:4]}"


def _province_code(store: Store) -> str:
    return store.get_meta("province_code") or ""


def parse_stored(store: Store, content_json: str) -> RulesContent:
    targets = [t.code for t in store.target_definitions()]
    return content_from_json(json.loads(content_json), store.units(), _province_code(store), targets)


def defaults(store: Store) -> RulesContent:
    """The content an installation applies before any document: its own tables (set up at init)."""
    content = default_content(_province_code(store), store.target_definitions(), store.units())
    return replace(content, two_tier=store.get_meta("two_tier") == "1")


def rules_in_force(store: Store) -> RulesInForce:
    row = rules_store.latest(store)
    if row is None:
        return RulesInForce(0, None, "", "", False, "", defaults(store))
    return RulesInForce(int(row["version"]), row["issued_at"], row["issued_by"], row["officer"],
                        row["sig"] is not None, row["from_unit"], parse_stored(store, row["content"]))


def config_version(store: Store) -> int:
    row = rules_store.latest(store)
    return 0 if row is None else int(row["version"])


def criteria_in_force(rules: RulesInForce) -> dict[str, Criterion]:
    return criteria_with(rules.content.criteria)


def targets_in_force(store: Store, rules: RulesInForce) -> list[TargetDefinition]:
    """The stored target definitions the province keeps in force, in their order."""
    keep = set(rules.content.targets)
    return [t for t in store.target_definitions() if t.code in keep]


def deadline_for(store: Store, period: Period | str) -> _dt.date:
    """The date by which a report for `period` is due, as the province's rules in force set it."""
    return rules_in_force(store).content.deadlines.for_period(period)


# -- changing the rules (province only) -----------------------------------------------------------
def _require_province(store: Store) -> tuple[str, str]:
    unit = store.get_meta("unit_code") or ""
    if len(unit) != 2:
        raise RefusedError(_("Chỉ cấp tỉnh mới thay đổi quy định (ngưỡng, tiêu chí, cụm, hạn nộp, căn cứ). Quy định "
                             "của tỉnh đến cùng các gói dữ liệu từ cấp trên."), field="rules")
    return unit, store.get_meta("officer") or ""


def change_rules(store: Store, change: Callable[[RulesContent, int, str], RulesContent]) -> RulesInForce:
    """Apply one change at the province: a new version, checked as any receiver will check it, the tables
    brought in line, all in one transaction. `change(content, new_version, now)` returns the new content."""
    _unit, officer = _require_province(store)
    current = rules_in_force(store)
    now = now_utc()
    with store.atomic():
        version = next_rules_version(store, current.version)
        new = change(current.content, version, now)
        text = json.dumps(content_to_json(new), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        checked = parse_stored(store, text)  # the receivers' check, here first: nothing invalid is issued
        if content_to_json(checked) == content_to_json(current.content):
            raise ValidationError(_("Quy định không thay đổi: không tạo phiên bản mới."), field="rules")
        rules_store.apply_content(store, checked.milestones, checked.hubs, checked.two_tier, officer, now)
        rules_store.insert(store, {"version": version, "issued_at": now, "issued_by": store.get_meta("own_key_id"),
                                   "officer": officer, "content": text, "received_at": now})
    return rules_in_force(store)


def set_threshold(store: Store, target: str, year: int, threshold: float | None) -> RulesInForce:
    return change_rules(store, lambda c, v, at: c.with_threshold(target, year, threshold, v, at))


def set_hub(store: Store, commune: str, hub: str) -> RulesInForce:
    return change_rules(store, lambda c, v, at: replace(c, hubs={**c.hubs, commune: hub}))


def set_two_tier(store: Store, enabled: bool) -> RulesInForce:
    return change_rules(store, lambda c, v, at: replace(c, two_tier=enabled))


def set_criterion_param(store: Store, criterion: str, name: str, value: str | int) -> RulesInForce:
    code = criterion.strip().upper()
    if code not in CRITERIA:
        raise NotFoundError(_("Không có tiêu chí mã «{code}».").format(code=criterion), field="criterion")
    if name not in CRITERIA[code].params:
        names = ", ".join(CRITERIA[code].params) or "—"
        raise NotFoundError(_("Tiêu chí {code} không có tham số «{name}» (có: {names}).").format(
            code=code, name=name, names=names), field="criterion")
    raw = str(value).strip()
    lo, hi = PARAM_BOUNDS[name]
    if not raw.isdigit() or not lo <= int(raw) <= hi:
        raise ValidationError(_("Tham số {name} phải là số nguyên từ {lo} đến {hi}, không phải «{value}».").format(
            name=name, lo=lo, hi=hi, value=value), field="criterion")

    def change(c: RulesContent, v: int, at: str) -> RulesContent:
        params = {k: dict(p) for k, p in c.criteria.items()}
        params.setdefault(code, dict(CRITERIA[code].params))[name] = int(raw)
        return replace(c, criteria=params)

    return change_rules(store, change)


def set_target_in_force(store: Store, target: str, in_force: bool) -> RulesInForce:
    code = target.strip().upper()
    order = [t.code for t in store.target_definitions()]
    if code not in order:
        raise NotFoundError(_("Không có chỉ tiêu mã «{code}».").format(code=target), field="target")

    def change(c: RulesContent, v: int, at: str) -> RulesContent:
        keep = set(c.targets) | {code} if in_force else set(c.targets) - {code}
        return replace(c, targets=tuple(t for t in order if t in keep))

    return change_rules(store, change)


def set_deadline(store: Store, which: str, text: str) -> RulesInForce:
    if which not in ("year", "half_year"):
        raise ValidationError(_("Hạn nộp chỉ có «year» (báo cáo năm) và «half_year» (6 tháng)."), field="deadline")
    day_month = parse_day_month(text, _("báo cáo năm") if which == "year" else _("báo cáo 6 tháng"))

    def change(c: RulesContent, v: int, at: str) -> RulesContent:
        d = c.deadlines
        return replace(c, deadlines=Deadlines(day_month, d.half_year) if which == "year"
                       else Deadlines(d.year, day_month))

    return change_rules(store, change)


CITATION_FIELDS = ("kind", "number", "date", "issuer", "title")


def set_citation(store: Store, fields: Mapping[str, str]) -> RulesInForce:
    unknown = [k for k in fields if k not in CITATION_FIELDS]
    if unknown:
        raise ValidationError(_("Căn cứ không có mục «{name}» (có: {names}).").format(
            name=unknown[0], names=", ".join(CITATION_FIELDS)), field="citation")
    clean = {k: " ".join(v.split()) for k, v in fields.items()}
    if clean.get("date"):
        clean["date"] = check_citation_date(clean["date"])

    def change(c: RulesContent, v: int, at: str) -> RulesContent:
        cit = c.citation
        return replace(c, citation=Citation(**{k: clean.get(k, getattr(cit, k)) for k in CITATION_FIELDS}))

    return change_rules(store, change)


def rules_json(rules: RulesInForce) -> dict[str, Any]:
    """`config show --json`: version, issued_by, issued_at and the content."""
    content = content_to_json(rules.content)
    # Shown in percent (the wire carries hundredths as integers, model.rules.to_centi).
    content["milestones"] = {t: {str(y): thr for y, thr in sorted(m.items())}
                             for t, m in sorted(rules.content.milestones.items())}
    content["history"] = [{"target": h.target, "year": h.year, "old": h.old, "new": h.new, "version": h.version,
                           "at": h.at} for h in rules.content.history]
    return {"version": rules.version, "issued_by": rules.issued_by, "issued_at": rules.issued_at,
            "officer": rules.officer, "signed": rules.signed, "from_unit": rules.from_unit, "content": content}


def is_province(store: Store) -> bool:
    unit = store.unit(store.get_meta("unit_code") or "")
    return unit is not None and unit.level == Level.PROVINCE
