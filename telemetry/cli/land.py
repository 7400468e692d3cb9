"""`telemetry land PATH...`: land export files into the warehouse's `raw` schema."""

from __future__ import annotations

from pathlib import Path

import click

from telemetry.cli.options import db_option, resolve_db
from telemetry.land.loader import land_paths


@click.command("land", short_help="land Aptabase export files (CSV or Parquet) into DuckDB, exactly once")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@db_option()
def command(paths: tuple[str, ...], db: Path | None) -> int:
    """Land Aptabase exports into schema `raw` of the warehouse. Accepts the 16-column
    CSVWithNames export, 8-column rewritten CSVs and Parquet exports; files, folders and
    globs. A file already landed (same checksum) is skipped; unparseable lines go to
    raw.rejected_rows."""
    land_paths(list(paths), resolve_db(db))
    return 0
