"""Each key's edit counter, monotonic over all of that key's value edits (ARCHITECTURE.md §3.4–3.5).

A version vector's own component is normally "the last counter on this value + 1". That alone would let a
retired key's new edit on a value it never touched carry counter 1 — under any mark. So a local edit takes
the next number of its key across every value it ever edited: the vector still dominates what the edit saw
(merge unchanged), and "the key's counter at retirement" becomes a mark no later edit can fall under,
whatever date it claims. The last number is kept in `meta` (`key_counter:<key id>`); a database made before
this rule starts from the highest counter its records hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from lhtl_desktop.errors import RefusedError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.version_vector import MAX_COUNTER, advance
from lhtl_desktop.storage import version_marks
from lhtl_desktop.storage.store import Store

_PREFIX = "key_counter:"


def last_counter(store: Store, key_id: str) -> int:
    """The highest own counter `key_id` has used on a value record here."""
    text = store.get_meta(_PREFIX + key_id)
    if text is not None:
        return int(text)
    path = f'$."{key_id}"'
    row = store.db.execute(
        "SELECT MAX(n) FROM (SELECT json_extract(vv, ?) AS n FROM value_records WHERE author_key = ? "
        "UNION ALL SELECT json_extract(vv, ?) FROM value_history WHERE author_key = ?)",
        [path, key_id, path, key_id]).fetchone()
    return int(row[0] or 0)


def next_vv(store: Store, seen: Iterable[Mapping[str, int]], key_id: str) -> dict[str, int]:
    """The version vector of a local edit that saw `seen`; records the key's new counter (call in a transaction)."""
    vv = advance([*seen, {key_id: last_counter(store, key_id)}], key_id)
    # Never a number handed out before, even by a database this one was restored over (storage.version_marks).
    vv[key_id] = version_marks.next_number(store, version_marks.COUNTER, key_id, vv[key_id] - 1)
    if vv[key_id] > MAX_COUNTER:
        # Only reachable in a database written before counters were bounded: saying so beats writing a vector
        # that every other installation would refuse.
        raise RefusedError(_("Bộ đếm sửa đổi của khóa máy này đã vượt giới hạn {cap}: không lưu. Hãy tạo khóa mới "
                             "(lệnh «key new») rồi đăng ký lại với cấp trên.").format(cap=f"{MAX_COUNTER:,}"))
    store.set_meta(_PREFIX + key_id, str(vv[key_id]))
    return vv
