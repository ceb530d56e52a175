"""When an edit needs a written reason — one rule, used by entry (window and CLI), the entry form and the
bundle reader.

- **A correction from above**: a record whose author's unit is not the unit that owns it (a hub or the
  province correcting a commune's figure) carries the reason it was changed (ARCHITECTURE.md §3.5).
- **Resolving a conflict**: choosing one value among concurrent siblings is a decision someone may ask
  about later; the window and the CLI (`set --why`) both require its reason.
"""

from __future__ import annotations


def is_correction_from_above(author_unit: str, owner_unit: str) -> bool:
    """The author's unit is not the unit the record belongs to (only an ancestor may write it at all)."""
    return author_unit != owner_unit


def needs_reason(author_unit: str, owner_unit: str, *, resolves_conflict: bool = False) -> bool:
    """Whether an edit by `author_unit` of a record owned by `owner_unit` must carry a reason."""
    return resolves_conflict or is_correction_from_above(author_unit, owner_unit)


def reason_missing(author_unit: str, owner_unit: str, reason: str | None, *,
                   resolves_conflict: bool = False) -> bool:
    """The edit needs a reason and has none (blank counts as none)."""
    return needs_reason(author_unit, owner_unit, resolves_conflict=resolves_conflict) and not (reason or "").strip()
