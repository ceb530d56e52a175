"""The merge hierarchy as pure functions over units (DOMAIN.md §7): parents, subtrees, authority.

The stored `parent` of a commune is its hub; in two-tier mode communes report straight to the province.
Used by services (scope of an installation) and by sync (who may write whose records).
"""

from __future__ import annotations

from collections.abc import Mapping

from lhtl_desktop.model.catalogue import Level
from lhtl_desktop.model.units import Unit


def parent_of(units: Mapping[str, Unit], code: str, *, two_tier: bool) -> str | None:
    unit = units.get(code)
    if unit is None or unit.parent is None:
        return None
    if two_tier and unit.level == Level.COMMUNE:
        root = unit.parent
        while units.get(root) is not None and units[root].parent is not None:
            root = units[root].parent  # type: ignore[assignment]
        return root
    return unit.parent


def children_of(units: Mapping[str, Unit], code: str, *, two_tier: bool) -> list[Unit]:
    return [u for u in units.values() if parent_of(units, u.code, two_tier=two_tier) == code]


def subtree(units: Mapping[str, Unit], code: str, *, two_tier: bool) -> list[str]:
    """The unit and every unit below it, parents before children."""
    below: dict[str, list[str]] = {}
    for u in units.values():
        p = parent_of(units, u.code, two_tier=two_tier)
        if p is not None:
            below.setdefault(p, []).append(u.code)
    out = [code]
    i = 0
    while i < len(out):
        out.extend(below.get(out[i], []))
        i += 1
    return out


def is_ancestor_or_self(units: Mapping[str, Unit], ancestor: str, code: str, *, two_tier: bool) -> bool:
    """Authority rule: a key of unit S may write records of unit U only if S = U or S is an ancestor of U."""
    current: str | None = code
    seen: set[str] = set()
    while current is not None and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        current = parent_of(units, current, two_tier=two_tier)
    return False
