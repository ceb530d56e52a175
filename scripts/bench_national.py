#!/usr/bin/env python3
"""`make bench-national`: all 34 provinces, communes → hubs → province, measured one province after another.

The data comes from scripts/nationaldata.py (cached by seed under build/bench-national-cache/). For each
province, in the order of their codes, fresh copies of its hub and province databases are made (not timed)
and a fresh child process runs what the province's officers would run: every hub imports its communes'
bundles (`import_files`) and exports its subtree to the province (`export_bundle`), then the province imports
the hub bundles and the bundles of communes reporting to it directly. The child reports the time of each
step and its peak memory (VmHWM); the figures are these measurements and their sums — nothing is scaled.
One more child, not timed, runs the largest province under pyinstrument to say what dominates.

Writes its own section of docs/BENCHMARKS.md (between the bench-national markers); `make bench` keeps it.

Besides the pipeline, the output says where the rest of the whole command's time went (generating or reusing
the data, copying the databases, each process's start-up, module imports and exit, opening and closing the
databases, the profile run), so that nothing the command spends is left unaccounted for.

    python scripts/bench_national.py                     # everything (≈ 4 min on 2 cores once the data is cached)
    python scripts/bench_national.py --provinces 37,01   # a try-out on two provinces: BENCHMARKS.md is not rewritten
    python scripts/bench_national.py --provinces 37 --no-profile
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import nationaldata  # noqa: E402 — after the path set-up above
from bench import copy_db  # noqa: E402

SEED = 2026
BUDGET_SECONDS = 180.0  # the national import pipeline, all 34 provinces through their hubs
BUDGET_PEAK = 500e6  # bytes, per process
START = "<!-- bench-national:start -->"
END = "<!-- bench-national:end -->"


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def peak_rss() -> int:
    """Peak resident memory of this process (VmHWM), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# -- the child: one province, as its officers would run it ----------------------------------------------------
def run_province(plan: dict[str, Any]) -> dict[str, Any]:
    from lhtl_desktop.storage import open_store
    from lhtl_desktop.sync.exporter import export_bundle
    from lhtl_desktop.sync.importer import import_files

    def accepted(results: Sequence[Any], where: str) -> int:
        bad = [r for r in results if r.status != "accepted"]
        if bad:
            raise SystemExit(f"{where}: {bad[0].file}: {bad[0].status}: {bad[0].reason}")
        return sum(r.new for r in results)

    out = Path(plan["outbox"])
    baseline = peak_rss()
    cpu = 0.0  # this process's CPU time in the steps timed (what the steps cost without waiting)
    t_hub_import = t_hub_export = 0.0
    t_open_close = 0.0  # opening (migrations check, quick_check) and closing (the WAL's last checkpoint) each database
    at_hubs = 0
    hub_bundles: list[str] = []
    for hub in plan["hubs"]:
        start = time.perf_counter()
        store = open_store(Path(hub["db"]))
        t_open_close += time.perf_counter() - start
        try:
            start, cpu_start = time.perf_counter(), time.process_time()
            at_hubs += accepted(import_files(store, hub["bundles"], backup=False), f"hub {hub['code']}")
            t_hub_import += time.perf_counter() - start
            start = time.perf_counter()
            hub_bundles.append(str(export_bundle(store, out, to_unit=plan["province"]).path))
            t_hub_export += time.perf_counter() - start
            cpu += time.process_time() - cpu_start
        finally:
            start = time.perf_counter()
            store.close()
            t_open_close += time.perf_counter() - start
    after_hubs = peak_rss()
    start = time.perf_counter()
    store = open_store(Path(plan["province_db"]))
    t_open_close += time.perf_counter() - start
    try:
        start, cpu_start = time.perf_counter(), time.process_time()
        at_province = accepted(import_files(store, [*hub_bundles, *plan["direct"]], backup=False), "province")
        t_province = time.perf_counter() - start
        cpu += time.process_time() - cpu_start
    finally:
        start = time.perf_counter()
        store.close()
        t_open_close += time.perf_counter() - start
    return {"baseline_rss": baseline, "peak_after_hubs": after_hubs, "peak_rss": peak_rss(), "hub_import": t_hub_import,
            "hub_export": t_hub_export, "province_import": t_province, "pipeline_cpu": cpu, "open_close": t_open_close,
            "values_at_hubs": at_hubs,
            "values_at_province": at_province,
            "hub_bundle_bytes": sum(Path(p).stat().st_size for p in hub_bundles)}


def child(plan_file: str, profile_to: str | None) -> int:
    plan = json.loads(Path(plan_file).read_text(encoding="utf-8"))
    if profile_to:
        import bench_profile

        with bench_profile.profiling(Path(profile_to)) as measured:
            result = run_province(plan)
        result["dominates"] = measured.line
    else:
        result = run_province(plan)
    print(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)


# -- the parent -------------------------------------------------------------------------------------------
def prepare(cache: Path, manifest: dict[str, Any], work: Path) -> Path:
    """Fresh copies of the province's databases (the cache stays as generated) and the child's plan."""
    code = manifest["province"]
    src = cache / str(manifest["seed"]) / code
    folder = work / code
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "outbox").mkdir(parents=True)
    hubs = [{"code": h["code"], "db": str(copy_db(src / h["db"], folder / h["db"])),
             "bundles": [str(src / b) for b in h["bundles"]]} for h in manifest["hubs"]]
    plan = {"province": code, "province_db": str(copy_db(src / "province.sqlite3", folder / "province.sqlite3")),
            "hubs": hubs, "direct": [str(src / b) for b in manifest["direct"]], "outbox": str(folder / "outbox")}
    path = folder / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def spawn(plan: Path, profile_to: Path | None = None) -> dict[str, Any]:
    """Run one province in a fresh process; its result plus the process's own wall and CPU time."""
    args = [sys.executable, str(Path(__file__)), "--child", str(plan)]
    if profile_to is not None:
        args += ["--profile-to", str(profile_to)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=1800, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"province child failed ({plan}): {done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_wall"] = wall
    result["process_cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result


def pipeline(r: dict[str, Any]) -> float:
    return float(r["hub_import"] + r["hub_export"] + r["province_import"])


def outside(r: dict[str, Any]) -> float:
    """A province's process wall time outside the pipeline and the databases' opening and closing: the
    interpreter's start-up, the program's module imports, reading the plan, the exit."""
    return float(r["process_wall"] - pipeline(r) - r["open_close"])


def mb(n: float) -> str:
    return f"{n / 1e6:.0f} MB"


def render(info: dict[str, str], manifests: dict[str, dict[str, Any]], results: dict[str, dict[str, Any]],
           profiled: tuple[str, dict[str, Any]] | None, notes: list[str]) -> str:
    total = sum(pipeline(r) for r in results.values())
    peak_code = max(results, key=lambda c: results[c]["peak_rss"])
    peak = results[peak_code]["peak_rss"]
    communes = sum(m["communes"] for m in manifests.values())
    hubs = sum(len(m["hubs"]) for m in manifests.values())
    values = sum(m["values"] for m in manifests.values())
    insts = sum(m["institutions"] for m in manifests.values())
    time_ok, mem_ok = total < BUDGET_SECONDS, peak < BUDGET_PEAK
    lines = [
        START,
        "## National scale, measured (`make bench-national`)",
        "",
        "Written by `make bench-national` (scripts/bench_national.py); `make bench` leaves this section as it is.",
        f"Every figure is measured: {len(results)} provinces, one after another, each in a fresh process that runs",
        "its hubs' imports and exports and then the province's import of the hub bundles. Data: scripts/",
        f"nationaldata.py, seed {SEED} (real units and hubs of the reference data, real keys, certificates and",
        "signed bundles).",
        "",
        "| figure | input size | measured | budget | result |",
        "|---|---|---|---|---|",
        f"| National import pipeline, all provinces through their hubs | {communes} communes → {hubs} hubs → "
        f"{len(results)} provinces; {insts} institutions, {values} values (six years), each imported twice | "
        f"{total:.1f} s (hub imports {sum(r['hub_import'] for r in results.values()):.1f} s, hub exports "
        f"{sum(r['hub_export'] for r in results.values()):.1f} s, province imports "
        f"{sum(r['province_import'] for r in results.values()):.1f} s); CPU time of the same steps "
        f"{sum(r['pipeline_cpu'] for r in results.values()):.1f} s | < 3 min | {'pass' if time_ok else 'MISS'} |",
        f"| Peak memory of a province's process (VmHWM), largest of all | {manifests[peak_code]['name']} "
        f"({peak_code}): {manifests[peak_code]['communes']} communes, {manifests[peak_code]['values']} values | "
        f"{mb(peak)} (the same process before its first import: {mb(results[peak_code]['baseline_rss'])}) | "
        f"< 500 MB | {'pass' if mem_ok else 'MISS'} |",
        f"| Whole processes, all provinces (start-up, imports and exit included) | the same | "
        f"{sum(r['process_wall'] for r in results.values()):.1f} s wall, "
        f"{sum(r['process_cpu'] for r in results.values()):.1f} s CPU: the pipeline above, opening and closing the "
        f"databases {sum(r['open_close'] for r in results.values()):.1f} s, interpreter start-up, module imports "
        f"and exit {sum(outside(r) for r in results.values()):.1f} s | — | — |",
        "",
    ]
    if profiled is not None:
        code, r = profiled
        lines += ["What dominates (pyinstrument, one more run of the largest province, not timed above):", "",
                  f"- **National import pipeline** ({manifests[code]['name']}, {pipeline(r):.1f} s under the "
                  f"profiler): {r['dominates']}.",
                  f"- **Peak memory** ({manifests[peak_code]['name']}, measured in its timed run): "
                  f"{mb(results[peak_code]['baseline_rss'])} the interpreter and the program's modules before the "
                  f"first import; {mb(results[peak_code]['peak_after_hubs'])} after every hub's import and export; "
                  f"{mb(peak)} after the province's import of the hub bundles.",
                  ""]
    lines += ["Per province (seconds of the import pipeline; the process's peak memory):", "",
              "| province | communes | hubs | values | hub imports | hub exports | province import | pipeline | "
              "pipeline CPU | process wall / CPU | peak | load average |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for code, r in results.items():
        m = manifests[code]
        lines.append(f"| {code} {m['name']} | {m['communes']} | {len(m['hubs'])} | {m['values']} | "
                     f"{r['hub_import']:.2f} | {r['hub_export']:.2f} | {r['province_import']:.2f} | "
                     f"{pipeline(r):.2f} | {r['pipeline_cpu']:.2f} | {r['process_wall']:.1f} / {r['process_cpu']:.1f} | "
                     f"{mb(r['peak_rss'])} | "
                     f"{r['load']} |")
    lines += ["", "Machine and conditions:", "", *[f"- {k}: {v}" for k, v in info.items()], *notes, "", END]
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    """Replace this command's section of BENCHMARKS.md (or append it), leaving the rest as `make bench` wrote it."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--provinces", default="", help="comma-separated codes (a try-out; the file is kept)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "docs" / "BENCHMARKS.md"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.profile_to)

    from bench import machine

    started = time.perf_counter()
    load_before = load_average()
    info = machine()
    print("Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()) + f"; load average {load_before}", flush=True)
    codes = [c.strip() for c in args.provinces.split(",") if c.strip()] or None
    print("== data (scripts/nationaldata.py)", flush=True)
    gen_start = time.perf_counter()
    data = nationaldata.national(args.seed, codes)
    gen_seconds = time.perf_counter() - gen_start
    reused = sum(1 for _m, r in data.values() if r)
    manifests = {c: m for c, (m, _r) in data.items()}
    print(f"   {reused} of {len(data)} provinces reused from the cache; {gen_seconds:.0f} s", flush=True)

    work = Path(tempfile.mkdtemp(prefix="lhtl-bench-national-"))
    results: dict[str, dict[str, Any]] = {}
    profiled = None
    copy_seconds = profile_seconds = 0.0
    try:
        print("== provinces, one after another", flush=True)
        for code, m in manifests.items():
            start = time.perf_counter()
            plan = prepare(nationaldata.CACHE, m, work)
            copy_seconds += time.perf_counter() - start
            load = load_average()
            r = spawn(plan)
            r["load"] = load
            if r["values_at_province"] != m["values"]:
                raise SystemExit(f"{code}: {r['values_at_province']} of {m['values']} values reached the province")
            results[code] = r
            shutil.rmtree(plan.parent, ignore_errors=True)
            print(f"   {code} {m['name']}: {m['communes']} communes, {len(m['hubs'])} hubs, {m['values']} values: "
                  f"pipeline {pipeline(r):.2f} s (hubs {r['hub_import']:.2f} + {r['hub_export']:.2f}, province "
                  f"{r['province_import']:.2f}), peak {mb(r['peak_rss'])}, load {load}", flush=True)
        if not args.no_profile:
            code = max(manifests, key=lambda c: manifests[c]["values"])
            print(f"== profile of {code} (not timed)", flush=True)
            target = ROOT / "build" / "bench-profiles" / f"national-{code}.txt"
            start = time.perf_counter()
            profiled = (code, spawn(prepare(nationaldata.CACHE, manifests[code], work), target))
            profile_seconds = time.perf_counter() - start
            print(f"   {profiled[1]['dominates']}  ({target})", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = sum(pipeline(r) for r in results.values())
    notes = [
        f"- load average (1, 5, 15 min, /proc/loadavg): {load_before} at the start, {load_average()} at the end; "
        "each province's at its start is in its row. The machine is shared with other developers' work while this "
        "runs, so the wall times include waiting for their load (the steps' CPU time beside them does not; it "
        "does not count the fsync of each import's commits either, synchronous=FULL); a quiet machine gives "
        "lower wall times.",
        f"- data: {reused} of {len(data)} provinces reused from build/bench-national-cache/{args.seed}/, the rest "
        f"generated.",
    ]
    whole = time.perf_counter() - started
    processes = sum(r["process_wall"] for r in results.values())
    accounted = gen_seconds + copy_seconds + processes + profile_seconds
    notes.append(
        f"- whole command: {whole:.1f} s wall — the pipeline {total:.1f} s (the figure above) and, outside it: "
        f"opening and closing the databases {sum(r['open_close'] for r in results.values()):.1f} s, each "
        f"province's process start-up, module imports and exit {sum(outside(r) for r in results.values()):.1f} s, "
        f"reading or generating the data {gen_seconds:.1f} s, copying the databases before each province "
        f"{copy_seconds:.1f} s, the profile run {profile_seconds:.1f} s, the rest (this command's own start-up "
        f"and bookkeeping) {whole - accounted:.1f} s.")
    around = [h for m in manifests.values() for h in m.get("hubs_set_up_around_province_of_hub", [])]
    if around:
        notes.append(f"- {len(around)} hubs ({', '.join(around)}) set up with the province the reference data lists "
                     "them under: `province_of_hub` places them in another province, so `init_installation` "
                     "refuses them as they are.")
    print(f"\nnational pipeline {total:.1f} s (budget {BUDGET_SECONDS:.0f} s); largest peak "
          f"{mb(max(r['peak_rss'] for r in results.values()))} (budget {mb(BUDGET_PEAK)})", flush=True)
    section = render(info, manifests, results, profiled, notes)
    if codes is None:
        write_section(Path(args.out), section)
        print(f"written {args.out}")
    else:
        print(section)
        print(f"\n(try-out on {len(manifests)} provinces: {args.out} not rewritten)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
