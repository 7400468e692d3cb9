"""Benchmark: the project (land + dbt build) against the seed's pandas method and a
hand-written DuckDB floor, on the same generated exports, in one run.

    uv run python benchmarks/run.py --events 1000000

1. Generates N events over 31 days (benchmarks/generate.py; cached in the work folder).
2. Project, as a daily job meets the data: lands days 1-30 and builds (`dbt build`), lands
   day 31 and builds again (incremental: the "one new day onto 30 days" figure), then
   rebuilds everything with `--full-refresh` (the full-build figure) and checks the marts
   it gives equal the incremental ones. Each step runs in its own process: wall time, peak
   RSS (the process and its children), and from dbt's run_results.json the time spent in
   models and in tests.
3. The headline KPIs three ways, each in its own process: the project's
   (marts.kpi_reliability_summary), the seed's way (benchmarks/kpi_pandas.py) and one
   DuckDB query over the CSVs (benchmarks/kpi_floor.py). They must agree: exit 1 if not.
4. Prints the figures and writes benchmarks/results.md (machine, date, figures, targets).

Settings: TELEMETRY_THREADS / TELEMETRY_MEMORY_LIMIT / TELEMETRY_TEMP_DIR apply to land, dbt
and the floor alike (defaults 2 threads, 2GB). Work folder: --work (default
/tmp/telemetry-bench); nothing large is written into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import psutil

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from kpi_common import KPI_KEYS  # noqa: E402

TARGETS = {
    "project_vs_floor": 2.0,  # land + full build <= 2x the floor
    "pandas_vs_project": 3.0,  # >= 3x faster than pandas
    "peak_rss_gb": 4.0,
    "incremental_share": 0.15,  # one new day <= 15% of a full build
}


# --------------------------------------------------------------------------- measuring


@dataclass
class Step:
    name: str
    seconds: float
    peak_rss: int
    returncode: int
    stdout: str = ""
    stderr: str = ""
    extra: dict = field(default_factory=dict)


def _peak_rss_of(pid: int) -> int:
    """The kernel's peak RSS of one process (VmHWM, bytes): reset by exec, unlike the
    rusage maximum, which a child inherits from this (large) process at fork."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def measure(name: str, cmd: list[str], env: dict[str, str], cwd: Path = REPO_ROOT) -> Step:
    """Run `cmd`; wall time and peak RSS: the largest sum of the process tree's RSS (sampled
    every 20 ms) or the largest single process's own peak (VmHWM), whichever is larger."""
    out_path = Path(env["BENCH_WORK"]) / f".{name}.out"
    err_path = Path(env["BENCH_WORK"]) / f".{name}.err"
    with out_path.open("w") as out, err_path.open("w") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            parent = psutil.Process(proc.pid)
            while not done.is_set():
                try:
                    tree = [parent, *parent.children(recursive=True)]
                    peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
                    peak = max(peak, *(_peak_rss_of(p.pid) for p in tree))
                except psutil.Error:
                    pass
                done.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, _usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    step = Step(name, seconds, peak, proc.returncode, out_path.read_text(), err_path.read_text())
    if step.returncode != 0:
        sys.stderr.write(
            f"{name} failed ({step.returncode}):\n{step.stdout[-4000:]}\n{step.stderr[-4000:]}\n"
        )
        raise SystemExit(2)
    return step


def dbt_step(name: str, args: list[str], env: dict[str, str]) -> Step:
    project = env["BENCH_PROJECT"]
    step = measure(
        name,
        [sys.executable, "-m", "dbt.cli.main", *args, "--project-dir", project, "--profiles-dir", project],
        env,
    )
    results = json.loads((Path(env["DBT_TARGET_PATH"]) / "run_results.json").read_text())
    by_type: dict[str, float] = {}
    for result in results["results"]:
        kind = result["unique_id"].split(".")[0]
        by_type[kind] = by_type.get(kind, 0.0) + result["execution_time"]
    slowest = sorted(results["results"], key=lambda r: -r["execution_time"])[:8]
    step.extra = {
        "elapsed": results["elapsed_time"],
        "node_seconds": by_type,
        "slowest": [(r["unique_id"].split(".", 2)[-1], round(r["execution_time"], 2)) for r in slowest],
    }
    return step


def land_step(name: str, files: list[Path], db: Path, env: dict[str, str]) -> Step:
    return measure(name, [sys.executable, "-m", "telemetry", "land", *map(str, files), "--db", str(db)], env)


def kpi_step(name: str, script: str, folder: Path, env: dict[str, str]) -> Step:
    step = measure(name, [sys.executable, str(HERE / script), str(folder)], env, cwd=HERE)
    step.extra = json.loads(step.stdout.strip().splitlines()[-1])
    return step


def patched_project(patches: list[Path], dest: Path) -> Path:
    """A copy of the dbt project with `patches` applied (proposals measured before merging)."""
    for name in ("models", "macros", "seeds", "tests", "analyses"):
        if (REPO_ROOT / name).exists():
            shutil.copytree(
                REPO_ROOT / name, dest / name, ignore=shutil.ignore_patterns("python", "__pycache__")
            )
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(REPO_ROOT / name, dest / name)
    for patch in patches:
        subprocess.run(["git", "apply", str(patch.resolve())], cwd=dest, check=True)
    return dest


# --------------------------------------------------------------------------- checks


def project_kpis(db: Path) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        cur = con.execute("select * from marts.kpi_reliability_summary")
        row = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=False))
    return {k: row[k] for k in KPI_KEYS}


def marts_fingerprint(db: Path) -> dict[str, tuple[int, int]]:
    """(rows, order-free hash of all rows) per marts table and incremental intermediate."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [
            f"marts.{t}"
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        tables += ["intermediate.int_events_roled", "intermediate.int_failures_classified"]
        out = {}
        for table in tables:
            cols = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = ?"
                    " and table_name = ? order by ordinal_position",
                    table.split("."),
                ).fetchall()
                if c not in ("landed_at",)
            ]
            expr = ", ".join(f'"{c}"' for c in cols)
            out[table] = con.execute(
                f"select count(*), coalesce(sum(hash({expr})), 0) from {table}"
            ).fetchone()
        return out


def compare_kpis(results: dict[str, dict]) -> list[str]:
    problems = []
    reference = results["project"]
    for method, kpis in results.items():
        for key in KPI_KEYS:
            a, b = reference[key], kpis[key]
            if isinstance(a, float) or isinstance(b, float):
                same = a is not None and b is not None and abs(a - b) <= 1e-12
                same = same or (a is None and b is None)
            else:
                same = a == b
            if not same:
                problems.append(f"{key}: project {a!r} != {method} {b!r}")
    return problems


# --------------------------------------------------------------------------- report


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu or "unknown",
        "cores": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
    }


def gb(n: int) -> str:
    return f"{n / 2**30:.2f} GB"


def secs(x: float) -> str:
    return f"{x:,.1f} s"


def render(r: dict) -> str:
    m, s = r["machine"], r["steps"]
    land = s["land_30"].seconds + s["land_31"].seconds
    full = s["build_full"]
    incr = s["build_incremental"]
    project = land + full.seconds
    floor, pandas = s["floor"], s["pandas"]
    events = r["unique_events"]
    rss = max(st.peak_rss for k, st in s.items() if k not in ("floor", "pandas"))
    ratios = r["ratios"]

    def models_tests(st: Step) -> str:
        n = st.extra["node_seconds"]
        return (
            f"models {secs(n.get('model', 0))}, data tests {secs(n.get('test', 0))}, "
            f"unit tests {secs(n.get('unit_test', 0))}, seeds {secs(n.get('seed', 0))}"
        )

    def mark(ok: bool) -> str:
        return "met" if ok else "**missed**"

    lines = [
        "# Benchmark results",
        "",
        f"{r['date']} · `uv run python benchmarks/run.py --events {r['events']}"
        + "".join(f" --patch {p}" for p in r["patches"])
        + "`",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']}; "
        f"Python {m['python']}, DuckDB {m['duckdb']}, pandas {pandas.extra.get('pandas_version')}. "
        f"Settings: TELEMETRY_THREADS={r['settings']['threads']}, "
        f"TELEMETRY_MEMORY_LIMIT={r['settings']['memory_limit']}. "
        "The machine is shared with other work: expect some noise.",
        "",
        *(
            [
                f"Project variant: the repository's models with {', '.join(r['patches'])} applied "
                "(proposals, not merged).",
                "",
            ]
            if r["patches"]
            else []
        ),
        f"Data: {r['events']:,} events generated over {r['days']} days "
        f"({events:,} unique after de-duplication), {r['files']} daily CSVWithNames files, "
        f"{r['bytes'] / 1e6:,.0f} MB (benchmarks/generate.py, seed {r['seed']}).",
        "",
        "## Figures",
        "",
        "| step | wall | peak RSS | notes |",
        "| --- | ---: | ---: | --- |",
        f"| land days 1-30 | {secs(s['land_30'].seconds)} | {gb(s['land_30'].peak_rss)} | `telemetry land` |",
        f"| dbt build, days 1-30 (first build) | {secs(s['build_30'].seconds)} | {gb(s['build_30'].peak_rss)} | {models_tests(s['build_30'])} |",
        f"| land day 31 | {secs(s['land_31'].seconds)} | {gb(s['land_31'].peak_rss)} | |",
        f"| dbt build, day 31 (incremental) | {secs(incr.seconds)} | {gb(incr.peak_rss)} | {models_tests(incr)} |",
        f"| dbt build --full-refresh, 31 days | {secs(full.seconds)} | {gb(full.peak_rss)} | {models_tests(full)} |",
        f"| **project: land + full build** | **{secs(project)}** | {gb(rss)} | {events / project:,.0f} events/s |",
        f"| floor: one DuckDB query | {secs(floor.seconds)} | {gb(floor.peak_rss)} | {events / floor.seconds:,.0f} events/s |",
        f"| pandas (the seed's method) | {secs(pandas.seconds)} | {gb(pandas.peak_rss)} | {events / pandas.seconds:,.0f} events/s |",
        "",
        "dbt wall times include dbt's start and parse (about "
        f"{secs(full.seconds - full.extra['elapsed'])} here). dbt runs one node at a time "
        "(profiles.yml), each query on TELEMETRY_THREADS DuckDB threads.",
        "",
        "## Targets",
        "",
        "| target | figure | |",
        "| --- | ---: | --- |",
        f"| land + full build ≤ {TARGETS['project_vs_floor']:g}× the floor | {ratios['project_vs_floor']:.1f}× | {mark(ratios['project_vs_floor'] <= TARGETS['project_vs_floor'])} |",
        f"| ≥ {TARGETS['pandas_vs_project']:g}× faster than pandas | {ratios['pandas_vs_project']:.2f}× | {mark(ratios['pandas_vs_project'] >= TARGETS['pandas_vs_project'])} |",
        f"| peak RSS ≤ {TARGETS['peak_rss_gb']:g} GB | {gb(rss)} | {mark(rss <= TARGETS['peak_rss_gb'] * 2**30)} |",
        f"| one new day onto 30 days ≤ {TARGETS['incremental_share']:.0%} of a full build | {ratios['incremental_share']:.0%} (models only: {ratios['incremental_share_models']:.0%}) | {mark(ratios['incremental_share'] <= TARGETS['incremental_share'])} |",
        "",
        f"Targets are stated for 10 M events; this run has {r['events']:,}.",
        "",
        "## Slowest dbt nodes (full build)",
        "",
        *[f"- {name}: {t} s" for name, t in full.extra["slowest"]],
        "",
        "## Slowest dbt nodes (incremental build of day 31)",
        "",
        *[f"- {name}: {t} s" for name, t in incr.extra["slowest"]],
        "",
        "## Headline KPIs (all three agree)" if not r["kpi_problems"] else "## Headline KPIs (**DISAGREE**)",
        "",
        "| KPI | project | floor | pandas |",
        "| --- | ---: | ---: | ---: |",
        *[
            f"| {k} | {r['kpis']['project'][k]} | {r['kpis']['floor'][k]} | {r['kpis']['pandas'][k]} |"
            for k in KPI_KEYS
        ],
        "",
        "Incremental vs full refresh: "
        + (
            "every marts table (and int_events_roled, int_failures_classified) identical."
            if not r["incremental_mismatch"]
            else f"**differ**: {', '.join(r['incremental_mismatch'])}"
        ),
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, required=True, help="events to generate (e.g. 1000000)")
    parser.add_argument("--days", type=int, default=31, help="days (default 31: 30 + the new day)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(os.environ.get("TELEMETRY_BENCH_DIR", "/tmp/telemetry-bench")),
        help="work folder for exports, databases and dbt output (default /tmp/telemetry-bench)",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=HERE / "results.md",
        help="where to write the report (default benchmarks/results.md)",
    )
    parser.add_argument("--no-results", action="store_true", help="print only, write no report")
    parser.add_argument("--regenerate", action="store_true", help="regenerate the exports")
    parser.add_argument(
        "--patch",
        type=Path,
        action="append",
        default=[],
        help="measure a copy of the project with this patch applied (repeatable)",
    )
    args = parser.parse_args(argv)

    work = args.work.expanduser().resolve()
    exports = work / f"exports-{args.events}-{args.days}d-s{args.seed}"
    manifest_path = exports / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else None
    if args.regenerate or manifest is None or manifest["parameters"]["events"] != args.events:
        print(f"generating {args.events:,} events into {exports} ...", flush=True)
        manifest = generate.generate(args.events, exports, days=args.days, seed=args.seed)
    files = sorted(exports.glob("vibe-release-*.csv"))
    run_dir = work / (f"run-{args.events}" + ("-patched" if args.patch else ""))
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    db = run_dir / "warehouse.duckdb"
    # always a copy: editing the repository during a run does not change what it measures
    project = patched_project(args.patch, run_dir / "project")
    env = {
        **os.environ,
        "TELEMETRY_DB": str(db),
        "DBT_TARGET_PATH": str(run_dir / "target"),
        "DBT_LOG_PATH": str(run_dir / "logs"),
        "BENCH_WORK": str(run_dir),
        "BENCH_PROJECT": str(project),
        "PYTHONPATH": str(REPO_ROOT),
    }
    settings = {
        "threads": env.get("TELEMETRY_THREADS") or "2",
        "memory_limit": env.get("TELEMETRY_MEMORY_LIMIT") or "2GB",
    }

    steps: dict[str, Step] = {}

    def log(step: Step) -> None:
        notes = ""
        if "node_seconds" in step.extra:
            n = step.extra["node_seconds"]
            notes = f"  (models {n.get('model', 0):.1f} s, tests {n.get('test', 0) + n.get('unit_test', 0):.1f} s)"
        print(f"{step.name:<20} {step.seconds:8.1f} s  peak RSS {gb(step.peak_rss)}{notes}", flush=True)

    build = ["build"]
    steps["land_30"] = land_step("land_30", files[:-1], db, env)
    log(steps["land_30"])
    steps["build_30"] = dbt_step("build_30", build, env)
    log(steps["build_30"])
    steps["land_31"] = land_step("land_31", files[-1:], db, env)
    log(steps["land_31"])
    steps["build_incremental"] = dbt_step("build_incremental", build, env)
    log(steps["build_incremental"])
    incremental_marts = marts_fingerprint(db)
    steps["build_full"] = dbt_step("build_full", [*build, "--full-refresh"], env)
    log(steps["build_full"])
    full_marts = marts_fingerprint(db)
    mismatch = sorted(t for t in full_marts if incremental_marts.get(t) != full_marts[t])

    steps["floor"] = kpi_step("floor", "kpi_floor.py", exports, env)
    log(steps["floor"])
    steps["pandas"] = kpi_step("pandas", "kpi_pandas.py", exports, env)
    log(steps["pandas"])

    kpis = {
        "project": project_kpis(db),
        "floor": steps["floor"].extra["kpis"],
        "pandas": steps["pandas"].extra["kpis"],
    }
    problems = compare_kpis(kpis)
    project_seconds = steps["land_30"].seconds + steps["land_31"].seconds + steps["build_full"].seconds
    full_models = steps["build_full"].extra["node_seconds"].get("model", 0.0)
    ratios = {
        "project_vs_floor": project_seconds / steps["floor"].seconds,
        "pandas_vs_project": steps["pandas"].seconds / project_seconds,
        "incremental_share": steps["build_incremental"].seconds / steps["build_full"].seconds,
        "incremental_share_models": (
            steps["build_incremental"].extra["node_seconds"].get("model", 0.0) / full_models
            if full_models
            else float("nan")
        ),
    }
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "settings": settings,
        "events": args.events,
        "days": args.days,
        "seed": args.seed,
        "unique_events": manifest["unique_events"],
        "files": len(files),
        "bytes": manifest["bytes_written"],
        "steps": steps,
        "kpis": kpis,
        "kpi_problems": problems,
        "ratios": ratios,
        "incremental_mismatch": mismatch,
        "patches": [
            str(p.relative_to(REPO_ROOT)) if p.resolve().is_relative_to(REPO_ROOT) else str(p)
            for p in (q.resolve() for q in args.patch)
        ],
    }
    text = render(report)
    print()
    print(text)
    if not args.no_results:
        args.results.write_text(text, encoding="utf-8")
        (run_dir / "results.json").write_text(
            json.dumps(
                {
                    **report,
                    "steps": {
                        k: {"seconds": v.seconds, "peak_rss": v.peak_rss, **v.extra} for k, v in steps.items()
                    },
                },
                indent=2,
                default=str,
            )
        )
        print(f"wrote {args.results}")
    if problems or mismatch:
        for problem in problems:
            print(f"KPI MISMATCH {problem}", file=sys.stderr)
        for table in mismatch:
            print(f"INCREMENTAL != FULL REFRESH: {table}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
