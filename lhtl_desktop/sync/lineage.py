"""Restore never forks silently (ARCHITECTURE.md §3.6): branches of a key's history, and what each one saw.

A restored database goes back in time: values it sent before the backup's moment are gone from it, though the
receivers hold them. Its next edit would carry a version vector that *looks* newer than those values although
it never saw them — and two PCs restored from one backup would each look newer than the other. So a restore
starts a **branch** (storage.version_marks.begin_branch_after_restore): the key's edit counter jumps ahead
(randomly, so two PCs land apart) and the branch is described as {epoch, base_seq, base_counter,
first_counter} — it continues the key's history up to `base_counter` and numbers its own edits from
`first_counter`. Every bundle carries the branches it knows (field `lineage`: {key id: [branch, …]}).

With the branches, a record's own-key counter x says what it saw of that key: every counter up to its
branch's base, and its own branch's counters up to x (`saw`). Two records of one key where neither saw the
other's counter are concurrent whatever their vectors say (`forked`): the importer keeps both as siblings — an
open conflict, and a loud line in the summary — instead of letting one silently replace the other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lhtl_desktop.errors import BundleError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.records import ValueRecord
from lhtl_desktop.model.version_vector import Order, compare
from lhtl_desktop.sync.merge import Outcome, merge_one, same_content

_KEYID_RE = re.compile(r"[0-9a-f]{32}", re.ASCII)
_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII)
MAX_BRANCHES = 1000


@dataclass(frozen=True)
class Branch:
    epoch: str
    base_seq: int
    base_counter: int
    first_counter: int


Branches = Mapping[str, Sequence[Branch]]  # key id → its branches


def branch_of(branches: Sequence[Branch], counter: int) -> Branch | None:
    """The branch a counter was handed out in (None: the key's original history)."""
    best: Branch | None = None
    for b in branches:
        if b.first_counter <= counter and (best is None or b.first_counter > best.first_counter):
            best = b
    return best


def saw(branches: Sequence[Branch], x: int, y: int) -> bool:
    """Whether a record whose counter of a key is x had seen that key's counter y."""
    bx = branch_of(branches, x)
    if bx is not None and y <= bx.base_counter:
        return True
    return branch_of(branches, y) == bx and y <= x


def forked(a: ValueRecord, b: ValueRecord, branches: Branches) -> bool:
    """Concurrent through a restore: for some key with branches, neither record saw the other's counter."""
    for key_id, bs in branches.items():
        x, y = a.vv.get(key_id, 0), b.vv.get(key_id, 0)
        if x and y and x != y and not saw(bs, x, y) and not saw(bs, y, x):
            return True
    return False


def merge_aware(branches: Branches):  # type: ignore[no-untyped-def]
    """merge.merge_one, except that a sibling on another branch of a restored key is kept beside the
    incoming record (a conflict) instead of being replaced by it or making it stale."""
    if not branches:
        return merge_one

    def merge(siblings: Sequence[ValueRecord], incoming: ValueRecord) -> tuple[list[ValueRecord], Outcome, list[str]]:
        if not any(forked(incoming, s, branches) for s in siblings):
            return merge_one(siblings, incoming)
        superseded: list[str] = []
        for s in siblings:
            if s.edit_id == incoming.edit_id:
                return list(siblings), Outcome.UNCHANGED, []
            if forked(incoming, s, branches):
                continue
            order = compare(incoming.vv, s.vv)
            if order == Order.EQUAL and same_content(incoming, s):
                return list(siblings), Outcome.UNCHANGED, []
            if order == Order.BEFORE:
                return list(siblings), Outcome.STALE, []
            if order == Order.AFTER:
                superseded.append(s.edit_id)
        kept = [s for s in siblings if s.edit_id not in superseded]
        return [*kept, incoming], Outcome.CONFLICT, superseded

    return merge


# -- the wire -------------------------------------------------------------------------------------
def _bad() -> BundleError:
    return BundleError(_("Gói có dữ liệu không hợp lệ: thông tin khôi phục (nhánh lịch sử của khóa) sai định dạng. "
                         "Không nhập gì cả."))


def parse_wire(value: Any) -> dict[str, list[Branch]]:
    if not isinstance(value, dict) or len(value) > 10_000:
        raise _bad()
    out: dict[str, list[Branch]] = {}
    for key_id, items in value.items():
        if not _KEYID_RE.fullmatch(key_id) or not isinstance(items, list) or not 1 <= len(items) <= MAX_BRANCHES:
            raise _bad()
        branches: list[Branch] = []
        for item in items:
            if not isinstance(item, dict) or set(item) != {"epoch", "base_seq", "base_counter", "first_counter"}:
                raise _bad()
            if not isinstance(item["epoch"], str) or not _UUID_RE.fullmatch(item["epoch"]):
                raise _bad()
            nums = (item["base_seq"], item["base_counter"], item["first_counter"])
            if not all(type(n) is int and 0 <= n < 2**53 for n in nums) or item["first_counter"] <= item["base_counter"]:
                raise _bad()
            branches.append(Branch(item["epoch"], *nums))
        out[key_id] = branches
    return out


def to_wire(branches: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {k: sorted((dict(sorted(b.items())) for b in bs), key=lambda b: (b["first_counter"], b["epoch"]))
            for k, bs in sorted(branches.items()) if bs}


def combine(stored: Mapping[str, Sequence[Mapping[str, Any]]],
            received: Mapping[str, Sequence[Branch]]) -> dict[str, list[Branch]]:
    out: dict[str, dict[str, Branch]] = {}
    for k, items in stored.items():
        for b in items:
            out.setdefault(k, {})[b["epoch"]] = Branch(b["epoch"], b["base_seq"], b["base_counter"], b["first_counter"])
    for k, bs in received.items():
        for br in bs:
            out.setdefault(k, {}).setdefault(br.epoch, br)
    return {k: sorted(v.values(), key=lambda b: b.first_counter) for k, v in out.items()}
