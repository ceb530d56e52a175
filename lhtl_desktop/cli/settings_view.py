"""`settings`: the changes it makes (each confirmed in one line) and what it shows — officer, unit, parent,
two-tier mode, and the targets' thresholds with every change ever made to them (the window's «Cài đặt»)."""

from __future__ import annotations

import argparse
from typing import Any

from lhtl_desktop.i18n import _, fmt_local_time, fmt_percent
from lhtl_desktop.services import account, installation, reporting, settings
from lhtl_desktop.storage import Store


def _pct(value: float | None) -> str:
    if value is None:
        return "—"
    return fmt_percent(value, 0 if value == int(value) else 1)


def apply_changes(store: Store, args: argparse.Namespace) -> list[str]:
    """Every change asked for, in one transaction (a refused one leaves the others unwritten); one line each."""
    done: list[str] = []
    with store.atomic():
        if args.officer:
            installation.set_officer(store, args.officer)
            done.append(_("Đã đổi cán bộ phụ trách: {name}.").format(name=installation.installation(store).officer))
        if args.hub:
            installation.set_hub(store, args.hub[0], args.hub[1])
            commune, hub = store.unit(args.hub[0].strip()), store.unit(args.hub[1].strip())
            done.append(_("Đã chuyển {commune} vào cụm {hub}.").format(
                commune=commune.name if commune else args.hub[0], hub=hub.name if hub else args.hub[1]))
        if args.two_tier:
            installation.set_two_tier(store, args.two_tier == "on")
            done.append(_("Đã bật chế độ hai cấp: xã báo cáo thẳng lên tỉnh.") if args.two_tier == "on"
                        else _("Đã tắt chế độ hai cấp: xã báo cáo qua cụm tổng hợp."))
        if args.threshold:
            settings.set_threshold(store, args.threshold[0], args.threshold[1], args.threshold[2])
            change = store.threshold_changes()[-1]
            label = {t.code: t.label for t in store.target_definitions()}.get(change["target_code"], "")
            done.append(_("Đã đổi ngưỡng {code} ({label}) mốc {year}: {old} → {new}.").format(
                code=change["target_code"], label=label, year=change["year"], old=_pct(change["old_threshold"]),
                new=_pct(change["new_threshold"])))
    return done


def _formalities(store: Store) -> dict[str, Any]:
    """The sheet's NĐ 30 formalities as this installation prints them (set or defaulted for its level)."""
    from lhtl_desktop.services.reports import formalities as paper

    me = installation.installation(store)
    f = paper.formalities(store, me.unit, store.unit(me.province_code) or me.unit)
    return {"issuer": list(f.issuer_lines), "abbreviation": f.abbreviation, "number": f.number,
            "number_line": f.number_line, "recipients": list(f.recipients),
            "place": f.place, "signer_title": list(f.signer_title), "signer_name": f.signer_name}


def settings_document(store: Store) -> dict[str, Any]:
    """The `settings --json` document: times in ISO UTC, thresholds as numbers (%)."""
    me = installation.installation(store)
    return {
        "unit": me.unit.code, "name": me.unit.name, "level": str(me.level), "officer": me.officer,
        "two_tier": me.two_tier, "parent": installation.parent_of(store, me.unit.code), "db": str(store.path),
        "key_id": me.key_id,
        "thresholds": [{"target": t.code, "label": t.label, "kind": str(t.kind),
                        "milestones": {str(y): v for y, v in sorted(t.milestones.items())}}
                       for t in account.target_definitions(store)],
        "report": _formalities(store),
        "deadlines": {kind: "{:02d}/{:02d}".format(*reporting.deadline_day_month(store, kind))
                      for kind in ("year", "half")},
        "threshold_history": [{"target": c["target_code"], "year": c["year"], "old": c["old_threshold"],
                               "new": c["new_threshold"], "changed_by": c["changed_by"],
                               "changed_at": c["changed_at"]} for c in account.threshold_history(store)],
    }


def print_settings(store: Store) -> None:
    doc = settings_document(store)
    print(_("Đơn vị: {name} ({code})").format(name=doc["name"], code=doc["unit"]))
    print(_("Cán bộ phụ trách: {officer}").format(officer=doc["officer"]))
    parent = store.unit(doc["parent"]) if doc["parent"] else None
    print(_("Báo cáo lên: {parent}").format(parent=f"{parent.name} ({parent.code})" if parent else "—"))
    print(_("Chế độ hai cấp: {state}").format(state=_("bật") if doc["two_tier"] else _("tắt")))
    print(_("Cơ sở dữ liệu: {path}").format(path=doc["db"]))
    print(_("Ngưỡng chỉ tiêu:"))
    for t in doc["thresholds"]:
        marks = ", ".join(_("{year}: {value}").format(year=y, value=_pct(v)) for y, v in t["milestones"].items())
        print(f"  {t['target']:<20} {t['label']} — {marks}")
    if doc["threshold_history"]:
        print(_("Các lần đổi ngưỡng (mới nhất trước):"))
        for c in doc["threshold_history"]:
            print("  " + _("{at} {who}: {code} mốc {year} {old} → {new}").format(
                at=fmt_local_time(c["changed_at"]), who=c["changed_by"], code=c["target"], year=c["year"],
                old=_pct(c["old"]), new=_pct(c["new"])))
