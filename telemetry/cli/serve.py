"""`telemetry serve`: run the local Aptabase-compatible server (telemetry.devtools.server) for the
demo and for trying `telemetry export` without an account."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TextIO

import click

from telemetry.cli.options import FOLDER
from telemetry.config import merged_config
from telemetry.devtools.server import DEMO_EMAIL, DEMO_SECRET, FakeApp, FakeAptabase, Faults, parse_day_range
from telemetry.errors import UserError
from telemetry.paths import SAMPLE_DIR


def _count(flag: str, text: str) -> Callable[[Any], Any]:
    return click.option(flag, type=click.IntRange(min=0), default=0, metavar="K", help=text)


@click.command(
    "serve", short_help="run a local Aptabase-compatible server (sign-in, apps, export) with test data"
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port", type=click.IntRange(min=0), default=8765, show_default=True, help="0 picks a free one"
)
@click.option(
    "--data",
    type=FOLDER,
    multiple=True,
    metavar="DIR",
    help="folder of export files to serve (16-column CSVs and Parquet; repeatable; "
    "default: data/sample when it exists and --synthetic is not given)",
)
@click.option(
    "--synthetic", metavar="START[:END]", help="also serve made-up events on these UTC days (END exclusive)"
)
@click.option("--events-per-day", type=int, default=1000, show_default=True, help="for --synthetic")
@click.option("--app-name", default="Vibe", show_default=True)
@click.option("--app-id", default="app-vibe", show_default=True)
@click.option(
    "--page-size", type=click.IntRange(min=1), default=100_000, show_default=True, help="CSV rows per page"
)
@_count("--too-many", "fault: the first K export requests answer 429")
@_count("--errors", "fault: the next K answer 500")
@_count("--slow", "fault: the next K wait --delay seconds first")
@_count("--cuts", "fault: the next K end after --cut-after bytes")
@_count("--drops", "fault: the next K drop the connection")
@_count("--stalls", "fault: the next K pause --delay seconds mid-stream")
@click.option("--delay", type=float, default=5.0, show_default=True, metavar="S")
@click.option("--cut-after", type=int, default=4096, show_default=True, metavar="BYTES")
@click.option("--retry-after", type=float, default=None, metavar="S", help="Retry-After on 429 answers")
@click.option("--retry-after-as-date", is_flag=True, help="send Retry-After as an HTTP date")
@click.option(
    "--token-max-age",
    type=float,
    default=None,
    metavar="S",
    help="refuse sign-in tokens issued more than S seconds ago as expired",
)
@click.option("--session-max-age", type=float, default=None, metavar="S", help="answer 401 to older sessions")
def command(**options: Any) -> int:
    """Serve Aptabase's sign-in, /api/_apps and /api/_export/download on this machine. The
    secret, account, app key and region come from AUTH_SECRET, AUTH_EMAIL, APP_KEY and
    APTABASE_REGION (environment or .env), so `telemetry export` with the same settings and
    BASE_URL pointing here just works. Without AUTH_SECRET a public demo secret is used
    (telemetry/devtools/server.py, DEMO_SECRET). Faults apply to export requests, in the
    order listed."""
    return run(SimpleNamespace(**options))


def run(args: SimpleNamespace) -> int:
    server = build_server(args, merged_config(os.environ, Path.cwd()), out=sys.stdout)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())  # stop cleanly when killed
    with server:
        announce(server, args, sys.stdout)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    print("stopped", file=sys.stdout, flush=True)
    return 0


def build_server(args: SimpleNamespace, config: Mapping[str, str], out: TextIO) -> FakeAptabase:
    region = (config.get("APTABASE_REGION") or "SH").strip().upper()
    secret = config.get("AUTH_SECRET") or ""
    if not secret:
        print("AUTH_SECRET is not set: using the public demo secret", file=out, flush=True)
        secret = DEMO_SECRET
    app = FakeApp(
        id=args.app_id,
        name=args.app_name,
        app_key=(config.get("APP_KEY") or f"A-{region}-0194598703").strip(),
    )
    use_sample = not args.data and not args.synthetic and SAMPLE_DIR.is_dir()
    data_dirs = list(args.data or ([SAMPLE_DIR] if use_sample else []))
    for folder in data_dirs:
        if not folder.is_dir():
            raise UserError(f"--data {folder}: not a folder")
    try:
        server = FakeAptabase(
            secret=secret,
            region=region,
            accounts=[(config.get("AUTH_EMAIL") or DEMO_EMAIL).strip()],
            apps=[app],
            data_dirs=data_dirs,
            page_size=args.page_size,
            faults=_faults(args),
            host=args.host,
            port=args.port,
        )
    except OSError as exc:
        raise UserError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    if args.synthetic:
        try:
            start, end = parse_day_range(args.synthetic)
        except ValueError:
            raise UserError("--synthetic expects START[:END] as YYYY-MM-DD") from None
        server.store.add_synthetic(app.id, start, end, args.events_per_day)
    for note in server.store.notes:
        print(f"note: {note}", file=out, flush=True)
    return server


def _faults(args: SimpleNamespace) -> Faults:
    return Faults(
        too_many=args.too_many,
        errors=args.errors,
        slow=args.slow,
        cuts=args.cuts,
        drops=args.drops,
        stalls=args.stalls,
        delay=args.delay,
        cut_after=args.cut_after,
        retry_after=args.retry_after,
        retry_after_as_date=args.retry_after_as_date,
        token_max_age=args.token_max_age,
        session_max_age=args.session_max_age,
    )


def announce(server: FakeAptabase, args: SimpleNamespace, out: TextIO) -> None:
    app = server.apps[0]
    days = server.store.days()
    span = f" on {len(days)} days, {days[0]} .. {days[-1]}" if days else ""
    email = next(iter(server.accounts))
    lines = [
        f"fake Aptabase server on {server.url}",
        f"  app {app.name} ({app.app_key}), account {email}, region {server.region}",
        f"  {server.store.count():,} events{span}",
    ]
    plan = server.faults.plan()
    if plan:
        lines.append(f"  faults for the first {len(plan)} export requests: {' '.join(plan)}")
    lines += [
        "export from it with the same AUTH_SECRET and:",
        f"  BASE_URL={server.url} APTABASE_REGION={server.region} APP_KEY={app.app_key} AUTH_EMAIL={email}",
        "Ctrl-C stops it",
    ]
    print("\n".join(lines), file=out, flush=True)
