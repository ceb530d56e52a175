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
