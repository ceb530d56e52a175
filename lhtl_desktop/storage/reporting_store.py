"""The SQL of the reporting register (ARCHITECTURE.md §3.8): submission marks, who has values for a period,
the bundles received from each unit (its receipts) and the receipts of my own bundles (the outbox)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lhtl_desktop.model.reporting import SubmissionMark
from lhtl_desktop.storage.store import Store

_MARK_COLUMNS = ("unit_code, period, submitted, vv, author_key, author_unit, author_name, created_at, edit_id, "
                 "reason")


def _mark(row: Sequence[Any]) -> SubmissionMark:
    unit, period, submitted, vv, author_key, author_unit, author_name, created_at, edit_id, reason = row
    return SubmissionMark(unit, period, bool(submitted), json.loads(vv), author_key, author_unit, author_name,
                          created_at, edit_id, reason)


def _mark_params(m: SubmissionMark) -> list[Any]:
    return [m.unit, m.period, int(m.submitted), json.dumps(dict(sorted(m.vv.items())), separators=(",", ":")),
            m.author_key, m.author_unit, m.author_name, m.created_at, m.edit_id, m.reason]


# -- submission marks -------------------------------------------------------------------------------------
def mark(store: Store, unit: str, period: str) -> SubmissionMark | None:
    row = store.conn.execute(f"SELECT {_MARK_COLUMNS} FROM submissions WHERE unit_code = ? AND period = ?",
                             [unit, period]).fetchone()
    return _mark(row) if row else None


def marks(store: Store, unit_codes: Sequence[str] | None = None, period: str | None = None) -> list[SubmissionMark]:
    sql = f"SELECT {_MARK_COLUMNS} FROM submissions WHERE 1 = 1"
    params: list[Any] = []
    if period is not None:
        sql += " AND period = ?"
        params.append(period)
    rows = store.conn.execute(sql + " ORDER BY unit_code, period", params).fetchall()
    wanted = None if unit_codes is None else set(unit_codes)
    return [_mark(r) for r in rows if wanted is None or r[0] in wanted]


def marks_by_key(store: Store, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], SubmissionMark]:
    wanted = set(keys)
    if not wanted:
        return {}
    return {m.key: m for m in marks(store) if m.key in wanted}


def put_mark(store: Store, new: SubmissionMark, superseded_at: str) -> None:
    """Store `new` as the unit's mark for its period; the mark it replaces goes to the history (audit)."""
    store.db.execute(
        f"INSERT OR IGNORE INTO submission_history ({_MARK_COLUMNS}, superseded_at) "
        f"SELECT {_MARK_COLUMNS}, ? FROM submissions WHERE unit_code = ? AND period = ?",
        [superseded_at, new.unit, new.period])
    store.db.execute("DELETE FROM submissions WHERE unit_code = ? AND period = ?", [new.unit, new.period])
    store.db.execute(f"INSERT INTO submissions ({_MARK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     _mark_params(new))


def mark_history(store: Store, unit: str, period: str) -> list[SubmissionMark]:
    rows = store.conn.execute(
        f"SELECT {_MARK_COLUMNS} FROM submission_history WHERE unit_code = ? AND period = ? ORDER BY created_at",
        [unit, period]).fetchall()
    return [_mark(r) for r in rows]


# -- values per unit --------------------------------------------------------------------------------------
def units_with_values(store: Store, period: str) -> set[str]:
    """Units that hold at least one value (not a tombstone) for the period."""
    rows = store.conn.execute(
        "SELECT DISTINCT unit_code FROM value_records WHERE period = ? AND value IS NOT NULL", [period]).fetchall()
    return {r[0] for r in rows}


def units_with_institutions(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT DISTINCT unit_code FROM institutions").fetchall()}


def exported_after(store: Store, timestamp: str) -> bool:
    """Whether a bundle has been written here since `timestamp` (a mark made before it has been sent)."""
    row = store.conn.execute("SELECT 1 FROM sync_exports WHERE created_at >= ? LIMIT 1", [timestamp]).fetchone()
    return row is not None


# -- bundles received (the receipts this installation issues) ---------------------------------------------
def last_received(store: Store) -> dict[str, tuple[int, str]]:
    """Per sending unit: (highest bundle number received from it, when that bundle was imported)."""
    out: dict[str, tuple[int, str]] = {}
    for unit, seq, imported_at in store.conn.execute(
            "SELECT from_unit, seq, imported_at FROM sync_bundles ORDER BY from_unit, seq, imported_at").fetchall():
        out[unit] = (seq, imported_at)
    return out


def received_from(store: Store, unit: str, limit: int = 50) -> list[dict[str, Any]]:
    """The newest bundles imported from `unit`, as receipts to send back to it."""
    rows = store.conn.execute(
        "SELECT bundle_id, seq, imported_at, counts FROM sync_bundles WHERE from_unit = ? "
        "ORDER BY imported_at DESC, seq DESC LIMIT ?", [unit, limit]).fetchall()
    return [{"bundle_id": b, "seq": s, "received_at": t, "counts": json.loads(c or "{}")} for b, s, t, c in rows]


# -- receipts of my bundles (the outbox) ------------------------------------------------------------------
def exported_ids(store: Store) -> dict[str, tuple[int, str]]:
    """bundle id → (seq, addressee) of every bundle written here."""
    return {b: (s, t) for b, s, t in store.conn.execute("SELECT bundle_id, seq, to_unit FROM sync_exports")}


def receipt_ids(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT bundle_id FROM sync_receipts")}


def add_receipts(store: Store, rows: Iterable[Mapping[str, Any]], arrived_at: str) -> int:
    n = 0
    for r in rows:
        cur = store.db.execute(
            "INSERT OR IGNORE INTO sync_receipts (bundle_id, by_unit, seq, received_at, counts, reasons, arrived_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [r["bundle_id"], r["by_unit"], r["seq"], r["received_at"], json.dumps(r["counts"], sort_keys=True),
             json.dumps(list(r.get("reasons", [])), ensure_ascii=False), arrived_at])
        n += cur.rowcount
    return n


def outbox_rows(store: Store) -> list[dict[str, Any]]:
    """Every bundle written here, newest first, with its receipt where one came back."""
    rows = store.conn.execute(
        "SELECT e.bundle_id, e.seq, e.to_unit, e.created_at, e.file_name, e.records, r.received_at, r.counts, "
        "r.reasons, r.by_unit FROM sync_exports e LEFT JOIN sync_receipts r ON r.bundle_id = e.bundle_id "
        "ORDER BY e.created_at DESC, e.seq DESC").fetchall()
    return [{"bundle_id": b, "seq": s, "to": t, "created": c, "file": f, "records": n,
             "acknowledged_at": ra, "counts": json.loads(rc) if rc else None,
             "reasons": json.loads(rr) if rr else [], "acknowledged_by": by}
            for b, s, t, c, f, n, ra, rc, rr, by in rows]
