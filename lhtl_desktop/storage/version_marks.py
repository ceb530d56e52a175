"""High-water marks kept outside the database, so that a restored backup never reuses a number (ARCHITECTURE.md §3.6).

An installation numbers three things it sends away: its bundles (`seq`, per key), its edits (each key's edit
counter, the key's component of every version vector it writes) and, at the province, the versions of the
rules document. Restoring an older backup brings the database's numbers back; anything written afterwards
would carry numbers already used on values the receivers hold — the same version vector on a different value,
which a receiver could only call «không đổi». So:

- every number handed out is also written to a small file beside the database, `<database>.marks.json`,
  which a restore does not touch (it replaces the database file only); the next number is above both the
  database's and the file's;
- a restore (services.backups.restore) also writes a *jump* into that file: the next number of each kind
  skips a random distance ahead. The file may be missing — a backup restored on another PC — and two PCs
  restored from one backup then draw different jumps, so they do not hand out the same numbers either.

Receivers still check (sync.merge keeps two different contents under one version vector as a conflict; the
importer says loudly when one bundle number comes back with other content): the marks make forks rare, the
checks make the rare one visible.

The file is written with a rename (never half a file) but not fsynced: a power cut right after an edit can
lose the last mark, which only matters if a restore follows — and then the jump covers it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

from lhtl_desktop.storage.store import Store

SEQ = "seq"
COUNTER = "counter"
RULES = "rules_version"
# Jumps after a restore: bundle numbers stay readable in the inbox («thiếu gói số …»); counters have room
# (the documented cap is 2**53), so their jump is wide enough that two restored PCs practically never meet.
JUMP_RANGES = {SEQ: (10, 1000), RULES: (10, 1000)}
COUNTER_JUMP = (1_000, 1_000_000)


def marks_path(db_path: Path | str) -> Path:
    p = Path(db_path)
    return p.with_name(p.name + ".marks.json")


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        # A read-only folder must not stop an edit: the database's own numbers still rise, and the jump
        # written by a restore (if that can be written) still applies.
        with contextlib.suppress(OSError):
            tmp.unlink()


def _usable(store: Store) -> Path | None:
    path = Path(str(store.path))
    return None if str(store.path) in ("", ":memory:") else marks_path(path)


def next_number(store: Store, kind: str, name: str, used_here: int) -> int:
    """The next number of `kind` for `name` (a key id, or "" for the rules version): above what the database
    has used (`used_here`), above what the marks file says was handed out, and past a pending jump."""
    path = _usable(store)
    if path is None:
        return used_here + 1
    data = _read(path)
    marks = data.setdefault(kind, {})
    floor = max(used_here, int(marks.get(name, 0)) if isinstance(marks.get(name, 0), int) else 0)
    pending = data.get("jump", {})
    jump = 0
    if isinstance(pending, dict) and kind in pending:
        jump = int(pending.pop(kind) or 0)
    value = floor + 1 + max(jump, 0)
    marks[name] = value
    _write(path, data)
    return value


def note_used(store: Store, kind: str, name: str, value: int) -> None:
    """Record a number the database already used (e.g. a counter taken another way), if above the mark."""
    path = _usable(store)
    if path is None:
        return
    data = _read(path)
    marks = data.setdefault(kind, {})
    if value > int(marks.get(name, 0) or 0):
        marks[name] = value
        _write(path, data)


def jump_after_restore(db_path: Path | str) -> dict[str, int]:
    """Called by a restore: the next number of every kind skips ahead by a random distance."""
    path = marks_path(db_path)
    data = _read(path)
    jump = {kind: lo + secrets.randbelow(hi - lo) for kind, (lo, hi) in JUMP_RANGES.items()}
    data["jump"] = jump
    _write(path, data)
    return jump


def begin_branch_after_restore(store: Store, key_id: str, epoch_id: str) -> dict[str, int | str]:
    """In a database just restored: my key's history branches here. Its edit counter jumps ahead (past the
    marks file too), and the branch — where it left the older history and where its own counters start —
    is kept in meta and travels in every bundle (sync.lineage), so receivers can tell what it never saw."""
    from lhtl_desktop.storage import key_counters, lineage_store, sync_store

    base_counter = key_counters.last_counter(store, key_id)
    path = _usable(store)
    mark = int(_read(path).get(COUNTER, {}).get(key_id, 0) or 0) if path is not None else 0
    lo, hi = COUNTER_JUMP
    first = max(base_counter, mark) + lo + secrets.randbelow(hi - lo) + 1
    epoch: dict[str, int | str] = {"epoch": epoch_id, "base_seq": sync_store.max_export_seq(store, key_id),
                                   "base_counter": base_counter, "first_counter": first}
    with store.atomic():
        lineage_store.add_own_epoch(store, key_id, epoch)
        lineage_store.set_counter_floor(store, key_id, first - 1)
    return epoch


def next_rules_version(store: Store, used_here: int) -> int:
    return next_number(store, RULES, "", used_here)
