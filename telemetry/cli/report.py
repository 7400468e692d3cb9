"""`telemetry report`: build the KPI marts with a report's window and version filter (in a
separate database, never the warehouse's `marts`) and write the reliability report."""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import click

from telemetry.cli.options import FILE, db_option, resolve_db
from telemetry.errors import UserError

FORMATS = ("md", "html")
WINDOW_END_RE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$")


@click.command(
    "report", short_help="write the reliability report (Markdown or self-contained HTML with charts)"
)
@click.option(
    "--window-hours",
    type=click.IntRange(min=1),
    metavar="N",
    help="only the last N hours before the latest event (default: all data)",
)
@click.option(
    "--window-end",
    metavar="'YYYY-MM-DD HH:MM:SS'",
    help="end the window here (UTC) instead of at the latest event",
)
@click.option(
    "--top-app-versions",
    type=click.IntRange(min=1),
    metavar="N",
    help="only the N app versions with the most events in the window",
)
@click.option(
    "--app-versions",
    metavar="A,B",
    help="only these app versions (comma-separated, as sent: 3.1.0,3.0.10)",
)
@click.option(
    "--min-sample",
    type=click.IntRange(min=0),
    metavar="N",
    help="flag groups with fewer than N starts as small samples (default: 30)",
)
@click.option(
    "--format",
    type=click.Choice(FORMATS),
    default=None,
    help="md (default) or html; --out FILE.html implies html",
)
@click.option("--out", type=FILE, metavar="FILE", help="write the report to FILE instead of stdout")
@db_option("warehouse DuckDB file")
@click.option(
    "--skip-tests",
    is_flag=True,
    help="build the marts without running their dbt data tests (faster; numbers unchecked)",
)
def command(**options: Any) -> int:
    """Build the KPI marts for a time window and app-version filter and write the
    reliability report: scope, headline rates, users, event and version counts, breakdowns
    by OS and app version with 95% Wilson intervals, issue buckets, repeated failures,
    release health and prioritized fix suggestions. The filtered marts are built by dbt
    into a report database of their own (target/report/report.duckdb, from a copy of the
    warehouse's raw data), so a report never changes what BI tools read in the warehouse's
    `marts`. Progress goes to stderr; the report to stdout unless --out is given."""
    if options["top_app_versions"] is not None and options["app_versions"] is not None:
        raise click.UsageError("--top-app-versions is not allowed with --app-versions: give one of them")
    return run(SimpleNamespace(**options))


def parse_app_versions(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    versions: list[str] = []
    for part in text.split(","):
        version = part.strip()
        if version and version not in versions:
            versions.append(version)
    if not versions:
        raise UserError("--app-versions needs at least one version, e.g. --app-versions 3.1.0,3.0.10")
    for version in versions:
        if "'" in version or any(c.isspace() for c in version):
            raise UserError(f"--app-versions: not a version: {version!r}")
    return tuple(versions)


def parse_window_end(text: str | None) -> str | None:
    if text is None:
        return None
    value = text.strip().replace("T", " ")
    try:
        if not WINDOW_END_RE.match(value):
            raise ValueError(value)
        datetime.fromisoformat(value)
    except ValueError:
        raise UserError(f"--window-end must be a UTC time like '2026-02-15 18:00:00', got {text!r}") from None
    return value


def run(args: SimpleNamespace) -> int:
    from telemetry.report import ReportScope, build_report

    fmt = args.format or ("html" if args.out and args.out.suffix.lower() in {".html", ".htm"} else "md")
    scope = ReportScope(
        window_hours=args.window_hours,
        window_end=parse_window_end(args.window_end),
        app_versions=parse_app_versions(args.app_versions),
        top_app_versions=args.top_app_versions,
        min_sample=args.min_sample,
    )
    warehouse = resolve_db(args.db)
    out: Path | None = args.out.expanduser() if args.out else None
    if out is not None and out.is_dir():
        raise UserError(f"--out {out} is a folder; give a file name such as {out / ('report.' + fmt)}")

    def echo(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    text = build_report(warehouse, scope, fmt=fmt, run_tests=not args.skip_tests, echo=echo)
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    echo(f"report: wrote {out} ({len(text.encode('utf-8')):,} bytes, {fmt})")
    return 0
