"""National data for `make bench-national`: 34 provinces, their hubs and 3,321 communes, generated fast and real.

Every province, hub and commune is the one of the reference data (lhtl_desktop.reference.units). Hubs and
provinces are real installations (databases set up by `init_installation`; the province enrols each hub's
key from the hub's own enrolment file with the fingerprint, as an officer would). Communes have no
database: each gets a real Ed25519 key, a certificate issued by its hub's key (what `enrol_key` writes at
the hub), about 20 institutions with six years of values (scripts/benchdata.py), and one signed bundle to
its hub (the five đặc khu, which no former district claims, to their province directly). The bundle is built from
the rows a commune installation would hold — institution rows and value-record tuples in storage order, one
counter per edit — by the exporter's own body builder and sealed by the exporter's own sealing, so it is
read by the real importer exactly as a commune's export would be.

Everything is drawn from `random.Random` seeded by (seed, unit code), and written under
build/bench-national-cache/<seed>/<province>/. A province whose manifest matches the generator, schema,
format and catalogue versions is reused as it is; anything else is generated again.

    python scripts/nationaldata.py --seed 2026 [--provinces 37,04]   # generate (or reuse) and print counts
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import benchdata  # noqa: E402 — after the path set-up above

GENERATOR_VERSION = 3
CACHE = ROOT / "build" / "bench-national-cache"
OFFICERS = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Giang",
            "Đặng Văn Hải", "Bùi Thị Hạnh", "Đỗ Văn Khánh", "Ngô Thị Lan")
RECEIVER_OFFICER = "Nguyễn Thị Hương"


@dataclass(frozen=True)
class CommuneKey:
    key_id: str
    public_key: str  # base64 of the raw public key
    fingerprint: str
    private: Any  # Ed25519PrivateKey


def cache_key() -> dict[str, Any]:
    """What a cached province must have been generated with to be reused."""
    from lhtl_desktop.model.catalogue import CATALOG_VERSION
    from lhtl_desktop.storage.migrations import SCHEMA_VERSION
    from lhtl_desktop.sync.bundle import FORMAT_VERSION

    return {"generator": GENERATOR_VERSION, "schema": SCHEMA_VERSION, "format": FORMAT_VERSION,
            "catalog": CATALOG_VERSION}


def _rng(seed: int, code: str) -> random.Random:
    return random.Random(f"{seed}:{code}")


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def commune_key(rng: random.Random) -> CommuneKey:
    """A real Ed25519 key drawn from the seed (the same seed, the same key)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from lhtl_desktop.sync.keys import b64, fingerprint_of, key_id_of, raw_public

    private = Ed25519PrivateKey.from_private_bytes(rng.randbytes(32))
    raw = raw_public(private.public_key())
    return CommuneKey(key_id_of(raw), b64(raw), fingerprint_of(raw), private)


def _stamp(year: int, month: int, day: int, minute: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}T{8 + minute // 60:02d}:{minute % 60:02d}:00.000Z"


def commune_rows(unit: Any, key: CommuneKey, rng: random.Random,
                 years: Sequence[int] = benchdata.YEARS) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]]:
    """The rows a commune installation would hold after its officer added the institutions and entered every
    year once: `institutions` rows and value-record tuples (storage order), one counter per edit, one time per
    institution-year (one save of the form), a jump warning where the entry page would give one."""
    from lhtl_desktop.model.catalogue import indicators_for_type
    from lhtl_desktop.model.records import ValueRecord
    from lhtl_desktop.model.validation import jump_warning
    from lhtl_desktop.storage.sync_store import record_tuple, vv_text

    officer = rng.choice(OFFICERS)
    short = unit.name.split(" ", 1)[1] if " " in unit.name else unit.name
    specs = benchdata.commune_institutions(rng, short, ward=unit.name.startswith("Phường"))
    set_up = _stamp(years[0], 3, 1 + rng.randrange(25), rng.randrange(480))
    one = vv_text({key.key_id: 1})  # a new institution's vector: advance([], key)
    institutions = [{"id": _uuid(rng), "unit_code": unit.code, "type": s.type, "name": s.name,
                     "village": s.village, "opened_year": None, "closed_year": None, "created_at": set_up,
                     "updated_at": set_up, "vv": one, "author_key": key.key_id, "edit_id": _uuid(rng)}
                    for s in specs]
    records: list[tuple[Any, ...]] = []
    counter = 0
    for inst in institutions:
        codes = [i.code for i in indicators_for_type(inst["type"])]
        previous: dict[str, int] = {}
        for year, values in sorted(benchdata.yearly_values(rng, codes, years).items()):
            saved = _stamp(year + 1, 1, 5 + rng.randrange(20), rng.randrange(480))
            for code, value in values.items():
                counter += 1
                warning = jump_warning(code, value, previous.get(code))
                records.append(record_tuple(ValueRecord(
                    _uuid(rng), inst["id"], unit.code, str(year), code, value, {key.key_id: counter}, key.key_id,
                    unit.code, saved, None, warning.message if warning else None, officer)))
            previous = values
    return institutions, records


def commune_bundle(unit: Any, key: CommuneKey, to_unit: str, rng: random.Random,
                   years: Sequence[int] = benchdata.YEARS) -> tuple[bytes, int, int]:
    """(signed bundle bytes, institutions, values): the commune's first export (number 1) to `to_unit`, built
    and sealed by the exporter's own code from the commune's rows, as `export_bundle` would from its store."""
    from lhtl_desktop.sync.exporter import bundle_body, institution_wire_of_row, record_wire_of_row, seal_body

    institutions, records = commune_rows(unit, key, rng, years)
    last = max((r[10] for r in records), default=institutions[0]["created_at"])
    body = bundle_body(
        bundle_id=_uuid(rng), from_unit=unit.code, to_unit=to_unit, seq=1, created=last, scope=[unit.code],
        institutions=[institution_wire_of_row(r) for r in sorted(institutions, key=lambda r: r["id"])],
        records=[record_wire_of_row(r) for r in sorted(records)],  # by edit id, as the store returns them
        certificates=[])  # a commune that enrolled nobody carries no certificates
    return seal_body(body, key.key_id, key.private), len(institutions), len(records)


def receiver(path: Path, unit_code: str, province: str) -> tuple[Any, bool]:
    """(store, worked around): a hub or province installation, set up as an officer would (its own random
    key, no passphrase).

    Worked around: `province_of_hub` places the former districts 815–825 (Tiền Giang, now in Đồng Tháp, 82)
    in Tây Ninh (80), so `init_installation` refuses them as hubs of the province that lists them; for those
    the set-up is told the province the reference data lists them under, and the manifest says so."""
    from unittest import mock

    from lhtl_desktop.reference import units
    from lhtl_desktop.services.installation import init_installation
    from lhtl_desktop.storage import open_store
    from lhtl_desktop.sync.keys import generate_key

    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = open_store(path)
    around = unit_code != province and units.province_of_hub(unit_code) != province
    if around:
        with mock.patch.object(units, "province_of_hub", lambda _code: province):
            init_installation(store, unit_code, RECEIVER_OFFICER, generate_key(None))
    else:
        init_installation(store, unit_code, RECEIVER_OFFICER, generate_key(None))
    return store, around


def certify(store: Any, unit_code: str, key: CommuneKey) -> None:
    """What `enrol_key` writes at the receiver once the typed fingerprint matched: a certificate of the
    commune's key signed by the receiver's own key, and the key itself as trusted."""
    from lhtl_desktop.model.records import now_utc
    from lhtl_desktop.storage import sync_store
    from lhtl_desktop.sync.keys import open_private
    from lhtl_desktop.sync.local import load_local
    from lhtl_desktop.sync.trust import issue_certificate

    local = load_local(store)
    private = open_private(local.own_private_sealed(store), None)
    now = now_utc()
    with store.atomic():
        cert = issue_certificate(private, issuer_key_id=local.own_key_id, issuer_unit=local.unit.code,
                                 subject_key_id=key.key_id, subject_public_key=key.public_key,
                                 subject_unit=unit_code, status="active",
                                 version=sync_store.next_registry_version(store), issued_at=now,
                                 officer=local.officer)
        sync_store.save_certificates(store, [{
            "subject_key_id": cert.subject_key_id, "issuer_key_id": cert.issuer_key_id,
            "subject_unit": cert.subject_unit, "issuer_unit": cert.issuer_unit, "status": cert.status,
            "version": cert.version, "issued_at": cert.issued_at, "body": cert.body, "sig": cert.sig}])
        store.insert_key({"key_id": key.key_id, "unit_code": unit_code, "public_key": key.public_key,
                          "fingerprint": key.fingerprint, "status": "trusted", "private_key": None,
                          "officer": "", "created_at": now})


def generate_province(folder: Path, code: str, seed: int, *, limit: int | None = None,
                      years: Sequence[int] = benchdata.YEARS) -> dict[str, Any]:
    """Write one province (its hubs, its communes' bundles and keys' certificates) into `folder`; return
    its manifest. `limit` keeps the first communes only (the tests' tiny sample)."""
    from lhtl_desktop.reference.units import load_province
    from lhtl_desktop.sync.enrolment import enrol_key, export_enrolment, own_key_info

    started = time.perf_counter()
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "communes").mkdir(parents=True)
    ref = load_province(code)
    communes = ref.communes[:limit] if limit else ref.communes
    by_parent: dict[str, list[Any]] = {}
    for unit in communes:
        # A commune no former district claims (the five đặc khu) reports straight to its province.
        by_parent.setdefault(unit.parent or code, []).append(unit)
    province, _around = receiver(folder / "province.sqlite3", code, code)
    worked_around: list[str] = []
    hubs: list[dict[str, Any]] = []
    direct: list[str] = []
    n_insts = n_values = 0
    try:
        for parent in sorted(by_parent):
            store = province
            if parent != code:
                store, around = receiver(folder / f"hub-{parent}.sqlite3", parent, code)
                if around:
                    worked_around.append(parent)
            bundles: list[str] = []
            try:
                for unit in by_parent[parent]:
                    rng = _rng(seed, unit.code)
                    key = commune_key(rng)
                    certify(store, unit.code, key)
                    data, insts, values = commune_bundle(unit, key, parent, rng, years)
                    name = f"communes/{unit.code}.lhtl"
                    (folder / name).write_bytes(data)
                    bundles.append(name)
                    n_insts += insts
                    n_values += values
                if store is not province:
                    enrolment = export_enrolment(store, folder / f"enrol-{parent}.lhtl")
                    enrol_key(province, enrolment, own_key_info(store).fingerprint)
            finally:
                if store is not province:
                    store.close()
            if parent == code:
                direct = bundles
            else:
                hubs.append({"code": parent, "db": f"hub-{parent}.sqlite3", "bundles": bundles})
    finally:
        province.close()
    manifest = {"key": cache_key(), "seed": seed, "province": code, "name": ref.province.name,
                "communes": len(communes), "hubs": hubs, "direct": direct, "institutions": n_insts,
                "values": n_values, "limit": limit, "hubs_set_up_around_province_of_hub": worked_around, "seconds": round(time.perf_counter() - started, 2)}
    # Written last: a province without its manifest (an interrupted run) is generated again.
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def cached_province(root: Path, code: str, seed: int, *, limit: int | None = None) -> tuple[dict[str, Any], bool]:
    """(manifest, reused): the province from the cache when it was generated with this seed and these
    versions, else generated now."""
    folder = root / str(seed) / code
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if manifest["key"] == cache_key() and manifest["seed"] == seed and manifest["limit"] == limit:
            return manifest, True
    except (OSError, ValueError, KeyError):
        pass
    return generate_province(folder, code, seed, limit=limit), False


def _generate_one(args: tuple[str, str, int]) -> tuple[str, dict[str, Any], bool]:
    root, code, seed = args
    manifest, reused = cached_province(Path(root), code, seed)
    return code, manifest, reused


def national(seed: int, codes: Sequence[str] | None = None, root: Path = CACHE,
             workers: int | None = None) -> dict[str, tuple[dict[str, Any], bool]]:
    """Every province's manifest (generating what the cache lacks, on up to `workers` processes)."""
    from lhtl_desktop.reference.units import provinces

    wanted = list(codes) if codes else [c for c, _name in provinces()]
    jobs = [(str(root), c, seed) for c in wanted]
    workers = workers or min(2, os.cpu_count() or 1)
    out: dict[str, tuple[dict[str, Any], bool]] = {}
    if workers > 1 and len(jobs) > 1:
        from multiprocessing import get_context

        with get_context("spawn").Pool(workers) as pool:
            for code, manifest, reused in pool.imap_unordered(_generate_one, jobs):
                out[code] = (manifest, reused)
                print(f"   {code} {manifest['name']}: {manifest['communes']} communes, {len(manifest['hubs'])} "
                      f"hubs, {manifest['values']} values — {'reused' if reused else 'generated in '
                      + str(manifest['seconds']) + ' s'}", flush=True)
    else:
        for job in jobs:
            code, manifest, reused = _generate_one(job)
            out[code] = (manifest, reused)
    return {c: out[c] for c in wanted}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--provinces", default="", help="comma-separated province codes (default: all 34)")
    args = parser.parse_args(argv)
    codes = [c.strip() for c in args.provinces.split(",") if c.strip()] or None
    started = time.perf_counter()
    result = national(args.seed, codes)
    print(f"{sum(m['communes'] for m, _r in result.values())} communes, "
          f"{sum(m['values'] for m, _r in result.values())} values in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
