"""Queries of the return forms and of the figures from before the program (tables of `_forms_and_history`).

The form importer writes value records through `Store` like any edit (supersede + insert) and adds here which
file gave them; the history importer keeps yearly totals of former units apart from institutions' values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lhtl_desktop.storage.store import Store


def form_import(store: Store, sha256: str) -> dict[str, Any] | None:
    rows = list(store._query("SELECT * FROM form_imports WHERE sha256 = ?", [sha256]))
    return rows[0] if rows else None


def record_form_import(store: Store, row: Mapping[str, Any], edit_ids: Iterable[str]) -> None:
    data = dict(row)
    data["counts"] = json.dumps(data.get("counts", {}), ensure_ascii=False, sort_keys=True)
    store.db.table("form_imports").insert(data, replace=True)
    store.db.table("form_records").insert_all(({"edit_id": e, "sha256": row["sha256"]} for e in edit_ids),
                                              replace=True)


def form_provenance(store: Store, edit_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """edit id → the form import that gave it (file name, SHA-256, who, when), for the ids that came from one."""
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(edit_ids), 500):
        part = list(edit_ids[start:start + 500])
        rows = store._query(
            "SELECT r.edit_id, f.* FROM form_records r JOIN form_imports f ON f.sha256 = r.sha256 "
            f"WHERE r.edit_id IN ({','.join('?' * len(part))})", part)
        for row in rows:
            out[row.pop("edit_id")] = row
    return out


def form_imports(store: Store) -> list[dict[str, Any]]:
    return list(store._query("SELECT * FROM form_imports ORDER BY imported_at"))


def history_totals(store: Store, years: Sequence[int] | None = None,
                   indicators: Sequence[str] | None = None) -> list[dict[str, Any]]:
    sql = "SELECT legacy_code, level, year, indicator, value, file_name, sha256 FROM history_totals WHERE 1"
    params: list[Any] = []
    if years is not None:
        sql += f" AND year IN ({','.join('?' * len(years))})"
        params += list(years)
    if indicators is not None:
        sql += f" AND indicator IN ({','.join('?' * len(indicators))})"
        params += list(indicators)
    return list(store._query(sql + " ORDER BY legacy_code, year, indicator", params))


def has_history_totals(store: Store) -> bool:
    return store.conn.execute("SELECT 1 FROM history_totals LIMIT 1").fetchone() is not None


def upsert_history_totals(store: Store, rows: Sequence[Mapping[str, Any]]) -> None:
    store.db.table("history_totals").insert_all((dict(r) for r in rows), replace=True)


def lineage_rows(store: Store) -> list[dict[str, Any]]:
    return list(store._query("SELECT * FROM unit_lineage ORDER BY unit_code, legacy_code"))


def institutions_with_reason_prefix(store: Store, unit_codes: Sequence[str], period: str, prefix: str) -> list[str]:
    """Institutions of these units holding a current value of `period` whose reason starts with `prefix` (the
    provenance of an Excel form): the sheets name them."""
    if not unit_codes:
        return []
    rows = store.conn.execute(
        f"SELECT DISTINCT institution_id FROM value_records WHERE period = ? "
        f"AND unit_code IN ({','.join('?' * len(unit_codes))}) AND substr(reason, 1, ?) = ?",
        [period, *unit_codes, len(prefix), prefix]).fetchall()
    return sorted(r[0] for r in rows)
