"""TESTING.md's adversarial list: every bad bundle is rejected (or quarantined) with a message an officer can
act on, and the receiving database is unchanged — compared with a full dump before and after."""

from __future__ import annotations

import gzip
import json
import random
import unicodedata
from pathlib import Path

import pytest

from lhtl_desktop.storage import sync_store
from lhtl_desktop.sync import envelope, importer
from lhtl_desktop.sync.enrolment import change_key_status, enrol_key
from lhtl_desktop.sync.importer import import_file, import_quarantined, read_bundle
from tests.sync.conftest import Net, body_of, make_node, resign


def assert_refused(net: Net, path: Path, *words: str, status: str = "rejected") -> importer.FileResult:
    before = net.hub.store.dump()
    result = import_file(net.hub.store, path)
    assert result.status == status, result
    for w in words:
        assert w in result.reason, result.reason
    if status == "rejected":
        assert net.hub.store.dump() == before
    return result


def test_a_good_bundle_is_accepted(net: Net) -> None:
    result = import_file(net.hub.store, net.a.export())
    assert result.status == "accepted" and result.new == 2


def test_every_flipped_byte_is_refused(net: Net) -> None:
    data = net.a.export().read_bytes()
    before = net.hub.store.dump()
    rng = random.Random(4)
    positions = sorted({0, len(data) - 1, *range(0, len(data), max(1, len(data) // 60)),
                        *(rng.randrange(len(data)) for _ in range(40))})
    for pos in positions:
        for bit in (0x01, 0x80):
            bad = bytearray(data)
            bad[pos] ^= bit
            result = importer.import_bytes(net.hub.store, bytes(bad), "bad.lhtl", dry_run=True)
            assert result.status in ("rejected", "quarantined"), (pos, bit)
            assert result.reason
    assert net.hub.store.dump() == before
    # Without dry-run too, on a sample: nothing changes but a quarantine entry for a mangled key id.
    for pos in positions[:10]:
        bad = bytearray(data)
        bad[pos] ^= 0x01
        result = importer.import_bytes(net.hub.store, bytes(bad), "bad.lhtl")
        assert result.status in ("rejected", "quarantined")
    after = [line for line in net.hub.store.dump().splitlines() if "sync_quarantine" not in line]
    assert after == [line for line in before.splitlines() if "sync_quarantine" not in line]


def test_truncated_and_garbage_appended(net: Net) -> None:
    data = net.a.export().read_bytes()
    for cut in (0, 1, 10, len(data) // 2, len(data) - 3, len(data) - 1):
        assert_refused(net, net.write(data[:cut]), "hỏng")
    assert_refused(net, net.write(data + b"\n{}"), "hỏng")
    assert_refused(net, net.write(data + b"garbage"), "hỏng")


def test_signature_from_another_bundle(net: Net) -> None:
    one = json.loads(net.a.export().read_bytes())
    net.a.set("lib", "2025", LIB_VISITS=1200)
    two = json.loads(net.a.export().read_bytes())
    two["signatures"] = one["signatures"]
    assert_refused(net, net.write(json.dumps(two).encode()), "Chữ ký")


def test_unknown_payload_type(net: Net) -> None:
    env = json.loads(net.a.export().read_bytes())
    env["payloadType"] = "application/vnd.in-toto+json"
    assert_refused(net, net.write(json.dumps(env).encode()), "loại nội dung")


def test_enrolment_file_given_to_import(net: Net) -> None:
    assert_refused(net, net.a.enrolment_file(), "đăng ký khóa")


def test_unenrolled_key_is_quarantined_then_importable(net: Net, tmp_path: Path) -> None:
    stranger = make_node(tmp_path / "x", "14404", "Người lạ")
    from lhtl_desktop.services import institutions

    inst = institutions.add_institution(stranger.store, "14404", "lib_commune", "Thư viện xã Cúc Phương")
    stranger.set(inst.id, "2025", LIB_VISITS=7)
    path = stranger.export()
    before = net.hub.store.dump()
    result = assert_refused(net, path, "chưa đăng ký", "cách ly", status="quarantined")
    assert result.new == 0
    rows = sync_store.quarantine_rows(net.hub.store)
    assert [(r["key_id"], r["file_name"]) for r in rows] == [(stranger.key_id, path.name)]
    # Nothing but the quarantine entry was written: no value, no institution, no certificate.
    changed = set(net.hub.store.dump().splitlines()) ^ set(before.splitlines())
    assert changed and all("sync_quarantine" in line for line in changed)
    # Not trusted on first use: a second delivery is still quarantined.
    assert import_file(net.hub.store, path).status == "quarantined"
    assert len(sync_store.quarantine_rows(net.hub.store)) == 1
    # After enrolment (fingerprint checked) the kept file imports.
    enrolled = enrol_key(net.hub.store, stranger.enrolment_file(),
                         str(stranger.store.key(stranger.key_id)["fingerprint"]))  # type: ignore[index]
    assert enrolled.waiting == 1
    [again] = import_quarantined(net.hub.store)
    assert again.status == "accepted" and again.new == 1
    assert sync_store.quarantine_rows(net.hub.store) == []


def test_wrong_fingerprint_trusts_nothing(net: Net, tmp_path: Path) -> None:
    from lhtl_desktop.errors import RefusedError

    stranger = make_node(tmp_path / "x", "14404")
    before = net.hub.store.dump()
    with pytest.raises(RefusedError, match="không khớp"):
        enrol_key(net.hub.store, stranger.enrolment_file(), "0000 0000 0000 0000 0000 0000")
    assert net.hub.store.dump() == before


def test_revoked_key_is_refused_whatever_date_it_claims(net: Net) -> None:
    assert import_file(net.hub.store, net.a.export()).status == "accepted"
    change_key_status(net.hub.store, net.a.key_id, "revoked")
    net.a.set("lib", "2025", LIB_VISITS=5000)
    fresh = net.a.export()
    assert_refused(net, fresh, "thu hồi")
    backdated = resign(net.a, fresh.read_bytes(), lambda b: b.update(created="2020-01-01T00:00:00.000Z"))
    assert_refused(net, net.write(backdated), "thu hồi")


def test_retired_key_new_bundles_refused_old_ones_harmless(net: Net) -> None:
    first = net.a.export()
    assert import_file(net.hub.store, first).status == "accepted"
    change_key_status(net.hub.store, net.a.key_id, "retired")
    net.a.set("lib", "2025", LIB_VISITS=5000)
    assert_refused(net, net.a.export(), "khóa đã thay")


def test_commune_b_key_carrying_commune_a_data(net: Net) -> None:
    a_bundle = body_of(net.a.export().read_bytes())

    def swap(body: dict) -> None:  # type: ignore[type-arg]
        body["institutions"] += a_bundle["institutions"]
        body["records"] += a_bundle["records"]

    forged = resign(net.b, net.b.export().read_bytes(), swap)
    assert_refused(net, net.write(forged), "ngoài phạm vi")
    # Claiming to be commune A while signed by B.
    forged = resign(net.b, net.a.export().read_bytes(), lambda b: None)
    assert_refused(net, net.write(forged), "ký bằng khóa của")


def test_addressed_to_another_hub(net: Net) -> None:
    forged = resign(net.a, net.a.export().read_bytes(), lambda b: b.update(to_unit="373"))
    assert_refused(net, net.write(forged), "không phải cho")


def test_gzip_bomb_in_a_validly_signed_payload(net: Net, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(envelope, "MAX_PAYLOAD_BYTES", 4 * 1024 * 1024)
    bomb = gzip.compress(b'{"format":"lhtl-bundle","x":"' + b"0" * (16 * 1024 * 1024) + b'"}')
    assert len(bomb) < 100_000
    assert_refused(net, net.write(net.a.sign(bomb)), "quá lớn")


def test_file_over_the_size_cap(net: Net) -> None:
    path = net.tmp / "huge.lhtl"
    with open(path, "wb") as f:
        f.truncate(envelope.MAX_FILE_BYTES + 1)  # sparse: the cap is checked by stat, nothing is read
    assert_refused(net, path, "quá lớn")


@pytest.mark.parametrize(("name", "text", "words"), [
    ("deep nesting", b"[" * 5000 + b"]" * 5000, ("sâu",)),
    ("deep objects", b'{"a":' * 40 + b"1" + b"}" * 40, ("sâu",)),
    ("duplicate keys", b'{"format":"lhtl-bundle","format":"lhtl-bundle"}', ("JSON",)),
    ("NaN", b'{"format":"lhtl-bundle","seq":NaN}', ("JSON",)),
    ("Infinity", b'{"format":"lhtl-bundle","seq":-Infinity}', ("JSON",)),
    ("5000 digits", b'{"format":"lhtl-bundle","seq":' + b"9" * 5000 + b"}", ("JSON",)),
    ("decimal", b'{"format":"lhtl-bundle","seq":1.5}', ("JSON",)),
    ("lone surrogate", b'{"format":"lhtl-bundle","x":"\\ud800"}', ("surrogate",)),
    ("malformed UTF-8", b'{"format":"lhtl-bundle","x":"\xff\xfe"}', ("UTF-8",)),
])
def test_hostile_json_in_a_validly_signed_payload(net: Net, name: str, text: bytes, words: tuple[str, ...]) -> None:
    assert_refused(net, net.write(net.a.sign_json_text(text)), *words)


@pytest.mark.parametrize(("what", "mutate", "word"), [
    ("Arabic-Indic digits in a unit code", lambda b: b.update(from_unit="١٤٣٨٩"), "đơn vị gửi"),
    ("full-width digits in a unit code", lambda b: b.update(from_unit="１４３８９"), "đơn vị gửi"),
    ("full-width digits in a period", lambda b: b["records"][0].update(period="２０２５"), "kỳ báo cáo"),
    ("a value given as text", lambda b: b["records"][0].update(value="١٢"), "giá trị"),
    ("a negative value", lambda b: b["records"][0].update(value=-1), "giá trị"),
    ("a value over 10^9", lambda b: b["records"][0].update(value=10**9 + 1), "giá trị"),
    ("a boolean value", lambda b: b["records"][0].update(value=True), "giá trị"),
    ("an unknown indicator", lambda b: b["records"][0].update(indicator="MUS_VISITS"), "không áp dụng"),
    ("an unknown institution type", lambda b: b["institutions"][0].update(type="casino"), "danh mục"),
    ("NFD text", lambda b: b["institutions"][0].update(name=unicodedata.normalize("NFD", "Thư viện xã")), "NFC"),
    ("a control character", lambda b: b["institutions"][0].update(name="Thư viện\u0007"), "ký tự"),
    ("an extra field", lambda b: b["records"][0].update(extra=1), "thừa"),
    ("a missing field", lambda b: b["records"][0].pop("vv"), "thừa"),
    ("an empty version vector", lambda b: b["records"][0].update(vv={}), "véc-tơ"),
    ("a correction without reason", lambda b: b["records"][0].update(author_unit="372", reason=None), "lý do"),
    ("an unknown unit", lambda b: b.update(scope=["99999"]), "phạm vi"),
    ("a newer format", lambda b: b.update(format_version=2), "phiên bản"),
])
def test_invalid_fields_in_a_validly_signed_body(net: Net, what: str, mutate, word: str) -> None:  # type: ignore[no-untyped-def]
    forged = resign(net.a, net.a.export().read_bytes(), mutate)
    assert_refused(net, net.write(forged), word)


def test_record_written_by_a_key_without_authority(net: Net) -> None:
    """Commune A's key may not author records of commune B, even relayed by a trusted signer."""
    b_body = body_of(net.b.export().read_bytes())

    def claim(body: dict) -> None:  # type: ignore[type-arg]
        for rec in body["records"]:
            rec["author_key"] = net.a.key_id
            rec["author_unit"] = "14389"
            rec["reason"] = "sửa hộ"
    forged = resign(net.b, net.b.export().read_bytes(), claim)
    assert b_body["records"]
    assert_refused(net, net.write(forged), "không có quyền")


def test_reader_raises_only_bundle_errors(net: Net) -> None:
    from lhtl_desktop.errors import BundleError

    data = net.a.export().read_bytes()
    rng = random.Random(7)
    for _ in range(200):
        bad = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            bad[rng.randrange(len(bad))] = rng.randrange(256)
        try:
            read_bundle(net.hub.store, bytes(bad))
        except BundleError as exc:
            assert exc.message

