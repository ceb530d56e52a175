"""Settings the window shows and changes: own key, thresholds and their history, hub membership.

Cryptography stays in `sync.keys`: the caller (window or CLI) re-seals the private key and hands the new
sealing to `replace_own_sealed_key`, which only stores it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lhtl_desktop.errors import NotFoundError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.catalogue import Level
from lhtl_desktop.model.targets import TargetDefinition
from lhtl_desktop.model.units import Unit
from lhtl_desktop.services.installation import installation, parent_of
from lhtl_desktop.storage import Store
from lhtl_desktop.storage.own_key import replace_private_key


@dataclass(frozen=True)
class OwnKey:
    key_id: str
    fingerprint: str
    sealed: str  # JSON sealing of the private key (see sync.keys)


def own_key(store: Store) -> OwnKey:
    me = installation(store)
    row = store.key(me.key_id)
    if row is None:
        raise NotFoundError(_("Không tìm thấy khóa của cơ sở dữ liệu này."))
    return OwnKey(row["key_id"], row["fingerprint"], row["private_key"] or "")


def replace_own_sealed_key(store: Store, sealed_json: str) -> None:
    me = installation(store)
    with store.atomic():
        replace_private_key(store, me.key_id, sealed_json)


def data_folder(store: Store) -> Path:
    return Path(store.path).resolve().parent


def target_definitions(store: Store) -> list[TargetDefinition]:
    return store.target_definitions()


def threshold_history(store: Store) -> list[dict[str, Any]]:
    """Every threshold change, newest first: target_code, year, old/new_threshold, changed_by, changed_at."""
    return list(reversed(store.threshold_changes()))


@dataclass(frozen=True)
class HubAssignment:
    commune: Unit
    hub: Unit | None  # stored hub (kept even in two-tier mode)
    reports_to: str | None  # where it reports now


def hub_assignments(store: Store) -> tuple[list[HubAssignment], list[Unit]]:
    """Communes of the province with their hub, and the hubs to choose from (hub or province only)."""
    units = store.units()
    hubs = [u for u in units.values() if u.level == Level.DISTRICT]
    rows = [
        HubAssignment(u, units.get(u.parent or ""), parent_of(store, u.code))
        for u in units.values() if u.level == Level.COMMUNE
    ]
    return rows, hubs
