"""Short references of institutions: «14389-3» instead of a UUID, the same on every installation.

A reference is given once, by the installation that creates the institution, and then travels with it in
every bundle; it never changes. Each creating installation numbers from its own counter space, so two
installations can never hand out the same number:

- the unit's own installation (the commune for its institutions): `<unit>-<n>`, e.g. `14389-3`;
- an installation above it (a hub or the province creating an institution for a commune):
  `<unit>-<creator unit>.<n>`, e.g. `14389-372.1`.

The next number is one more than the highest this database holds in that space (its own and those
received back in bundles) and than the high-water mark kept in `meta`, so numbers are not reused after an
institution is gone. Two cases can still hand out a number again: a restore from an old backup, and a unit set
up afresh with neither a backup nor a bundle from above (which would bring its institutions back first). Two
institutions with one reference are then both kept, and looking the reference up is refused with both full
ids, never answered with the wrong institution.
"""

from __future__ import annotations

import re

from lhtl_desktop.storage.store import Store

REF_RE = re.compile(r"([0-9]{2,5})-(?:([0-9]{2,5})\.)?([0-9]{1,9})", re.ASCII)
_META = "institution_ref:"


def ref_prefix(unit_code: str, creator_unit: str) -> str:
    return f"{unit_code}-" if creator_unit == unit_code else f"{unit_code}-{creator_unit}."


def next_ref(store: Store, unit_code: str, creator_unit: str) -> str:
    """The next free reference in `creator_unit`'s space for an institution of `unit_code`; records it
    (call inside the transaction that inserts the institution)."""
    prefix = ref_prefix(unit_code, creator_unit)
    highest = int(store.get_meta(_META + prefix) or 0)
    # The prefix holds digits, "-" and "." only: nothing LIKE would read as a wildcard.
    for (ref,) in store.conn.execute("SELECT ref FROM institutions WHERE ref LIKE ?", [prefix + "%"]).fetchall():
        tail = ref[len(prefix):]
        if tail.isascii() and tail.isdigit():
            highest = max(highest, int(tail))
    ref = f"{prefix}{highest + 1}"
    store.set_meta(_META + prefix, str(highest + 1))
    return ref


def ids_with_ref(store: Store, ref: str) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT id FROM institutions WHERE ref = ? ORDER BY id", [ref])]
