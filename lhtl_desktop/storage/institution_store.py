"""The SQL of institution siblings: concurrent edits of one institution kept side by side (sync.institution_merge)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lhtl_desktop.storage.store import Store

_COLUMNS = ("edit_id, id, unit_code, type, name, village, opened_year, closed_year, created_at, updated_at, vv, "
            "author_key")


def sibling_rows(store: Store, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Sibling versions (not the one in `institutions`) of these institutions (None: all), by id then edit."""
    if ids is None:
        return list(store._query(f"SELECT {_COLUMNS} FROM institution_siblings ORDER BY id, edit_id"))
    return _siblings_where_in(store, "id", ids)


def sibling_rows_in_units(store: Store, unit_codes: Sequence[str]) -> list[dict[str, Any]]:
    return _siblings_where_in(store, "unit_code", unit_codes)


def _siblings_where_in(store: Store, column: str, values: Sequence[str]) -> list[dict[str, Any]]:
    """Sibling rows whose `column` is one of `values`, by id then edit (500 parameters a query: SQLite's
    limit is lower on old builds)."""
    out: list[dict[str, Any]] = []
    items = list(values)
    for i in range(0, len(items), 500):
        chunk = items[i:i + 500]
        out += list(store._query(
            f"SELECT {_COLUMNS} FROM institution_siblings WHERE {column} IN ({','.join('?' * len(chunk))}) "
            "ORDER BY id, edit_id", chunk))
    return out


def sibling_vvs(store: Store, inst_id: str) -> list[dict[str, int]]:
    return [json.loads(v) for (v,) in store.conn.execute(
        "SELECT vv FROM institution_siblings WHERE id = ?", [inst_id]).fetchall()]


def replace_siblings(store: Store, inst_ids: Iterable[str], rows: Sequence[Mapping[str, Any]]) -> None:
    """The siblings of these institutions become exactly `rows` (inside a transaction)."""
    store.conn.executemany("DELETE FROM institution_siblings WHERE id = ?", [(i,) for i in inst_ids])
    store.conn.executemany(
        f"INSERT INTO institution_siblings ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(r["edit_id"], r["id"], r["unit_code"], r["type"], r["name"], r["village"], r["opened_year"],
          r["closed_year"], r["created_at"], r["updated_at"], r["vv"], r["author_key"]) for r in rows])


def conflicted_ids(store: Store) -> list[str]:
    return [i for (i,) in store.conn.execute("SELECT DISTINCT id FROM institution_siblings ORDER BY id")]
