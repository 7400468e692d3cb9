"""`telemetry demo`: export -> land -> dbt build -> report on the bundled sample."""

from __future__ import annotations

from pathlib import Path

import click

from telemetry.cli.options import FILE, FOLDER, db_option, resolve_db
from telemetry.devtools.demo import run_demo
from telemetry.paths import REPO_ROOT


@click.command(
    "demo", short_help="run export -> land -> dbt build -> report on the bundled sample (no credentials)"
)
@db_option()
@click.option(
    "--out",
    type=FOLDER,
    default=REPO_ROOT / "data" / "exports" / "demo",
    help="where the exported files go (default: data/exports/demo)",
)
@click.option(
    "--html",
    type=FILE,
    default=REPO_ROOT / "reports" / "demo.html",
    help="where the HTML report goes (default: reports/demo.html)",
)
def command(db: Path | None, out: Path, html: Path) -> int:
    """The whole job on the bundled sample, with no credentials: a local Aptabase-compatible
    server on data/sample (a 429 and a cut download injected, so the extractor's retries
    show) -> export every day with the real extractor and land the files -> dbt build
    (staging, intermediate, marts and every test) -> the reliability report (Markdown to
    stdout, HTML to --html); then the bundled Osaurus sample in a warehouse of its own
    (DB-osaurus.duckdb), its report beside the HTML one and its product section printed."""
    return run_demo(resolve_db(db), out, html)
