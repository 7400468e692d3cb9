"""Build the KPI marts for one report, apart from the warehouse BI tools read.

A report's window and version filter are dbt vars, and the KPI marts are tables: building
them with a report's vars in the main warehouse would change what every dashboard reading
`marts` sees. So a report builds into its own DuckDB file, `report.duckdb` in the report's
dbt target folder (`target/report/`, or `$DBT_TARGET_PATH/report`):

1. the report file is recreated, and every table of the warehouse's `raw` schema is copied
   into it (the warehouse is attached read-only, never written);
2. one dbt process (`telemetry.report.dbt_driver`) parses the project, runs `dbt build` of
   the KPI marts and everything upstream with the report's vars (seeds, models and data
   tests; unit tests are the main pipeline's job), then compiles `analyses/report_*.sql`
   against the report file;
3. the caller runs the compiled analyses against the report file (`telemetry.report.data`).

That folder never collides with a user's own `target/`. Reports sharing it take turns (a
lock file in it). The report database has the same path whatever the warehouse, so dbt's
profile does not change from one report to the next and partial parsing stays valid (a new
path would cost a full parse). It stays after the run, for anyone who wants to query the
filtered KPIs behind the last report; `dbt clean` removes it with the rest of `target/`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from telemetry.errors import UserError
from telemetry.paths import REPO_ROOT
from telemetry.sql import sql_literal

#: The selector (selectors.yml) of the KPI marts and everything they are built from.
KPI_SELECTOR = "kpi"
#: dbt path selector of the analyses behind the report's sections.
ANALYSES_SELECTOR = "analyses/report_*"
SOURCE_ALIAS = "telemetry_report_source"

Echo = Callable[[str], None]


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: the dbt vars of kpi-definitions.md, "Scope"."""

    window_hours: int | None = None
    window_end: str | None = None
    app_versions: tuple[str, ...] | None = None
    top_app_versions: int | None = None
    min_sample: int | None = None

    def dbt_vars(self) -> dict[str, object]:
        values: dict[str, object] = {
            "window_hours": self.window_hours,
            "window_end": self.window_end,
            "app_versions": list(self.app_versions) if self.app_versions else None,
            "top_app_versions": self.top_app_versions,
        }
        if self.min_sample is not None:
            values["min_sample"] = self.min_sample
        return values

    @property
    def effective_min_sample(self) -> int:
        return 30 if self.min_sample is None else self.min_sample

    def command_line(self, fmt: str = "md") -> str:
        """The `telemetry report` options that reproduce this scope."""
        parts = ["telemetry report"]
        if self.window_hours is not None:
            parts.append(f"--window-hours {self.window_hours}")
        if self.window_end is not None:
            parts.append(f"--window-end '{self.window_end}'")
        if self.top_app_versions is not None:
            parts.append(f"--top-app-versions {self.top_app_versions}")
        if self.app_versions:
            parts.append(f"--app-versions {','.join(self.app_versions)}")
        if self.min_sample is not None:
            parts.append(f"--min-sample {self.min_sample}")
        if fmt != "md":
            parts.append(f"--format {fmt}")
        return " ".join(parts)


@dataclass(frozen=True)
class ReportPaths:
    warehouse: Path
    report_db: Path
    target: Path
    logs: Path


def report_paths(warehouse: Path) -> ReportPaths:
    warehouse = warehouse.expanduser().resolve()
    env_target = os.environ.get("DBT_TARGET_PATH")
    base = Path(env_target).expanduser() if env_target else Path("target")
    if not base.is_absolute():
        base = REPO_ROOT / base
    target = (base / "report").resolve()
    report_db = target / "report.duckdb"
    if report_db == warehouse:
        raise UserError(f"--db {warehouse} is the report's own database; point --db at the warehouse")
    return ReportPaths(warehouse=warehouse, report_db=report_db, target=target, logs=target / "logs")


# --------------------------------------------------------------------------- step 1: raw


def copy_raw(paths: ReportPaths) -> int:
    """Recreate the report file holding a copy of the warehouse's `raw` schema; returns the
    number of raw event rows copied."""
    if not paths.warehouse.is_file():
        raise UserError(
            f"no warehouse at {paths.warehouse}: land exports first "
            "(`telemetry land PATH --db DB`) or point --db at the warehouse"
        )
    for stale in (paths.report_db, paths.report_db.with_name(paths.report_db.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = _connect_report(paths.report_db)
    try:
        try:
            con.execute(f"attach {sql_literal(str(paths.warehouse))} as {SOURCE_ALIAS} (read_only)")
        except duckdb.Error as exc:
            if "lock" in str(exc).lower():
                raise UserError(
                    f"warehouse {paths.warehouse} is locked by another process (a running dbt "
                    "or telemetry land?); wait for it to finish and try again"
                ) from None
            raise UserError(f"cannot open warehouse {paths.warehouse}: {_one_line(str(exc))}") from None
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() "
                "where database_name = ? and schema_name = 'raw' order by table_name",
                [SOURCE_ALIAS],
            ).fetchall()
        ]
        if "events" not in tables:
            raise UserError(
                f"warehouse {paths.warehouse} holds no raw.events: land exports first "
                "(`telemetry land PATH --db DB`)"
            )
        con.execute("create schema raw")
        for table in tables:
            con.execute(f'create table raw."{table}" as select * from {SOURCE_ALIAS}.raw."{table}"')
        count = con.execute("select count(*) from raw.events").fetchone()
        con.execute(f"detach {SOURCE_ALIAS}")
        return int(count[0]) if count else 0
    finally:
        con.close()


def _connect_report(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(path))
    except duckdb.Error as exc:
        raise UserError(f"cannot create report database {path}: {_one_line(str(exc))}") from None


# --------------------------------------------------------------------------- step 2: dbt


@dataclass
class DbtOutcome:
    analyses: dict[str, str]
    nodes: int
    seconds: float


def run_dbt(paths: ReportPaths, scope: ReportScope, *, run_tests: bool, echo: Echo) -> DbtOutcome:
    """Build the KPI marts into the report file and compile the report analyses; progress
    goes to `echo`, dbt's own output only surfaces (as one line) when something fails."""
    spec = {
        "project_dir": str(REPO_ROOT),
        "target_path": str(paths.target),
        "log_path": str(paths.logs),
        "vars": scope.dbt_vars(),
        "selector": KPI_SELECTOR,
        "run_tests": run_tests,
        "analyses": ANALYSES_SELECTOR,
    }
    env = dict(os.environ)
    env.update(
        TELEMETRY_DB=str(paths.report_db),
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_VERSION_CHECK="false",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DBT_TARGET_PATH", None)
    env.pop("DBT_LOG_PATH", None)
    started = time.monotonic()
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as stderr_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "telemetry.report.dbt_driver", json.dumps(spec)],
            cwd=str(REPO_ROOT),
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr_file,
            text=True,
            encoding="utf-8",
        )
        analyses: dict[str, str] | None = None
        failure: dict | None = None
        nodes = 0
        counts: dict[str, int] = {}
        assert process.stdout is not None
        try:
            for line in process.stdout:
                message = _parse_line(line)
                if message is None:
                    continue
                kind = message.get("event")
                if kind == "step":
                    echo(_STEP_TEXT.get(message.get("step", ""), str(message.get("step"))))
                elif kind == "node":
                    nodes += 1
                    rtype = str(message.get("resource_type", ""))
                    counts[rtype] = counts.get(rtype, 0) + 1
                    line_text = _node_line(message)
                    if line_text:
                        echo(line_text)
                elif kind == "failed":
                    failure = message
                elif kind == "done":
                    analyses = message.get("analyses") or {}
        except KeyboardInterrupt:
            process.terminate()
            process.wait()
            raise
        code = process.wait()
        stderr_file.seek(0)
        stderr_text = stderr_file.read()
    if failure is not None:
        raise UserError(_failure_text(failure, paths))
    if code != 0 or analyses is None:
        last = [ln for ln in stderr_text.splitlines() if ln.strip()]
        detail = _one_line(last[-1]) if last else f"exit code {code}"
        raise UserError(f"dbt failed while building the report: {detail} (log: {paths.logs / 'dbt.log'})")
    tests = counts.get("test", 0)
    echo(
        f"report: built {counts.get('model', 0)} models and {counts.get('seed', 0)} seeds"
        + (f", {tests} data tests passed" if tests else " (data tests skipped)" if not run_tests else "")
        + f" in {time.monotonic() - started:.0f}s"
    )
    return DbtOutcome(analyses=analyses, nodes=nodes, seconds=time.monotonic() - started)


_STEP_TEXT = {
    "parse": "report: dbt: parsing the project",
    "build": "report: dbt: building the KPI marts with the report's filters",
    "compile": "report: dbt: compiling the report analyses",
}


def _parse_line(line: str) -> dict | None:
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        value = json.loads(line)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def _node_line(message: dict) -> str | None:
    """One progress line per model and seed; tests only when they do not pass."""
    rtype = message.get("resource_type")
    status = str(message.get("status", "")).lower()
    index, total = message.get("index", 0), message.get("total", 0)
    if rtype == "test" and status in {"pass", "success"}:
        return None
    width = len(str(total))
    return (
        f"report:   [{index:>{width}}/{total}] {rtype} {message.get('name')}: {status}"
        f" ({message.get('seconds', 0):.1f}s)"
    )


def _failure_text(failure: dict, paths: ReportPaths) -> str:
    step = failure.get("step", "build")
    nodes = failure.get("nodes") or []
    log = paths.logs / "dbt.log"
    if nodes:
        first = nodes[0]
        more = f" (and {len(nodes) - 1} more failing nodes)" if len(nodes) > 1 else ""
        kind = first.get("resource_type", "node")
        where = f" ({first['path']})" if first.get("path") else ""
        return (
            f"dbt {step} failed in {kind} {first.get('name')}{where}: "
            f"{_one_line(first.get('message', ''))}{more}; log: {log}"
        )
    return f"dbt {step} failed: {_one_line(failure.get('error') or 'unknown error')}; log: {log}"


def _one_line(text: str, limit: int = 400) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- lock


@contextmanager
def report_lock(paths: ReportPaths, echo: Echo) -> Iterator[None]:
    """Reports sharing a dbt target folder take turns (dbt writes the same files)."""
    paths.target.mkdir(parents=True, exist_ok=True)
    lock_path = paths.target / ".report.lock"
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    with lock_path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            echo(f"report: waiting for another report using {paths.target} to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.write(f"{os.getpid()} {datetime.now().isoformat(timespec='seconds')}\n")
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
