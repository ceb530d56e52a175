"""ARCHITECTURE.md §3.6: a signature proves who sent a file, not who wrote each record in it.

Every case is a crafted bundle, validly signed with the project's own sealing code (`envelope.seal`) and the
sending installation's real key; every refusal leaves the receiver's `store.dump()` unchanged. Flows: upward
(commune → hub, hub → province), downward (province → hub → commune) and two-tier (commune ↔ province).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from lhtl_desktop.model.version_vector import MAX_COUNTER
from lhtl_desktop.services import institutions
from lhtl_desktop.services.installation import init_installation, set_two_tier
from lhtl_desktop.storage import key_counters, open_store
from lhtl_desktop.sync import envelope, exporter
from lhtl_desktop.sync.importer import FileResult, import_file
from lhtl_desktop.sync.keys import generate_key
from tests.sync.conftest import Net, Node, body_of, enrol, make_node


# -- crafting -----------------------------------------------------------------------------------------
def craft(node: Node, source: Path, mutate: Callable[[dict[str, Any]], None], name: str) -> Path:
    """`source` (a real export of `node`) with its body changed and sealed again with `node`'s key."""
    body = body_of(source.read_bytes())
    body["bundle_id"] = str(uuid.uuid4())
    mutate(body)
    path = node.folder / name
    path.write_bytes(envelope.seal(envelope.BUNDLE_TYPE, body, node.key_id, node.private()))
    return path


def record_of(body: dict[str, Any], indicator: str) -> dict[str, Any]:
    return next(r for r in body["records"] if r["indicator"] == indicator)


def forged(body: dict[str, Any], like: str, **fields: Any) -> dict[str, Any]:
    """A new record made from the real one for indicator `like`: a fresh edit id, the given fields changed."""
    rec = copy.deepcopy(record_of(body, like))
    rec["edit_id"] = str(uuid.uuid4())
    rec.update(fields)
    body["records"].append(rec)
    return rec


def refused(node: Node, path: Path, *words: str) -> FileResult:
    before = node.store.dump()
    result = import_file(node.store, path, backup=False)
    assert result.status == "rejected", result
    for w in words:
        assert w in result.reason, result.reason
    assert node.store.dump() == before
    return result


def accepted(node: Node, path: Path) -> FileResult:
    result = import_file(node.store, path, backup=False)
    assert result.status == "accepted", result.reason
    return result


def values(node: Node, inst: str, period: str = "2025", code: str = "LIB_VISITS") -> list[int | None]:
    return sorted((r.value for r in node.store.records_for_key(inst, period, code)), key=lambda v: v or 0)


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[tuple[Node, Node, Node]]:
    """Province 37 ← hub 372 ← commune 14389 (the hub also enrolled the province, so corrections come down);
    the commune's library with LIB_VISITS = 700 already at the hub and the province."""
    province, hub, a = make_node(tmp_path, "37", "Trần Thị Tỉnh"), make_node(tmp_path, "372"), make_node(
        tmp_path, "14389")
    enrol(hub, a)
    enrol(a, hub)
    enrol(province, hub)
    enrol(hub, province)
    inst = institutions.add_institution(a.store, "14389", "lib_commune", "Thư viện xã Gia Lâm")
    a.institutions["lib"] = inst.id
    a.set("lib", "2025", LIB_VISITS=700)
    accepted(hub, a.export())
    accepted(province, hub.export())
    yield province, hub, a
    for n in (province, hub, a):
        n.store.close()


# -- 1. authorship, upward ---------------------------------------------------------------------------------
def test_a_commune_cannot_write_as_its_hub(net: Net) -> None:
    """The issue's case: author_key = the hub's key, author_unit 372, a reason, value 5555, a vector that
    dominates the commune's own record. Every other check passes (the hub's key has authority over the
    commune); only authorship refuses it."""
    accepted(net.hub, net.a.export())
    good = net.a.export()

    def as_hub(body: dict[str, Any]) -> None:
        rec = record_of(body, "LIB_VISITS")
        rec.update(edit_id=str(uuid.uuid4()), value=5555, author_key=net.hub.key_id, author_unit="372",
                   reason="Theo sổ theo dõi", vv={net.a.key_id: rec["vv"][net.a.key_id] + 1})

    reason = refused(net.hub, craft(net.a, good, as_hub, "as-hub.lhtl"), "ghi là của khóa", net.hub.key_id[:8]).reason
    assert "Xã Gia Lâm (14389)" in reason
    assert values(net.hub, net.a.institutions["lib"]) == [1000]


def test_a_hub_cannot_write_as_the_province(chain: tuple[Node, Node, Node]) -> None:
    province, hub, a = chain
    inst = a.institutions["lib"]
    good = hub.export()

    def as_province(body: dict[str, Any]) -> None:
        rec = record_of(body, "LIB_VISITS")
        rec.update(edit_id=str(uuid.uuid4()), value=999999, author_key=province.key_id, author_unit="37",
                   reason="Theo kiểm tra của Sở", vv={**rec["vv"], hub.key_id: 50})

    refused(province, craft(hub, good, as_province, "as-province.lhtl"), "ghi là của khóa", province.key_id[:8])
    assert values(province, inst) == [700]


def test_an_institution_version_cannot_be_written_as_the_hub(net: Net) -> None:
    accepted(net.hub, net.a.export())

    def rename(body: dict[str, Any]) -> None:
        inst = body["institutions"][0]
        inst.update(name="Thư viện bị đổi tên", author_key=net.hub.key_id, edit_id=str(uuid.uuid4()),
                    vv={net.a.key_id: inst["vv"][net.a.key_id] + 5})

    refused(net.hub, craft(net.a, net.a.export(), rename, "rename.lhtl"), "thiết chế «Thư viện bị đổi tên»")


def test_a_hub_correction_relayed_back_up_is_accepted_current_or_superseded(net: Net) -> None:
    """What the rule must not break: the commune sends back the hub's correction it received (the hub holds
    it), and still does after the hub corrected again (the hub holds it in its history)."""
    enrol(net.a, net.hub)
    inst = net.a.institutions["lib"]
    accepted(net.hub, net.a.export())
    net.hub.set(inst, "2025", why="Theo sổ theo dõi bạn đọc", LIB_VISITS=1150)
    accepted(net.a, net.hub.export(to="14389"))
    back = accepted(net.hub, net.a.export())
    assert (back.new, back.changed, back.conflicts) == (0, 0, 0)
    net.hub.set(inst, "2025", why="Đếm lại", LIB_VISITS=1160)
    old = accepted(net.hub, net.a.export())  # still carries the hub's first correction
    assert (old.new, old.changed, old.conflicts, old.stale) == (0, 0, 0, 1)
    assert values(net.hub, inst) == [1160]


# -- 1. authorship, downward ---------------------------------------------------------------------------------
def test_a_province_correction_travels_down_through_the_hub_and_back(chain: tuple[Node, Node, Node]) -> None:
    province, hub, a = chain
    inst = a.institutions["lib"]
    province.set(inst, "2025", why="Theo kiểm tra của Sở", LIB_VISITS=750)
    accepted(hub, province.export(to="372"))
    down = accepted(a, hub.export(to="14389"))  # the hub relays its ancestor's correction
    assert down.changed == 1 and values(a, inst) == [750]
    [rec] = a.store.records_for_key(inst, "2025", "LIB_VISITS")
    assert (rec.author_key, rec.author_unit) == (province.key_id, "37")
    # … and it goes back up unchanged: each level holds it.
    assert accepted(hub, a.export()).changed == 0
    assert accepted(province, hub.export()).changed == 0
    assert values(province, inst) == [750]


def test_a_hub_cannot_slip_its_commune_a_record_under_the_communes_own_key(net: Net) -> None:
    """Coming down, the signer vouches for its subtree — except the receiver's own keys: this installation
    knows every record its own key wrote."""
    enrol(net.a, net.hub)
    accepted(net.hub, net.a.export())
    inst = net.a.institutions["lib"]
    net.hub.set(inst, "2025", why="Theo sổ", LIB_VISITS=1100)
    good = net.hub.export(to="14389")

    def as_commune(body: dict[str, Any]) -> None:
        hub_rec = record_of(body, "LIB_VISITS")
        forged(body, "LIB_VISITS", indicator="LIB_READERS", value=4321, author_key=net.a.key_id, author_unit="14389", reason=None,
               vv={net.a.key_id: 1, net.hub.key_id: hub_rec["vv"][net.hub.key_id]})

    refused(net.a, craft(net.hub, good, as_commune, "as-a.lhtl"), "ghi là của khóa", "máy này")
    assert accepted(net.a, good).changed == 1


def test_a_province_record_the_province_never_wrote_is_refused_on_the_way_up(chain: tuple[Node, Node, Node]) -> None:
    """A hub can pass its ancestor's corrections down; a forged one is refused when it travels back up to
    the ancestor it names."""
    province, hub, a = chain
    inst = a.institutions["lib"]
    good = hub.export()

    def as_province(body: dict[str, Any]) -> None:
        rec = record_of(body, "LIB_VISITS")
        rec.update(edit_id=str(uuid.uuid4()), value=1, author_key=province.key_id, author_unit="37",
                   reason="?", vv={**rec["vv"], hub.key_id: 3})

    refused(province, craft(hub, good, as_province, "up.lhtl"), "ghi là của khóa")
    assert values(province, inst) == [700]


# -- 1. authorship, two-tier ---------------------------------------------------------------------------------
@pytest.fixture
def two_tier(tmp_path: Path) -> Iterator[tuple[Node, Node]]:
    province = make_node(tmp_path, "37", "Trần Thị Tỉnh")
    set_two_tier(province.store, True)
    folder = tmp_path / "14389"
    folder.mkdir()
    store = open_store(folder / "lhtl.sqlite3")
    init_installation(store, "14389", "Nguyễn Văn A", generate_key(), report_to="37")
    a = Node(store, "14389", folder)
    enrol(province, a)
    enrol(a, province)
    inst = institutions.add_institution(a.store, "14389", "lib_commune", "Thư viện xã Gia Lâm")
    a.institutions["lib"] = inst.id
    a.set("lib", "2025", LIB_VISITS=700)
    accepted(province, a.export())
    yield province, a
    for n in (province, a):
        n.store.close()


def test_two_tier_commune_cannot_write_as_the_province(two_tier: tuple[Node, Node]) -> None:
    province, a = two_tier

    def as_province(body: dict[str, Any]) -> None:
        rec = record_of(body, "LIB_VISITS")
        rec.update(edit_id=str(uuid.uuid4()), value=1, author_key=province.key_id, author_unit="37",
                   reason="Sở sửa", vv={a.key_id: 9})

    refused(province, craft(a, a.export(), as_province, "tt.lhtl"), "ghi là của khóa")


def test_two_tier_province_correction_down_and_back(two_tier: tuple[Node, Node]) -> None:
    province, a = two_tier
    inst = a.institutions["lib"]
    province.set(inst, "2025", why="Theo kiểm tra", LIB_VISITS=720)
    assert accepted(a, province.export(to="14389")).changed == 1
    assert accepted(province, a.export()).changed == 0
    assert values(province, inst) == values(a, inst) == [720]


# -- 2. counters bounded by evidence ---------------------------------------------------------------------------
def test_a_commune_cannot_push_the_hubs_own_counter(net: Net) -> None:
    """The issue's case, within the cap: the commune's record claims the hub's key at MAX_COUNTER. Refused;
    the hub's counter stays, and the hub's next edit and export are accepted at the province's door
    (here: the commune's, as a downward bundle)."""
    enrol(net.a, net.hub)
    accepted(net.hub, net.a.export())
    hub_counter = key_counters.last_counter(net.hub.store, net.hub.key_id)

    def pump(body: dict[str, Any]) -> None:
        rec = record_of(body, "LIB_VISITS")
        rec["vv"] = {**rec["vv"], net.hub.key_id: MAX_COUNTER}

    refused(net.hub, craft(net.a, net.a.export(), pump, "pump.lhtl"), "khóa của chính máy này",
            f"số {hub_counter}")
    net.hub.set(net.a.institutions["lib"], "2025", why="Theo sổ", LIB_VISITS=1001)
    assert key_counters.last_counter(net.hub.store, net.hub.key_id) == hub_counter + 1
    assert accepted(net.a, net.hub.export(to="14389")).changed == 1


@pytest.mark.parametrize("n", [2**53 - 1, 2**53, MAX_COUNTER + 1])
def test_counters_and_numbers_over_the_cap_are_refused(net: Net, n: int) -> None:
    def big_vv(body: dict[str, Any]) -> None:
        record_of(body, "LIB_VISITS")["vv"] = {net.a.key_id: n}

    def big_seq(body: dict[str, Any]) -> None:
        body["seq"] = n

    refused(net.hub, craft(net.a, net.a.export(), big_vv, "vv.lhtl"), "véc-tơ phiên bản không hợp lệ")
    refused(net.hub, craft(net.a, net.a.export(), big_seq, "seq.lhtl"), "số thứ tự gói")


def test_a_key_outside_the_signers_subtree_cannot_run_ahead_of_what_the_receiver_saw(net: Net) -> None:
    """Commune A's vectors may not claim commune B's key beyond what the hub has seen of B; up to it they may."""
    accepted(net.hub, net.b.export())
    seen_b = key_counters.last_counter(net.b.store, net.b.key_id)

    def claim_b(n: int) -> Callable[[dict[str, Any]], None]:
        def mutate(body: dict[str, Any]) -> None:
            rec = record_of(body, "LIB_VISITS")
            rec["vv"] = {**rec["vv"], net.b.key_id: n}
        return mutate

    reason = refused(net.hub, craft(net.a, net.a.export(), claim_b(seen_b + 1), "b1.lhtl"), net.b.key_id[:8],
                     f"({seen_b})").reason
    assert "Xã Gia Phong (14401)" in reason or "14401" in reason
    accepted(net.hub, craft(net.a, net.a.export(), claim_b(seen_b), "b0.lhtl"))


def test_the_signers_own_subtree_may_carry_any_counter_within_the_cap(net: Net) -> None:
    def jump(body: dict[str, Any]) -> None:
        for rec in body["records"]:
            rec["vv"] = {net.a.key_id: MAX_COUNTER}

    assert accepted(net.hub, craft(net.a, net.a.export(), jump, "jump.lhtl")).new == 2


def test_a_province_vector_relayed_down_may_name_the_hubs_ancestor(chain: tuple[Node, Node, Node]) -> None:
    """Down from the hub: the province's counter (the hub's ancestor) is vouched for by the hub, though the
    commune has never seen it — the hub's re-correction joined the province's vector."""
    province, hub, a = chain
    inst = a.institutions["lib"]
    province.set(inst, "2025", why="Theo kiểm tra", LIB_VISITS=710)
    accepted(hub, province.export(to="372"))
    hub.set(inst, "2025", why="Đếm lại", LIB_VISITS=705)
    down = accepted(a, hub.export(to="14389"))
    assert down.changed == 1 and values(a, inst) == [705]


def test_key_new_is_all_or_nothing(net: Net) -> None:
    """The enrolment file cannot be written (no such folder): nothing is switched, the old key still signs."""
    from lhtl_desktop.errors import LhtlError
    from lhtl_desktop.sync.enrolment import new_own_key

    store = net.a.store
    before = store.dump()
    old_key = net.a.key_id
    with pytest.raises(LhtlError):
        new_own_key(store, out=net.a.folder / "no-such-folder" / "enrol.lhtl")
    assert store.dump() == before and net.a.key_id == old_key
    assert store.key(old_key)["private_key"]  # type: ignore[index]
    assert accepted(net.hub, net.a.export()).new == 2


def test_export_stays_valid_after_a_refused_pump(net: Net) -> None:
    """Nothing received makes this installation's exports invalid: after every attempt above is refused,
    the hub's own bundle reads back under the cap."""
    accepted(net.hub, net.a.export())

    def pump(body: dict[str, Any]) -> None:
        for rec in body["records"]:
            rec["edit_id"] = str(uuid.uuid4())
            rec["vv"] = {**rec["vv"], net.hub.key_id: MAX_COUNTER - 1}

    refused(net.hub, craft(net.a, net.a.export(), pump, "pump.lhtl"), "khóa của chính máy này")
    out = exporter.export_bundle(net.hub.store, net.hub.folder / "down.lhtl", to_unit="14389")
    body = body_of(out.path.read_bytes())
    assert max(n for r in body["records"] for n in r["vv"].values()) < 10


def test_a_local_edit_past_the_cap_is_refused_not_written(net: Net) -> None:
    """Only a database from before the cap can hold a counter at it; the edit says so instead of writing a
    vector every other installation would refuse."""
    from lhtl_desktop.errors import RefusedError

    store = net.a.store
    with store.atomic():
        store.set_meta(f"key_counter:{net.a.key_id}", str(MAX_COUNTER))
    before = store.dump()
    with pytest.raises(RefusedError, match="vượt giới hạn"):
        net.a.set("lib", "2025", LIB_VISITS=1234)
    assert store.dump() == before


def test_cli_key_new_failing_exits_2_and_switches_nothing(net: Net, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from lhtl_desktop.cli import main

    db = str(net.a.folder / "lhtl.sqlite3")
    before = net.a.store.dump()
    capsys.readouterr()
    code = main(["--db", db, "key", "new", "--out", str(net.a.folder / "no-such-folder" / "dang-ky.lhtl")])
    err = capsys.readouterr().err
    assert code == 2 and "Không ghi được tệp" in err and "Traceback" not in err
    assert net.a.store.dump() == before
    assert main(["--db", db, "key", "show", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["key_id"] == net.a.key_id
    assert main(["--db", db, "export", "--out", str(net.a.folder / "after.lhtl")]) == 0
    assert accepted(net.hub, net.a.folder / "after.lhtl").new == 2


@pytest.mark.parametrize("field", ["version", "max_seq", "max_counter"])
def test_a_certificate_number_over_the_cap_is_refused(net: Net, field: str) -> None:
    from lhtl_desktop.model.records import now_utc
    from lhtl_desktop.sync.trust import issue_certificate

    subject = generate_key()
    numbers: dict[str, Any] = {"version": 1, "max_seq": None, "max_counter": None, field: MAX_COUNTER + 1}
    cert = issue_certificate(net.a.private(), issuer_key_id=net.a.key_id, issuer_unit="14389",
                             subject_key_id=subject.key_id, subject_public_key=subject.public_key,
                             subject_unit="14389", status="retired", issued_at=now_utc(), **numbers)

    def carry(body: dict[str, Any]) -> None:
        body["certificates"] = [cert.as_wire()]

    refused(net.hub, craft(net.a, net.a.export(), carry, "cert.lhtl"), "chứng nhận khóa không hợp lệ")
