"""Run the daily build: skip it when nothing changed since the last passing build, else
`dbt build --selector SELECTOR`, streaming dbt's progress, and record the outcome."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from telemetry.build.state import fingerprint, last_passing_build, record_build
from telemetry.errors import UserError
from telemetry.land.loader import connect
from telemetry.paths import REPO_ROOT, dbt_command


@dataclass(frozen=True)
class BuildRequest:
    db: Path
    project_dir: Path = REPO_ROOT
    selector: str = "daily"
    full_refresh: bool = False
    force: bool = False


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _open(db: Path) -> duckdb.DuckDBPyConnection:
    if not db.exists():
        raise UserError(
            f"warehouse {db} does not exist: land exports first (`telemetry land PATH --db {db}`)"
        )
    return connect(db)


def build(request: BuildRequest, *, echo: Callable[[str], None] | None = None) -> int:
    """Returns 0 (built or skipped); a failed dbt build is a UserError."""
    echo = echo or (lambda line: print(line, flush=True))
    con = _open(request.db)
    try:
        current = fingerprint(con, request.project_dir, request.selector, request.full_refresh)
        last = last_passing_build(con)
    finally:
        con.close()
    if last and last.fingerprint == current and not request.force:
        echo(
            f"build: nothing new since the build that passed at {last.finished_at:%Y-%m-%d %H:%M:%S} UTC"
            " (no file landed, no project file changed): skipped; --force builds anyway"
        )
        return 0
    started = _utc_now()
    command = [*dbt_command(), "build", "--selector", request.selector]
    command += ["--project-dir", str(request.project_dir), "--profiles-dir", str(request.project_dir)]
    if request.full_refresh:
        command.append("--full-refresh")
    echo(f"build: dbt build --selector {request.selector}{' --full-refresh' if request.full_refresh else ''}")
    env = {**os.environ, "TELEMETRY_DB": str(request.db)}
    returncode = subprocess.run(command, cwd=request.project_dir, env=env, check=False).returncode
    con = _open(request.db)
    try:
        record_build(
            con,
            started_at=started,
            finished_at=_utc_now(),
            selector=request.selector,
            full_refresh=request.full_refresh,
            fingerprint_after=fingerprint(con, request.project_dir, request.selector, False),
            outcome="passed" if returncode == 0 else "failed",
        )
    finally:
        con.close()
    if returncode != 0:
        raise UserError(f"dbt build failed (exit {returncode}); its output above names the failing nodes")
    return 0
