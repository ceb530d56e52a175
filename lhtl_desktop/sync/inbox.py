"""What has arrived: per sending unit the last bundle, its number and any gaps as ranges ("thiếu gói số 5,
7–8 (3 gói)"), and the files waiting in quarantine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lhtl_desktop.i18n import _
from lhtl_desktop.storage import Store, sync_store

Gap = tuple[int, int]  # first and last missing number, inclusive


@dataclass(frozen=True)
class InboxRow:
    unit: str
    unit_name: str
    key_id: str
    last_seq: int
    last_created: str
    last_imported: str
    last_file: str
    missing: tuple[Gap, ...]  # ranges, never the numbers one by one: a sender may claim number 10^9

    @property
    def missing_count(self) -> int:
        return sum(last - first + 1 for first, last in self.missing)

    @property
    def gap_text(self) -> str:
        if not self.missing:
            return _("đủ")
        shown = ", ".join(_range_text(g) for g in self.missing[:10]) + ("…" if len(self.missing) > 10 else "")
        text = _("thiếu gói số {nums}").format(nums=shown)
        count = self.missing_count
        return text if count == 1 else text + " " + _("({n} gói)").format(n=f"{count:,}".replace(",", "."))

    def as_json(self) -> dict[str, Any]:
        return {"unit": self.unit, "unit_name": self.unit_name, "key_id": self.key_id, "last_seq": self.last_seq,
                "last_created": self.last_created, "last_imported": self.last_imported, "last_file": self.last_file,
                "missing": [list(g) for g in self.missing], "missing_count": self.missing_count}


def _range_text(gap: Gap) -> str:
    first, last = gap
    return str(first) if first == last else f"{first}–{last}"


def missing_ranges(seqs: list[int]) -> tuple[Gap, ...]:
    """Runs of numbers below the highest one received that never arrived (a snapshot makes them harmless, but
    the officer should know a file went astray). Linear in the numbers received, whatever their size."""
    out: list[Gap] = []
    expected = 1
    for n in sorted(set(seqs)):
        if n > expected:
            out.append((expected, n - 1))
        expected = max(expected, n + 1)
    return tuple(out)


def inbox(store: Store) -> list[InboxRow]:
    units = store.units()
    return [
        InboxRow(r["unit"], units[r["unit"]].name if r["unit"] in units else r["unit"], r["key_id"], r["last_seq"],
                 r["last_created"], r["last_imported"], r["last_file"], missing_ranges(r["seqs"]))
        for r in sync_store.inbox_rows(store)
    ]


def quarantined(store: Store) -> list[dict[str, Any]]:
    return sync_store.quarantine_rows(store)
