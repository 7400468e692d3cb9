"""`telemetry report`: the reliability report for any window and version filter, computed
from the published marts in one pass, written as Markdown, HTML and/or JSON."""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import click

from telemetry.cli.options import FILE, db_option, resolve_db
from telemetry.defaults import default_min_group_users, default_min_sample
from telemetry.errors import UserError

FORMATS = ("md", "html", "json")
SUFFIX_FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}
WINDOW_END_RE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?$")


@click.command(
    "report", short_help="write the reliability report (Markdown, self-contained HTML with charts, JSON)"
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
    help=f"flag groups with fewer than N starts as small samples (default: {default_min_sample()})",
)
@click.option(
    "--min-group-users",
    type=click.IntRange(min=1),
    metavar="K",
    help=f"never show a segment of fewer than K users as a number (default: {default_min_group_users()})",
)
@click.option(
    "--format",
    type=click.Choice(FORMATS),
    default=None,
    help="md (default), html or json: for stdout, and for an --out file whose suffix does not say",
)
@click.option(
    "--out",
    type=FILE,
    metavar="FILE",
    multiple=True,
    help="write the report to FILE instead of stdout; repeat for several formats "
    "(--out r.md --out r.html --out r.json: one computation, the format from each suffix)",
)
@db_option("warehouse DuckDB file, whose published copy the report reads")
def command(**options: Any) -> int:
    """Write the reliability report for a time window and app-version filter: scope,
    headline rates, users, event and version counts, breakdowns by OS and app version with
    95% Wilson intervals, issue buckets, repeated failures, release health and prioritized
    fix suggestions. The numbers are computed from the published marts (what the last
    passing `telemetry build` published beside the warehouse) with the same KPI queries the
    marts are built with: no dbt run, no copy of raw data, and BI tools reading the
    published copy see no change. The report goes to stdout unless --out is given."""
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

    scope = ReportScope(
        window_hours=args.window_hours,
        window_end=parse_window_end(args.window_end),
        app_versions=parse_app_versions(args.app_versions),
        top_app_versions=args.top_app_versions,
        min_sample=args.min_sample,
        min_group_users=args.min_group_users,
    )
    outputs = [(out.expanduser(), out_format(out, args.format)) for out in args.out]
    for out, fmt in outputs:
        if out.is_dir():
            raise UserError(f"--out {out} is a folder; give a file name such as {out / ('report.' + fmt)}")
    formats = list(dict.fromkeys(fmt for _, fmt in outputs)) or [args.format or "md"]
    texts = build_report(resolve_db(args.db), scope, formats)
    if not outputs:
        sys.stdout.write(texts[formats[0]])
        sys.stdout.flush()
        return 0
    for out, fmt in outputs:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(texts[fmt], encoding="utf-8")
        print(f"report: wrote {out} ({len(texts[fmt].encode('utf-8')):,} bytes, {fmt})", file=sys.stderr)
    return 0


def out_format(out: Path, fallback: str | None) -> str:
    """The format of an --out file: its suffix's, else --format, else Markdown."""
    return SUFFIX_FORMATS.get(out.suffix.lower()) or fallback or "md"
