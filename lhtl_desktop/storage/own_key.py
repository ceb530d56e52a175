"""Re-sealing this installation's own private key (passphrase change). The public key never changes."""

from __future__ import annotations

from lhtl_desktop.storage.store import Store


def replace_private_key(store: Store, key_id: str, sealed_json: str) -> None:
    """Store a new sealing of the own key's private key. Call inside `store.atomic()`."""
    cur = store.db.execute(
        "UPDATE keys SET private_key = ? WHERE key_id = ? AND status = 'own'", [sealed_json, key_id]
    )
    if cur.rowcount != 1:
        raise LookupError(key_id)
