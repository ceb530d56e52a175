"""What has arrived: per sending unit the last bundle, its number and any gap ("thiếu gói số 5"),
and the files waiting in quarantine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lhtl_desktop.i18n import _
from lhtl_desktop.storage import Store, sync_store


@dataclass(frozen=True)
class InboxRow:
    unit: str
    unit_name: str
    key_id: str
    last_seq: int
    last_created: str
    last_imported: str
    last_file: str
    missing: tuple[int, ...]

    @property
    def gap_text(self) -> str:
        if not self.missing:
            return _("đủ")
        shown = ", ".join(str(n) for n in self.missing[:10]) + ("…" if len(self.missing) > 10 else "")
        return _("thiếu gói số {nums}").format(nums=shown)

    def as_json(self) -> dict[str, Any]:
        return {"unit": self.unit, "unit_name": self.unit_name, "key_id": self.key_id, "last_seq": self.last_seq,
                "last_created": self.last_created, "last_imported": self.last_imported, "last_file": self.last_file,
                "missing": list(self.missing)}


def missing_numbers(seqs: list[int]) -> tuple[int, ...]:
    """Numbers below the highest one received that never arrived (a snapshot makes them harmless, but the
    officer should know a file went astray)."""
    seen = set(seqs)
    top = max(seen, default=0)
    return tuple(n for n in range(1, top) if n not in seen)


def inbox(store: Store) -> list[InboxRow]:
    units = store.units()
    return [
        InboxRow(r["unit"], units[r["unit"]].name if r["unit"] in units else r["unit"], r["key_id"], r["last_seq"],
                 r["last_created"], r["last_imported"], r["last_file"], missing_numbers(r["seqs"]))
        for r in sync_store.inbox_rows(store)
    ]


def quarantined(store: Store) -> list[dict[str, Any]]:
    return sync_store.quarantine_rows(store)
