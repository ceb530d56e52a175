"""Writing bundles (ARCHITECTURE.md §3.3): a signed snapshot of my scope, numbered per key, written atomically.

By default the bundle goes to my parent (hub, or the province in two-tier mode) and carries my whole
subtree, so a hub re-exports its communes upward. Addressed to a unit below me, it carries only that
unit's subtree (a correction or conflict resolution travelling back down).
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lhtl_desktop import logs
from lhtl_desktop.errors import NotFoundError, RefusedError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.catalogue import CATALOG_VERSION
from lhtl_desktop.model.records import new_id, now_utc
from lhtl_desktop.model.text import ascii_slug
from lhtl_desktop.model.units import normalise_code
from lhtl_desktop.storage import Store, institution_store, lineage_store, sync_store
from lhtl_desktop.storage.migrations import SCHEMA_VERSION
from lhtl_desktop.storage.output_paths import check_output_path
from lhtl_desktop.sync import lineage, province_config, receipts
from lhtl_desktop.sync.bundle import FORMAT, FORMAT_VERSION, institution_wire
from lhtl_desktop.sync.envelope import BUNDLE_TYPE, EXTENSION, seal, write_atomic
from lhtl_desktop.sync.keys import open_private
from lhtl_desktop.sync.local import Local, load_local


@dataclass(frozen=True)
class ExportResult:
    path: Path
    bundle_id: str
    seq: int
    from_unit: str
    to_unit: str
    institutions: int
    records: int
    withheld: int = 0  # records a retired/revoked key wrote after its mark: refused everywhere, so not sent


def default_recipient(local: Local) -> str:
    parent = local.parent()
    if parent is None:
        raise RefusedError(_("{unit} không có cấp trên: hãy chọn đơn vị nhận (--to MÃ).").format(unit=local.unit.name))
    return parent


def suggested_file_name(store: Store, to_unit: str | None = None, when: _dt.datetime | None = None) -> str:
    """Who, for whom, when — in ASCII so chat apps and old USB sticks keep it: lhtl-14389-Gia-Lam-den-372-…"""
    local = load_local(store)
    target = to_unit or default_recipient(local)
    stamp = (when or _dt.datetime.now()).strftime("%Y%m%d-%H%M")
    return f"lhtl-{local.unit.code}-{ascii_slug(local.unit.short_name, empty='x')}-den-{target}-{stamp}{EXTENSION}"


def export_bundle(store: Store, out: Path | str, *, to_unit: str | None = None,
                  passphrase: str | None = None) -> ExportResult:
    """Sign a snapshot of my scope for `to_unit` (default: my parent) and write it atomically to `out`.
    `out` may be a folder: the file is then named by `suggested_file_name`."""
    local = load_local(store)
    target = normalise_code(to_unit) if to_unit else default_recipient(local)
    if target not in local.units:
        raise NotFoundError(_("Không có đơn vị nhận mã «{code}»; danh sách mã: «units».").format(code=to_unit))
    if target == local.unit.code:
        raise RefusedError(_("Không gửi gói cho chính đơn vị mình."))
    below = local.below_or_self(local.unit.code, target)
    if not below and not local.below_or_self(target, local.unit.code):
        raise RefusedError(_("{to} không phải cấp trên hay cấp dưới của {me}.").format(
            to=local.units[target].name, me=local.unit.name))
    private = open_private(local.own_private_sealed(store), passphrase)
    scope = local.subtree(target if below else None)

    path = Path(out)
    if path.is_dir():
        path = path / suggested_file_name(store, target)
    check_output_path(path, store.path)
    institutions = sync_store.scope_institutions(store, scope)
    rows = sync_store.scope_record_rows(store, scope)
    # Edits a retired or revoked key made after its mark are refused at every level; a hub that accepted some
    # before it learnt of a revocation from above keeps them for review but does not pass them on.
    trusted, _valid = local.trust()
    marks = {k.key_id: k.max_counter or 0 for k in trusted.values() if k.status != "active"}
    records = [record_wire_of_row(row) for row in rows]

    def beyond_mark(rec: dict[str, Any]) -> bool:
        mark = marks.get(rec["author_key"])
        return mark is not None and rec["vv"].get(rec["author_key"], 0) > mark

    if marks:
        records = [r for r in records if not beyond_mark(r)]
    withheld = len(rows) - len(records)
    certificates = [{"body": r["body"], "sig": r["sig"]} for r in sync_store.certificate_rows(store)]
    bundle_id = new_id()
    created = now_utc()
    with store.atomic():
        province_config.ensure_signed(store, local, private)  # the province signs its newest rules version
        rules = province_config.carried_wire(store)
        seq = sync_store.next_export_seq(store, local.own_key_id)
        body = bundle_body(bundle_id=bundle_id, from_unit=local.unit.code, to_unit=target, seq=seq, created=created,
                           scope=scope, institutions=[institution_wire_of_row(r) for r in institutions],
                           records=records, certificates=certificates)
        body.update(receipts.extra_sections(store, scope, target))  # submission marks, receipts (if any)
        if rules is not None:  # the province's rules travel in every bundle, relayed unchanged (§3.7)
            body["rules"] = rules
        siblings = institution_store.sibling_rows_in_units(store, scope)
        if siblings:  # institutions edited concurrently: every version travels (sync.institution_merge)
            body["institution_siblings"] = [institution_wire_of_row(r) for r in siblings]
        branches = lineage_store.received_epochs(store)
        own = lineage_store.own_epochs(store, local.own_key_id)
        if own:
            branches[local.own_key_id] = [*branches.get(local.own_key_id, []), *own]
        if branches:  # restores in the history of a key I hold records of (sync.lineage)
            body["lineage"] = lineage.to_wire(branches)
        # Every object with its keys in order: the bytes json.dumps(sort_keys=True) would give.
        data = seal_body(_sorted(body), local.own_key_id, private)
        sync_store.record_export(store, {"bundle_id": bundle_id, "key_id": local.own_key_id, "seq": seq,
                                         "to_unit": target, "created_at": created, "file_name": path.name,
                                         "records": len(records)})
        write_atomic(path, data)  # inside the transaction: a failed write leaves no export recorded
    logs.event("export", unit=local.unit.code, to=target, seq=seq, institutions=len(institutions),
               records=len(records), withheld=withheld, file=path.name)
    return ExportResult(path, bundle_id, seq, local.unit.code, target, len(institutions), len(records), withheld)


# -- the body, from stored rows (shared with the national benchmark's generator) --------------------------
def bundle_body(*, bundle_id: str, from_unit: str, to_unit: str, seq: int, created: str, scope: list[str],
                institutions: list[dict[str, Any]], records: list[dict[str, Any]],
                certificates: list[dict[str, Any]]) -> dict[str, Any]:
    """A bundle's body from items already in wire form (`institution_wire_of_row`, `record_wire_of_row`,
    certificates as {body, sig}). Every object has its keys in sorted order, so `seal_body` can write the
    bytes json.dumps(sort_keys=True) would give without sorting again."""
    return _sorted({
        "format": FORMAT, "format_version": FORMAT_VERSION, "bundle_id": bundle_id,
        "from_unit": from_unit, "to_unit": to_unit, "seq": seq, "created": created,
        "schema_version": SCHEMA_VERSION, "catalog_version": CATALOG_VERSION, "scope": scope,
        "institutions": institutions, "records": records, "certificates": certificates,
    })


def seal_body(body: dict[str, Any], key_id: str, private: Ed25519PrivateKey) -> bytes:
    """The signed file of a body built by `bundle_body`."""
    return seal(BUNDLE_TYPE, body, key_id, private, sort_keys=False)


def institution_wire_of_row(row: dict[str, Any]) -> dict[str, Any]:
    """bundle.institution_wire of a stored `institutions` row, keys in sorted order."""
    return _sorted(institution_wire(row, _vv(row["vv"])))


# A stored vector of one key, the usual record's (storage.sync_store.vv_text writes it so): read without the
# JSON parser, which a hub's export would otherwise run once per record of its subtree. Anything else is parsed.
_ONE_KEY_VV = re.compile(r'\{"([0-9a-f]{32})":([1-9][0-9]{0,18})\}', re.ASCII)


def _vv(text: str) -> dict[str, int]:
    one = _ONE_KEY_VV.fullmatch(text)
    if one is not None:
        return {one[1]: int(one[2])}  # what json.loads gives for this text (one key: already in order)
    return _sorted(json.loads(text))


def _sorted(obj: dict[str, Any]) -> dict[str, Any]:
    return dict(sorted(obj.items()))


def record_wire_of_row(row: tuple[Any, ...]) -> dict[str, Any]:
    """bundle.record_wire of a stored row (columns in `_RECORD_COLUMNS` order), keys in sorted order."""
    (edit_id, institution_id, unit_code, period, indicator, value, vv, author_key, author_unit, author_name,
     created_at, reason, warning) = row
    return {"author_key": author_key, "author_name": author_name, "author_unit": author_unit,
            "created": created_at, "edit_id": edit_id, "indicator": indicator, "institution": institution_id,
            "period": period, "reason": reason, "unit": unit_code, "value": value, "vv": _vv(vv),
            "warning": warning}


def recipients(store: Store) -> list[tuple[str, str]]:
    """Units a bundle can go to, parent first, then the units directly below (for corrections going down)."""
    from lhtl_desktop.model import hierarchy

    local = load_local(store)
    out: list[tuple[str, str]] = []
    parent = local.parent()
    if parent is not None:
        out.append((parent, local.units[parent].name))
    for unit in hierarchy.children_of(local.units, local.unit.code, two_tier=local.two_tier):
        out.append((unit.code, unit.name))
    return out
