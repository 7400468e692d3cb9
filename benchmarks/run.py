"""Benchmark: the workloads a user lives with (architecture.md's budget) against the seed's
pandas method and a hand-written DuckDB floor, on the same generated exports, in one run.

    uv run python benchmarks/run.py --events 1000000 --events 10000000

For each size:
1. Generates N events over 31 days (benchmarks/generate.py; cached in the work folder).
2. The project as a daily job meets the data, with the README's daily command
   (`telemetry build`: `dbt build --selector daily`, skipped when nothing changed): first
   load (land days 1-30, build), a new day (land day 31, build: incremental), nothing new
   (build again; and a plain `dbt build`, the daily slice, itself), a question (`telemetry report
   --window-hours 48 --top-app-versions 2`, Markdown and HTML from one call, read from the
   published marts), then `--full-refresh`, whose marts must equal the incremental ones. Each step runs in its own process: wall time, peak RSS
   (the process and its children), and from dbt's run_results.json the time in models and
   in tests.
3. The headline KPIs three ways, each in its own process: the project's
   (marts.kpi_reliability_summary), the seed's way (benchmarks/kpi_pandas.py) and one
   DuckDB query over the CSVs (benchmarks/kpi_floor.py). They must agree: exit 1 if not.
4. Prints the figures and writes benchmarks/results.md (machine, date, workloads against
   the budget, steps, slowest dbt nodes, KPIs).

Settings: TELEMETRY_THREADS / TELEMETRY_MEMORY_LIMIT / TELEMETRY_TEMP_DIR apply to land, dbt
and the floor alike (defaults 2 threads, 2GB). Work folder: --work (default
/tmp/telemetry-bench); nothing large is written into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
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

TARGETS = {  # architecture.md's budget, at 10 M events
    "first_load_vs_floor": 2.0,  # land 30 days + full build + publish <= 2x the floor
    "new_day_vs_floor": 0.5,  # land a day + incremental build + publish <= 0.5x the floor
    "nothing_new_seconds": 10.0,  # a build with nothing landed
    "question_vs_floor": 0.1,  # a report for any window and version filter <= 0.1x the floor
    "question_vs_pandas": 20.0,  # ... and >= 20x faster than pandas
    "new_day_and_question_vs_floor": 0.6,  # a new day plus its report
    "peak_rss_gb": 2.5,
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
    step.extra = dbt_figures(Path(env["DBT_TARGET_PATH"]) / "run_results.json")
    return step


def dbt_figures(run_results: Path) -> dict:
    """Seconds by node type, dbt's own elapsed time and the slowest nodes of one dbt run."""
    results = json.loads(run_results.read_text())
    by_type: dict[str, float] = {}
    for result in results["results"]:
        kind = result["unique_id"].split(".")[0]
        by_type[kind] = by_type.get(kind, 0.0) + result["execution_time"]
    slowest = sorted(results["results"], key=lambda r: -r["execution_time"])[:8]
    return {
        "elapsed": results["elapsed_time"],
        "node_seconds": by_type,
        "slowest": [(r["unique_id"].split(".", 2)[-1], round(r["execution_time"], 2)) for r in slowest],
    }


def daily_build_step(name: str, db: Path, env: dict[str, str]) -> Step:
    """The README's daily command, `telemetry build` (dbt build --selector daily, skipped when
    nothing changed), on the benchmark's copy of the project."""
    results = Path(env["DBT_TARGET_PATH"]) / "run_results.json"
    results.unlink(missing_ok=True)
    step = measure(
        name,
        [sys.executable, "-m", "telemetry", "build", "--db", str(db), "--project-dir", env["BENCH_PROJECT"]],
        env,
    )
    step.extra = dbt_figures(results) if results.exists() else {"skipped": True}
    published = re.search(r"^build: published .* in ([0-9.]+)s$", step.stdout, re.M)
    if published:
        step.extra["publish_seconds"] = float(published.group(1))
    return step


def land_step(name: str, files: list[Path], db: Path, env: dict[str, str]) -> Step:
    return measure(name, [sys.executable, "-m", "telemetry", "land", *map(str, files), "--db", str(db)], env)


#: The question the benchmark asks: a report for the last 48 hours and the top 2 versions.
QUESTION = ["--window-hours", "48", "--top-app-versions", "2"]


def question_step(name: str, db: Path, env: dict[str, str]) -> Step:
    """`telemetry report` of QUESTION, Markdown and HTML from one call, from the published marts."""
    out = Path(env["BENCH_WORK"]) / "question"
    cmd = [sys.executable, "-m", "telemetry", "report", "--db", str(db), *QUESTION]
    return measure(name, [*cmd, "--out", str(out / "report.md"), "--out", str(out / "report.html")], env)


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
    for name in ("dbt_project.yml", "profiles.yml", "selectors.yml"):
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
    """(rows, order-free hash of all rows) per marts table and incremental intermediate (the
    KPI views compute from these: equal tables give equal views)."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [
            f"marts.{t}"
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
                " and table_type = 'BASE TABLE' order by 1"
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


def render_size(r: dict) -> list[str]:
    """The section of one data size: workloads against the budget, the steps, the slowest
    dbt nodes, the headline KPIs three ways and incremental == full refresh."""
    s, w, t = r["steps"], r["workloads"], r["targets"]
    floor, pandas = s["floor"], s["pandas"]

    def models_tests(st: Step) -> str:
        if st.extra.get("skipped"):
            return "dbt did not run: nothing changed since the last passing build"
        n = st.extra["node_seconds"]
        publish = st.extra.get("publish_seconds")
        return (
            f"models {secs(n.get('model', 0))}, data tests {secs(n.get('test', 0))}, "
            f"seeds {secs(n.get('seed', 0))}; "
            + (f"publish {secs(publish)}; " if publish is not None else "")
            + f"dbt start, parse, compile{' and publish' if publish is not None else ''} "
            f"{secs(st.seconds - st.extra['elapsed'])}"
        )

    def mark(ok: bool) -> str:
        return "met" if ok else "**missed**"

    rss = w["peak_rss"]
    if "question_seconds" in t:
        question_budget = f"≤ {t['question_seconds']:g} s"
        question_met = w["question"] <= t["question_seconds"]
    else:
        question_budget = f"≤ {t['question_vs_floor']:g}× the floor, ≥ {t['question_vs_pandas']:g}× pandas"
        question_met = w["question"] <= t["question_vs_floor"] * floor.seconds
        question_met = question_met and w["question"] * t["question_vs_pandas"] <= pandas.seconds
    return [
        f"## {r['events']:,} events",
        "",
        f"Data: {r['events']:,} events generated over {r['days']} days "
        f"({r['unique_events']:,} unique after de-duplication), {r['files']} daily CSVWithNames files, "
        f"{r['bytes'] / 1e6:,.0f} MB (benchmarks/generate.py, seed {r['seed']}).",
        "",
        "| workload | what runs | wall | budget | |",
        "| --- | --- | ---: | ---: | --- |",
        f"| first load | land days 1-30 + `telemetry build` | {secs(w['first_load'])} "
        f"({w['first_load'] / floor.seconds:.1f}× the floor) | ≤ {t['first_load_vs_floor']:g}× "
        f"| {mark(w['first_load'] <= t['first_load_vs_floor'] * floor.seconds)} |",
        f"| a new day | land day 31 + `telemetry build` | {secs(w['new_day'])} "
        f"({w['new_day'] / floor.seconds:.2f}× the floor) | ≤ {t['new_day_vs_floor']:g}× "
        f"| {mark(w['new_day'] <= t['new_day_vs_floor'] * floor.seconds)} |",
        f"| nothing new | `telemetry build` again | {secs(w['nothing_new'])} "
        f"| ≤ {t['nothing_new_seconds']:g} s | {mark(w['nothing_new'] <= t['nothing_new_seconds'])} |",
        f"| a question | `telemetry report {' '.join(QUESTION)}`, md + html | {secs(w['question'])} "
        f"({w['question'] / floor.seconds:.2f}× the floor, {pandas.seconds / w['question']:.0f}× faster than "
        f"pandas) | {question_budget} | {mark(question_met)} |",
        f"| a new day and its report | land day 31 + `telemetry build` + the question "
        f"| {secs(w['new_day_and_question'])} ({w['new_day_and_question'] / floor.seconds:.2f}× the floor) "
        f"| ≤ {t['new_day_and_question_vs_floor']:g}× "
        f"| {mark(w['new_day_and_question'] <= t['new_day_and_question_vs_floor'] * floor.seconds)} |",
        f"| memory | peak RSS of any project step | {gb(rss)} | ≤ {t['peak_rss_gb']:g} GB "
        f"| {mark(rss <= t['peak_rss_gb'] * 2**30)} |",
        f"| floor | one DuckDB query over the CSVs | {secs(floor.seconds)} | | peak RSS {gb(floor.peak_rss)} |",
        f"| pandas | the seed's method | {secs(pandas.seconds)} | | peak RSS {gb(pandas.peak_rss)} |",
        "",
        "| step | wall | peak RSS | notes |",
        "| --- | ---: | ---: | --- |",
        f"| land days 1-30 | {secs(s['land_30'].seconds)} | {gb(s['land_30'].peak_rss)} | `telemetry land` |",
        f"| first build | {secs(s['build_first'].seconds)} | {gb(s['build_first'].peak_rss)} | {models_tests(s['build_first'])} |",
        f"| land day 31 | {secs(s['land_31'].seconds)} | {gb(s['land_31'].peak_rss)} | |",
        f"| build of day 31 | {secs(s['build_new_day'].seconds)} | {gb(s['build_new_day'].peak_rss)} | {models_tests(s['build_new_day'])} |",
        f"| build, nothing new | {secs(s['build_nothing'].seconds)} | {gb(s['build_nothing'].peak_rss)} | {models_tests(s['build_nothing'])} |",
        f"| a plain `dbt build` (the daily slice), nothing new: "
        f"{s['dbt_nothing'].seconds / s['build_first'].seconds:.0%} of the first build "
        f"| {secs(s['dbt_nothing'].seconds)} | {gb(s['dbt_nothing'].peak_rss)} | {models_tests(s['dbt_nothing'])} |",
        f"| the question | {secs(s['question'].seconds)} | {gb(s['question'].peak_rss)} | reads the published copy; no dbt |",
        f"| `--full-refresh`, 31 days | {secs(s['build_full'].seconds)} | {gb(s['build_full'].peak_rss)} | {models_tests(s['build_full'])} |",
        "",
        "Slowest dbt nodes, first build: "
        + "; ".join(f"{name} {t_} s" for name, t_ in s["build_first"].extra["slowest"]),
        "",
        "Slowest dbt nodes, build of day 31: "
        + "; ".join(f"{name} {t_} s" for name, t_ in s["build_new_day"].extra["slowest"]),
        "",
        "Headline KPIs: " + ("all three agree" if not r["kpi_problems"] else "**DISAGREE**"),
        "",
        "| KPI | project | floor | pandas |",
        "| --- | ---: | ---: | ---: |",
        *[
            f"| {k} | {r['kpis']['project'][k]} | {r['kpis']['floor'][k]} | {r['kpis']['pandas'][k]} |"
            for k in KPI_KEYS
        ],
        "",
        "Incremental builds vs `--full-refresh`: "
        + (
            "every marts table (and int_events_roled, int_failures_classified) identical."
            if not r["incremental_mismatch"]
            else f"**differ**: {', '.join(r['incremental_mismatch'])}"
        ),
        "",
    ]


def render(reports: list[dict]) -> str:
    first = reports[0]
    m = first["machine"]
    sizes = " ".join(f"--events {r['events']}" for r in reports)
    lines = [
        "# Benchmark results",
        "",
        f"{first['date']} · `uv run python benchmarks/run.py {sizes}`",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']}; "
        f"Python {m['python']}, DuckDB {m['duckdb']}, "
        f"pandas {first['steps']['pandas'].extra.get('pandas_version')}. "
        f"Settings: TELEMETRY_THREADS={first['settings']['threads']}, "
        f"TELEMETRY_MEMORY_LIMIT={first['settings']['memory_limit']}. "
        "The machine is shared with other work: expect some noise.",
        "",
        *(
            [
                f"Project variant: the repository's models with {', '.join(first['patches'])} applied "
                "(proposals, not merged).",
                "",
            ]
            if first["patches"]
            else []
        ),
        "The workloads a user lives with (docs: architecture budget), each against one "
        "hand-written DuckDB query over the same CSVs (the floor) and the seed's pandas method, "
        "measured in the same run. dbt runs one node at a time (profiles.yml), each query on "
        "TELEMETRY_THREADS DuckDB threads; dbt wall times include its start and parse. "
        "`telemetry build` is the README's daily command: `dbt build --selector daily`, "
        "skipped when no file landed and no project file changed since the last passing build.",
        "",
    ]
    for r in reports:
        lines += render_size(r)
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def targets_for(events: int) -> dict:
    """The budget (architecture.md) is stated at 10 M events; at 1 M, nothing new: 5 s, and a
    question: 2 s (issue: answers at read time)."""
    if events > 1_000_000:
        return dict(TARGETS)
    return {**TARGETS, "nothing_new_seconds": 5.0, "question_seconds": 2.0}


def run_size(events: int, args: argparse.Namespace) -> dict:
    work = args.work.expanduser().resolve()
    exports = work / f"exports-{events}-{args.days}d-s{args.seed}"
    manifest_path = exports / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else None
    if args.regenerate or manifest is None or manifest["parameters"]["events"] != events:
        print(f"generating {events:,} events into {exports} ...", flush=True)
        manifest = generate.generate(events, exports, days=args.days, seed=args.seed)
    files = sorted(exports.glob("vibe-release-*.csv"))
    run_dir = work / (f"run-{events}" + ("-patched" if args.patch else ""))
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
    steps: dict[str, Step] = {}

    def step(name: str, make) -> None:
        steps[name] = make()
        st = steps[name]
        notes = ""
        if "node_seconds" in st.extra:
            n = st.extra["node_seconds"]
            notes = f"  (models {n.get('model', 0):.1f} s, tests {n.get('test', 0) + n.get('unit_test', 0):.1f} s)"
        print(f"{events:>11,} {name:<16} {st.seconds:8.1f} s  peak RSS {gb(st.peak_rss)}{notes}", flush=True)

    daily = ["build", "--selector", "daily"]
    step("land_30", lambda: land_step("land_30", files[:-1], db, env))
    step("build_first", lambda: daily_build_step("build_first", db, env))
    step("land_31", lambda: land_step("land_31", files[-1:], db, env))
    step("build_new_day", lambda: daily_build_step("build_new_day", db, env))
    step("build_nothing", lambda: daily_build_step("build_nothing", db, env))
    step("dbt_nothing", lambda: dbt_step("dbt_nothing", ["build"], env))  # a plain dbt build
    step("question", lambda: question_step("question", db, env))
    incremental_marts = marts_fingerprint(db)
    step("build_full", lambda: dbt_step("build_full", [*daily, "--full-refresh"], env))
    full_marts = marts_fingerprint(db)
    mismatch = sorted(t for t in full_marts if incremental_marts.get(t) != full_marts[t])
    step("floor", lambda: kpi_step("floor", "kpi_floor.py", exports, env))
    step("pandas", lambda: kpi_step("pandas", "kpi_pandas.py", exports, env))

    kpis = {
        "project": project_kpis(db),
        "floor": steps["floor"].extra["kpis"],
        "pandas": steps["pandas"].extra["kpis"],
    }
    project_steps = [v for k, v in steps.items() if k not in ("floor", "pandas")]
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "settings": {
            "threads": env.get("TELEMETRY_THREADS") or "2",
            "memory_limit": env.get("TELEMETRY_MEMORY_LIMIT") or "2GB",
        },
        "events": events,
        "days": args.days,
        "seed": args.seed,
        "unique_events": manifest["unique_events"],
        "files": len(files),
        "bytes": manifest["bytes_written"],
        "steps": steps,
        "workloads": {
            "first_load": steps["land_30"].seconds + steps["build_first"].seconds,
            "new_day": steps["land_31"].seconds + steps["build_new_day"].seconds,
            "nothing_new": steps["build_nothing"].seconds,
            "question": steps["question"].seconds,
            "new_day_and_question": steps["land_31"].seconds
            + steps["build_new_day"].seconds
            + steps["question"].seconds,
            "peak_rss": max(st.peak_rss for st in project_steps),
        },
        "targets": targets_for(events),
        "kpis": kpis,
        "kpi_problems": compare_kpis(kpis),
        "incremental_mismatch": mismatch,
        "patches": [
            str(p.relative_to(REPO_ROOT)) if p.resolve().is_relative_to(REPO_ROOT) else str(p)
            for p in (q.resolve() for q in args.patch)
        ],
        "run_dir": run_dir,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--events",
        type=int,
        action="append",
        required=True,
        help="events to generate (e.g. 1000000); repeat for several sizes in one run",
    )
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

    reports = [run_size(events, args) for events in args.events]
    text = render(reports)
    print()
    print(text)
    if not args.no_results:
        args.results.write_text(text, encoding="utf-8")
        for report in reports:
            (report["run_dir"] / "results.json").write_text(
                json.dumps(
                    {
                        **report,
                        "steps": {
                            k: {"seconds": v.seconds, "peak_rss": v.peak_rss, **v.extra}
                            for k, v in report["steps"].items()
                        },
                    },
                    indent=2,
                    default=str,
                )
            )
        print(f"wrote {args.results}")
    failed = False
    for report in reports:
        for problem in report["kpi_problems"]:
            print(f"KPI MISMATCH at {report['events']:,} events: {problem}", file=sys.stderr)
            failed = True
        for table in report["incremental_mismatch"]:
            print(f"INCREMENTAL != FULL REFRESH at {report['events']:,} events: {table}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
