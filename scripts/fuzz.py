"""Fuzz the bundle reader (TESTING.md): no crash, no hang, no exception but BundleError, no database write.

    python scripts/fuzz.py                      # `make fuzz`: 10 minutes (FUZZ_SECONDS overrides)
    python scripts/fuzz.py -runs=3000 -seed=1   # what the slow test runs (any libFuzzer flag works)
    python scripts/fuzz.py --structured         # `make fuzz`, then: 10 minutes of validly signed, wrong bodies
    python scripts/fuzz.py --structured -runs=3000 -seed=1   # what the test runs (fuzz_structured.py)

Set-up: a hub and a commune it enrolled, in a temporary folder; the corpus is seeded with valid bundles the
commune exported (small, larger, after a correction). Each input is one of two kinds, chosen by its first byte:
- even: the raw file bytes, fed to `importer.read_bundle` as a received file (envelope, size cap, base64,
  signature — mutations mostly die at the signature, as they must);
- odd: the rest is a *payload*, gzip'ed if it is not already, and signed with the commune's real key, so the
  fuzzer reaches what only a signed file can reach: the gunzip bomb guard, strict JSON, the schema, routing.
Coverage-guided with atheris (libFuzzer) where it is installed (Linux, CPython 3.12); elsewhere a seeded
random mutator runs the same checks.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

try:
    import atheris
except ImportError:  # pragma: no cover - platform without a wheel
    atheris = None

if atheris is not None:
    with atheris.instrument_imports(include=["lhtl_desktop"]):
        from lhtl_desktop.errors import BundleError
        from lhtl_desktop.sync import envelope, importer
else:
    from lhtl_desktop.errors import BundleError
    from lhtl_desktop.sync import envelope, importer

from lhtl_desktop.services import entry, institutions  # noqa: E402
from lhtl_desktop.services.installation import init_installation  # noqa: E402
from lhtl_desktop.storage import Store, open_store  # noqa: E402
from lhtl_desktop.sync import enrolment, exporter  # noqa: E402
from lhtl_desktop.sync.keys import generate_key, open_private  # noqa: E402

HUB, COMMUNE = "372", "14389"
SLOW_INPUT_SECONDS = 5.0


def build(folder: Path) -> tuple[Store, Callable[[bytes], bytes], list[bytes]]:
    """The hub's store (the reader's target), a signer with the commune's key, and seed bundles."""
    hub = open_store(folder / "hub.sqlite3")
    init_installation(hub, HUB, "Lê Văn Cụm", generate_key())
    commune = open_store(folder / "commune.sqlite3")
    init_installation(commune, COMMUNE, "Nguyễn Thị Hoa", generate_key())
    key_id = str(commune.get_meta("own_key_id"))
    row = commune.key(key_id)
    assert row is not None
    enrolment.enrol_key(hub, enrolment.export_enrolment(commune, folder / "enrol.lhtl"), str(row["fingerprint"]))
    private = open_private(row["private_key"], None)
    seeds = []
    lib = institutions.add_institution(commune, COMMUNE, "lib_commune", "Thư viện xã Gia Lâm")
    seeds.append(exporter.export_bundle(commune, folder / "s1.lhtl", to_unit=HUB).path.read_bytes())
    entry.set_values(commune, lib.id, "2025", {"LIB_VISITS": "1200", "LIB_READERS": "300"})
    seeds.append(exporter.export_bundle(commune, folder / "s2.lhtl", to_unit=HUB).path.read_bytes())
    for i in range(4):
        other = institutions.add_institution(commune, COMMUNE, "village_house", f"Nhà văn hóa thôn {i + 1}")
        entry.set_values(commune, other.id, "2024", {"CC_ACTIVITIES": str(10 + i)})
    entry.set_values(commune, lib.id, "2025", {"LIB_VISITS": "1250"})
    seeds.append(exporter.export_bundle(commune, folder / "s3.lhtl", to_unit=HUB).path.read_bytes())
    commune.close()

    def sign(payload: bytes) -> bytes:
        sig = private.sign(envelope.pae(envelope.BUNDLE_TYPE, payload))
        return json.dumps({"payloadType": envelope.BUNDLE_TYPE, "payload": base64.b64encode(payload).decode(),
                           "signatures": [{"keyid": key_id, "sig": base64.b64encode(sig).decode()}]}).encode()

    return hub, sign, seeds


def seed_inputs(seeds: list[bytes]) -> list[bytes]:
    """Corpus entries in the two input kinds: raw files, and decoded payloads (odd first byte)."""
    out = []
    for data in seeds:
        out.append(b"\x00" + data)
        payload = base64.b64decode(json.loads(data)["payload"])
        out.append(b"\x01" + payload)
        out.append(b"\x01" + gzip.decompress(payload))  # plain JSON: the target gzips it
    return out


class Target:
    """One input → one read; anything but BundleError, a write or a slow input is a failure."""

    def __init__(self, hub: Store, sign: Callable[[bytes], bytes]) -> None:
        self.hub = hub
        self.sign = sign
        self.runs = 0
        self.rejected = 0
        self.accepted = 0
        self.local = importer.load_local(hub)
        self.changes = hub.db.conn.total_changes

    def __call__(self, data: bytes) -> None:
        self.runs += 1
        if not data:
            return
        kind, rest = data[0], data[1:]
        if kind % 2:
            payload = rest if rest[:2] == b"\x1f\x8b" else gzip.compress(rest, mtime=0)
            blob = self.sign(payload)
        else:
            blob = rest
        started = time.perf_counter()
        try:
            importer.read_bundle(self.hub, blob, self.local)
            self.accepted += 1
        except BundleError:
            self.rejected += 1
        elapsed = time.perf_counter() - started
        if self.hub.db.conn.total_changes != self.changes:
            raise AssertionError("the reader wrote to the database")
        if elapsed > SLOW_INPUT_SECONDS:
            raise AssertionError(f"one input took {elapsed:.1f} s (hang guard {SLOW_INPUT_SECONDS} s)")


def _flag(argv: list[str], name: str, default: int) -> int:
    for a in argv:
        if a.startswith(f"-{name}="):
            return int(a.split("=", 1)[1])
    return default


def random_mutation_fuzz(target: Target, corpus: list[bytes], argv: list[str]) -> None:
    """Fallback where atheris cannot be installed: seeded byte mutations of the corpus."""
    rng = random.Random(_flag(argv, "seed", 1))
    runs = _flag(argv, "runs", 0)
    deadline = time.monotonic() + _flag(argv, "max_total_time", 600)
    while (runs and target.runs < runs) or (not runs and time.monotonic() < deadline):
        data = bytearray(rng.choice(corpus))
        for _ in range(rng.randint(1, 8)):
            op = rng.randrange(4)
            pos = rng.randrange(len(data) + 1)
            if op == 0 and data:
                data[min(pos, len(data) - 1)] ^= 1 << rng.randrange(8)
            elif op == 1:
                data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
            elif op == 2:
                del data[pos:pos + rng.randint(1, 64)]
            else:
                data[pos:pos] = rng.choice([b"{", b"}", b"[", b"\"", b"\\u", b"NaN", b"1e999", b"\xff", b"\x1f\x8b"])
        target(bytes(data))


def structured_main(argv: list[str]) -> int:
    """The structured mode (scripts/fuzz_structured.py): prints one JSON summary; exit 1 on any crash or
    write outside the rules, with the first few shown on stderr."""
    import fuzz_structured

    runs = _flag(argv, "runs", 0)
    seconds = _flag(argv, "max_total_time", int(os.environ.get("FUZZ_SECONDS", "600")))
    with tempfile.TemporaryDirectory(prefix="lhtl-fuzz-structured-") as tmp:
        summary, target = fuzz_structured.run(Path(tmp), runs=runs, seconds=seconds, seed=_flag(argv, "seed", 1))
        print(json.dumps(summary, ensure_ascii=False), flush=True)
        for text in (target.crashes + target.violations)[:5]:
            print(text, file=sys.stderr)
        target.close()
    return 1 if summary["crashes"] or summary["violations"] else 0


def main(argv: list[str]) -> int:
    if "--structured" in argv:
        return structured_main([a for a in argv if a != "--structured"])
    with tempfile.TemporaryDirectory(prefix="lhtl-fuzz-") as tmp:
        folder = Path(tmp)
        hub, sign, seeds = build(folder)
        corpus_dir = folder / "corpus"
        corpus_dir.mkdir()
        corpus = seed_inputs(seeds)
        for i, item in enumerate(corpus):
            (corpus_dir / f"seed{i}").write_bytes(item)
        target = Target(hub, sign)
        for item in corpus:  # the seeds themselves must pass (raw bundles are accepted)
            target(item)
        assert target.accepted >= len(seeds), "valid seed bundles were not accepted"
        args = list(argv)
        if not any(a.startswith(("-runs=", "-max_total_time=")) for a in args):
            args.append(f"-max_total_time={int(os.environ.get('FUZZ_SECONDS', '600'))}")
        engine = "atheris" if atheris is not None else "random-mutation"
        started = time.monotonic()
        if atheris is not None:
            runs = _flag(args, "runs", 0)

            def one(data: bytes) -> None:
                target(data)
                if runs and target.runs - len(corpus) >= runs:
                    report(engine, target, started)
                    os._exit(0)  # libFuzzer's -runs also counts the corpus; stop on our own count

            atheris.Setup([sys.argv[0], "-timeout=10", "-rss_limit_mb=2048", *args, str(corpus_dir)], one)
            atheris.Fuzz()  # exits the process at the end of the run
        else:
            random_mutation_fuzz(target, corpus, args)
        report(engine, target, started)
        hub.close()
    return 0


def report(engine: str, target: Target, started: float) -> None:
    print(json.dumps({"engine": engine, "runs": target.runs, "rejected": target.rejected,
                      "accepted": target.accepted, "seconds": round(time.monotonic() - started, 1),
                      "writes": target.hub.db.conn.total_changes - target.changes}), flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
