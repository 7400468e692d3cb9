"""`telemetry export`: download exact UTC days from an Aptabase server, one complete file per
day, resumable and fault-tolerant; optionally land them (`--land`)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TextIO

import click

from telemetry.aptabase.client import BUILD_MODES, FORMATS, AptabaseClient, Settings
from telemetry.aptabase.export import (
    ExportPlan,
    days_in_range,
    last_hours_window,
    run_export,
    utc_now,
)
from telemetry.aptabase.retry import RetryPolicy
from telemetry.cli.options import FOLDER, db_option
from telemetry.config import merged_config
from telemetry.errors import UserError
from telemetry.paths import REPO_ROOT, default_db_path
from telemetry.progress import Progress

DEFAULT_OUT = REPO_ROOT / "data" / "exports"


@click.command("export", short_help="download UTC days from an Aptabase server, one complete file per day")
@click.option("--start-date", metavar="YYYY-MM-DD", help="first UTC day (inclusive)")
@click.option("--end-date", metavar="YYYY-MM-DD", help="end UTC day (exclusive)")
@click.option("--last-hours", type=int, metavar="N", help="the UTC days overlapping the last N hours")
@click.option("--format", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option("--build-mode", type=click.Choice(BUILD_MODES), default="release", show_default=True)
@click.option("--app-key", help="the app to export (default: $APP_KEY)")
@click.option("--out", type=FOLDER, default=None, help="folder for the files (default: data/exports/)")
@click.option("--land", is_flag=True, help="land the exported days into DuckDB afterwards")
@db_option("DuckDB file for --land")
@click.option("--max-attempts", type=int, default=5, show_default=True, help="per request")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="seconds to wait")
@click.option(
    "--backoff",
    type=float,
    default=1.0,
    show_default=True,
    metavar="SECONDS",
    help="first retry delay; doubles per attempt, with jitter",
)
def command(**options: Any) -> int:
    """Sign in to Aptabase (BASE_URL, AUTH_SECRET, AUTH_NAME, AUTH_EMAIL, APP_KEY,
    APTABASE_REGION from the environment or .env in the current directory) and download
    one file per UTC day, {app}-{build_mode}-{YYYY-MM-DD}.{csv|parquet}, where app is the
    app's name in lower-case letters and digits (as Aptabase names its downloads). A file
    appears only once its download is complete; days already complete are skipped on a
    re-run, except today and yesterday (UTC)."""
    return run(SimpleNamespace(**options))


def run(args: SimpleNamespace) -> int:
    return execute(args, environ=os.environ, cwd=Path.cwd(), now=utc_now())


def execute(
    args: SimpleNamespace,
    *,
    environ: Mapping[str, str],
    cwd: Path,
    now: datetime,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """The command with its surroundings injectable (tests pass `now`, `clock`, `sleep`)."""
    out, err = stdout or sys.stdout, stderr or sys.stderr

    def echo(message: str) -> None:
        print(message, file=out, flush=True)

    def warn(message: str) -> None:
        print(f"telemetry export: {message}", file=err, flush=True)

    days = resolve_days(args, now, echo)
    if args.max_attempts < 1:
        raise UserError("--max-attempts must be at least 1")
    if args.timeout <= 0 or args.backoff < 0:
        raise UserError("--timeout must be positive and --backoff not negative")
    settings = Settings.from_config(merged_config(environ, cwd), app_key=args.app_key)
    out_dir = _resolve(args.out, cwd) if args.out else DEFAULT_OUT
    plan = ExportPlan(days=days, out_dir=out_dir, fmt=args.format, build_mode=args.build_mode)
    policy = RetryPolicy(max_attempts=args.max_attempts, base_delay=args.backoff, sleep=sleep)
    with AptabaseClient(settings, timeout=args.timeout, policy=policy, clock=clock, warn=warn) as client:
        result = run_export(
            client, settings.app_key, plan, now=now, progress=Progress(err), echo=echo, warn=warn
        )
    if args.land:
        from telemetry.land.run import land_paths

        db_path = _resolve(args.db, cwd) if args.db else default_db_path()
        land_paths([str(path) for path in result.paths], db_path, echo=echo)
    return 0


def resolve_days(args: SimpleNamespace, now: datetime, echo: Callable[[str], None]) -> tuple[date, ...]:
    """The UTC days the options ask for (printing the exact window for --last-hours)."""
    today = now.astimezone(UTC).date()
    if args.last_hours is not None:
        if args.start_date or args.end_date:
            raise UserError("give either --start-date/--end-date or --last-hours, not both")
        start, end, days = last_hours_window(now, args.last_hours)
        echo(
            f"last {args.last_hours} hours: {start:%Y-%m-%d %H:%M:%S} .. {end:%Y-%m-%d %H:%M:%S} UTC"
            f" -> UTC days {days[0]} .. {days[-1]} (start inclusive {days[0]}, "
            f"end exclusive {days[-1] + timedelta(days=1)})"
        )
        return days
    if not args.start_date or not args.end_date:
        raise UserError("give --start-date and --end-date (end exclusive), or --last-hours N")
    start = _parse_date(args.start_date, "--start-date")
    end = _parse_date(args.end_date, "--end-date")
    if end <= start:
        raise UserError(
            f"--end-date {end} must be after --start-date {start} (the end is exclusive: "
            f"--start-date {start} --end-date {start + timedelta(days=1)} exports one day)"
        )
    if start > today:
        raise UserError(f"--start-date {start} is in the future (today is {today} UTC)")
    if end > today + timedelta(days=1):
        end = today + timedelta(days=1)
        echo(f"note: days after today ({today} UTC) have no events yet; exporting through {today}")
    return days_in_range(start, end)


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option} {text!r} is not a date (expected YYYY-MM-DD)") from None


def _resolve(path: Path, cwd: Path) -> Path:
    path = path.expanduser()
    return path if path.is_absolute() else (cwd / path)
