"""`telemetry unland FILE|CHECKSUM...`: take landed files back."""

from __future__ import annotations

from pathlib import Path

import click

from telemetry.cli.options import db_option, resolve_db, wait_option
from telemetry.land.unland import unland
from telemetry.progress import say


@click.command("unland", short_help="take landed files back (so that a fixed copy can land)")
@click.argument("specs", nargs=-1, required=True, metavar="FILE|CHECKSUM...")
@db_option()
@wait_option()
def command(specs: tuple[str, ...], db: Path | None, wait_seconds: float) -> int:
    """Take landed files back: their rows leave schema `raw` (an event another file also
    holds stays, with one copy less), they are recorded in raw.unlanded_files, and the next
    `telemetry build` rebuilds their days. Name a file by its path (its checksum is computed
    when it still exists) or by its checksum or a prefix of 8 or more hex digits, as listed
    in raw.landed_files. Then a fixed copy can land."""
    unland(list(specs), resolve_db(db), wait_seconds=wait_seconds, echo=say)
    return 0
