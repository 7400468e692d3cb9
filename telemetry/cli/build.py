"""`telemetry build`: the daily dbt build, skipped when nothing changed."""

from __future__ import annotations

from pathlib import Path

import click

from telemetry.cli.options import FOLDER, db_option, resolve_db, wait_option
from telemetry.paths import REPO_ROOT
from telemetry.pipeline.run import BuildRequest, build


@click.command(
    "build", short_help="run the daily dbt build and publish the marts; nothing when nothing changed"
)
@db_option()
@click.option("--selector", default="daily", show_default=True, help="selector of selectors.yml to build")
@click.option("--full-refresh", is_flag=True, help="rebuild every incremental model from all landed data")
@click.option("--force", is_flag=True, help="build even when nothing changed since the last passing build")
@click.option(
    "--project-dir",
    type=FOLDER,
    default=REPO_ROOT,
    show_default="this repository",
    help="the dbt project to build (a copy of this one, as the benchmark uses)",
)
@wait_option()
def command(
    db: Path | None, selector: str, full_refresh: bool, force: bool, project_dir: Path, wait_seconds: float
) -> int:
    """Build the warehouse with `dbt build --selector daily`: the days that changed are
    rebuilt and tested. When every test passed, publish the marts: a new
    <warehouse>.published.duckdb, what BI tools and `telemetry report` read, swapped in at
    once (readers holding the old one are never blocked); a failed build publishes
    nothing. When no file was landed and no project file (models, macros, seeds, tests,
    selectors) changed since the last build that passed, nothing runs. Builds are recorded
    in control.telemetry_builds."""
    return build(
        BuildRequest(resolve_db(db), project_dir.resolve(), selector, full_refresh, force, wait_seconds)
    )
