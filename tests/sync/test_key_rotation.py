"""Keys over time (ARCHITECTURE.md §3.4, issue 7 item 4): officer change, revocation that no backdated bundle
escapes, a registry that only moves forward, and a lost passphrase that loses no data.

"New" edits of a retired or revoked key are decided by numbers the signer cannot backdate: the bundle number
(`seq`) and the key's own component of the version vectors, both marked when the key is retired."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from lhtl_desktop.services import institutions
from lhtl_desktop.storage import Store, sync_store
from lhtl_desktop.sync import enrolment
from lhtl_desktop.sync.enrolment import change_key_status, enrol_key, new_own_key
from lhtl_desktop.sync.envelope import BUNDLE_TYPE, pae
from lhtl_desktop.sync.importer import import_file
from lhtl_desktop.sync.keys import open_private
from lhtl_desktop.sync.local import load_local
from lhtl_desktop.sync.trust import issue_certificate
from tests.sync.conftest import Node, body_of, enrol, make_node
from tests.sync.helpers import Site, make_site

OLD_DATE = "2020-01-01T00:00:00.000Z"


def forge(store: Store, data: bytes, **changes: Any) -> bytes:
    """A real bundle's body changed and validly signed again with `store`'s own private key (no passphrase)."""
    key_id = str(store.get_meta("own_key_id"))
    row = store.key(key_id)
    assert row is not None
    body = body_of(data)
    body.update(changes)
    payload = gzip.compress(json.dumps(body, ensure_ascii=False).encode("utf-8"))
    sig = open_private(row["private_key"], None).sign(pae(BUNDLE_TYPE, payload))
    return json.dumps({"payloadType": BUNDLE_TYPE, "payload": base64.b64encode(payload).decode(),
                       "signatures": [{"keyid": key_id, "sig": base64.b64encode(sig).decode()}]}).encode()


def keys_by_id(site: Site) -> dict[str, dict[str, Any]]:
    return {k["key_id"]: k for k in site.json("key", "list")}


def refused(site: Site, path: Path, words: str) -> str:
    """Import `path` at `site`: rejected with `words` in the Vietnamese reason, the database unchanged."""
    store = site.store()
    before = store.dump()
    store.close()
    code, out, _err = site.run("import", str(path), "--json")
    [doc] = json.loads(out)
    assert code == 3 and doc["status"] == "rejected", doc
    assert words in doc["reason"], doc["reason"]
    store = site.store()
    assert store.dump() == before
    store.close()
    return str(doc["reason"])


# -- officer change end to end, commune → hub → province, through the CLI -----------------------------------
def test_officer_change_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mail = tmp_path / "usb"
    mail.mkdir()
    province = make_site(tmp_path, capsys, "37", "Trần Thị Tỉnh")
    hub = make_site(tmp_path, capsys, "372", "Lê Văn Cụm")
    c = make_site(tmp_path, capsys, "14389", "Nguyễn Văn Cũ")
    for parent, child in ((hub, c), (province, hub)):
        path = mail / f"enrol-{child.unit}.lhtl"
        child.ok("key", "export", "--out", str(path))
        parent.ok("key", "enroll", str(path), "--fingerprint", child.fingerprint())
    lib = c.add("lib_commune", "Thư viện xã Gia Lâm")
    c.ok("set", "--institution", lib, "--period", "2024", "LIB_VISITS=1000")
    assert hub.json("import", str(c.export(mail / "c-1.lhtl")))[0]["status"] == "accepted"
    assert province.json("import", str(hub.export(mail / "h-1.lhtl")))[0]["status"] == "accepted"

    # The old officer's last edit, never sent before the change.
    c.ok("set", "--institution", lib, "--period", "2025", "LIB_VISITS=1200", "LIB_SKILL_CLASSES=2")
    old_laptop = tmp_path / "old-laptop.sqlite3"  # the old officer keeps a copy holding the old key
    c.ok("backup", "--out", str(old_laptop))
    old_key = c.json("key", "show")["key_id"]

    # Officer change: a new key, the old one retired here with its marks, the enrolment file for the hub.
    info = c.json("key", "new", "--officer", "Phạm Thị Mới", "--out", str(mail / "enrol-14389-new.lhtl"))
    new_key = info["key_id"]
    assert new_key != old_key and info["old_key_id"] == old_key
    assert (info["old_max_seq"], info["old_max_counter"]) == (1, 3)  # the old key's 3 value edits
    assert c.json("key", "show") == {"key_id": new_key, "fingerprint": info["fingerprint"], "unit": "14389"}
    mine = keys_by_id(c)
    assert mine[old_key]["status"] == "retired" and mine[new_key]["status"] == "active"
    store = c.store()
    assert store.key(old_key)["private_key"] is None  # type: ignore[index]  # the old key never signs again
    assert store.get_meta("officer") == "Phạm Thị Mới"
    store.close()

    # The hub enrols the new key only with the right fingerprint; the old key is then retired there.
    code, _out, err = hub.run("key", "enroll", info["enrolment_file"], "--fingerprint", "0" * 24)
    assert code == 2 and "không khớp" in err
    out = hub.ok("key", "enroll", info["enrolment_file"], "--fingerprint", info["fingerprint"])
    assert "đã thay" in out
    at_hub = keys_by_id(hub)
    assert at_hub[new_key]["status"] == "active"
    assert (at_hub[old_key]["status"], at_hub[old_key]["max_seq"], at_hub[old_key]["max_counter"]) == ("retired", 1, 3)

    # The new officer edits and sends: the old key's unsent edits travel inside the new key's bundle.
    c.ok("set", "--institution", lib, "--period", "2025", "LIB_READING_EVENTS=5")
    [r] = hub.json("import", str(c.export(mail / "c-2.lhtl")))
    assert (r["status"], r["new"], r["seq"]) == ("accepted", 3, 1)

    # The old key signs nothing new: a later bundle number is refused even when it brings no new edit …
    old = Site(old_laptop, "14389", capsys)
    assert "gói số 1" in refused(hub, old.export(mail / "old-2.lhtl"), "Gói số 2 được ký bằng khóa đã thay")
    # … and its NEW edits are refused by its bundle number …
    old.ok("set", "--institution", lib, "--period", "2025", "LIB_VISITS=9999")
    late = old.export(mail / "old-3.lhtl")
    refused(hub, late, "khóa đã thay")
    # … and, with a reused number and a date in the past, by its own edit counter.
    old_store = old.store()
    backdated = mail / "old-backdated.lhtl"
    backdated.write_bytes(forge(old_store, late.read_bytes(), seq=1, created=OLD_DATE))
    old_store.close()
    assert "sau mốc 3" in refused(hub, backdated, "sửa đổi mới")

    # Up to the province: it trusts the new key through the hub and keeps counting the old key's edits.
    [r] = province.json("import", str(hub.export(mail / "h-2.lhtl")))
    assert r["status"] == "accepted"
    at_province = keys_by_id(province)
    assert at_province[old_key]["status"] == "retired" and at_province[new_key]["status"] == "active"
    assert province.json("get", "--institution", lib, "--period", "2025") == {
        "LIB_VISITS": 1200, "LIB_SKILL_CLASSES": 2, "LIB_READING_EVENTS": 5}
    growth = {t["target"]: t for t in province.json("evaluate", "--period", "2025")}["LIB_VISITS_GROWTH"]
    assert (growth["numerator"], growth["denominator"]) == (1200, 1000)
    # Every level refuses the old key: sent straight to the province, old or backdated.
    refused(province, old.export(mail / "old-4.lhtl", "--to", "37"), "khóa đã thay")
    old_store = old.store()
    straight = mail / "old-straight.lhtl"
    straight.write_bytes(forge(old_store, (mail / "old-4.lhtl").read_bytes(), seq=1, created=OLD_DATE))
    old_store.close()
    refused(province, straight, "sửa đổi mới")


def test_a_late_bundle_of_the_old_key_below_its_mark_is_still_accepted(tmp_path: Path) -> None:
    """Retirement refuses new edits, not old files: a bundle the old key signed before the change, delivered
    late (the USB stick found in a drawer), still counts."""
    hub, a = make_node(tmp_path, "372"), make_node(tmp_path, "14389")
    enrol(hub, a)
    inst = institutions.add_institution(a.store, "14389", "lib_commune", "Thư viện xã")
    a.set(inst.id, "2025", LIB_VISITS=10)
    drawer = a.export()
    result = new_own_key(a.store, out=tmp_path / "new.lhtl")
    enrol_key(hub.store, tmp_path / "new.lhtl", result.fingerprint)
    assert import_file(hub.store, drawer).status == "accepted"
    assert [r.value for r in hub.store.records_for_key(inst.id, "2025", "LIB_VISITS")] == [10]


# -- revocation ---------------------------------------------------------------------------------------
@pytest.fixture
def chain(tmp_path: Path) -> Any:
    """Province 37 ← hub 372 ← commune 14389, enrolled both ways between province and hub; the commune's first
    values already at the province."""
    province, hub, a = make_node(tmp_path, "37"), make_node(tmp_path, "372"), make_node(tmp_path, "14389")
    enrol(hub, a)
    enrol(province, hub)
    enrol(hub, province)
    inst = institutions.add_institution(a.store, "14389", "lib_commune", "Thư viện xã Gia Lâm")
    a.institutions["lib"] = inst.id
    a.set("lib", "2025", LIB_VISITS=700)
    assert import_file(hub.store, a.export()).status == "accepted"
    assert import_file(province.store, hub.export()).status == "accepted"
    yield province, hub, a, tmp_path
    for n in (province, hub, a):
        n.store.close()


def refused_in(node: Node, path: Path, words: str) -> str:
    before = node.store.dump()
    result = import_file(node.store, path, backup=False)
    assert result.status == "rejected" and words in result.reason, result.reason
    assert node.store.dump() == before
    return result.reason


def test_revoked_key_refused_even_backdated_and_inside_another_keys_bundle(chain: Any) -> None:
    province, hub, a, tmp = chain
    # The province revokes the commune's key (a stolen laptop) before the hub hears of it.
    change_key_status(province.store, a.key_id, "revoked")
    mark = {k.key_id: k for k in enrolment.trusted_keys(province.store)}[a.key_id].max_counter
    a.set("lib", "2025", LIB_VISITS=9000)  # a new edit of the revoked key

    # Signed by the revoked key itself: refused even with nothing new in it (its first bundle signed again as
    # a fresh one, dated in the past) …
    replay = tmp / "replay.lhtl"
    replay.write_bytes(forge(a.store, (a.folder / "14389-1.lhtl").read_bytes(), created=OLD_DATE,
                             bundle_id="11111111-1111-4111-8111-111111111111"))
    refused_in(province, replay, "khóa đã bị thu hồi")
    # … and sent straight up with a new edit, dated in the past or not.
    direct = a.export(to="37")
    refused_in(province, direct, "thu hồi")
    old = tmp / "direct-backdated.lhtl"
    old.write_bytes(forge(a.store, direct.read_bytes(), created=OLD_DATE, seq=1))
    refused_in(province, old, "thu hồi")

    # Carried inside the hub's bundle (the hub, not knowing yet, accepted it): refused, backdated or not.
    assert import_file(hub.store, a.export()).status == "accepted"
    carried = hub.export()
    reason = refused_in(province, carried, "sửa đổi mới")
    assert f"sau mốc {mark}" in reason and "đã thu hồi" in reason
    hub_old = tmp / "hub-backdated.lhtl"
    hub_old.write_bytes(forge(hub.store, carried.read_bytes(), created=OLD_DATE))
    refused_in(province, hub_old, "sửa đổi mới")

    # Earlier records stay, counted and flagged for review.
    inst = a.institutions["lib"]
    assert [r.value for r in province.store.records_for_key(inst, "2025", "LIB_VISITS")] == [700]
    assert enrolment.records_by_key(province.store)[a.key_id] == 1

    # The revocation travels down; the hub then stops passing the late edit on, and the province accepts.
    assert import_file(hub.store, province.export(to="372")).status == "accepted"
    assert {k.key_id: k for k in enrolment.trusted_keys(hub.store)}[a.key_id].status == "revoked"
    refused_in(hub, a.export(), "thu hồi")
    from lhtl_desktop.sync.exporter import export_bundle

    result = export_bundle(hub.store, tmp / "hub-after.lhtl")
    assert result.withheld == 1
    assert import_file(province.store, result.path).status == "accepted"
    assert [r.value for r in province.store.records_for_key(inst, "2025", "LIB_VISITS")] == [700]


def test_cli_key_list_flags_a_revoked_keys_earlier_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hub = make_site(tmp_path, capsys, "372", "Lê Văn Cụm")
    a = make_site(tmp_path, capsys, "14389", "Nguyễn Văn A")
    path = tmp_path / "e.lhtl"
    a.ok("key", "export", "--out", str(path))
    hub.ok("key", "enroll", str(path), "--fingerprint", a.fingerprint())
    lib = a.add("lib_commune", "Thư viện xã")
    a.ok("set", "--institution", lib, "--period", "2025", "LIB_VISITS=5", "LIB_SKILL_CLASSES=1")
    hub.ok("import", str(a.export(tmp_path / "a.lhtl")))
    key = a.json("key", "show")["key_id"]
    hub.ok("key", "revoke", key[:8])
    row = keys_by_id(hub)[key]
    assert (row["status"], row["records"], row["max_counter"]) == ("revoked", 2, 2)
    assert "2 giá trị do khóa này nhập trước khi bị thu hồi" in hub.ok("key", "list")
    assert hub.json("get", "--institution", lib, "--period", "2025") == {"LIB_VISITS": 5, "LIB_SKILL_CLASSES": 1}


# -- the registry only moves forward ---------------------------------------------------------------------
def cert_state(store: Store) -> tuple[Any, ...]:
    return (sync_store.certificate_rows(store), sync_store.registry_version(store),
            store.db.execute("SELECT * FROM value_records ORDER BY edit_id").fetchall())


def test_an_older_registry_state_received_later_changes_nothing(chain: Any) -> None:
    province, hub, a, tmp = chain
    before_retire = hub.export()  # carries the hub's certificate of a: active
    v0 = sync_store.registry_version(hub.store)
    change_key_status(hub.store, a.key_id, "retired")
    assert sync_store.registry_version(hub.store) == v0 + 1  # every trust change moves the version on
    newer = hub.export()
    p0 = sync_store.registry_version(province.store)
    assert import_file(province.store, newer).status == "accepted"
    assert sync_store.registry_version(province.store) == p0 + 1  # it received a trust change
    status = {k.key_id: k.status for k in enrolment.trusted_keys(province.store)}
    assert status[a.key_id] == "retired"

    state = cert_state(province.store)
    assert import_file(province.store, before_retire).status == "accepted"  # old file, delivered late
    assert cert_state(province.store) == state
    assert {k.key_id: k.status for k in enrolment.trusted_keys(province.store)}[a.key_id] == "retired"

    # Even a certificate saying "active" at a higher version (never issued by the app: forged with the hub's
    # real key) does not undo the retirement, neither in the store nor in the trust drawn from it.
    row = a.store.key(a.key_id)
    assert row is not None
    forged_cert = issue_certificate(hub.private(), issuer_key_id=hub.key_id, issuer_unit="372",
                                    subject_key_id=a.key_id, subject_public_key=row["public_key"],
                                    subject_unit="14389", status="active", version=10_000,
                                    issued_at="2030-01-01T00:00:00.000Z")
    data = newer.read_bytes()
    certs = [c for c in body_of(data)["certificates"]]
    certs.append(forged_cert.as_wire())
    path = tmp / "forged-registry.lhtl"
    path.write_bytes(forge(hub.store, data, certificates=certs, bundle_id="0" * 8 + "-0000-4000-8000-" + "0" * 12))
    assert import_file(province.store, path).status == "accepted"
    assert cert_state(province.store)[0] == state[0]
    assert {k.key_id: k.status for k in enrolment.trusted_keys(province.store)}[a.key_id] == "retired"
    # … and a new edit of the retired key is still refused.
    a.set("lib", "2025", LIB_VISITS=1)
    refused_in(province, a.export(to="37"), "khóa đã thay")


def test_every_trust_change_moves_the_registry_version(tmp_path: Path) -> None:
    hub, a = make_node(tmp_path, "372"), make_node(tmp_path, "14389")
    seen = [sync_store.registry_version(hub.store)]
    enrol(hub, a)
    seen.append(sync_store.registry_version(hub.store))
    a_seen = sync_store.registry_version(a.store)
    new_own_key(a.store, out=tmp_path / "new.lhtl")
    assert sync_store.registry_version(a.store) > a_seen
    enrol_key(hub.store, tmp_path / "new.lhtl", str(a.store.key(a.key_id)["fingerprint"]))  # type: ignore[index]
    seen.append(sync_store.registry_version(hub.store))
    change_key_status(hub.store, a.key_id, "revoked")
    seen.append(sync_store.registry_version(hub.store))
    assert seen == sorted(set(seen)) and len(seen) == 4


# -- lost passphrase -----------------------------------------------------------------------------------------
def test_lost_passphrase_new_key_loses_no_data(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORGOTTEN", "mat-khau-da-quen")
    monkeypatch.setenv("NEW_PASS", "mat-khau-moi-2026")
    hub = make_site(tmp_path, capsys, "372", "Lê Văn Cụm")
    c = make_site(tmp_path, capsys, "14389", "Nguyễn Văn A", "--passphrase-env", "FORGOTTEN")
    path = tmp_path / "e.lhtl"
    c.ok("key", "export", "--out", str(path), "--passphrase-env", "FORGOTTEN")
    hub.ok("key", "enroll", str(path), "--fingerprint", c.fingerprint())
    lib = c.add("lib_commune", "Thư viện xã")
    c.ok("set", "--institution", lib, "--period", "2025", "LIB_VISITS=321", "LIB_SKILL_CLASSES=4")
    store = c.store()
    data_before = store.db.execute("SELECT * FROM value_records ORDER BY edit_id").fetchall()
    store.close()

    # The passphrase is forgotten: nothing can be signed with the old key …
    monkeypatch.setenv("FORGOTTEN", "khong-nho-nua")
    code, _out, err = c.run("export", "--out", str(tmp_path / "x.lhtl"), "--passphrase-env", "FORGOTTEN")
    assert code == 2 and "không đúng" in err
    # … but a new key needs no old passphrase, and the help says so.
    help_code = 0
    try:
        c.run("key", "new", "--help")
    except SystemExit as exc:
        help_code = int(exc.code or 0)
    assert help_code == 0 and "Không cần mật khẩu cũ" in capsys.readouterr().out.replace("\n", " ")
    info = c.json("key", "new", "--passphrase-env", "NEW_PASS", "--out", str(tmp_path))
    assert info["protected"] is True and Path(info["enrolment_file"]).exists()
    store = c.store()
    assert store.db.execute("SELECT * FROM value_records ORDER BY edit_id").fetchall() == data_before
    store.close()
    hub.ok("key", "enroll", info["enrolment_file"], "--fingerprint", info["fingerprint"])
    code, _out, err = c.run("export", "--out", str(tmp_path / "y.lhtl"))
    assert code == 2 and "mật khẩu" in err.lower()  # the new key is protected by the new passphrase
    c.ok("export", "--out", str(tmp_path / "y.lhtl"), "--passphrase-env", "NEW_PASS")
    [r] = hub.json("import", str(tmp_path / "y.lhtl"))
    assert (r["status"], r["new"]) == ("accepted", 2)
    assert hub.json("get", "--institution", lib, "--period", "2025") == {"LIB_VISITS": 321, "LIB_SKILL_CLASSES": 4}


def test_key_new_refuses_a_short_passphrase_and_writes_nothing(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHORT", "abc")
    c = make_site(tmp_path, capsys, "14389", "Nguyễn Văn A")
    store = c.store()
    before = store.dump()
    store.close()
    code, _out, err = c.run("key", "new", "--passphrase-env", "SHORT", "--out", str(tmp_path / "n.lhtl"))
    assert code == 2 and "ít nhất 8 ký tự" in err
    store = c.store()
    assert store.dump() == before
    store.close()
    assert not (tmp_path / "n.lhtl").exists()


def test_an_enrolment_cannot_retire_another_units_key(tmp_path: Path) -> None:
    """The declaration of earlier keys is checked: a commune cannot retire its neighbour's key."""
    hub, a, b = make_node(tmp_path, "372"), make_node(tmp_path, "14389"), make_node(tmp_path, "14401")
    enrol(hub, a)
    enrol(hub, b)
    new_own_key(a.store)
    # Make a's new enrolment file claim to replace b's key.
    from lhtl_desktop.sync.envelope import ENROLMENT_TYPE, seal, write_atomic

    local = load_local(a.store)
    body = {"format": "lhtl-enrolment", "format_version": 1, "unit": "14389", "unit_name": local.unit.name,
            "officer": "x", "key_id": a.key_id, "public_key": a.store.key(a.key_id)["public_key"],  # type: ignore[index]
            "created": OLD_DATE, "replaces": [{"key_id": b.key_id, "max_seq": 0, "max_counter": 0}]}
    path = write_atomic(tmp_path / "evil.lhtl", seal(ENROLMENT_TYPE, body, a.key_id, a.private()))
    before = hub.store.dump()
    from lhtl_desktop.errors import RefusedError

    with pytest.raises(RefusedError, match="không phải của"):
        enrol_key(hub.store, path, str(a.store.key(a.key_id)["fingerprint"]))  # type: ignore[index]
    assert hub.store.dump() == before


def test_hub_officer_change_keeps_the_communes_trusted_at_the_province(chain: Any) -> None:
    """The hub's new key re-issues the certificates of its communes, so the province still trusts them even
    when the hub's old key is later revoked."""
    province, hub, a, tmp = chain
    result = new_own_key(hub.store, out=tmp / "hub-new.lhtl")
    issued = {(c.issuer_key_id, c.subject_key_id): c for c in load_local(hub.store).certificates}
    assert issued[(result.key_id, a.key_id)].status == "active"  # re-issued by the new key
    assert issued[(result.key_id, result.old_key_id)].status == "retired"  # the old key's marks, signed
    enrol_key(province.store, tmp / "hub-new.lhtl", result.fingerprint)
    change_key_status(province.store, result.old_key_id, "revoked")
    a.set("lib", "2025", LIB_VISITS=800)
    assert import_file(hub.store, a.export()).status == "accepted"
    assert import_file(province.store, hub.export()).status == "accepted"
    inst = a.institutions["lib"]
    assert [r.value for r in province.store.records_for_key(inst, "2025", "LIB_VISITS")] == [800]
    status = {k.key_id: k.status for k in enrolment.trusted_keys(province.store)}
    assert status[a.key_id] == "active" and status[result.old_key_id] == "revoked"
    assert status[result.key_id] == "active"


# -- the «Đồng bộ» page ---------------------------------------------------------------------------------------
def test_new_key_button_on_the_sync_page(qtbot, qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from lhtl_desktop.ui.app import create_application
    from lhtl_desktop.ui.context import AppContext
    from lhtl_desktop.ui.sync_page import SyncPage

    create_application(["lhtl"])
    hub, a = make_node(tmp_path, "372"), make_node(tmp_path, "14389")
    enrol(hub, a)
    old_key = a.key_id
    usb = tmp_path / "usb"
    usb.mkdir()
    page = SyncPage(AppContext(a.store))
    qtbot.addWidget(page)
    page.ask_folder = lambda: str(usb)  # type: ignore[method-assign]

    page.ask_new_key = lambda: (False, "", "")  # type: ignore[method-assign]  # the officer cancels
    before = a.store.dump()
    page.new_key_button.click()
    assert a.store.dump() == before

    page.ask_new_key = lambda: (True, "Phạm Thị Mới", "mat-khau-moi-2026")  # type: ignore[method-assign]
    page.new_key_button.click()
    qtbot.waitUntil(lambda: a.key_id != old_key and page.new_key_button.isEnabled(), timeout=10_000)
    new = a.store.key(a.key_id)
    assert new is not None
    assert new["fingerprint"] in page.own_key.text() and new["fingerprint"] in page.enrol_message.text()
    [path] = list(usb.iterdir())
    assert str(path) in page.enrol_message.text()
    assert a.store.key(old_key)["status"] == "retired"  # type: ignore[index]
    result = enrol_key(hub.store, path, str(new["fingerprint"]))
    assert result.retired == (old_key,)
    assert {k.key_id: k.status for k in enrolment.trusted_keys(hub.store)}[old_key] == "retired"
    for n in (hub, a):
        n.store.close()
