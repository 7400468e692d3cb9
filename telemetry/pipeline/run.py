"""Run the daily build: skip it when nothing changed since the last passing build, else
`dbt build --selector SELECTOR` (and the compile of the report's SQL) in one dbt process,
record the outcome, and publish the marts when it passed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from telemetry.errors import UserError, error_line
from telemetry.paths import REPO_ROOT
from telemetry.pipeline.publish import publish
from telemetry.pipeline.state import fingerprint, last_passing_build, record_build
from telemetry.progress import say
from telemetry.warehouse import open_warehouse as connect
from telemetry.warehouse import published_path

#: dbt path selectors of the report's SQL (the KPI models with their scope helpers, and the
#: report analyses), compiled by every build and published with the marts.
REPORT_PATHS = ("models/marts/kpi", "analyses/report")

Echo = Callable[[str], None]


@dataclass(frozen=True)
class BuildRequest:
    db: Path
    project_dir: Path = REPO_ROOT
    selector: str = "daily"
    full_refresh: bool = False
    force: bool = False
    wait_seconds: float = 0


@dataclass
class DbtOutcome:
    queries: list[dict[str, str]]
    failure: str | None
    seconds: float
    marts_tables: list[str] | None = None


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _open(db: Path, wait_seconds: float = 0) -> duckdb.DuckDBPyConnection:
    if not db.exists():
        raise UserError(
            f"warehouse {db} does not exist: land exports first (`telemetry land PATH --db {db}`)"
        )
    return connect(db, wait_seconds, say)


def build(request: BuildRequest, *, echo: Echo | None = None) -> int:
    """Returns 0 (built and published, or skipped); a failed dbt build is a UserError."""
    echo = echo or say
    con = _open(request.db, request.wait_seconds)
    try:
        current = fingerprint(con, request.project_dir, request.selector, request.full_refresh)
        last = last_passing_build(con)
    finally:
        con.close()
    published = published_path(request.db)
    if last and last.fingerprint == current and not request.force and published.is_file():
        echo(
            f"build: nothing new since the build that passed at {last.finished_at:%Y-%m-%d %H:%M:%S} UTC"
            " (no file landed, no project file changed): skipped; --force builds anyway"
        )
        return 0
    started = _utc_now()
    echo(f"build: dbt build --selector {request.selector}{' --full-refresh' if request.full_refresh else ''}")
    outcome = run_dbt(request, echo)
    finished = _utc_now()
    kept = (
        f"readers keep the copy published before ({published})"
        if published.is_file()
        else "nothing is published yet"
    )
    if outcome.failure is not None:
        _record(request, started, finished, "failed")
        raise UserError(f"{outcome.failure}{_lock_hint(outcome.failure, published)}; not published: {kept}")
    echo(f"build: dbt passed in {outcome.seconds:.0f}s; publishing the marts")
    try:
        publication = publish(
            request.db,
            build_finished_at=finished,
            report_queries=outcome.queries,
            only_tables=outcome.marts_tables,
            fresh=request.full_refresh,
        )
    except UserError as exc:
        # not a passing build: the next `telemetry build` runs (and publishes) again
        _record(request, started, finished, "publish failed")
        raise UserError(f"{exc}; {kept}") from None
    _record(request, started, finished, "passed")
    echo(
        f"build: published {publication.tables} marts tables ({publication.events:,} events) to "
        f"{publication.path} in {publication.seconds:.1f}s"
    )
    return 0


def _lock_hint(failure: str, published: Path) -> str:
    """What to do when dbt met a lock on the warehouse (a reader opened it while dbt ran)."""
    if "lock" not in failure.lower():
        return ""
    return (
        f" (another process holds the warehouse: BI tools and reports should read {published.name},"
        " never the warehouse; wait for it, or give --wait)"
    )


def _record(request: BuildRequest, started: datetime, finished: datetime, outcome: str) -> None:
    con = _open(request.db, request.wait_seconds)
    try:
        record_build(
            con,
            started_at=started,
            finished_at=finished,
            selector=request.selector,
            full_refresh=request.full_refresh,
            fingerprint_after=fingerprint(con, request.project_dir, request.selector, False),
            outcome=outcome,
        )
    finally:
        con.close()


def run_dbt(request: BuildRequest, echo: Echo) -> DbtOutcome:
    """`dbt build --selector` and the compile of the report's SQL in one dbt process
    (telemetry.pipeline.dbt_driver); progress goes to `echo`, a failure comes back as one line."""
    spec = {
        "project_dir": str(request.project_dir),
        "target_path": os.environ.get("DBT_TARGET_PATH"),
        "log_path": os.environ.get("DBT_LOG_PATH"),
        "selector": request.selector,
        "full_refresh": request.full_refresh,
        "report": [path for path in REPORT_PATHS if (request.project_dir / path).is_dir()] or None,
    }
    # the warehouse target, whatever a reader's TELEMETRY_TARGET says (profiles.yml)
    env = {**os.environ, "TELEMETRY_DB": str(request.db), "TELEMETRY_TARGET": "dev", "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    queries: list[dict[str, str]] | None = None
    marts_tables: list[str] | None = None
    failure: dict | None = None
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as stderr_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "telemetry.pipeline.dbt_driver", json.dumps(spec)],
            cwd=str(request.project_dir),
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr_file,
            text=True,
            encoding="utf-8",
        )
        assert process.stdout is not None
        try:
            for line in process.stdout:
                message = _parse_line(line)
                kind = message.get("event") if message else None
                if kind == "step":
                    echo(f"build: dbt {message['step']}")
                elif kind == "node":
                    text = _node_line(message)
                    if text:
                        echo(text)
                elif kind == "failed":
                    failure = message
                elif kind == "done":
                    queries = message.get("queries") or []
                    marts_tables = message.get("marts_tables")
        except KeyboardInterrupt:
            process.terminate()
            process.wait()
            raise
        code = process.wait()
        stderr_file.seek(0)
        stderr_text = stderr_file.read()
    seconds = time.monotonic() - started
    log = Path(spec["log_path"] or request.project_dir / "logs") / "dbt.log"
    if failure is not None:
        return DbtOutcome([], _failure_text(failure, log), seconds)
    if code != 0 or queries is None:
        last = [ln for ln in stderr_text.splitlines() if ln.strip()]
        detail = error_line(last[-1]) if last else f"exit code {code}"
        return DbtOutcome([], f"dbt build failed: {detail} (log: {log})", seconds)
    return DbtOutcome(queries, None, seconds, marts_tables)


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
    if rtype in {"test", "unit_test"} and status in {"pass", "success"}:
        return None
    index, total = message.get("index", 0), message.get("total", 0)
    width = len(str(total))
    return (
        f"build:   [{index:>{width}}/{total}] {rtype} {message.get('name')}: {status}"
        f" ({message.get('seconds', 0):.1f}s)"
    )


def _failure_text(failure: dict, log: Path) -> str:
    step = failure.get("step", "build")
    nodes = failure.get("nodes") or []
    if nodes:
        first = nodes[0]
        more = f" (and {len(nodes) - 1} more failing nodes)" if len(nodes) > 1 else ""
        where = f" ({first['path']})" if first.get("path") else ""
        return (
            f"dbt {step} failed in {first.get('resource_type', 'node')} {first.get('name')}{where}: "
            f"{error_line(first.get('message', ''))}{more}; log: {log}"
        )
    return f"dbt {step} failed: {error_line(failure.get('error') or 'unknown error')}; log: {log}"
