"""Reliability suite: fixtures, and docs/RELIABILITY.md kept honest from what the tests really tried.

At the end of a session every fault family a test recorded (rel_support.record) replaces its row in the
table between the ledger markers of docs/RELIABILITY.md; rows of families not run this time stay as they
were. Counts are fixed by the tests (seeded), so an unchanged suite rewrites an unchanged file.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import rel_support  # noqa: E402

START = "<!-- ledger:start -->"
END = "<!-- ledger:end -->"
HEADER = ("| id | fault or bad input | how | tried | lost or corrupted |\n"
          "|---|---|---|---:|---:|\n")
_ROW = re.compile(r"^\| `([^`]+)` \| (.*) \| (.*) \| (\d+) \| (\d+) \|$")


def _row(fault_id: str, r: dict[str, object]) -> str:
    return f"| `{fault_id}` | {r['fault']} | {r['how']} | {r['tried']} | {r['lost']} |"


def merge_ledger(text: str, results: dict[str, dict[str, object]]) -> str:
    """The document with the ledger table updated (pure: tested on its own)."""
    rows: dict[str, str] = {}
    if START in text and END in text:
        head, rest = text.split(START, 1)
        body, tail = rest.split(END, 1)
        for line in body.splitlines():
            m = _ROW.match(line.strip())
            if m:
                rows[m.group(1)] = line.strip()
    else:
        head, tail = text.rstrip() + "\n\n", "\n"
    for fault_id, r in results.items():
        rows[fault_id] = _row(fault_id, r)
    table = HEADER + "\n".join(rows[k] for k in sorted(rows)) + "\n"
    return f"{head}{START}\n{table}{END}{tail}"


def totals(text: str) -> tuple[int, int]:
    tried = lost = 0
    for line in text.splitlines():
        m = _ROW.match(line.strip())
        if m:
            tried += int(m.group(4))
            lost += int(m.group(5))
    return tried, lost


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    results = rel_support.session_results()
    if not results:
        return
    path = rel_support.LEDGER_FILE
    if not path.exists():
        return  # not in a source checkout
    old = path.read_text(encoding="utf-8")
    new = merge_ledger(old, results)
    tried, lost = totals(new)
    new = re.sub(r"<!-- totals -->.*?<!-- /totals -->",
                 f"<!-- totals -->**{tried:,}** faulty runs and inputs tried, **{lost}** lost or corrupted "
                 "anything.<!-- /totals -->".replace(f"{tried:,}", f"{tried:,}".replace(",", ".")),
                 new, flags=re.S)
    if new != old:
        path.write_text(new, encoding="utf-8")


@pytest.fixture
def workload_db(tmp_path: Path) -> Path:
    path = tmp_path / "lhtl.sqlite3"
    rel_support.make_workload_db(path)
    return path
