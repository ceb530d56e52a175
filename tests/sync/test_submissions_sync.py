"""Submission marks and receipts inside bundles: they travel like records and obey the same authorship rule;
crafted, validly signed bundles that break it are refused with the database unchanged."""

from __future__ import annotations

import json
import uuid
from typing import Any

from lhtl_desktop.services import reporting
from lhtl_desktop.storage import reporting_store
from lhtl_desktop.sync.importer import import_file
from tests.sync.conftest import Net, body_of, enrol, resign


def _refused(net: Net, data: bytes, *words: str) -> None:
    before = net.hub.store.dump()
    result = import_file(net.hub.store, net.write(data), backup=False)
    assert result.status == "rejected", result
    for w in words:
        assert w in result.reason, result.reason
    assert net.hub.store.dump() == before


def test_a_mark_travels_up_and_a_reopening_replaces_it(net: Net) -> None:
    reporting.submit(net.a.store, "2025")
    first = net.a.export()
    assert [m["unit"] for m in body_of(first.read_bytes())["submissions"]] == ["14389"]
    assert import_file(net.hub.store, first, backup=False).status == "accepted"
    mark = reporting.submission(net.hub.store, "2025", "14389")
    assert mark is not None and mark.submitted and mark.author_name == "Nguyễn Văn A"
    reporting.reopen(net.a.store, "2025", why="Bổ sung số liệu thư viện")
    assert import_file(net.hub.store, net.a.export(), backup=False).status == "accepted"
    mark = reporting.submission(net.hub.store, "2025", "14389")
    assert mark is not None and not mark.submitted and mark.reason == "Bổ sung số liệu thư viện"
    # The old bundle, arriving late under a new id, does not bring the submission back.
    body = body_of(first.read_bytes())
    body["bundle_id"], body["seq"] = str(uuid.uuid4()), 9
    assert import_file(net.hub.store, net.write(net.a.sign_json_text(json.dumps(body).encode())),
                       backup=False).status == "accepted"
    assert not reporting.submission(net.hub.store, "2025", "14389").submitted  # type: ignore[union-attr]
    assert len(reporting_store.mark_history(net.hub.store, "14389", "2025")) == 1


def test_a_commune_cannot_submit_for_another(net: Net) -> None:
    reporting.submit(net.a.store, "2025")
    data = net.a.export().read_bytes()

    def other_unit(body: dict[str, Any]) -> None:
        body["submissions"][0]["unit"] = "14401"

    _refused(net, resign(net.a, data, other_unit), "ngoài phạm vi")


def test_a_mark_claimed_for_a_key_outside_the_senders_subtree_is_refused(net: Net) -> None:
    reporting.submit(net.a.store, "2025")
    data = net.a.export().read_bytes()

    def hub_authored(body: dict[str, Any]) -> None:  # commune A pretends its hub recorded the submission
        m = body["submissions"][0]
        m["author_key"], m["author_unit"] = net.hub.key_id, "372"
        m["vv"] = {net.hub.key_id: 5}

    _refused(net, resign(net.a, data, hub_authored), "372")

    def foreign_counter(body: dict[str, Any]) -> None:  # its own mark, but advancing the hub's counter
        body["submissions"][0]["vv"][net.hub.key_id] = 3

    _refused(net, resign(net.a, data, foreign_counter), "bộ đếm")


def test_malformed_sections_are_refused(net: Net) -> None:
    reporting.submit(net.a.store, "2025")
    data = net.a.export().read_bytes()
    bad = [
        lambda b: b["submissions"][0].update(submitted=1),
        lambda b: b["submissions"][0].pop("reason"),
        lambda b: b["submissions"].append(dict(b["submissions"][0])),
        lambda b: b["submissions"][0].update(period="2025-H3"),
        lambda b: b.update(receipts=[{"bundle_id": "x"}]),
        lambda b: b.update(extra=[]),
    ]
    for mutate in bad:
        _refused(net, resign(net.a, data, mutate), "không hợp lệ")


def test_a_receipt_comes_back_only_for_my_own_bundle(net: Net) -> None:
    enrol(net.a, net.hub)  # the commune trusts its hub, so the hub's bundles can come down
    sent = net.a.export()
    result = import_file(net.hub.store, sent, backup=False)
    assert result.status == "accepted" and result.new == 2
    down = net.hub.export(to="14389")
    [receipt] = body_of(down.read_bytes())["receipts"]
    assert receipt["seq"] == 1 and receipt["counts"]["new"] == 2
    assert import_file(net.a.store, down, backup=False).status == "accepted"
    [row] = reporting.outbox(net.a.store)
    assert row.acknowledged and row.counts is not None and row.counts["new"] == 2
    assert row.receipt_text().startswith("Cụm Nho Quan đã nhận gói số 1 lúc ")
    assert row.receipt_text().endswith(": 2 giá trị")
    assert reporting.last_receipt(net.a.store) == row

    # A receipt naming a bundle the commune never sent is ignored (harmless), the rest imports.
    second = net.hub.export(to="14389")

    def forged(body: dict[str, Any]) -> None:
        body["receipts"][0]["bundle_id"] = str(uuid.uuid4())

    result = import_file(net.a.store, net.write(resign(net.hub, second.read_bytes(), forged)), backup=False)
    assert result.status == "accepted"
    assert len(reporting_store.receipt_ids(net.a.store)) == 1
