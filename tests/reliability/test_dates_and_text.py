"""Dates and characters, typed or in validly signed bundles: periods only from 2000 to next year, timestamps that
name a real UTC moment, no line or paragraph separators (U+2028/U+2029) in names and reasons. Each refused with
a Vietnamese reason and nothing written."""

from __future__ import annotations

import base64
import copy
import datetime as _dt
import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rel_support import COMMUNE, import_state, make_sync_pair, record

from lhtl_desktop.cli import main
from lhtl_desktop.model.periods import max_period_year, parse_period, parse_year
from lhtl_desktop.model.timestamps import is_utc_timestamp
from lhtl_desktop.storage import open_store
from lhtl_desktop.storage.backup import parse_backup_name
from lhtl_desktop.sync.envelope import BUNDLE_TYPE, seal
from lhtl_desktop.sync.importer import import_file
from lhtl_desktop.sync.keys import open_private

NEXT = max_period_year()
BAD_STAMPS = ["9999-99-99T99:99:99Z", "2025-02-30T00:00:00.000Z", "2025-13-01T00:00:00Z", "2025-06-01T24:00:00Z",
              "2025-06-01T23:60:00Z", "2025-06-01T23:59:61Z", "0000-01-01T00:00:00Z"]
BAD_PERIODS = ["2100", str(NEXT + 1), str(NEXT + 1) + "-H1", "1999", "9999"]
SEPARATED = ["Thư viện\u2028xã", "Thư viện xã\u2029", "\u2028"]


def body_of(data: bytes) -> dict[str, Any]:
    return json.loads(gzip.decompress(base64.b64decode(json.loads(data)["payload"])))


def resealed(commune_db: Path, data: bytes, mutate: Callable[[dict[str, Any]], None]) -> bytes:
    """The commune's real bundle, changed and validly signed again with its own key (the project's sealing)."""
    store = open_store(commune_db)
    try:
        key_id = str(store.get_meta("own_key_id"))
        row = store.key(key_id)
        assert row is not None
        body = copy.deepcopy(body_of(data))
        mutate(body)
        return seal(BUNDLE_TYPE, body, key_id, open_private(row["private_key"], None))
    finally:
        store.close()


def _mutations() -> dict[str, Callable[[dict[str, Any]], None]]:
    def set_in(where: str, field: str, value: Any) -> Callable[[dict[str, Any]], None]:
        def mutate(body: dict[str, Any]) -> None:
            if where == "body":
                body[field] = value
            else:
                body[where][0][field] = value
        return mutate

    cases: dict[str, Callable[[dict[str, Any]], None]] = {}
    for stamp in BAD_STAMPS:
        cases[f"bundle created {stamp}"] = set_in("body", "created", stamp)
        cases[f"record created {stamp}"] = set_in("records", "created", stamp)
        cases[f"institution updated {stamp}"] = set_in("institutions", "updated", stamp)
    for period in BAD_PERIODS:
        cases[f"record period {period}"] = set_in("records", "period", period)
    for text in SEPARATED:
        cases[f"institution name {text!r}"] = set_in("institutions", "name", text)
        cases[f"village {text!r}"] = set_in("institutions", "village", text)
        cases[f"author name {text!r}"] = set_in("records", "author_name", text)
        cases[f"reason {text!r}"] = set_in("records", "reason", text)
    return cases


def test_validly_signed_bundles_with_bad_dates_or_separators_are_refused(tmp_path: Path) -> None:
    hub_db, commune_db, bundle = make_sync_pair(tmp_path, institutions_n=1)
    data = bundle.read_bytes()
    tried = lost = 0
    failures: list[object] = []
    for n, (name, mutate) in enumerate(_mutations().items()):
        path = tmp_path / f"crafted-{n}.lhtl"
        path.write_bytes(resealed(commune_db, data, mutate))
        before = import_state(hub_db)
        hub = open_store(hub_db)
        try:
            result = import_file(hub, path, backup=False)
        finally:
            hub.close()
        tried += 1
        ok = result.status == "rejected" and bool(result.reason) and import_state(hub_db) == before
        if not ok:
            failures.append((name, result.status, result.reason))
        lost += 0 if ok else 1
    # The unchanged bundle, resealed the same way, goes in: the refusals are for the fields, not the sealing.
    path = tmp_path / "control.lhtl"
    path.write_bytes(resealed(commune_db, data, lambda body: None))
    hub = open_store(hub_db)
    try:
        assert import_file(hub, path, backup=False).status == "accepted"
    finally:
        hub.close()
    record("bundle-bad-dates-text", "validly signed bundle with an impossible timestamp (9999-99-99T99:99:99Z, "
           "30 February, 24:00, …), a period outside 2000–next year, or U+2028/U+2029 in a name, village, author "
           "or reason", "commune key re-seals its real bundle with one field changed; hub state before/after",
           tried, lost)
    assert lost == 0, failures


def test_typed_periods_and_names_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _hub_db, commune_db, _bundle = make_sync_pair(tmp_path, institutions_n=1)
    store = open_store(commune_db)
    lib = next(i.id for i in store.institutions([COMMUNE]))
    before = store.dump()
    store.close()
    commands = [["set", "--institution", lib, "--period", p, "LIB_VISITS=5"] for p in BAD_PERIODS]
    # Evaluating reads only, so a milestone year ahead is allowed (to 2100); before 2000 or after 2100 is not.
    commands += [["evaluate", "--period", "1999"], ["evaluate", "--period", "2101"],
                 ["report", "--period", "2101", "--out", str(tmp_path / "r.pdf")]]
    commands += [["institution", "add", "--unit", COMMUNE, "--type", "museum", "--name", t] for t in SEPARATED]
    commands += [["institution", "add", "--unit", COMMUNE, "--type", "museum", "--name", "Bảo tàng",
                  "--village", t] for t in SEPARATED]
    commands += [["set", "--institution", lib, "--period", "2025", "--why", t, "LIB_VISITS=5"] for t in SEPARATED]
    tried = lost = 0
    failures: list[object] = []
    for argv in commands:
        rc = main(["--db", str(commune_db), *argv])
        err = capsys.readouterr().err
        store = open_store(commune_db)
        unchanged = store.dump() == before
        store.close()
        tried += 1
        ok = rc == 2 and err.count("\n") == 1 and unchanged
        if not ok:
            failures.append((argv, rc, err))
        lost += 0 if ok else 1
    record("typed-bad-dates-text", "a period outside 2000–next year (2000–2100 to evaluate), U+2028/U+2029 in a "
           "name, village or reason", "CLI set, evaluate, report, institution add; store.dump() before/after",
           tried, lost)
    assert lost == 0, failures
    assert not (tmp_path / "r.pdf").exists()


def test_the_rules_themselves() -> None:
    assert parse_period(str(NEXT)).year == NEXT and parse_period("2000").year == 2000
    assert parse_year("2030") == 2030  # targets of a milestone year ahead may be read
    assert _dt.datetime.now(_dt.UTC).year + 1 == NEXT
    assert all(not is_utc_timestamp(s) for s in BAD_STAMPS)
    assert is_utc_timestamp("2024-02-29T23:59:59.999Z") and is_utc_timestamp("2025-06-01T00:00:00Z")
    # A file in backups/ with an impossible stamp in its name is ignored, not a crash of the backup list.
    assert parse_backup_name(Path("lhtl-99999999T999999999999Z-exit.sqlite3")) is None
