"""What a signature proves about the items a bundle carries (ARCHITECTURE.md §3.6): authorship and counters.

A bundle's signature proves who *sent* it, not who wrote each item in it. So every item a received bundle
would write here (a value record, an institution version — and any later kind of record) is judged against
what this installation has itself seen, by the two rules below. Callers for new record kinds build one
`Evidence` per bundle and call `check_vectors` and `check_written` for their items.

Authorship. A bundle signed by key S may *introduce* items authored by keys of S's own unit and the units
below it (S's subtree). An item authored by any other key — an ancestor's correction that S relays back up,
or a record claiming this installation's own key — is accepted only when this installation already holds
it or something newer (the merge finds it unchanged or stale: nothing is written); if it would be written,
the whole bundle is refused. One exception, for corrections travelling down: a bundle from a unit *above*
me may also introduce items authored by the keys of its own ancestors (the province's correction that my
hub passes on). A parent already has authority over all of its children's data; a forged ancestor's item
would only mislead those children, and is refused as soon as it travels back up to the ancestor it names.

Counters. A received version vector may carry an entry for a key beyond the highest counter this
installation has seen of that key only when the key belongs to the signer's subtree (on the way down: the
signer's subtree and its ancestors). An entry for one of this installation's own keys may never exceed the
counter this installation has used: nothing received moves my own counters, so my next edit and my exports
stay valid everywhere. Every counter and bundle number is at most `MAX_COUNTER` (checked in bundle.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lhtl_desktop.errors import BundleError
from lhtl_desktop.i18n import _
from lhtl_desktop.model.version_vector import MAX_COUNTER
from lhtl_desktop.storage import Store, key_counters, sync_store
from lhtl_desktop.sync.local import Local
from lhtl_desktop.sync.trust import TrustedKey

_UNBOUNDED = -1


@dataclass
class Evidence:
    """One received bundle's signer, judged against what this installation has seen (read lazily, once)."""

    store: Store
    local: Local
    signer: TrustedKey
    trusted: Mapping[str, TrustedKey]
    _bounds: dict[str, int] = field(default_factory=dict)
    _introduce: dict[str, bool] = field(default_factory=dict)
    _scanned: set[str] = field(default_factory=set)

    @property
    def from_above(self) -> bool:
        me = self.local.unit.code
        return self.signer.unit != me and self.local.below_or_self(self.signer.unit, me)

    def _own_ids(self) -> set[str]:
        return {k.key_id for k in self.local.own_keys}

    def _vouched(self, key: TrustedKey | None) -> bool:
        """Keys whose items the signer answers for: its subtree (and, coming down, its ancestors)."""
        if key is None or key.key_id in self._own_ids():
            return False
        if self.local.below_or_self(self.signer.unit, key.unit):
            return True
        return self.from_above and self.local.below_or_self(key.unit, self.signer.unit)

    def may_introduce(self, author_key: str) -> bool:
        """Whether this bundle may write here an item authored by `author_key` that I do not hold yet."""
        hit = self._introduce.get(author_key)
        if hit is None:
            hit = self._introduce[author_key] = self._vouched(self.trusted.get(author_key))
        return hit

    def bound(self, key_id: str, wanted: int = 0) -> int:
        """The highest counter of `key_id` this bundle may carry (`_UNBOUNDED`: the signer answers for it).
        Read cheaply first (my own key's last counter); the stored vectors are scanned only when `wanted`
        goes beyond that."""
        cached = self._bounds.get(key_id)
        if cached is None:
            own = {k.key_id: k for k in self.local.own_keys}
            if key_id in own:
                cached = max(key_counters.last_counter(self.store, key_id), own[key_id].max_counter or 0)
            elif self._vouched(self.trusted.get(key_id)):
                cached = _UNBOUNDED
            else:
                cached = 0
            self._bounds[key_id] = cached
        if cached != _UNBOUNDED and wanted > cached and key_id not in self._scanned:
            # Every vector stored here: my institutions' own counters, and what earlier bundles proved.
            cached = self._bounds[key_id] = max(cached, sync_store.max_counter_of(self.store, key_id))
            self._scanned.add(key_id)
        return cached

    def check_vectors(self, vectors: Iterable[Mapping[str, int]]) -> None:
        """Refuse (BundleError) a vector entry beyond the evidence; each key is judged once, at its highest."""
        highest: dict[str, int] = {}
        get = highest.get
        for vv in vectors:
            for k, n in vv.items():
                if n > get(k, 0):
                    highest[k] = n
        own_ids = self._own_ids()
        for key_id, n in highest.items():
            if n > MAX_COUNTER:
                raise BundleError(_("Gói có số sửa đổi {n} vượt giới hạn {cap}: bị từ chối toàn bộ, không nhập gì.")
                                  .format(n=n, cap=MAX_COUNTER))
            limit = self.bound(key_id, n)
            if limit == _UNBOUNDED or n <= limit:
                continue
            if key_id in own_ids:
                raise BundleError(_(
                    "Gói của {sender} ghi khóa của chính máy này ({key}) ở số sửa đổi {n}, nhưng máy này mới dùng đến "
                    "số {mark}: bị từ chối toàn bộ, không nhập gì. Không gói nào được đẩy bộ đếm của máy nhận; hãy "
                    "báo đơn vị gửi kiểm tra.").format(sender=self._sender(), key=key_id[:8], n=n, mark=limit))
            raise BundleError(_(
                "Gói của {sender} ghi khóa {key} ({owner}) ở số sửa đổi {n}, vượt số lớn nhất máy này từng thấy của "
                "khóa đó ({mark}). Khóa đó không thuộc đơn vị gửi hay cấp dưới của nó, nên chữ ký của gói không "
                "chứng minh được số này: bị từ chối toàn bộ, không nhập gì.").format(
                sender=self._sender(), key=key_id[:8], owner=self._owner(key_id), n=n, mark=limit))

    def check_written(self, author_key: str, what: str) -> None:
        """Refuse an item authored by `author_key` that this bundle would write, unless the signer vouches."""
        if self.may_introduce(author_key):
            return
        raise BundleError(_(
            "Gói của {sender} chứa {what} ghi là của khóa {key} ({owner}) mà máy này chưa có. Chữ ký của gói chỉ "
            "chứng minh số liệu do {sender} và cấp dưới nhập, nên không thể nhận số liệu mang tên người khác: bị "
            "từ chối toàn bộ, không nhập gì.").format(
            sender=self._sender(), what=what, key=author_key[:8], owner=self._owner(author_key)))

    def _sender(self) -> str:
        return _unit_name(self.local, self.signer.unit)

    def _owner(self, key_id: str) -> str:
        if key_id in self._own_ids():
            return _("máy này")
        key = self.trusted.get(key_id)
        return _unit_name(self.local, key.unit) if key is not None else _("khóa lạ")


def _unit_name(local: Local, code: str) -> str:
    unit = local.units.get(code)
    return f"{unit.name} ({code})" if unit else code
