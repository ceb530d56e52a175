"""The bench's «what dominates» lines: samples charged to the innermost kind of work, shares summed right."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import bench_profile  # noqa: E402


def test_kinds_by_frame() -> None:
    assert bench_profile.kind_of("<built-in>", "Connection.executemany") == "SQL (SQLite)"
    assert bench_profile.kind_of("<built-in>", "Ed25519PublicKey.verify") == "signature checks"
    assert bench_profile.kind_of("/x/lhtl_desktop/sync/envelope.py", "strict_json") == "JSON"
    assert bench_profile.kind_of("/x/lhtl_desktop/sync/bundle.py", "parse_body") == "body checks"
    assert bench_profile.kind_of("/usr/lib/python3.12/gzip.py", "decompress") == "gzip"
    assert bench_profile.kind_of("/x/somewhere.py", "helper") is None


def test_the_line_names_shares_largest_first_and_folds_small_ones() -> None:
    line = bench_profile.line({"SQL (SQLite)": 4.0, "JSON": 2.2, "signature checks": 3.1, "gzip": 0.1,
                               bench_profile.OTHER: 0.6})
    # 10 s in all: 40 %, 31 %, 22 %; gzip (1 %) and other Python (6 %) together as the rest.
    assert line == "SQL (SQLite) 40 %, signature checks 31 %, JSON 22 %, other Python 7 %"


def test_a_real_profile_charges_sqlite_inside_python_helpers_to_sql() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a INTEGER, b TEXT)")
    rows = [(i, str(i)) for i in range(50_000)]

    def helper() -> None:  # an uncategorised Python frame around SQLite's own work
        for _ in range(8):
            conn.executemany("INSERT INTO t VALUES (?, ?)", rows)
        json.loads(json.dumps([1, 2, 3]))

    with bench_profile.profiling() as measured:
        helper()
    top = max(measured.seconds, key=measured.seconds.__getitem__)
    assert top == "SQL (SQLite)"
    assert measured.line.startswith("SQL (SQLite) ")
