"""The SQL of reverting one imported bundle (services.revert): what it did, and the reverts done."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lhtl_desktop.model.records import ValueRecord
from lhtl_desktop.storage.store import _RECORD_COLUMNS, Store, _record


def record_effects(store: Store, bundle_id: str, inserted: Sequence[str], superseded: Sequence[str]) -> None:
    """Inside the import's transaction: the records the bundle made current and those it sent to history."""
    store.conn.execute("INSERT OR IGNORE INTO import_effects (bundle_id, inserted, superseded) VALUES (?, ?, ?)",
                       [bundle_id, "\n".join(inserted), "\n".join(superseded)])


def imported_bundle(store: Store, bundle_id: str) -> dict[str, Any] | None:
    rows = list(store._query("SELECT * FROM sync_bundles WHERE bundle_id = ?", [bundle_id]))
    return rows[0] if rows else None


def bundles_starting(store: Store, prefix: str) -> list[str]:
    return [r[0] for r in store.conn.execute(
        "SELECT bundle_id FROM sync_bundles WHERE bundle_id LIKE ? ORDER BY imported_at", [prefix + "%"])]


def effects(store: Store, bundle_id: str) -> tuple[list[str], list[str]] | None:
    """(made current, sent to history) by the bundle; None for a bundle imported before effects were kept."""
    row = store.conn.execute("SELECT inserted, superseded FROM import_effects WHERE bundle_id = ?",
                             [bundle_id]).fetchone()
    if row is None:
        return None
    return [e for e in row[0].split("\n") if e], [e for e in row[1].split("\n") if e]


def records_by_ids(store: Store, edit_ids: Sequence[str]) -> tuple[dict[str, ValueRecord], dict[str, ValueRecord]]:
    """(current, in history) records with these edit ids."""
    current: dict[str, ValueRecord] = {}
    history: dict[str, ValueRecord] = {}
    ids = list(edit_ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for row in store._query(f"SELECT {_RECORD_COLUMNS} FROM value_records WHERE edit_id IN ({marks})", chunk):
            current[row["edit_id"]] = _record(row)
        for row in store._query(f"SELECT {_RECORD_COLUMNS} FROM value_history WHERE edit_id IN ({marks})", chunk):
            history[row["edit_id"]] = _record(row)
    return current, history


def inserted_after(store: Store, edit_ids: Sequence[str], imported_at: str) -> set[str]:
    """Which of these edit ids a bundle imported later than `imported_at` made current."""
    wanted = set(edit_ids)
    out: set[str] = set()
    if not wanted:
        return out
    for (inserted,) in store.conn.execute(
            "SELECT e.inserted FROM import_effects e JOIN sync_bundles b ON b.bundle_id = e.bundle_id "
            "WHERE b.imported_at > ?", [imported_at]):
        out |= wanted & set(inserted.split("\n"))
    return out


def revert_of(store: Store, bundle_id: str) -> dict[str, Any] | None:
    rows = list(store._query("SELECT * FROM bundle_reverts WHERE bundle_id = ?", [bundle_id]))
    return rows[0] if rows else None


def record_revert(store: Store, bundle_id: str, at: str, reason: str, corrections: int) -> None:
    store.db.execute("INSERT INTO bundle_reverts (bundle_id, reverted_at, reason, corrections) VALUES (?, ?, ?, ?)",
                     [bundle_id, at, reason, corrections])


def imported_rows(store: Store, limit: int = 500) -> list[dict[str, Any]]:
    """The import history, newest first, with whether each bundle was reverted."""
    return list(store._query(
        "SELECT b.bundle_id, b.from_unit, b.seq, b.created_at, b.imported_at, b.file_name, b.counts, "
        "r.reverted_at, r.reason AS revert_reason FROM sync_bundles b "
        "LEFT JOIN bundle_reverts r ON r.bundle_id = b.bundle_id ORDER BY b.imported_at DESC, b.seq DESC LIMIT ?",
        [limit]))
