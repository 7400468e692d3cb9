"""`telemetry land PATH...`: land export files into the warehouse's `raw` schema."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from telemetry.cli.options import db_option, resolve_db, wait_option
from telemetry.land.app import checked_app_name
from telemetry.land.run import land_paths
from telemetry.progress import say
from telemetry.sources.bounds import TimeBounds

DEFAULTS = TimeBounds()


@click.command(
    "land",
    short_help="land telemetry files (Aptabase, ReverbCode ao.db, PostHog, OTLP) into DuckDB, exactly once",
)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@db_option()
@click.option(
    "--not-before",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=DEFAULTS.not_before.isoformat(),
    show_default=True,
    help="reject rows stamped before this UTC day",
)
@click.option(
    "--max-ahead-hours",
    type=click.IntRange(min=0),
    default=DEFAULTS.max_ahead_hours,
    show_default=True,
    help="reject rows stamped more than this many hours after landing",
)
@click.option(
    "--app",
    metavar="NAME",
    help=(
        "the app these files hold (default: the app an Aptabase export's name says,"
        " `{app}-{build_mode}-{YYYY-MM-DD}`; reverbcode for an ao.db; the warehouse's for PostHog and OTLP)"
    ),
)
@click.option(
    "--install-id",
    metavar="ID",
    help="ReverbCode: the install an ao.db with no telemetry_install_id file beside it belongs to",
)
@wait_option()
def command(
    paths: tuple[str, ...],
    db: Path | None,
    not_before: datetime,
    max_ahead_hours: int,
    app: str | None,
    install_id: str | None,
    wait_seconds: float,
) -> int:
    """Land telemetry files into schema `raw` of the warehouse; files, folders and globs,
    any mix. Each file goes to the source that recognises its content: Aptabase exports
    (the 16-column CSVWithNames export, 8-column rewritten CSVs, Parquet exports),
    ReverbCode's SQLite `ao.db` (read-only: it may be copied or read while the daemon runs;
    its install id from `telemetry_install_id` beside it, else --install-id; app
    `reverbcode` unless --app says otherwise), PostHog batch exports (JSON Lines, gzip or
    Parquet; --app NAME) and OpenTelemetry Collector log files (--app NAME). A file already landed (same checksum) is skipped; lines that cannot be parsed and
    rows with no event name, no user id or a time out of bounds go to raw.rejected_rows with
    their reason. A warehouse holds one app (the product KPIs read its seed rows): a file
    of another app is refused."""
    bounds = TimeBounds(not_before=not_before.date(), max_ahead_hours=max_ahead_hours)
    app_name = checked_app_name(app) if app is not None else None
    land_paths(
        list(paths),
        resolve_db(db),
        bounds=bounds,
        wait_seconds=wait_seconds,
        echo=say,
        app=app_name,
        install_id=install_id.strip() if install_id else None,
    )
    return 0
