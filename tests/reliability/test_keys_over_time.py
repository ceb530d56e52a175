"""Keys over time, against the sync API: officer change, revocation, a registry that only moves forward, and a
lost passphrase that loses no data. The "old laptop" is a copy of the commune's database taken before the
change: it still holds the old private key and keeps trying to send."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rel_support import COMMUNE, HUB, LIB_CODES, import_state, make_sync_pair, record

from lhtl_desktop.errors import LhtlError
from lhtl_desktop.services import entry, institutions
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.sync import enrolment, exporter, importer


class Site:
    def __init__(self, db: Path) -> None:
        self.db = db
        self.store: Store = open_store(db)

    def close(self) -> None:
        self.store.close()

    def export(self, folder: Path, name: str) -> Path:
        folder.mkdir(exist_ok=True)
        return exporter.export_bundle(self.store, folder / name, to_unit=HUB).path

    def fingerprint(self) -> str:
        row = self.store.key(str(self.store.get_meta("own_key_id")))
        assert row is not None
        return str(row["fingerprint"])


@pytest.fixture
def sites(tmp_path: Path):  # type: ignore[no-untyped-def]
    hub_db, commune_db, first = make_sync_pair(tmp_path, institutions_n=2)
    hub, commune = Site(hub_db), Site(commune_db)
    assert importer.import_file(hub.store, first).status == importer.ACCEPTED
    yield hub, commune, tmp_path
    hub.close()
    commune.close()


def _old_laptop(commune: Site, tmp_path: Path) -> Site:
    copy = tmp_path / "old-laptop" / "lhtl.sqlite3"
    copy.parent.mkdir()
    commune.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(commune.db, copy)
    return Site(copy)


def _new_edit(site: Site, value: int) -> None:
    lib = institutions.list_institutions(site.store, COMMUNE)[0]
    entry.set_values(site.store, lib.id, "2025", {LIB_CODES[0]: str(value)})


def test_officer_change_new_key_certified_old_key_refused(sites) -> None:  # type: ignore[no-untyped-def]
    hub, commune, tmp = sites
    old = _old_laptop(commune, tmp)
    enrolment.new_own_key(commune.store, officer="Phạm Thị Mới", out=tmp / "new-key.lhtl")
    enrolment.enrol_key(hub.store, tmp / "new-key.lhtl", commune.fingerprint())
    _new_edit(commune, 4321)
    ok_new = importer.import_file(hub.store, commune.export(tmp / "b", "new.lhtl"))
    assert ok_new.status == importer.ACCEPTED, ok_new.reason
    _new_edit(old, 9999)  # the old officer's laptop keeps working with the retired key
    before = import_state(hub.db)
    refused = importer.import_file(hub.store, old.export(tmp / "b", "old.lhtl"))
    old.close()
    tried, lost = 2, 0
    lost += refused.status != importer.REJECTED
    lost += import_state(hub.db) != before
    record("key-officer-change", "bundle signed by the retired key of an officer who left",
           "new key certified by the hub; the old laptop exports a new edit afterwards", tried, lost)
    assert lost == 0
    assert "khóa đã thay" in refused.reason


def test_revoked_key_no_backdated_bundle_escapes(sites) -> None:  # type: ignore[no-untyped-def]
    hub, commune, tmp = sites
    _new_edit(commune, 1111)
    written_before = commune.export(tmp / "b", "before-revocation.lhtl")  # signed before the revocation
    key_id = str(commune.store.get_meta("own_key_id"))
    enrolment.change_key_status(hub.store, key_id, "revoked")
    before = import_state(hub.db)
    tried = lost = 0
    _new_edit(commune, 2222)
    for bundle in (written_before, commune.export(tmp / "b", "after-revocation.lhtl")):
        result = importer.import_file(hub.store, bundle)
        tried += 1
        lost += result.status != importer.REJECTED or "thu hồi" not in result.reason
    lost += import_state(hub.db) != before
    record("key-revoked", "bundles signed by a revoked key (written before and after the revocation)",
           "hub revokes the commune key, then receives both", tried, lost)
    assert lost == 0


def test_registry_only_moves_forward(sites) -> None:  # type: ignore[no-untyped-def]
    """Re-enrolling a revoked key (the old enrolment file turns up again) does not bring it back."""
    hub, commune, tmp = sites
    key_id = str(commune.store.get_meta("own_key_id"))
    enrol_file = enrolment.export_enrolment(commune.store, tmp / "again.lhtl")
    enrolment.change_key_status(hub.store, key_id, "revoked")
    with pytest.raises(LhtlError):
        enrolment.enrol_key(hub.store, enrol_file, commune.fingerprint())
    status = {k.key_id: k.status for k in enrolment.trusted_keys(hub.store)}
    assert status[key_id] == "revoked"
    retired_again = enrolment.change_key_status(hub.store, key_id, "retired")  # a lower status: no step back
    assert retired_again.status == "revoked"


def test_lost_passphrase_new_key_keeps_every_value(tmp_path: Path) -> None:
    hub_db, commune_db, first = make_sync_pair(tmp_path, institutions_n=2)
    hub, commune = Site(hub_db), Site(commune_db)
    try:
        importer.import_file(hub.store, first)
        dump_values = [line for line in commune.store.dump().splitlines() if "value_records" in line]
        old_key = str(commune.store.get_meta("own_key_id"))
        enrolment.new_own_key(commune.store, passphrase="mật khẩu mới 2025", out=tmp_path / "nk.lhtl")
        assert commune.store.get_meta("own_key_id") != old_key
        after = [line for line in commune.store.dump().splitlines() if "value_records" in line]
        assert after == dump_values  # not one value lost or changed by the new key
        enrolment.enrol_key(hub.store, tmp_path / "nk.lhtl", commune.fingerprint())
        _new_edit(commune, 5555)
        with pytest.raises(LhtlError):  # signing needs the new passphrase now
            exporter.export_bundle(commune.store, tmp_path / "x.lhtl", to_unit=HUB)
        out = exporter.export_bundle(commune.store, tmp_path / "y.lhtl", to_unit=HUB,
                                     passphrase="mật khẩu mới 2025").path
        result = importer.import_file(hub.store, out)
        assert result.status == importer.ACCEPTED, result.reason
        record("key-lost-passphrase", "officer forgot the passphrase: new key, re-enrolled",
               "new_own_key without the old passphrase; values compared row by row; hub accepts the new key",
               1, 0 if result.status == importer.ACCEPTED and after == dump_values else 1)
    finally:
        hub.close()
        commune.close()
