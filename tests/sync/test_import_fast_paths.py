"""The import's fast paths give exactly what the plain code they replace gives (docs/BENCHMARKS.md, national).

A bundle's reader builds one record per value, writes one vector text per record, and a hub's export reads
every vector back: each of those has a shortcut for the usual case (one key in the vector, a frozen record
built without its per-field setattr, a timestamp's date checked by the C parser). These tests hold each
shortcut to the plain definition, and the import's WAL settings to being restored after it; each fails if
its shortcut answers differently.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lhtl_desktop.model.records import ValueRecord, value_record
from lhtl_desktop.model.timestamps import parse_utc_timestamp
from lhtl_desktop.storage import sync_store
from lhtl_desktop.sync import exporter
from lhtl_desktop.sync.importer import import_files
from tests.sync.conftest import Net, resign

_KEY_IDS = st.text(alphabet="0123456789abcdef", min_size=32, max_size=32)
_ODD_KEYS = st.one_of(_KEY_IDS, st.sampled_from(["ABCDEF0123456789ABCDEF0123456789", "k", "é" * 32, "a-b", ""]))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_ODD_KEYS, st.integers(min_value=-5, max_value=2**62), min_size=1, max_size=4))
def test_a_vector_is_written_as_json_dumps_would_and_read_back_as_json_loads_would(vv: dict[str, int]) -> None:
    text = sync_store.vv_text(vv)
    assert text == json.dumps(dict(sorted(vv.items())), separators=(",", ":"))
    assert exporter._vv(text) == dict(sorted(vv.items()))
    assert list(exporter._vv(text)) == sorted(vv)


@pytest.mark.parametrize("text", [
    '{"' + "a" * 32 + '":1}', '{"' + "a" * 32 + '":0}', '{"' + "a" * 32 + '":-3}',
    '{"' + "A" * 32 + '":7}', '{ "' + "a" * 32 + '": 7 }', '{"' + "b" * 32 + '":2,"' + "a" * 32 + '":1}',
    '{"' + "a" * 32 + '":' + "9" * 19 + "}", '{"' + "a" * 32 + '":' + "9" * 25 + "}", "{}",
])
def test_a_stored_vector_of_any_shape_reads_as_the_json_parser_reads_it(text: str) -> None:
    assert exporter._vv(text) == dict(sorted(json.loads(text).items()))


def test_a_record_built_fast_is_the_same_frozen_record() -> None:
    fields = ("e1", "i1", "14389", "2025", "LIB_VISITS", 5, {"a" * 32: 3}, "a" * 32, "14389",
              "2025-01-05T08:00:00.000Z", None, "tăng gấp đôi", "Nguyễn Văn A")
    fast, plain = value_record(*fields), ValueRecord(*fields)
    assert fast == plain and dataclasses.astuple(fast) == dataclasses.astuple(plain)
    assert fast.key == ("i1", "2025", "LIB_VISITS") and fast.author_name == "Nguyễn Văn A"
    assert [f.name for f in dataclasses.fields(ValueRecord)] == list(vars(fast))  # every field, in order
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.value = 6  # type: ignore[misc]


def _plain_moment(text: str) -> dt.datetime | None:
    """The definition: the six numbers of the pattern, given to datetime()."""
    import re

    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{1,6})?Z", text)
    if m is None:
        return None
    try:
        return dt.datetime(*(int(p) for p in m.groups()), tzinfo=dt.UTC)  # type: ignore[misc]
    except ValueError:
        return None


def test_timestamps_name_the_same_moments_as_datetime_does() -> None:
    texts = [f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{frac}Z"
             for y in (0, 1, 1900, 2000, 2023, 2024, 2100, 9999) for mo in (0, 1, 2, 4, 12, 13)
             for d in (0, 1, 28, 29, 30, 31, 32) for h, mi, s in ((0, 0, 0), (23, 59, 59), (24, 0, 0), (12, 60, 0),
                                                                 (12, 0, 60), (99, 99, 99)) for frac in ("", ".123")]
    texts += ["2025-01-05T08:00:00.1234567Z", "2025-01-05T08:00:00", "2025-01-05 08:00:00Z", "２０２５-01-05T08:00:00Z",
              "2025-01-05T08:00:00+00:00", "20250105T080000Z"]
    for text in texts:
        assert parse_utc_timestamp(text) == _plain_moment(text), text
    assert parse_utc_timestamp("2024-02-29T23:59:59.5Z") == dt.datetime(2024, 2, 29, 23, 59, 59, tzinfo=dt.UTC)


def test_an_import_restores_the_connection_and_leaves_its_pages_in_the_database_file(net: Net,
                                                                                     tmp_path: Path) -> None:
    conn = net.hub.store.db.conn
    before = (conn.execute("PRAGMA cache_size").fetchone()[0], conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    results = import_files(net.hub.store, [net.a.export(), net.b.export()], backup=False)
    assert [r.status for r in results] == ["accepted", "accepted"]
    assert (conn.execute("PRAGMA cache_size").fetchone()[0],
            conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]) == before
    # Checkpointed at its end: the database file alone, without its WAL, already holds both communes' values
    # (SQLite by itself copies the WAL back only once it holds 1,000 pages).
    alone = tmp_path / "alone.sqlite3"
    alone.write_bytes(Path(net.hub.store.path).read_bytes())
    other = sqlite3.connect(alone)
    try:
        units = {u for (u,) in other.execute("SELECT DISTINCT unit_code FROM value_records")}
    finally:
        other.close()
    assert units == {"14389", "14401"}


def test_an_import_inside_a_transaction_leaves_the_checkpoint_to_the_commit(net: Net) -> None:
    store = net.hub.store
    with store.atomic():
        [result] = import_files(store, [net.a.export()], backup=False)
        assert result.status == "accepted" and store.db.conn.in_transaction
    assert store.db.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    assert len(sync_store.scope_records(store, ["14389"])) == 2


@pytest.mark.parametrize(("reason", "refused_for_no_reason"), [(None, True), ("  ", True), ("sửa theo sổ gốc", False)])
def test_a_correction_from_above_without_a_reason_is_still_refused(net: Net, reason: str | None,
                                                                   refused_for_no_reason: bool) -> None:
    """The reason is asked of corrections only (an author unit not the record's own): one named the hub's."""
    def mutate(body: dict[str, object]) -> None:
        records = body["records"]
        assert isinstance(records, list)
        records[-1].update(author_unit="372", reason=reason)

    path = net.write(resign(net.a, net.a.export().read_bytes(), mutate))
    before = net.hub.store.dump()
    [result] = import_files(net.hub.store, [path], backup=False)
    assert result.status == "rejected"
    assert ("thiếu lý do" in result.reason) is refused_for_no_reason, result.reason
    assert net.hub.store.dump() == before
