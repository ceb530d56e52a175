"""The national benchmark's generator: its bundles are what the real importer accepts, and its cache is reused.

A tiny sample (Lai Châu, its first two communes) goes the whole way a province's data goes in
`make bench-national`: the hub imports the commune bundles, exports its subtree, the province imports that.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import nationaldata  # noqa: E402

from lhtl_desktop.storage import open_store  # noqa: E402
from lhtl_desktop.sync.envelope import open_envelope  # noqa: E402
from lhtl_desktop.sync.exporter import export_bundle  # noqa: E402
from lhtl_desktop.sync.importer import import_files  # noqa: E402

PROVINCE = "12"  # Lai Châu: 38 communes, 8 hubs
SEED = 7


def _copy(db: Path, dest: Path) -> Path:
    """A copy of a generated database to import into (the sample stays as generated)."""
    src, out = sqlite3.connect(db), sqlite3.connect(dest)
    try:
        src.backup(out)
    finally:
        src.close()
        out.close()
    return dest


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    root = tmp_path_factory.mktemp("cache")
    manifest, reused = nationaldata.cached_province(root, PROVINCE, SEED, limit=2)
    assert not reused
    return root / str(SEED) / PROVINCE, manifest


def test_generated_bundles_pass_the_real_importer_at_the_hubs_and_then_the_province(
        sample: tuple[Path, dict[str, object]], tmp_path: Path) -> None:
    folder, manifest = sample
    assert manifest["communes"] == 2 and manifest["direct"] == []
    hubs = manifest["hubs"]
    # The province's first two communes by code, each under its own former district.
    assert [(h["code"], [Path(b).stem for b in h["bundles"]]) for h in hubs] == [  # type: ignore[attr-defined]
        ("105", ["03388"]), ("106", ["03390"])]

    hub_bundles, values, institutions = [], 0, 0
    same = "SELECT institution_id, period, indicator, value, author_key FROM value_records ORDER BY edit_id"
    at_hubs: list[tuple[object, ...]] = []
    for hub in hubs:  # type: ignore[attr-defined]
        hub_db = _copy(folder / hub["db"], tmp_path / hub["db"])
        store = open_store(hub_db)
        try:
            [result] = import_files(store, [folder / b for b in hub["bundles"]], backup=False)
            assert result.status == "accepted"
            out = export_bundle(store, tmp_path, to_unit=PROVINCE)
        finally:
            store.close()
        hub_bundles.append(out.path)
        # About 20 institutions a commune (one centre, 14–18 village houses), six years, one record per value.
        [(unit, n_insts)] = _rows(hub_db, "SELECT unit_code, COUNT(*) FROM institutions GROUP BY unit_code")
        assert unit == hub["bundles"][0][-10:-5] and 17 <= n_insts <= 25
        assert _rows(hub_db, "SELECT COUNT(*) FROM institutions WHERE type = 'cc_commune'") == [(1,)]
        assert [p for (p,) in _rows(hub_db, "SELECT DISTINCT period FROM value_records ORDER BY period")] == \
            [str(y) for y in range(2020, 2026)]
        n_values = _rows(hub_db, "SELECT COUNT(*) FROM value_records")[0][0]
        assert n_values == result.new == out.records and n_values > 14 * 6 * 3
        # The commune's records are written by its own key, which the hub certified.
        assert _rows(hub_db, "SELECT DISTINCT v.author_unit, k.status FROM value_records v "
                             "JOIN keys k ON k.key_id = v.author_key") == [(unit, "trusted")]
        values += n_values
        institutions += n_insts
        at_hubs += _rows(hub_db, same)
    assert values == manifest["values"] and institutions == manifest["institutions"]

    province_db = _copy(folder / "province.sqlite3", tmp_path / "province.sqlite3")
    province = open_store(province_db)
    try:
        results = import_files(province, hub_bundles, backup=False)
    finally:
        province.close()
    assert [r.status for r in results] == ["accepted", "accepted"] and sum(r.new for r in results) == values
    assert sorted(_rows(province_db, same)) == sorted(at_hubs)


def test_a_generated_bundle_changed_by_one_byte_is_refused(sample: tuple[Path, dict[str, object]],
                                                           tmp_path: Path) -> None:
    folder, manifest = sample
    hub = manifest["hubs"][0]  # type: ignore[index]
    data = (folder / hub["bundles"][0]).read_bytes()
    env = open_envelope(data)
    assert env.payload_type.startswith("application/vnd.lhtl")
    i = data.index(b'"payload":"') + 40
    forged = tmp_path / "forged.lhtl"
    forged.write_bytes(data[:i] + (b"A" if data[i:i + 1] != b"A" else b"B") + data[i + 1:])
    hub_db = _copy(folder / hub["db"], tmp_path / "hub.sqlite3")
    store = open_store(hub_db)
    try:
        [result] = import_files(store, [forged], backup=False)
    finally:
        store.close()
    assert result.status != "accepted" and result.new == 0 and result.reason
    assert _rows(hub_db, "SELECT COUNT(*) FROM value_records") == [(0,)]


def test_the_same_seed_reuses_the_cache_and_gives_the_same_bundles(sample: tuple[Path, dict[str, object]],
                                                                  tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, manifest = sample
    root = folder.parent.parent
    hub = manifest["hubs"][0]  # type: ignore[index]
    bundle = folder / hub["bundles"][0]
    stamp = bundle.stat().st_mtime_ns
    again, reused = nationaldata.cached_province(root, PROVINCE, SEED, limit=2)
    assert reused and again == manifest and bundle.stat().st_mtime_ns == stamp

    # Generated afresh elsewhere with the same seed: the same commune bundles, byte for byte (keys, ids, values
    # and signatures are all drawn from the seed); another seed gives other ones.
    other, reused = nationaldata.cached_province(tmp_path, PROVINCE, SEED, limit=2)
    assert not reused
    assert (tmp_path / str(SEED) / PROVINCE / hub["bundles"][0]).read_bytes() == bundle.read_bytes()
    nationaldata.cached_province(tmp_path, PROVINCE, SEED + 1, limit=2)
    assert (tmp_path / str(SEED + 1) / PROVINCE / hub["bundles"][0]).read_bytes() != bundle.read_bytes()

    # A cache made by another generator (or schema, format, catalogue) is not reused.
    monkeypatch.setattr(nationaldata, "GENERATOR_VERSION", nationaldata.GENERATOR_VERSION + 1)
    _fresh, reused = nationaldata.cached_province(tmp_path, PROVINCE, SEED, limit=2)
    assert not reused
