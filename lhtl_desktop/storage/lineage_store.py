"""The SQL and meta of restore lineage (sync.lineage): my own key's branches, and the branches of keys I receive."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from lhtl_desktop.storage.store import Store

_PREFIX = "lineage:"


def own_epochs(store: Store, key_id: str) -> list[dict[str, Any]]:
    """The branches my key's history took here, oldest first (none until the first restore)."""
    text = store.get_meta(_PREFIX + key_id)
    if not text:
        return []
    data = json.loads(text)
    return data if isinstance(data, list) else []


def add_own_epoch(store: Store, key_id: str, epoch: Mapping[str, Any]) -> None:
    epochs = [*own_epochs(store, key_id), dict(epoch)]
    store.set_meta(_PREFIX + key_id, json.dumps(epochs, sort_keys=True, separators=(",", ":")))


def received_epochs(store: Store) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for key_id, epoch, base_seq, base_counter, first_counter in store.conn.execute(
            "SELECT key_id, epoch, base_seq, base_counter, first_counter FROM key_epochs ORDER BY first_counter"):
        out.setdefault(key_id, []).append({"epoch": epoch, "base_seq": base_seq, "base_counter": base_counter,
                                           "first_counter": first_counter})
    return out


def save_epochs(store: Store, key_id: str, epochs: Iterable[Mapping[str, Any]], received_at: str) -> int:
    before = store.conn.total_changes
    store.conn.executemany(
        "INSERT OR IGNORE INTO key_epochs (key_id, epoch, base_seq, base_counter, first_counter, received_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(key_id, e["epoch"], e["base_seq"], e["base_counter"], e["first_counter"], received_at) for e in epochs])
    return store.conn.total_changes - before


def set_counter_floor(store: Store, key_id: str, last: int) -> None:
    """The edit counter my key continues from (storage.key_counters reads the same meta key)."""
    store.set_meta("key_counter:" + key_id, str(last))
