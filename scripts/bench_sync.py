"""Sync benchmark: a province imports one bundle from each of its 129 communes (two-tier mode).

Each commune: ~20 institutions, every indicator of its type, 6 years. Prints input sizes, the time of the
whole import (reader + merge + writes, one transaction per file) and, for the same rows, the ratio of the
merge-and-write step to a raw `executemany` into the same schema. Run: `python scripts/bench_sync.py`.
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lhtl_desktop.model.catalogue import CATALOG_VERSION, Level, indicators_for_type  # noqa: E402
from lhtl_desktop.model.records import now_utc  # noqa: E402
from lhtl_desktop.services.installation import init_installation, set_two_tier  # noqa: E402
from lhtl_desktop.storage import open_store, sync_store  # noqa: E402
from lhtl_desktop.storage.migrations import SCHEMA_VERSION  # noqa: E402
from lhtl_desktop.sync import importer  # noqa: E402
from lhtl_desktop.sync.bundle import FORMAT, FORMAT_VERSION  # noqa: E402
from lhtl_desktop.sync.enrolment import enrol_key  # noqa: E402
from lhtl_desktop.sync.envelope import BUNDLE_TYPE, ENROLMENT_TYPE, seal, write_atomic  # noqa: E402
from lhtl_desktop.sync.keys import generate_key, open_private  # noqa: E402

TYPES = ["lib_commune", "cc_commune", *["village_house"] * 18]
YEARS = [str(y) for y in range(2020, 2026)]


def commune_bundle(folder: Path, unit: str, province, seq: int = 1) -> Path:  # type: ignore[no-untyped-def]
    key = generate_key()
    private = open_private(key.private_key, None)
    enrol_path = folder / f"enrol-{unit}.lhtl"
    write_atomic(enrol_path, seal(ENROLMENT_TYPE, {
        "format": "lhtl-enrolment", "format_version": 1, "unit": unit, "unit_name": unit, "officer": "Cán bộ",
        "key_id": key.key_id, "public_key": key.public_key, "created": now_utc()}, key.key_id, private))
    enrol_key(province, enrol_path, key.fingerprint)
    now = now_utc()
    institutions, records = [], []
    for n, type_code in enumerate(TYPES):
        inst_id = str(uuid.uuid4())
        institutions.append({"id": inst_id, "unit": unit, "type": type_code, "name": f"Thiết chế {n}",
                             "village": f"Thôn {n}" if type_code == "village_house" else None,
                             "opened_year": None, "closed_year": None, "created": now, "updated": now,
                             "vv": {key.key_id: 1}, "author_key": key.key_id, "edit_id": str(uuid.uuid4())})
        for year in YEARS:
            for ind in indicators_for_type(type_code):
                records.append({"edit_id": str(uuid.uuid4()), "institution": inst_id, "unit": unit, "period": year,
                                "indicator": ind.code, "value": 1 if ind.kind == "flag" else 12,
                                "vv": {key.key_id: 1}, "author_key": key.key_id, "author_unit": unit,
                                "author_name": "Cán bộ", "created": now, "reason": None, "warning": None})
    body = {"format": FORMAT, "format_version": FORMAT_VERSION, "bundle_id": str(uuid.uuid4()), "from_unit": unit,
            "to_unit": "37", "seq": seq, "created": now, "schema_version": SCHEMA_VERSION,
            "catalog_version": CATALOG_VERSION, "scope": [unit], "institutions": institutions, "records": records,
            "certificates": []}
    return write_atomic(folder / f"{unit}.lhtl", seal(BUNDLE_TYPE, body, key.key_id, private))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        province = open_store(tmp / "province.sqlite3")
        init_installation(province, "37", "Sở VHTTDL", generate_key())
        set_two_tier(province, True)
        communes = [u.code for u in province.units().values() if u.level == Level.COMMUNE]
        t0 = time.perf_counter()
        files = [commune_bundle(tmp, code, province) for code in communes]
        t_make = time.perf_counter() - t0
        size = sum(f.stat().st_size for f in files)

        t0 = time.perf_counter()
        results = importer.import_files(province, files)
        t_import = time.perf_counter() - t0
        assert all(r.status == "accepted" for r in results), [r.reason for r in results if r.reason][:3]
        n_records = sum(r.new for r in results)
        print(f"communes: {len(files)}, records: {n_records:,}, bundle bytes: {size:,}")
        print(f"make bundles: {t_make:.2f} s; import all (with one backup): {t_import:.2f} s "
              f"({t_import / len(files) * 1000:.0f} ms per bundle)")

        # Merge + write of the same rows vs a raw executemany into the same schema (fresh copies).
        rows = sync_store.scope_records(province, communes)
        fresh = open_store(tmp / "raw.sqlite3")
        init_installation(fresh, "37", "x", generate_key())
        inst_rows = sync_store.scope_institutions(province, communes)
        with fresh.atomic():
            sync_store.upsert_institutions(fresh, inst_rows)
        t0 = time.perf_counter()
        with sync_store.immediate(fresh):
            fresh.db.conn.executemany(sync_store._INSERT_RECORD, [sync_store.record_tuple(r) for r in rows])
        t_raw = time.perf_counter() - t0
        fresh.db.execute("DELETE FROM value_records")
        from lhtl_desktop.sync.merge import plan_records

        t0 = time.perf_counter()
        by_inst: dict[str, list] = {}  # type: ignore[type-arg]
        for r in rows:
            by_inst.setdefault(r.institution_id, []).append(r)
        with sync_store.immediate(fresh):
            current = sync_store.current_siblings(fresh, list(by_inst))
            plan = plan_records(current, rows)
            sync_store.apply_records(fresh, plan.inserts, plan.supersede, now_utc())
        t_merge = time.perf_counter() - t0
        print(f"raw executemany of {len(rows):,} rows: {t_raw:.2f} s; merge + write: {t_merge:.2f} s; "
              f"ratio {t_merge / t_raw:.2f}x (budget 3x)")


if __name__ == "__main__":
    main()
