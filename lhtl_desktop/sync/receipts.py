"""Submission marks and receipts in bundles (ARCHITECTURE.md §3.8): two optional sections of the body.

`submissions`: the marks («đã nộp», who, when) of every unit of the bundle's scope. They travel like value
records and obey the same authorship rule: a bundle signed by S may introduce marks authored by keys of S's
own subtree; a mark authored by any other key is accepted only if it is identical to the one the receiver
already holds, and no mark may advance a version-vector entry of a key outside S's subtree beyond what the
receiver has seen. Anything else refuses the whole bundle.

`receipts`: what the sender did with the bundles it received from the addressee (bundle id, number, time,
counts). The addressee keeps those that name one of its own bundles sent to that sender: its outbox then
shows them as acknowledged. A receipt naming anything else is ignored (it can do no harm).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lhtl_desktop.errors import BundleError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.reporting import SubmissionMark, merge_mark
from lhtl_desktop.model.units import Unit
from lhtl_desktop.storage import Store
from lhtl_desktop.storage import reporting_store as rs

if TYPE_CHECKING:
    from lhtl_desktop.sync.bundle import Body
    from lhtl_desktop.sync.local import Local
    from lhtl_desktop.sync.trust import TrustedKey

SECTIONS = frozenset({"submissions", "receipts"})
MAX_ITEMS = 100_000
MAX_REASONS = 50
COUNT_KEYS = ("changed", "conflicts", "new", "refused", "stale", "unchanged")
_MARK_KEYS = {"unit", "period", "submitted", "vv", "author_key", "author_unit", "author_name", "created", "edit_id",
              "reason"}
_RECEIPT_KEYS = {"bundle_id", "seq", "received_at", "counts", "reasons"}


@dataclass(frozen=True)
class Receipt:
    bundle_id: str
    seq: int
    received_at: str
    counts: Mapping[str, int]
    reasons: tuple[str, ...]


# -- building -----------------------------------------------------------------------------------------
def submissions_wire(store: Store, scope: list[str]) -> list[dict[str, Any]]:
    """Every mark of the scope's units, keys in sorted order (the bytes json.dumps(sort_keys=True) gives)."""
    return [{"author_key": m.author_key, "author_name": m.author_name, "author_unit": m.author_unit,
             "created": m.created_at, "edit_id": m.edit_id, "period": m.period, "reason": m.reason,
             "submitted": m.submitted, "unit": m.unit, "vv": dict(sorted(m.vv.items()))}
            for m in rs.marks(store, scope)]


def receipts_wire(store: Store, to_unit: str) -> list[dict[str, Any]]:
    """Receipts of the bundles received from `to_unit` (newest 50), for the next bundle addressed to it."""
    out = []
    for r in rs.received_from(store, to_unit):
        counts = {k: int(r["counts"].get(k, 0)) for k in COUNT_KEYS}
        out.append({"bundle_id": r["bundle_id"], "counts": counts, "reasons": list(r["counts"].get("reasons", [])),
                    "received_at": r["received_at"], "seq": r["seq"]})
    return out


def extra_sections(store: Store, scope: list[str], to_unit: str) -> dict[str, Any]:
    """The optional sections of a bundle for `to_unit` over `scope` (left out when empty)."""
    out: dict[str, Any] = {}
    marks = submissions_wire(store, scope)
    if marks:
        out["submissions"] = marks
    receipts = receipts_wire(store, to_unit)
    if receipts:
        out["receipts"] = receipts
    return out


# -- checking -----------------------------------------------------------------------------------------
def parse_sections(doc: Mapping[str, Any], units: Mapping[str, Unit]) -> tuple[tuple[SubmissionMark, ...],
                                                                              tuple[Receipt, ...]]:
    """Check the optional sections field by field (called by bundle.parse_body)."""
    from lhtl_desktop.sync import bundle as b  # the field checks of the body (bundle imports this module)

    raw_marks = doc.get("submissions", [])
    raw_receipts = doc.get("receipts", [])
    if type(raw_marks) is not list or type(raw_receipts) is not list or len(raw_marks) > MAX_ITEMS \
            or len(raw_receipts) > MAX_ITEMS:
        raise b._bad(_("danh sách nộp báo cáo hoặc biên nhận không hợp lệ"))
    seen = b._Seen(units)
    marks: list[SubmissionMark] = []
    keys: set[tuple[str, str]] = set()
    for item in raw_marks:
        if type(item) is not dict or item.keys() != _MARK_KEYS:
            raise b._bad(_("dấu nộp báo cáo thiếu hoặc thừa trường"))
        unit = seen.known_unit(item, "unit", b._L_UNIT)
        period = seen.period(item)
        if (unit, period) in keys:
            raise b._bad(_("dấu nộp báo cáo của {unit} kỳ {period} lặp lại").format(unit=unit, period=period))
        keys.add((unit, period))
        if type(item["submitted"]) is not bool:
            raise b._bad(_("dấu nộp báo cáo không hợp lệ"))
        reason = seen.text(item["reason"], b._L_REASON, required=False, limit=b.MAX_TEXT)
        marks.append(SubmissionMark(
            unit, period, item["submitted"], seen.vv(item["vv"]), seen.key_id(item, "author_key", b._L_AUTHOR_KEY),
            seen.known_unit(item, "author_unit", b._L_AUTHOR_UNIT),
            seen.text(item["author_name"], b._L_AUTHOR_NAME, required=False) or "",
            seen.stamp(item, "created", b._L_CREATED), b._str(item, "edit_id", b._UUID_RE, b._L_EDIT_ID), reason))
    receipts: list[Receipt] = []
    for item in raw_receipts:
        if type(item) is not dict or item.keys() != _RECEIPT_KEYS:
            raise b._bad(_("biên nhận thiếu hoặc thừa trường"))
        counts = item["counts"]
        if type(counts) is not dict or set(counts) != set(COUNT_KEYS):
            raise b._bad(_("biên nhận không hợp lệ"))
        reasons = item["reasons"]
        if type(reasons) is not list or len(reasons) > MAX_REASONS:
            raise b._bad(_("biên nhận không hợp lệ"))
        receipts.append(Receipt(
            b._str(item, "bundle_id", b._UUID_RE, b._L_BUNDLE_ID), b._int(item["seq"], 1, 2**53, b._L_SEQ),
            seen.stamp(item, "received_at", b._L_CREATED),
            {k: b._int(counts[k], 0, 10**9, k) for k in COUNT_KEYS},
            tuple(seen.text(r, b._L_REASON, required=True, limit=b.MAX_TEXT) or "" for r in reasons)))
    return tuple(marks), tuple(receipts)


def check_marks(store: Store, local: Local, body: Body, signer: TrustedKey,
                trusted: Mapping[str, TrustedKey]) -> None:
    """The authorship rule for marks; raises BundleError (the whole bundle is refused)."""
    if not body.submissions:
        return
    me = local.unit.code
    stored = rs.marks_by_key(store, (m.key for m in body.submissions))
    for m in body.submissions:
        who = local.units[m.unit].name if m.unit in local.units else m.unit
        if not (local.below_or_self(signer.unit, m.unit) and local.below_or_self(me, m.unit)):
            raise BundleError(_("Gói của {sender} chứa dấu nộp báo cáo của {unit}, ngoài phạm vi của đơn vị gửi: bị "
                                "từ chối toàn bộ.").format(sender=signer.unit, unit=who))
        held = stored.get(m.key)
        if held is not None and held == m:
            continue  # identical to what is held: nothing new, whoever wrote it
        key = trusted.get(m.author_key)
        if key is None or key.unit != m.author_unit or not local.below_or_self(key.unit, m.unit):
            raise BundleError(_("Dấu nộp báo cáo của {unit} ghi tác giả không được xác nhận hoặc không có quyền: gói "
                                "bị từ chối.").format(unit=who))
        if not local.below_or_self(signer.unit, key.unit):
            raise BundleError(_("Gói của {sender} mang dấu nộp báo cáo của {unit} do đơn vị khác ({author}) ghi mà "
                                "máy này chưa có: bị từ chối. Mỗi đơn vị chỉ chuyển dấu nộp do đơn vị mình hoặc cấp "
                                "dưới ghi.").format(sender=signer.unit, unit=who, author=key.unit))
        seen_vv = held.vv if held is not None else {}
        for k, n in m.vv.items():
            owner = trusted.get(k)
            outside = owner is None or not local.below_or_self(signer.unit, owner.unit)
            if outside and n > seen_vv.get(k, 0):
                raise BundleError(_("Dấu nộp báo cáo của {unit} tăng bộ đếm của một khóa ngoài phạm vi đơn vị gửi: "
                                    "gói bị từ chối.").format(unit=who))


# -- applying (inside the import's transaction) -------------------------------------------------------
def apply_sections(store: Store, body: Body, now: str) -> tuple[int, int]:
    """Store the marks that win and the receipts of my own bundles; (marks written, receipts kept)."""
    written = 0
    if body.submissions:
        stored = rs.marks_by_key(store, (m.key for m in body.submissions))
        for m in body.submissions:
            chosen = merge_mark(stored.get(m.key), m)
            if chosen is not None:
                rs.put_mark(store, chosen, now)
                written += 1
    kept = 0
    if body.receipts:
        mine = rs.exported_ids(store)
        have = rs.receipt_ids(store)
        rows = [{"bundle_id": r.bundle_id, "by_unit": body.from_unit, "seq": r.seq, "received_at": r.received_at,
                 "counts": dict(r.counts), "reasons": list(r.reasons)}
                for r in body.receipts
                if mine.get(r.bundle_id) == (r.seq, body.from_unit) and r.bundle_id not in have]
        kept = rs.add_receipts(store, rows, now)
    return written, kept
