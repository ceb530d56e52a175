"""Institution edits merge like values (issue 12, part 3): concurrent renames kept side by side as a conflict,
shown by `conflicts`, resolved by an edit that travels up and down; replicas converge whatever the order."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.model.version_vector import advance, join
from lhtl_desktop.sync.institution_merge import merge_versions, shown
from lhtl_desktop.sync.merge import InstitutionVersion
from tests.sync.helpers import enrol, make_site


def test_concurrent_renames_are_a_conflict_resolved_everywhere(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    mail = tmp_path / "usb"
    mail.mkdir()
    hub = make_site(tmp_path, capsys, "372", "Lê Văn Cụm")
    commune = make_site(tmp_path, capsys, "14389", "Nguyễn Văn Gia Lâm")
    enrol(hub, commune, mail)
    enrol(commune, hub, mail)
    lib = commune.add("lib_commune", "Thư viện xã Gia Lâm")
    hub.ok("import", str(commune.export(mail / "c-1.lhtl")))

    # The same institution renamed in two places before either heard of the other.
    commune.ok("institution", "edit", lib, "--name", "Thư viện Gia Lâm", "--village", "Thôn Đông")
    hub.ok("institution", "edit", lib, "--name", "Thư viện xã Gia Lâm (mới)")
    [r] = hub.json("import", str(commune.export(mail / "c-2.lhtl")))
    assert r["status"] == "accepted" and r["institution_conflicts"] == 1
    assert any("sửa đồng thời" in w for w in r["warnings"])
    [conflict] = hub.json("conflicts")
    assert conflict["kind"] == "institution" and conflict["institution"] == lib
    assert {v["name"] for v in conflict["values"]} == {"Thư viện Gia Lâm", "Thư viện xã Gia Lâm (mới)"}
    assert set(conflict["fields"]) == {"name", "village"}
    text = hub.ok("conflicts")
    assert "sửa đồng thời" in text and "Thư viện Gia Lâm" in text

    # The conflict travels down as it is (both versions) …
    [r] = commune.json("import", str(hub.export(mail / "h-1.lhtl", "--to", "14389")))
    assert r["status"] == "accepted"
    assert {v["name"] for v in commune.json("conflicts")[0]["values"]} == {"Thư viện Gia Lâm",
                                                                          "Thư viện xã Gia Lâm (mới)"}
    # … and so does its resolution: an edit at the hub that saw both.
    hub.ok("institution", "edit", lib, "--name", "Thư viện xã Gia Lâm", "--village", "Thôn Đông")
    assert hub.json("conflicts") == []
    [r] = commune.json("import", str(hub.export(mail / "h-2.lhtl", "--to", "14389")))
    assert r["status"] == "accepted"
    assert commune.json("conflicts") == []
    [inst] = [i for i in commune.json("institution", "list") if i["id"] == lib]
    assert (inst["name"], inst["village"]) == ("Thư viện xã Gia Lâm", "Thôn Đông")
    # Up again: the hub sees nothing new (idempotent).
    [r] = hub.json("import", str(commune.export(mail / "c-3.lhtl")))
    assert (r["institutions_new"], r["institutions_changed"], r["institution_conflicts"]) == (0, 0, 0)


# -- convergence (Hypothesis) ---------------------------------------------------------------------------
KEYS = ("a" * 32, "b" * 32, "c" * 32)
NAMES = ("Thư viện A", "Thư viện B", "Nhà văn hóa C", "Thư viện D")


@st.composite
def histories(draw: st.DrawFn) -> list[InstitutionVersion]:
    """Versions written by three replicas, each editing on top of what it had seen (some of the others')."""
    base = Institution("11111111-1111-4111-8111-111111111111", "14389", "lib_commune", "Thư viện")
    seen: dict[str, dict[str, int]] = {k: {} for k in KEYS}
    versions: list[InstitutionVersion] = []
    for n in range(draw(st.integers(1, 8))):
        key = draw(st.sampled_from(KEYS))
        if versions and draw(st.booleans()):
            heard = draw(st.sampled_from(versions))
            seen[key] = join([seen[key], heard.vv])
        vv = advance([seen[key]], key)
        seen[key] = vv
        inst = Institution(base.id, base.unit_code, base.type, draw(st.sampled_from(NAMES)),
                           draw(st.sampled_from([None, "Thôn Đông"])), None, draw(st.sampled_from([None, 2026])))
        versions.append(InstitutionVersion(inst, vv, key, f"00000000-0000-4000-8000-{n:012d}",
                                           f"2026-01-0{1 + n % 9}T00:00:00Z"))
    return versions


def _deliver(order: list[InstitutionVersion]) -> list[InstitutionVersion]:
    state: list[InstitutionVersion] = []
    for v in order:
        state, _ = merge_versions(state, v)
    return state


@settings(max_examples=200, deadline=None)
@given(data=st.data(), versions=histories())
def test_replicas_converge_whatever_order_and_duplication(data: st.DataObject,
                                                          versions: list[InstitutionVersion]) -> None:
    orders = [data.draw(st.permutations(versions)) for _ in range(3)]
    dupes = data.draw(st.lists(st.sampled_from(versions), max_size=4))
    finals = [_deliver([*o, *dupes]) for o in orders]
    ids = [sorted(v.edit_id for v in f) for f in finals]
    assert ids[0] == ids[1] == ids[2]
    assert shown(finals[0]).edit_id == shown(finals[1]).edit_id == shown(finals[2]).edit_id
    # Nothing dominated survives, nothing maximal is lost.
    from lhtl_desktop.model.version_vector import Order, compare

    maximal = {v.edit_id for v in versions
               if not any(compare(v.vv, w.vv) == Order.BEFORE for w in versions)}
    assert set(ids[0]) == maximal
    # Re-delivering everything changes nothing.
    assert sorted(v.edit_id for v in _deliver([*finals[0], *versions])) == ids[0]
