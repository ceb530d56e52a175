"""Version vectors for value records (ARCHITECTURE.md §3.5). Pure functions over `{key_id: counter}`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

VersionVector = Mapping[str, int]

# The cap on every edit counter and every bundle number (ARCHITECTURE.md §3.6). A key takes one number per
# edit and per export, so a billion is out of reach of any real officer, while far below the 2^53 where JSON
# numbers stop being exact: a counter at the cap cannot be made to overflow anything downstream.
MAX_COUNTER = 1_000_000_000


class Order(StrEnum):
    EQUAL = "equal"
    BEFORE = "before"  # a is dominated by b
    AFTER = "after"  # a dominates b
    CONCURRENT = "concurrent"


def compare(a: VersionVector, b: VersionVector) -> Order:
    keys = set(a) | set(b)
    a_le_b = all(a.get(k, 0) <= b.get(k, 0) for k in keys)
    b_le_a = all(b.get(k, 0) <= a.get(k, 0) for k in keys)
    if a_le_b and b_le_a:
        return Order.EQUAL
    if a_le_b:
        return Order.BEFORE
    if b_le_a:
        return Order.AFTER
    return Order.CONCURRENT


def join(vectors: Iterable[VersionVector]) -> dict[str, int]:
    """The least vector that dominates or equals every given vector."""
    out: dict[str, int] = {}
    for vv in vectors:
        for k, n in vv.items():
            if n > out.get(k, 0):
                out[k] = n
    return out


def advance(seen: Iterable[VersionVector], key_id: str) -> dict[str, int]:
    """A local edit: it saw every sibling (join) and takes the next counter of its own key."""
    out = join(seen)
    out[key_id] = out.get(key_id, 0) + 1
    return out
