"""`telemetry land PATH...`: land export files into the warehouse's `raw` schema."""

from __future__ import annotations

import argparse
from pathlib import Path

from telemetry.land.loader import land_paths
from telemetry.paths import default_db_path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "land",
        help="land Aptabase export files (CSV or Parquet) into DuckDB, exactly once",
        description=(
            "Land Aptabase exports into schema `raw` of the warehouse. Accepts the 16-column "
            "CSVWithNames export, 8-column rewritten CSVs and Parquet exports; files, folders "
            "and globs. A file already landed (same checksum) is skipped; unparseable lines go "
            "to raw.rejected_rows."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="file, folder or glob")
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="DuckDB file (default: $TELEMETRY_DB or warehouse.duckdb in the repo root)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    db_path = args.db.expanduser().resolve() if args.db else default_db_path()
    land_paths(args.paths, db_path)
    return 0
