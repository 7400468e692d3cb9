"""Options several commands share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from telemetry.paths import default_db_path

FILE = click.Path(path_type=Path, dir_okay=False)
FOLDER = click.Path(path_type=Path, file_okay=False)


def db_option(help_text: str = "DuckDB file") -> Callable[[Any], Any]:
    return click.option(
        "--db",
        type=FILE,
        default=None,
        help=f"{help_text} (default: $TELEMETRY_DB or warehouse.duckdb in the repo root)",
    )


def resolve_db(db: Path | None) -> Path:
    return db.expanduser().resolve() if db else default_db_path()


def wait_option() -> Callable[[Any], Any]:
    """`--wait SECONDS`: wait for another process to release the warehouse (`wait_seconds`)."""
    return click.option(
        "--wait",
        "wait_seconds",
        type=click.FloatRange(min=0),
        default=0,
        metavar="SECONDS",
        help="wait this long for another process (dbt, a BI tool) to release the warehouse"
        "  [default: fail at once]",
    )
