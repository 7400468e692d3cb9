"""`telemetry sample`: write a small, reproducible sample of Vibe or Osaurus exports with every quirk."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import click

from telemetry.cli.options import FOLDER
from telemetry.devtools.sample import (
    DEFAULT_DAYS,
    DEFAULT_END_DATE,
    DEFAULT_PAGE_SIZE,
    DEFAULT_SEED,
    DEFAULT_USERS_PER_DAY,
    MANIFEST_FILE,
    generate_sample,
)
from telemetry.devtools.sample_osaurus import generate_osaurus_sample
from telemetry.devtools.sample_reverbcode import DEFAULT_DAYS as REVERBCODE_DAYS
from telemetry.devtools.sample_reverbcode import DEFAULT_END_DATE as REVERBCODE_END_DATE
from telemetry.devtools.sample_reverbcode import DEFAULT_INSTALLS, generate_reverbcode_sample
from telemetry.errors import UserError

#: The apps `telemetry sample` can invent, and where each is written by default.
SAMPLE_APPS = {
    "vibe": Path("data/sample"),
    "osaurus": Path("data/sample-osaurus"),
    "reverbcode": Path("data/sample-reverbcode"),
}


@click.command(
    "sample",
    short_help="write a reproducible sample of Vibe, Osaurus or ReverbCode telemetry (exports, ao.db files)",
)
@click.option(
    "--app",
    type=click.Choice(sorted(SAMPLE_APPS)),
    default="vibe",
    show_default=True,
    help="the app whose telemetry to invent",
)
@click.option(
    "--out",
    type=FOLDER,
    default=None,
    metavar="DIR",
    help="where to write (default: data/sample, data/sample-osaurus or data/sample-reverbcode)",
)
@click.option(
    "--days",
    type=int,
    default=None,
    metavar="N",
    help=f"UTC days, ending with --end-date (default: {DEFAULT_DAYS}; reverbcode {REVERBCODE_DAYS})",
)
@click.option(
    "--end-date",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help=f"last UTC day of the sample (default: {DEFAULT_END_DATE}; reverbcode {REVERBCODE_END_DATE})",
)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, metavar="N", help="random seed")
@click.option(
    "--users-per-day",
    type=int,
    default=DEFAULT_USERS_PER_DAY,
    show_default=True,
    metavar="N",
    help="active devices per day",
)
@click.option(
    "--installs",
    type=click.IntRange(min=1),
    default=DEFAULT_INSTALLS,
    show_default=True,
    metavar="N",
    help="reverbcode: installs in the fleet (an ao.db each)",
)
@click.option(
    "--page-size",
    type=int,
    default=DEFAULT_PAGE_SIZE,
    show_default=True,
    metavar="N",
    help="rows per page before the header line repeats (like the server; the bundled sample uses 250)",
)
def command(**options: Any) -> int:
    """Generate invented Vibe (or, with --app osaurus, Osaurus) telemetry as Aptabase
    exports it, or with --app reverbcode a fleet of ReverbCode installs, an `ao.db` each
    (folder per install, its `telemetry_install_id` beside it, but for the last one).
    An export sample has one CSVWithNames file per
    UTC day (header repeated every page, midnight events in two files), a pandas-trimmed
    8-column copy of the last 48 hours, a download cut mid-line, a Parquet export of one
    day, and manifest.json with the ground truth (unique events per day, per event name,
    failures by message family). The same options give the same bytes."""
    reverbcode = options["app"] == "reverbcode"
    if options["days"] is None:
        options["days"] = REVERBCODE_DAYS if reverbcode else DEFAULT_DAYS
    if options["end_date"] is None:
        options["end_date"] = REVERBCODE_END_DATE if reverbcode else DEFAULT_END_DATE
    else:
        options["end_date"] = options["end_date"].date()
    return run(SimpleNamespace(**options))


def truth_line(truth: dict) -> str:
    """The manifest's ground truth in one line."""
    if truth.get("app") == "osaurus":
        installs = sum(truth["new_installs_by_day"].values())
        return (
            f"{truth['unique_events']:,} unique events, {truth['messages_sent']:,} messages sent, "
            f"{installs:,} onboardings started"
        )
    transcriptions = truth["transcriptions"]
    rate = transcriptions["failure_rate"]
    return (
        f"{truth['unique_events']:,} unique events "
        f"({truth['events_generated']:,} sent), {truth['failure_events']:,} failures, "
        f"{transcriptions['started']:,} transcriptions started, "
        f"{'n/a' if rate is None else f'{rate:.1%}'} failed"
    )


def _reverbcode(out_dir: Path, args: SimpleNamespace, end_date: date) -> int:
    """A ReverbCode fleet: an `ao.db` per install (--installs of them)."""
    days, end = args.days, end_date
    manifest = generate_reverbcode_sample(
        out_dir, days=days, end_date=end, seed=args.seed, installs=args.installs
    )
    print(
        f"wrote {len(manifest['installs'])} installs (an ao.db each) + manifest.json to {out_dir}:"
        f" {manifest['rows']:,} telemetry_event rows, {end - timedelta(days=days - 1)} .. {end}"
    )
    return 0


def run(args: SimpleNamespace) -> int:
    end_date = args.end_date
    if isinstance(end_date, str):  # called with a hand-built Namespace
        try:
            end_date = date.fromisoformat(end_date)
        except ValueError:
            raise UserError(f"--end-date must be YYYY-MM-DD (got {end_date!r})") from None
    app = getattr(args, "app", "vibe")  # a hand-built Namespace may not say
    out_dir = Path(args.out or SAMPLE_APPS[app]).expanduser()
    if app == "reverbcode":
        return _reverbcode(out_dir, args, end_date)
    generate = generate_osaurus_sample if app == "osaurus" else generate_sample
    manifest = generate(
        out_dir,
        days=args.days,
        end_date=end_date,
        seed=args.seed,
        users_per_day=args.users_per_day,
        page_size=args.page_size,
    )
    truth = manifest.ground_truth
    total_bytes = sum(f.bytes for f in manifest.files)
    print(
        f"wrote {len(manifest.files)} files + {MANIFEST_FILE} to {out_dir} "
        f"({total_bytes / 1_000_000:.1f} MB): {manifest.start_date} .. {manifest.end_date}, "
        f"seed {manifest.seed}"
    )
    for f in manifest.files:
        print(f"  {f.name:<40} {f.kind:<12} {f.rows:>6} rows  {f.header_lines} header line(s)")
    print(f"ground truth: {truth_line(truth)}")
    return 0
