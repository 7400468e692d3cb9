"""The sources a warehouse lands, one module each, and how a file finds its source.

    source_of(path) -> Source        which source takes a file (by its content, then its name)

A source knows how to recognise its files, read them set-based into its own `raw` tables,
key its events, and what identity its user ids give (`identity_horizon`: `user_day` when
ids rotate daily, `install` when an id is one install for as long as it exists). Landing
(telemetry/land/run.py) walks the files; the shared manifest is telemetry/warehouse.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from telemetry.errors import UserError
from telemetry.land.summary import FileResult
from telemetry.sources.bounds import TimeBounds


@dataclass(frozen=True)
class LandRequest:
    """One file to land and what the command line said about it."""

    path: Path
    checksum: str
    bounds: TimeBounds
    app: str | None = None  # --app
    install_id: str | None = None  # --install-id


@dataclass(frozen=True)
class Source:
    """A source of events: its name (the `event_source` of its rows), the identity its user
    ids give, what files it takes (said when a file is refused), and its parts."""

    name: str
    identity_horizon: str
    expects: str
    #: whether a file found in a folder is one to try (a file named directly is sniffed)
    in_folder: Callable[[Path], bool]
    prepare: Callable[[duckdb.DuckDBPyConnection], None]
    recognises: Callable[[Path, bytes], bool]
    land: Callable[[duckdb.DuckDBPyConnection, LandRequest], FileResult]
    #: why a file this source would take by its name cannot land ('' when it can)
    refusal: Callable[[Path], str] = lambda path: ""


def sources() -> tuple[Source, ...]:
    """Every source, the most specific first (a SQLite database before a file ending .csv)."""
    from telemetry.sources import aptabase, otlp, posthog, reverbcode

    return (reverbcode.SOURCE, posthog.SOURCE, otlp.SOURCE, aptabase.SOURCE)


def head_of(path: Path, size: int = 64) -> bytes:
    """The first bytes of a file (what a source recognises it by)."""
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError as exc:
        raise UserError(f"{path}: cannot read it ({exc.strerror or exc})") from None


def source_of(path: Path) -> Source:
    """The source that takes `path`, or a UserError saying what each source expects."""
    head = head_of(path)
    for source in sources():
        if source.recognises(path, head):
            refusal = source.refusal(path)
            if refusal:
                raise UserError(f"{path}: {refusal}")
            return source
    expected = "; ".join(source.expects for source in sorted(sources(), key=lambda s: s.name))
    raise UserError(f"{path}: not a file any source takes; expected one of: {expected}")


def in_folder(path: Path) -> bool:
    """Whether a file found in a folder is one some source may take (by its name)."""
    return any(source.in_folder(path) for source in sources())
