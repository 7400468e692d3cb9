"""Take landed files back: `telemetry unland FILE|CHECKSUM...`.

    unland(specs, db_path, *, wait_seconds=0, echo=print) -> list[Unlanded]

A landed file is named by its path (the file's checksum is computed when it still exists;
else its landed path, or the end of it, must name one landed file) or by its checksum (or
a prefix of at least 8 hex digits). In one transaction per file: its copies leave
`raw.event_copies`, its rejected lines `raw.rejected_rows`, its row `raw.landed_files`; an
event no other file holds leaves `raw.events`; an event other files hold too keeps its row
with one copy less, and when the row was this file's copy it now names the earliest other
copy (its columns beyond the 8 core ones stay those of this file's copy: no other copy's
values are stored); the file holding that copy no longer counts it as a duplicate, so the
landing figures still reconcile with staging. The file is recorded in `raw.unlanded_files` with its time range, so the
next incremental build rebuilds those days; a fixed copy of the file can then land.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from telemetry.errors import UserError
from telemetry.sql import sql_literal, transaction
from telemetry.warehouse import LANDED_AT, file_checksum
from telemetry.warehouse import open_warehouse as connect


@dataclass(frozen=True)
class Unlanded:
    checksum: str
    source_file: str
    copies: int
    events_removed: int
    events_kept: int


def unland(
    specs: Sequence[str],
    db_path: Path,
    *,
    wait_seconds: float = 0,
    echo: Callable[[str], None] = print,
) -> list[Unlanded]:
    """Take back every landed file `specs` names (all names are resolved before anything
    is taken back: one that names nothing is an error and nothing changes)."""
    if not db_path.exists():
        raise UserError(f"no warehouse at {db_path}: nothing was landed there")
    con = connect(db_path, wait_seconds, echo)
    try:
        checksums = [_find(con, spec) for spec in specs]
        done = [_unland_one(con, checksum) for checksum in dict.fromkeys(checksums)]
        con.execute("checkpoint")
    finally:
        con.close()
    for item in done:
        echo(
            f"unlanded {item.source_file} ({item.checksum[:12]}): {item.copies} rows taken back;"
            f" {item.events_removed} events removed, {item.events_kept} kept (other files hold them);"
            " the next telemetry build rebuilds their days"
        )
    return done


def _find(con: duckdb.DuckDBPyConnection, spec: str) -> str:
    """The checksum of the one landed file `spec` names."""
    path = Path(spec).expanduser()
    if path.is_file():
        checksum = file_checksum(path)
        if _landed(con, f"file_checksum = {sql_literal(checksum)}"):
            return _aptabase_only(con, spec, checksum)
        raise UserError(f"{spec}: this file (checksum {checksum[:12]}) is not landed")
    if re.fullmatch(r"[0-9a-fA-F]{8,64}", spec):
        found = _landed(con, f"starts_with(file_checksum, {sql_literal(spec.lower())})")
    else:
        resolved = str(path.resolve())
        found = _landed(
            con,
            f"source_file = {sql_literal(resolved)} or ends_with(source_file, {sql_literal('/' + spec.lstrip('/'))})",
        )
    if len(found) == 1:
        return _aptabase_only(con, spec, found[0])
    if not found:
        raise UserError(f"{spec}: no landed file has this path or checksum (see raw.landed_files)")
    raise UserError(
        f"{spec}: names {len(found)} landed files ({', '.join(c[:12] for c in found[:5])}); give the checksum"
    )


def _aptabase_only(con: duckdb.DuckDBPyConnection, spec: str, checksum: str) -> str:
    """`checksum`, when its file is an Aptabase export: the other sources keep an event once
    by its own key without recording each copy, so a file of theirs cannot be taken back
    without losing events another file also held."""
    [(source,)] = con.execute(
        f"select event_source from raw.landed_files where file_checksum = {sql_literal(checksum)}"
    ).fetchall()
    if source != "aptabase":
        raise UserError(
            f"{spec}: a {source} file cannot be taken back (only Aptabase exports can: the other"
            " sources record each event once, not every copy); land into a new warehouse instead"
        )
    return checksum


def _landed(con: duckdb.DuckDBPyConnection, condition: str) -> list[str]:
    return [
        row[0]
        for row in con.execute(f"select file_checksum from raw.landed_files where {condition}").fetchall()
    ]


def _unland_one(con: duckdb.DuckDBPyConnection, checksum: str) -> Unlanded:
    key = sql_literal(checksum)
    source, first_ts, last_ts = con.execute(
        f"select source_file, first_event_ts, last_event_ts from raw.landed_files where file_checksum = {key}"
    ).fetchone()

    def in_range(column: str) -> str:  # every copy of the file has its time in the file's range
        if first_ts is None:
            return "true"
        return f"{column} between {sql_literal(str(first_ts))} and {sql_literal(str(last_ts))}"

    with transaction(con):
        con.execute(
            f"""
            create or replace temp table _taken as
            select event_id, count(*) as copies
            from raw.event_copies
            where {in_range("event_ts")} and file_checksum = {key}
            group by event_id;

            -- the file that holds each event's first copy (landing counted the others as duplicates)
            create or replace temp table _first_copies as
            select event_id, arg_min(file_checksum, (landed_at, source_line)) as first_checksum
            from raw.event_copies
            where {in_range("event_ts")} and event_id in (select event_id from _taken)
            group by event_id;

            delete from raw.event_copies where {in_range("event_ts")} and file_checksum = {key};

            -- the earliest landed copy left of each event another file holds too
            create or replace temp table _others as
            select
                event_id,
                arg_min(file_checksum, (landed_at, source_line)) as kept_checksum,
                arg_min(source_line, (landed_at, source_line)) as kept_line
            from raw.event_copies
            where {in_range("event_ts")} and event_id in (select event_id from _taken)
            group by event_id;
            """
        )
        copies, removed, kept = con.execute(
            "select coalesce(sum(copies), 0), count(*) filter (where event_id not in (select event_id from _others)),"
            " count(*) filter (where event_id in (select event_id from _others)) from _taken"
        ).fetchone()
        con.execute(
            f"""
            delete from raw.events
            where {in_range("_event_ts")} and _event_id in (select event_id from _taken)
                and _event_id not in (select event_id from _others);

            update raw.events
            set _copies_landed = raw.events._copies_landed - _taken.copies,
                _file_checksum = case when raw.events._file_checksum = {key}
                    then _others.kept_checksum else raw.events._file_checksum end,
                _source_line = case when raw.events._file_checksum = {key}
                    then _others.kept_line else raw.events._source_line end,
                _source_file = case when raw.events._file_checksum = {key}
                    then (select f.source_file from raw.landed_files as f where f.file_checksum = _others.kept_checksum)
                    else raw.events._source_file end,
                _landed_at = {LANDED_AT}
            from _taken, _others
            where {in_range("raw.events._event_ts")} and raw.events._event_id = _taken.event_id
                and _taken.event_id = _others.event_id;

            -- an event whose first copy was this file's is new in the file of its next copy
            update raw.landed_files
            set duplicate_rows = raw.landed_files.duplicate_rows - promoted.events
            from (
                select _others.kept_checksum, count(*) as events
                from _others
                inner join _first_copies on _others.event_id = _first_copies.event_id
                where _first_copies.first_checksum = {key}
                group by _others.kept_checksum
            ) as promoted
            where raw.landed_files.file_checksum = promoted.kept_checksum;

            delete from raw.rejected_rows where file_checksum = {key};
            insert into raw.unlanded_files
            select file_checksum, source_file, first_event_ts, last_event_ts, {copies}, {LANDED_AT}
            from raw.landed_files where file_checksum = {key};
            delete from raw.landed_files where file_checksum = {key};
            drop table _taken;
            drop table _others;
            drop table _first_copies;
            """
        )
    return Unlanded(checksum, source, int(copies), int(removed), int(kept))
