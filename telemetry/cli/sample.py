"""`telemetry sample`: write a small, reproducible sample of Vibe exports with every quirk."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from telemetry.devtools.sample import (
    DEFAULT_DAYS,
    DEFAULT_END_DATE,
    DEFAULT_PAGE_SIZE,
    DEFAULT_SEED,
    DEFAULT_USERS_PER_DAY,
    MANIFEST_FILE,
    generate_sample,
)
from telemetry.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sample",
        help="write a reproducible sample of Vibe telemetry exports (CSV, Parquet, manifest)",
        description=(
            "Generate invented Vibe telemetry as Aptabase exports it: one CSVWithNames file "
            "per UTC day (header repeated every page, midnight events in two files), a "
            "pandas-trimmed 8-column copy of the last 48 hours, a download cut mid-line, a "
            "Parquet export of one day, and manifest.json with the ground truth (unique "
            "events per day, per event name, failures by message family). The same options "
            "give the same bytes."
        ),
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("data/sample"),
        metavar="DIR",
        help="output folder (default: data/sample)",
    )
    parser.add_argument(
        "--days",
        type=int,
        default=DEFAULT_DAYS,
        metavar="N",
        help=f"number of UTC days, ending with --end-date (default: {DEFAULT_DAYS})",
    )
    parser.add_argument(
        "--end-date",
        type=_parse_date,
        default=DEFAULT_END_DATE,
        metavar="YYYY-MM-DD",
        help=f"last UTC day of the sample (default: {DEFAULT_END_DATE.isoformat()})",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        metavar="N",
        help=f"random seed (default: {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--users-per-day",
        type=int,
        default=DEFAULT_USERS_PER_DAY,
        metavar="N",
        help=f"active devices per day (default: {DEFAULT_USERS_PER_DAY})",
    )
    parser.add_argument(
        "--page-size",
        type=int,
        default=DEFAULT_PAGE_SIZE,
        metavar="N",
        help=(
            "rows per page before the header line repeats (default: "
            f"{DEFAULT_PAGE_SIZE:,} like the server; the bundled sample uses 250)"
        ),
    )
    parser.set_defaults(func=run)


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


def run(args: argparse.Namespace) -> int:
    end_date = args.end_date
    if isinstance(end_date, str):  # called with a hand-built Namespace
        try:
            end_date = date.fromisoformat(end_date)
        except ValueError:
            raise UserError(f"--end-date must be YYYY-MM-DD (got {end_date!r})") from None
    out_dir = Path(args.out).expanduser()
    manifest = generate_sample(
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
    transcriptions = truth["transcriptions"]
    rate = transcriptions["failure_rate"]
    print(
        f"ground truth: {truth['unique_events']:,} unique events "
        f"({truth['events_generated']:,} sent), {truth['failure_events']:,} failures, "
        f"{transcriptions['started']:,} transcriptions started, "
        f"{'n/a' if rate is None else f'{rate:.1%}'} failed"
    )
    return 0
