"""`telemetry land PATH...`: land export files into the warehouse's `raw` schema."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from telemetry.cli.options import db_option, resolve_db, wait_option
from telemetry.land.app import checked_app_name
from telemetry.land.run import land_paths
from telemetry.progress import say
from telemetry.sources.aptabase_key import TimeBounds

DEFAULTS = TimeBounds()


@click.command("land", short_help="land Aptabase export files (CSV or Parquet) into DuckDB, exactly once")
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
    help="the app these files hold (default: the app their names say, `{app}-{build_mode}-{YYYY-MM-DD}`)",
)
@wait_option()
def command(
    paths: tuple[str, ...],
    db: Path | None,
    not_before: datetime,
    max_ahead_hours: int,
    app: str | None,
    wait_seconds: float,
) -> int:
    """Land Aptabase exports into schema `raw` of the warehouse. Accepts the 16-column
    CSVWithNames export, 8-column rewritten CSVs and Parquet exports; files, folders and
    globs. A file already landed (same checksum) is skipped; lines that cannot be parsed and
    rows with no event name, no user id or a time out of bounds go to raw.rejected_rows with
    their reason. A warehouse holds one app (the product KPIs read its seed rows): a file
    of another app is refused."""
    bounds = TimeBounds(not_before=not_before.date(), max_ahead_hours=max_ahead_hours)
    app_name = checked_app_name(app) if app is not None else None
    land_paths(list(paths), resolve_db(db), bounds=bounds, wait_seconds=wait_seconds, echo=say, app=app_name)
    return 0
