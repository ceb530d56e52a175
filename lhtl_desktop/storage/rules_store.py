"""The SQL of the province's rules document (ARCHITECTURE.md §3.7): every version kept, the newest in force."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lhtl_desktop.storage.store import Store

_COLUMNS = "version, issued_at, issued_by, officer, content, body, sig, received_at, from_unit"


def latest(store: Store) -> dict[str, Any] | None:
    """The version in force: the highest stored."""
    rows = list(store._query(f"SELECT {_COLUMNS} FROM province_rules ORDER BY version DESC LIMIT 1"))
    return rows[0] if rows else None


def version_row(store: Store, version: int) -> dict[str, Any] | None:
    rows = list(store._query(f"SELECT {_COLUMNS} FROM province_rules WHERE version = ?", [version]))
    return rows[0] if rows else None


def versions(store: Store) -> list[dict[str, Any]]:
    return list(store._query(f"SELECT {_COLUMNS} FROM province_rules ORDER BY version"))


def insert(store: Store, row: Mapping[str, Any]) -> None:
    store.db.execute(
        f"INSERT INTO province_rules ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [row["version"], row["issued_at"], row.get("issued_by", ""), row.get("officer", ""), row["content"],
         row.get("body"), row.get("sig"), row["received_at"], row.get("from_unit", "")])


def set_signature(store: Store, version: int, issued_by: str, body: str, sig: str) -> None:
    store.db.execute("UPDATE province_rules SET issued_by = ?, body = ?, sig = ? WHERE version = ?",
                     [issued_by, body, sig, version])


def apply_content(store: Store, milestones: Mapping[str, Mapping[int, float | None]], hubs: Mapping[str, str],
                  two_tier: bool, changed_by: str, changed_at: str) -> int:
    """Bring the tables the rest of the program reads (target milestones, each commune's hub, two-tier mode)
    in line with a rules document; each change is logged as a hand-made one would be. Returns how many
    changed. Call inside a transaction."""
    changed = 0
    stored: dict[tuple[str, int], float | None] = {
        (code, year): thr for code, year, thr in store.conn.execute(
            "SELECT target_code, year, threshold FROM target_milestones").fetchall()}
    targets = {code for (code,) in store.conn.execute("SELECT code FROM targets").fetchall()}
    for code, years in milestones.items():
        if code not in targets:
            continue
        for year, thr in years.items():
            if (code, year) not in stored or stored[(code, year)] != thr:
                store.set_threshold(code, year, thr, changed_by, changed_at)
                changed += 1
    for (code, year), thr in stored.items():
        if thr is not None and code in milestones and year not in milestones[code]:
            store.set_threshold(code, year, None, changed_by, changed_at)
            changed += 1
    units = store.units()
    for commune, hub in hubs.items():
        unit = units.get(commune)
        if unit is not None and hub in units and unit.parent != hub:
            store.set_unit_parent(commune, hub, changed_by, changed_at)
            changed += 1
    old = store.get_meta("two_tier") == "1"
    if old != two_tier:
        store.set_meta("two_tier", "1" if two_tier else "0")
        province = store.get_meta("province_code") or ""
        if province in store.units():
            store.log_unit_change(province, "two_tier", "1" if old else "0", "1" if two_tier else "0",
                                  changed_by, changed_at)
        changed += 1
    return changed
