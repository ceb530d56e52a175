"""Replicas converge with real bundles and real databases: a hub receiving commune snapshots in any order,
any number of times, ends with the same current records; re-import and old-after-new change nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lhtl_desktop.services import entry
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.sync.importer import import_file, import_files
from tests.sync.conftest import Net, enrol, make_node


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """A hub template (after its own correction) and six snapshot files of two communes' edits."""
    tmp = tmp_path_factory.mktemp("history")
    hub, a, b = make_node(tmp, "372", "Cụm"), make_node(tmp, "14389", "Xã A"), make_node(tmp, "14401", "Xã B")
    net = Net(hub, a, b, tmp)
    from lhtl_desktop.services import institutions

    for child in (a, b):
        enrol(hub, child)
        child.institutions["lib"] = institutions.add_institution(child.store, child.unit, "lib_commune", "Thư viện").id
    a.set("lib", "2025", LIB_VISITS=1, LIB_READERS=5)
    b.set("lib", "2025", LIB_VISITS=1)
    files = [a.export(), b.export()]
    for f in files:
        assert import_file(hub.store, f, backup=False).status == "accepted"
    hub.set(a.institutions["lib"], "2025", why="Theo sổ sách", LIB_VISITS=10)  # concurrent with a's next edits
    a.set("lib", "2025", LIB_VISITS=2)
    files.append(a.export())
    a.set("lib", "2025", LIB_VISITS=3, LIB_SKILL_CLASSES=1)
    files.append(a.export())
    b.set("lib", "2025", LIB_VISITS=2)
    files.append(b.export())
    entry.clear_value(b.store, b.institutions["lib"], "2025", "LIB_VISITS")  # a tombstone travels too
    files.append(b.export())
    template = tmp / "hub-template.sqlite3"
    for n in (hub, a, b):
        n.store.close()
    shutil.copy(hub.store.path, template)
    del net
    return template, files


def current(store: Store) -> set[tuple[object, ...]]:
    return {tuple(r) for r in store.db.execute(
        "SELECT edit_id, institution_id, period, indicator, value, vv FROM value_records").fetchall()}


def fresh(template: Path, tmp: Path, name: str) -> Store:
    path = tmp / f"{name}.sqlite3"
    shutil.copy(template, path)
    return open_store(path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.lists(st.integers(0, 5), min_size=0, max_size=10), data=st.data())
def test_any_delivery_order_converges(history: tuple[Path, list[Path]], tmp_path: Path, order: list[int],
                                      data: st.DataObject) -> None:
    template, files = history
    delivered = data.draw(st.permutations([*range(6), *order]))
    reference = fresh(template, tmp_path, "reference")
    other = fresh(template, tmp_path, "other")
    try:
        import_files(reference, files, backup=False)
        results = import_files(other, [files[i] for i in delivered], backup=False)
        assert all(r.status in ("accepted", "duplicate") for r in results)
        assert current(other) == current(reference)
        # The concurrent commune edit and the hub's correction are both kept.
        visits = {r[4] for r in current(reference) if r[3] == "LIB_VISITS"}
        assert visits == {10, 3, None}  # a's two siblings, b's tombstone
        # Everything again, newest first: not a byte changes.
        before = other.dump()
        import_files(other, list(reversed(files)), backup=False)
        assert other.dump() == before
    finally:
        reference.close()
        other.close()
