"""«What dominates» a benchmark figure, measured: one run under pyinstrument, its time split into kinds of work.

Each sampled moment is charged to the innermost frame on its stack that belongs to a kind (SQLite's own
calls inside the merge are SQL, not merge; JSON decoding inside the body check is JSON), or to «other
Python» when none does. The line names the kinds by their share of the profiled run, largest first, e.g.
«SQL (SQLite) 41 %, JSON 23 %, signature checks 12 %, other Python 9 %».
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# (kind, pattern on "file_path:function"), tried in order on each frame; the first that matches names it.
KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((kind, re.compile(pattern)) for kind, pattern in (
    ("signature checks", r"(^<built-in>:Ed25519PublicKey\.verify$|:(verify_signature|verify_envelope|_signature_ok)$)"),
    ("signing", r"^<built-in>:Ed25519PrivateKey\.sign$"),
    ("key derivation", r"^<built-in>:Scrypt\."),
    ("gzip", r"(gzip\.py:|^<built-in>:(compress|decompress|zlib\.|Decompress|Compress|crc32))"),
    ("base64", r"(base64\.py:|^<built-in>:(a2b_base64|b2a_base64))"),
    ("JSON", r"(json/(decoder|encoder|__init__)\.py:|:(strict_json|_too_deep|_no_duplicates|_bounded_int)$|"
             r"^<built-in>:(scanstring|make_scanner|c_make_encoder))"),
    ("SQL (SQLite)", r"^<built-in>:(Connection|Cursor)\.|sqlite_utils/"),
    ("body checks", r"lhtl_desktop/sync/(bundle|authority)\.py:"),
    ("trust and certificates", r"lhtl_desktop/sync/(trust|local|enrolment)\.py:"),
    ("merge", r"lhtl_desktop/sync/(merge|importer|conflicts)\.py:"),
    ("export", r"lhtl_desktop/sync/exporter\.py:"),
    ("storage code", r"lhtl_desktop/storage/"),
    ("PDF layout (fpdf2)", r"fpdf/"),
    ("xlsx (openpyxl)", r"openpyxl/|et_xmlfile/|xml/"),
    ("report building", r"lhtl_desktop/(reports|services/reports)"),
    ("target maths", r"lhtl_desktop/(model|services/evaluation)"),
    # The entry page's driver itself only calls into Qt (QTest key clicks, selectRow): static C++ calls that
    # pyinstrument shows as the driver's own time.
    ("Qt (C++)", r"(^<built-in>:Q[A-Za-z]+\.|PySide6/|bench\.py:child_entry$)"),
    ("window code", r"lhtl_desktop/ui/"),
    ("module imports", r"(<frozen importlib|importlib/)"),
    ("services", r"lhtl_desktop/services/"),
))
OTHER = "other Python"


def kind_of(file_path: str, function: str) -> str | None:
    text = f"{file_path}:{function}"
    for kind, pattern in KINDS:
        if pattern.search(text):
            return kind
    return None


def shares(root: Any) -> dict[str, float]:
    """Seconds per kind in a pyinstrument frame tree (self time charged to the innermost kind)."""
    out: dict[str, float] = {}
    stack: list[tuple[Any, str | None]] = [(root, None)]
    while stack:
        frame, inherited = stack.pop()
        if frame.is_synthetic:
            if frame.identifier == "[self]" or frame.is_synthetic_leaf:
                charged = inherited or OTHER
                out[charged] = out.get(charged, 0.0) + frame.time
            continue
        kind = kind_of(frame.file_path or "", frame.function or "") or inherited
        if not frame.children:
            out[kind or OTHER] = out.get(kind or OTHER, 0.0) + frame.time
        for child in frame.children:
            stack.append((child, kind))
    return out


def line(seconds: dict[str, float], *, floor: float = 0.03) -> str:
    """«SQL (SQLite) 41 %, JSON 23 %, …»: kinds of at least `floor` of the total, the rest as «other»."""
    total = sum(seconds.values())
    if total <= 0:
        return "nothing sampled"
    parts, rest = [], 0.0
    for kind, s in sorted(seconds.items(), key=lambda kv: -kv[1]):
        if s / total >= floor and kind != OTHER:
            parts.append(f"{kind} {100 * s / total:.0f} %")
        else:
            rest += s
    if rest / total >= 0.005:
        parts.append(f"{OTHER if len(parts) < len(seconds) else 'rest'} {100 * rest / total:.0f} %")
    return ", ".join(parts)


class Measured:
    """What one profiled run found: the line, and where the full text profile was written."""

    def __init__(self) -> None:
        self.line = ""
        self.seconds: dict[str, float] = {}
        self.path: Path | None = None


@contextmanager
def profiling(save_as: Path | None = None, interval: float = 0.001) -> Iterator[Measured]:
    """Profile the block; afterwards `.line` says what dominated it (and the text profile is at `save_as`)."""
    from pyinstrument import Profiler

    measured = Measured()
    profiler = Profiler(interval=interval)
    profiler.start()
    try:
        yield measured
    finally:
        profiler.stop()
        session = profiler.last_session
        root = session.root_frame() if session is not None else None
        if root is not None:
            measured.seconds = shares(root)
            measured.line = line(measured.seconds)
        if save_as is not None:
            save_as.parent.mkdir(parents=True, exist_ok=True)
            save_as.write_text(profiler.output_text(unicode=True, color=False), encoding="utf-8")
            measured.path = save_as


def profile_call(fn: Callable[[], Any], save_as: Path | None = None) -> str:
    with profiling(save_as) as m:
        fn()
    return m.line


def dump(m: Measured) -> str:
    return json.dumps({"line": m.line, "seconds": m.seconds})
