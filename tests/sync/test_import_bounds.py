"""Every import failure is a bundle error (a reason, exit 3, the JSON printed, a batch as documented), gaps
are ranges, and conflict storms are bounded. Crafted bundles are validly signed with the project's own
sealing code and the enrolled commune's key; every refusal leaves `store.dump()` unchanged."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from lhtl_desktop.cli import main
from lhtl_desktop.errors import ConstraintError
from lhtl_desktop.model.records import ValueRecord
from lhtl_desktop.model.version_vector import MAX_COUNTER
from lhtl_desktop.storage import key_counters, sync_store
from lhtl_desktop.sync import inbox, merge
from lhtl_desktop.sync.merge import MAX_SIBLINGS, TooManySiblings, plan_records
from tests.sync.conftest import Net, enrol
from tests.sync.test_authority import accepted, craft, forged, record_of, refused


def cli_import(net: Net, capsys: pytest.CaptureFixture[str], *files: Path) -> tuple[int, list[dict[str, Any]]]:
    db = str(net.hub.folder / "lhtl.sqlite3")
    capsys.readouterr()
    code = main(["--db", db, "import", *map(str, files), "--json"])
    return code, json.loads(capsys.readouterr().out)


# -- 4. every import failure is a bundle error ---------------------------------------------------------------
def test_an_edit_id_reused_on_another_indicator_is_rejected_not_a_crash(
        net: Net, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's case: a stored edit id on another indicator. Was a raw IntegrityError (exit 1, no JSON)."""
    accepted(net.hub, net.a.export())
    visits = net.hub.store.records_for_key(net.a.institutions["lib"], "2025", "LIB_VISITS")[0]

    def reuse(body: dict[str, Any]) -> None:
        forged(body, "LIB_VISITS", indicator="LIB_READERS", edit_id=visits.edit_id, value=77)
        body["records"] = [r for r in body["records"] if r["indicator"] != "LIB_VISITS"]

    bad = craft(net.a, net.a.export(), reuse, "reuse.lhtl")
    before = net.hub.store.dump()
    code, [r] = cli_import(net, capsys, bad)
    assert code == 3 and r["status"] == "rejected" and "mã lần sửa" in r["reason"] and visits.edit_id in r["reason"]
    assert net.hub.store.dump() == before


def test_an_edit_id_of_a_superseded_record_is_rejected(net: Net) -> None:
    accepted(net.hub, net.a.export())
    inst = net.a.institutions["lib"]
    old = net.hub.store.records_for_key(inst, "2025", "LIB_VISITS")[0]
    net.a.set("lib", "2025", LIB_VISITS=1001)
    accepted(net.hub, net.a.export())  # `old` is now in the hub's history

    def reuse(body: dict[str, Any]) -> None:
        forged(body, "LIB_VISITS", indicator="LIB_READERS", edit_id=old.edit_id, value=5)

    refused(net.hub, craft(net.a, net.a.export(), reuse, "hist.lhtl"), "mã lần sửa", old.edit_id)


def test_one_edit_id_with_two_contents_is_rejected_not_unchanged(net: Net) -> None:
    accepted(net.hub, net.a.export())

    def rewrite(body: dict[str, Any]) -> None:
        record_of(body, "LIB_VISITS")["value"] = 4444

    refused(net.hub, craft(net.a, net.a.export(), rewrite, "two.lhtl"), "mã lần sửa")


def test_a_duplicate_edit_id_within_a_bundle_is_rejected(net: Net) -> None:
    def dup(body: dict[str, Any]) -> None:
        forged(body, "LIB_VISITS", indicator="LIB_READERS", edit_id=record_of(body, "LIB_VISITS")["edit_id"])

    refused(net.hub, craft(net.a, net.a.export(), dup, "dup.lhtl"), "lặp lại")


def test_a_batch_each_file_its_own_transaction_later_files_still_imported(
        net: Net, capsys: pytest.CaptureFixture[str]) -> None:
    """README: each file of a batch is its own transaction; a refused file changes nothing and the files after
    it are still imported; the JSON lists every file; exit 3. File 2 reuses an edit id file 1 brought."""
    first = net.a.export()
    first_visits = record_of(_body(first), "LIB_VISITS")

    def reuse(body: dict[str, Any]) -> None:
        forged(body, "LIB_VISITS", indicator="LIB_READERS", edit_id=first_visits["edit_id"], value=9)
        body["records"] = [r for r in body["records"] if r["indicator"] != "LIB_VISITS"]

    second = craft(net.a, net.a.export(), reuse, "second.lhtl")
    third = net.b.export()
    code, results = cli_import(net, capsys, first, second, third)
    assert code == 3
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted"]
    assert "mã lần sửa" in results[1]["reason"] and results[2]["new"] == 2
    assert net.hub.store.records_for_key(net.b.institutions["lib"], "2025", "LIB_VISITS")[0].value == 1000


def test_a_constraint_broken_inside_the_write_is_a_bundle_error(net: Net) -> None:
    """Behind every check: a constraint SQLite enforces becomes ConstraintError after the rollback."""
    accepted(net.hub, net.a.export())
    rec = net.hub.store.records_for_key(net.a.institutions["lib"], "2025", "LIB_VISITS")[0]
    before = net.hub.store.dump()
    with pytest.raises(ConstraintError, match="ràng buộc"), sync_store.immediate(net.hub.store):
        sync_store.apply_records(net.hub.store, [rec], [], "2026-01-01T00:00:00Z")
    assert net.hub.store.dump() == before
    with net.hub.store.atomic(), pytest.raises(ConstraintError), sync_store.immediate(net.hub.store):
        sync_store.apply_records(net.hub.store, [rec], [], "2026-01-01T00:00:00Z")  # nested: a savepoint
    assert net.hub.store.dump() == before


def _body(path: Path) -> dict[str, Any]:
    from tests.sync.conftest import body_of

    return body_of(path.read_bytes())


# -- 3. gaps as ranges --------------------------------------------------------------------------------------
def test_a_bundle_numbered_at_the_cap_gives_one_range_not_a_billion_numbers(net: Net) -> None:
    def far(body: dict[str, Any]) -> None:
        body["seq"] = MAX_COUNTER

    accepted(net.hub, craft(net.a, net.a.export(), far, "far.lhtl"))
    [row] = inbox.inbox(net.hub.store)
    assert row.missing == ((1, MAX_COUNTER - 1),)
    assert row.as_json()["missing"] == [[1, MAX_COUNTER - 1]]
    assert row.as_json()["missing_count"] == MAX_COUNTER - 1
    assert row.gap_text == "thiếu gói số 1–999999999 (999.999.999 gói)"


def test_missing_ranges_by_hand() -> None:
    assert inbox.missing_ranges([]) == ()
    assert inbox.missing_ranges([1, 2, 3]) == ()
    assert inbox.missing_ranges([2]) == ((1, 1),)
    assert inbox.missing_ranges([5, 1, 9, 9, 6]) == ((2, 4), (7, 8))


def test_the_cli_inbox_lists_ranges(net: Net, capsys: pytest.CaptureFixture[str]) -> None:
    for n in (3, 7):
        def numbered(body: dict[str, Any], n: int = n) -> None:
            body["seq"] = n
        accepted(net.hub, craft(net.a, net.a.export(), numbered, f"n{n}.lhtl"))
    capsys.readouterr()
    assert main(["--db", str(net.hub.folder / "lhtl.sqlite3"), "inbox", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["missing"], row["missing_count"]) == ([[1, 2], [4, 6]], 5)


# -- 5. conflict storms bounded -----------------------------------------------------------------------------
def storm(net: Net, n: int) -> Path:
    """n pairwise-concurrent records on one value key, every vector within the evidence: the commune's own
    key (its subtree) against the hub's key up to the counter the hub has really used."""
    hub_counter = key_counters.last_counter(net.hub.store, net.hub.key_id)
    assert hub_counter >= n

    def mutate(body: dict[str, Any]) -> None:
        body["records"] = [r for r in body["records"] if r["indicator"] != "LIB_VISITS"]
        base = record_of(body, "LIB_SKILL_CLASSES")
        for i in range(1, n + 1):
            forged(body, "LIB_SKILL_CLASSES", indicator="LIB_VISITS", value=100 + i,
                   vv={net.a.key_id: i, net.hub.key_id: n + 1 - i}, author_key=base["author_key"])

    return craft(net.a, net.a.export(), mutate, f"storm-{n}.lhtl")


def hub_with_counter(net: Net, n: int) -> None:
    other = net.b.institutions["lib"]
    accepted(net.hub, net.b.export())
    for i in range(n):
        net.hub.set(other, "2024", why="Theo sổ", LIB_VISITS=i + 1)


def test_a_bundle_opening_too_many_siblings_is_refused(net: Net) -> None:
    hub_with_counter(net, MAX_SIBLINGS + 1)
    reason = refused(net.hub, storm(net, MAX_SIBLINGS + 1), f"quá {MAX_SIBLINGS} giá trị song song").reason
    assert "LIB_VISITS" in reason and "2025" in reason


def test_up_to_the_cap_every_concurrent_value_is_kept(net: Net) -> None:
    hub_with_counter(net, MAX_SIBLINGS)
    result = accepted(net.hub, storm(net, MAX_SIBLINGS))
    assert result.conflicts == MAX_SIBLINGS - 1
    values = sorted(r.value or 0 for r in net.hub.store.records_for_key(net.a.institutions["lib"], "2025",
                                                                          "LIB_VISITS"))
    assert values == [100 + i for i in range(1, MAX_SIBLINGS + 1)]


def _rec(i: int, vv: dict[str, int], key: int = 0) -> ValueRecord:
    return ValueRecord(f"e{i}", f"inst-{key}", "14389", "2025", "LIB_VISITS", i, vv, "k", "14389",
                       "2026-01-01T00:00:00.000Z")


def test_the_issues_4000_concurrent_records_are_refused_at_the_cap() -> None:
    records = [_rec(i, {"a": i, "b": 4000 - i}) for i in range(1, 4001)]
    with pytest.raises(TooManySiblings):
        plan_records({}, records)


def test_merge_work_is_linear_in_the_records(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted, not timed: every received record is compared with at most MAX_SIBLINGS others."""
    calls = 0
    real = merge.compare

    def counting(a: Any, b: Any) -> Any:
        nonlocal calls
        calls += 1
        return real(a, b)

    monkeypatch.setattr(merge, "compare", counting)
    n_keys = 500
    records = [_rec(k * 100 + i, {"a": i, "b": MAX_SIBLINGS - i}, key=k)
               for k in range(n_keys) for i in range(1, MAX_SIBLINGS + 1)]
    plan = plan_records({}, records)
    assert len(plan.inserts) == len(records)
    assert calls <= MAX_SIBLINGS * len(records)


def test_a_storm_refused_does_not_stop_the_hub_resolving_it(net: Net) -> None:
    """After the refusal the officer can still work: a local edit on the value is accepted and travels."""
    enrol(net.a, net.hub)
    hub_with_counter(net, MAX_SIBLINGS + 1)
    refused(net.hub, storm(net, MAX_SIBLINGS + 1))
    accepted(net.hub, net.a.export())
    net.hub.set(net.a.institutions["lib"], "2025", why="Thống nhất", LIB_VISITS=1010)
    assert accepted(net.a, net.hub.export(to="14389")).changed == 1


def test_a_dry_run_previews_the_same_refusal(net: Net) -> None:
    accepted(net.hub, net.a.export())
    visits = net.hub.store.records_for_key(net.a.institutions["lib"], "2025", "LIB_VISITS")[0]

    def reuse(body: dict[str, Any]) -> None:
        forged(body, "LIB_VISITS", indicator="LIB_READERS", edit_id=visits.edit_id, value=77)
        body["records"] = [r for r in body["records"] if r["indicator"] != "LIB_VISITS"]

    from lhtl_desktop.sync.importer import import_file

    bad = craft(net.a, net.a.export(), reuse, "reuse.lhtl")
    preview = import_file(net.hub.store, bad, dry_run=True, backup=False)
    real = import_file(net.hub.store, bad, backup=False)
    assert preview.status == real.status == "rejected"
    assert "mã lần sửa" in preview.reason and "mã lần sửa" in real.reason


@pytest.mark.parametrize("reuse_first", [True, False])
def test_an_edit_id_reused_beside_the_edit_that_supersedes_it_is_rejected(net: Net, reuse_first: bool) -> None:
    """The stored record S is superseded by a new edit in the bundle while another record of the bundle
    reuses S's id on another value: S would come back as a different record (or stay current beside the
    edit that dominates it). Either order: refused, nothing written."""
    accepted(net.hub, net.a.export())
    stored = net.hub.store.records_for_key(net.a.institutions["lib"], "2025", "LIB_VISITS")[0]

    def mutate(body: dict[str, Any]) -> None:
        visits = record_of(body, "LIB_VISITS")
        reuse = dict(visits, indicator="LIB_READERS", value=3)  # S's own edit id, on another value
        newer = dict(visits, edit_id=str(uuid.uuid4()), value=1234,
                     vv={net.a.key_id: visits["vv"][net.a.key_id] + 1})
        others = [r for r in body["records"] if r is not visits]
        body["records"] = [reuse, newer, *others] if reuse_first else [newer, reuse, *others]

    refused(net.hub, craft(net.a, net.a.export(), mutate, "shadow.lhtl"), "mã lần sửa", stored.edit_id)
