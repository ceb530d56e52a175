"""A short run of scripts/fuzz.py (atheris over the bundle reader, seeded with valid bundles): no crash, no
hang, no exception other than BundleError, no database write. `make fuzz` runs it for longer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rel_support import record

ROOT = Path(__file__).resolve().parents[2]
RUNS = 100_000


@pytest.mark.slow
def test_fuzz_bundle_reader_short_run() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "fuzz.py"), f"-runs={RUNS}", "-seed=1"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    summary = next((json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")), None)
    ok = proc.returncode == 0 and summary is not None and summary["writes"] == 0
    tried = summary["runs"] if summary else 0
    record("bundle-reader-fuzz", "mutated bundle files and validly signed mutated payloads (fuzzer)",
           f"scripts/fuzz.py -runs={RUNS} -seed=1 ({summary['engine'] if summary else '?'}); crash, hang (>5 s), "
           "other exception or a write counts as lost", tried, 0 if ok else max(1, tried))
    assert ok, proc.stderr[-3000:]
    assert summary["runs"] >= RUNS and summary["accepted"] >= 3


STRUCTURED_RUNS = 3000
STRUCTURED_ROWS = {
    "authorship": ("sync-forged-authorship", "validly signed bundle whose records or institutions name another "
                   "key as author (the hub's, a sibling's, an unknown one), new edit ids"),
    "counters": ("sync-counter-pump", "validly signed bundle whose version vectors claim the receiver's own key, "
                 "a sibling's or an unknown key beyond the evidence, 0, negative, over the cap, 2^53, non-integers"),
    "seq-gaps": ("sync-seq-gaps", "validly signed bundle numbered up to the cap and beyond (seq 10^9, 2^53), then "
                 "the inbox listed"),
    "import-failures": ("sync-import-failures", "validly signed bundle reusing stored, superseded or in-bundle edit "
                        "ids; bad periods, values, timestamps, institutions, certificates"),
    "conflict-storms": ("sync-conflict-storms", "validly signed bundle with 2 to 40 pairwise-concurrent records on "
                        "one value, vectors inside and outside the evidence"),
}


def test_structured_fuzz_of_validly_signed_bodies() -> None:
    """scripts/fuzz.py --structured: real bodies mutated, sealed again with the sender's real key, imported
    into a hub and a commune (rolled back after each); 0 crashes and 0 writes outside the rules."""
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "fuzz.py"), "--structured",
                           f"-runs={STRUCTURED_RUNS}", "-seed=1"], capture_output=True, text=True, timeout=600, cwd=ROOT)
    summary = next((json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")), None)
    ok = proc.returncode == 0 and summary is not None and summary["crashes"] == 0 and summary["violations"] == 0
    how = (f"scripts/fuzz.py --structured -runs={STRUCTURED_RUNS} -seed=1, imported into a hub (up) and a commune "
           "(down); a crash, a refusal that changed anything, or an accepted write outside ARCHITECTURE §3.6 counts as lost")
    for cls, (fault_id, fault) in STRUCTURED_ROWS.items():
        tried = summary["tried"][cls] if summary else 0
        record(fault_id, fault, how, tried, 0 if ok else max(1, tried))
    assert ok, proc.stderr[-3000:]
    assert summary["runs"] == STRUCTURED_RUNS
    statuses = summary["statuses"]
    assert statuses.get("accepted", 0) > 100 and statuses.get("rejected", 0) > 1000  # both sides reached
    assert all(summary["tried"][c] > 300 for c in STRUCTURED_ROWS)
