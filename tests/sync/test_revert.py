"""Reverting one imported file (issue 12, part 4): preview, corrections with the reason, refusals with nothing
written, and idempotence — re-importing the file, or a newer snapshot of the same values, undoes nothing."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lhtl_desktop.services import entry, institutions, revert
from lhtl_desktop.storage import open_store
from lhtl_desktop.sync.importer import import_file
from tests.sync.conftest import body_of, enrol, make_node
from tests.sync.helpers import enrol as enrol_sites
from tests.sync.helpers import make_site


def _values(site: Any, inst: str) -> dict[str, Any]:
    """The values shown by `get`; a value the hub's revert corrected (a correction from above, shown with who
    and why) must carry the revert's reason, and counts by its value."""
    out: dict[str, Any] = {}
    for code, v in site.json("get", "--institution", inst, "--period", "2025").items():
        if isinstance(v, dict) and "corrected" in v:
            assert v["corrected"]["unit"] == "372" and v["corrected"]["reason"].endswith(": Xã gửi nhầm tệp"), v
            v = v["value"]
        out[code] = v
    return out


def test_revert_one_file_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mail = tmp_path / "usb"
    mail.mkdir()
    hub = make_site(tmp_path, capsys, "372", "Lê Văn Cụm")
    commune = make_site(tmp_path, capsys, "14389", "Nguyễn Văn Gia Lâm")
    enrol_sites(hub, commune, mail)
    enrol_sites(commune, hub, mail)
    lib = commune.add("lib_commune", "Thư viện xã Gia Lâm")
    commune.ok("set", "--institution", lib, "--period", "2025", "LIB_VISITS=500", "LIB_SKILL_CLASSES=2")
    first = commune.export(mail / "c-1.lhtl")
    hub.ok("import", str(first))
    commune.ok("set", "--institution", lib, "--period", "2025", "LIB_VISITS=600", "LIB_READING_EVENTS=4")
    second = commune.export(mail / "c-2.lhtl")
    [r] = hub.json("import", str(second))
    assert (r["changed"], r["new"]) == (1, 1)
    bundle = body_of(second.read_bytes())["bundle_id"]
    own_bundle = body_of(hub.export(mail / "h.lhtl").read_bytes())["bundle_id"]
    before = open_store(hub.db).dump()

    # Refusals: no reason, unknown id, nothing written.
    code, _o, err = hub.run("revert", bundle)
    assert code == 2 and "lý do" in err
    code, _o, err = hub.run("revert", "00000000-0000-4000-8000-000000000000", "--why", "Nhầm tệp")
    assert code == 2 and "Không có gói đã nhập" in err
    code, _o, err = hub.run("revert", own_bundle, "--why", "x")
    assert code == 2 and "Không có gói đã nhập" in err  # a bundle I wrote is not one I imported
    # Preview: per value, before → after; nothing written.
    preview = hub.json("revert", bundle[:8], "--why", "Xã gửi nhầm tệp", "--dry-run")
    got = {(c["indicator"], c["after"], c["before"]) for c in preview["changes"]}
    assert got == {("LIB_VISITS", 600, 500), ("LIB_READING_EVENTS", 4, None)}
    text = hub.ok("revert", bundle, "--why", "Xã gửi nhầm tệp", "--dry-run")
    assert "600 → 500" in text and "chưa ghi gì" in text
    assert open_store(hub.db).dump() == before

    # The revert: corrections with the reason, the values back as they were before the file.
    hub.ok("revert", bundle, "--why", "Xã gửi nhầm tệp")
    values = _values(hub, lib)
    assert values == {"LIB_VISITS": 500, "LIB_SKILL_CLASSES": 2}  # LIB_READING_EVENTS was new: removed
    store = open_store(hub.db)
    [rec] = store.records_for_key(lib, "2025", "LIB_VISITS")
    assert rec.reason and "Xã gửi nhầm tệp" in rec.reason and rec.author_unit == "372"
    store.close()

    # Idempotent: the same file again, and a newer snapshot of the same values, change nothing.
    reverted = open_store(hub.db).dump()
    [r] = hub.json("import", str(second))
    assert r["status"] == "duplicate"
    assert open_store(hub.db).dump() == reverted
    [r] = hub.json("import", str(commune.export(mail / "c-3.lhtl")))
    assert r["status"] == "accepted" and (r["new"], r["changed"], r["conflicts"]) == (0, 0, 0)
    assert _values(hub, lib) == {"LIB_VISITS": 500, "LIB_SKILL_CLASSES": 2}
    # A second revert of the same file, and a revert of the first file (its value was changed later): refused.
    dump = open_store(hub.db).dump()
    code, _o, err = hub.run("revert", bundle, "--why", "Lần nữa")
    assert code == 2 and "đã được hoàn tác" in err
    code, _o, err = hub.run("revert", body_of(first.read_bytes())["bundle_id"], "--why", "Nhầm")
    assert code == 2 and "đã được sửa sau khi nhập" in err and "LIB_VISITS" in err
    assert open_store(hub.db).dump() == dump

    # The corrections travel down like any correction.
    [r] = commune.json("import", str(hub.export(mail / "h-den-c.lhtl", "--to", "14389")))
    assert r["status"] == "accepted"
    assert _values(commune, lib) == {"LIB_VISITS": 500, "LIB_SKILL_CLASSES": 2}


def test_revert_of_a_bundle_now_outside_my_scope_is_refused(tmp_path: Path) -> None:
    hub, a = make_node(tmp_path, "372"), make_node(tmp_path, "14389")
    enrol(hub, a)
    inst = institutions.add_institution(a.store, "14389", "lib_commune", "Thư viện")
    entry.set_values(a.store, inst.id, "2025", {"LIB_VISITS": 10})
    path = a.export()
    assert import_file(hub.store, path, backup=False).status == "accepted"
    bundle_id = body_of(path.read_bytes())["bundle_id"]
    with hub.store.atomic():  # the commune has since moved to another hub
        hub.store.set_unit_parent("14389", "370", "test", "2026-01-01T00:00:00Z")
    before = hub.store.dump()
    with pytest.raises(Exception, match="ngoài phạm vi"):
        revert.revert_bundle(hub.store, bundle_id, "Nhầm")
    assert hub.store.dump() == before


values_st = st.dictionaries(st.sampled_from(["LIB_VISITS", "LIB_SKILL_CLASSES", "LIB_READING_EVENTS",
                                             "LIB_MOBILE_RUNS"]), st.integers(0, 50), min_size=1)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=values_st, second=values_st)
def test_revert_then_reimport_is_idempotent(first: dict[str, int], second: dict[str, int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        hub, a = make_node(folder, "372"), make_node(folder, "14389")
        try:
            enrol(hub, a)
            inst = institutions.add_institution(a.store, "14389", "lib_commune", "Thư viện").id
            entry.set_values(a.store, inst, "2025", first)
            b1 = a.export()
            import_file(hub.store, b1, backup=False)
            entry.set_values(a.store, inst, "2025", second)
            b2 = a.export()
            import_file(hub.store, b2, backup=False)
            revert.revert_bundle(hub.store, body_of(b2.read_bytes())["bundle_id"], "Nhầm tệp")
            state = _current(hub.store, inst)
            assert state == first  # every value back as the first file left it
            dump = hub.store.dump()
            for again in (b2, b1):
                assert import_file(hub.store, again, backup=False).status == "duplicate"
            assert hub.store.dump() == dump
            import_file(hub.store, a.export(), backup=False)  # the same values, a new snapshot
            assert _current(hub.store, inst) == state
        finally:
            hub.store.close()
            a.store.close()


def _current(store: Any, inst: str) -> dict[str, int]:
    return {code: cv.value for code, cv in entry.current_values(store, inst, "2025").items()
            if cv.value is not None and not cv.conflict}


def test_revert_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mail = tmp_path / "usb"
    mail.mkdir()
    hub = make_site(tmp_path, capsys, "372", "Lê Văn Cụm")
    commune = make_site(tmp_path, capsys, "14389", "Nguyễn Văn Gia Lâm")
    enrol_sites(hub, commune, mail)
    lib = commune.add("lib_commune", "Thư viện xã Gia Lâm")
    commune.ok("set", "--institution", lib, "--period", "2025", "LIB_VISITS=5")
    path = commune.export(mail / "c-1.lhtl")
    hub.ok("import", str(path))
    doc = hub.json("revert", body_of(path.read_bytes())["bundle_id"], "--why", "Thử", "--dry-run")
    assert set(doc) == {"bundle_id", "from_unit", "seq", "imported_at", "changes", "blocked", "dry_run"}
    assert doc["changes"][0] == {"institution": lib, "institution_name": "Thư viện xã Gia Lâm", "unit": "14389",
                                      "period": "2025", "indicator": "LIB_VISITS", "before": None, "after": 5}
    assert json.dumps(doc)


def test_revert_of_a_bundle_imported_before_effects_were_kept_is_refused(tmp_path: Path) -> None:
    hub, a = make_node(tmp_path, "372"), make_node(tmp_path, "14389")
    enrol(hub, a)
    inst = institutions.add_institution(a.store, "14389", "lib_commune", "Thư viện")
    entry.set_values(a.store, inst.id, "2025", {"LIB_VISITS": 10})
    path = a.export()
    import_file(hub.store, path, backup=False)
    with hub.store.atomic():  # as a database upgraded from before this version holds it
        hub.store.db.execute("DELETE FROM import_effects")
    before = hub.store.dump()
    with pytest.raises(Exception, match="trước khi chương trình ghi lại"):
        revert.revert_bundle(hub.store, body_of(path.read_bytes())["bundle_id"], "Nhầm")
    with pytest.raises(Exception, match="Không có gói"):
        revert.revert_bundle(hub.store, "%", "Nhầm")
    assert hub.store.dump() == before
