"""`telemetry land`: one tiny hand-written file per export quirk, checked by hand."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from conftest import REPO_ROOT, land, query, run_cli, run_dbt

from telemetry.aptabase.export_format import EXPORT_COLUMNS

HEADER16 = (
    '"timestamp","user_id","session_id","event_name","string_props","numeric_props",'
    '"os_name","os_version","locale","app_version","app_build_number","engine_name",'
    '"engine_version","country_code","country_name","region_name"'
)
HEADER8 = "timestamp,event_name,user_id,app_version,os_name,os_version,string_props,numeric_props"


def row16(
    ts: str,
    user: str,
    name: str,
    props: str = "",
    numeric: str = "",
    os_name: str = "Windows",
    os_version: str = "10.0.19045",
    version: str = "3.0.9",
) -> str:
    """One CSVWithNames row: every field quoted, quotes doubled."""
    values = [
        ts,
        user,
        f"sess-{user}",
        name,
        props,
        numeric,
        os_name,
        os_version,
        "en-US",
        version,
        "309",
        "WebView2",
        "120.0",
        "DE",
        "Germany",
        "Berlin",
    ]
    return ",".join('"' + v.replace('"', '""') + '"' for v in values)


def write(path: Path, lines: list[str], *, trailing_newline: bool = True) -> Path:
    text = "\n".join(lines) + ("\n" if trailing_newline else "")
    path.write_bytes(text.encode("utf-8"))
    return path


def raw_count(db: Path) -> int:
    return query(db, "select count(*) from raw.events")[0][0]


def test_repeated_header_lines_are_skipped_and_counted(tmp_path, db):
    f = write(
        tmp_path / "paged.csv",
        [
            HEADER16,
            row16("2026-02-01 10:00:02", "u1", "app_started"),
            row16("2026-02-01 10:00:01", "u2", "app_started"),
            HEADER16,  # the next page of the export
            row16("2026-02-01 10:00:00", "u3", "app_started"),
        ],
    )
    out = land(db, f)
    assert "5 lines read = 2 header lines + 3 rows landed + 0 rejected" in out
    assert raw_count(db) == 3
    assert query(db, "select list(_source_line order by _source_line) from raw.events")[0][0] == [2, 3, 5]
    assert query(db, "select header_lines, rows_landed from raw.landed_files") == [(2, 3)]


def test_cut_last_line_is_rejected_and_the_rest_lands(tmp_path, db):
    good = [
        HEADER16,
        row16("2026-02-01 10:00:02", "u1", "app_started"),
        row16("2026-02-01 10:00:01", "u2", "app_started"),
    ]
    cut = row16("2026-02-01 10:00:00", "u3", "transcribe_failed", '{"error_message":"x"}')[:40]
    f = write(tmp_path / "dropped.csv", [*good, cut], trailing_newline=False)
    out = land(db, f)
    assert "4 lines read = 1 header lines + 2 rows landed + 1 rejected" in out
    rejected = query(db, "select line_number, reason, raw_text from raw.rejected_rows")
    assert len(rejected) == 1
    line, reason, text = rejected[0]
    assert line == 4
    assert "quote" in reason.lower()
    assert text.startswith('"2026-02-01 10:00:00","u3"')
    assert raw_count(db) == 2


def test_wrong_field_count_and_bad_encoding_are_rejected_with_line_numbers(tmp_path, db):
    f = tmp_path / "mixed.csv"
    lines = [
        HEADER8.encode(),
        b"2026-02-01 10:00:00,app_started,u1,3.0.9,Windows,10,,",
        b"2026-02-01 10:00:01,app_started,u2,3.0.9",  # too few fields
        b"2026-02-01 10:00:02,app_started,u\xff3,3.0.9,Windows,10,,",  # not UTF-8
        b"2026-02-01 10:00:03,app_started,u4,3.0.9,Windows,10,,",
        b"yesterday,app_started,u5,3.0.9,Windows,10,,",  # not a timestamp
    ]
    f.write_bytes(b"\n".join(lines) + b"\n")
    out = land(db, f)
    assert "6 lines read = 1 header lines + 2 rows landed + 3 rejected" in out
    rejected = query(db, "select line_number, split_part(reason, ':', 1) from raw.rejected_rows order by 1")
    assert [r[0] for r in rejected] == [3, 4, 6]
    assert rejected[2][1] == "BAD TIMESTAMP"
    assert query(
        db,
        "select list(user_id order by _source_line), list(_source_line order by _source_line) from raw.events",
    ) == [(["u1", "u4"], [2, 5])]


def test_relanding_the_same_file_changes_nothing(tmp_path, db):
    f = write(tmp_path / "a.csv", [HEADER16, row16("2026-02-01 10:00:00", "u1", "app_started")])
    land(db, f)
    before = query(db, "select count(*), max(_landed_at) from raw.events")
    out = land(db, f, f)
    assert "already landed" in out
    assert "total: 1 files (1 already landed)" in out
    assert query(db, "select count(*), max(_landed_at) from raw.events") == before
    assert query(db, "select count(*) from raw.landed_files") == [(1,)]


def test_empty_and_header_only_files(tmp_path, db):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = write(tmp_path / "header.csv", [HEADER16])
    out = land(db, empty, header_only)
    assert "empty file" in out
    assert "1 lines read = 1 header lines + 0 rows landed + 0 rejected" in out
    assert raw_count(db) == 0


def test_duplicates_of_landed_events_are_counted(tmp_path, db):
    """An 8-column trimmed copy of rows already landed from the raw export: landed (it is
    provenance) and reported as duplicates; the totals reconcile."""
    raw = write(
        tmp_path / "raw.csv",
        [
            HEADER16,
            row16("2026-02-01 10:00:01", "u1", "transcribe_started", '{"source":"home"}'),
            row16("2026-02-01 10:00:00", "u2", "app_started"),
        ],
    )
    trimmed = write(
        tmp_path / "trimmed.csv",
        [
            HEADER8,
            "2026-02-01 10:00:00,app_started,u2,3.0.9,Windows,10.0.19045,,",
            '2026-02-01 10:00:01,transcribe_started,u1,3.0.9,Windows,10.0.19045,"{""source"":""home""}",',
            "2026-02-01 11:00:00,app_started,u9,3.0.9,Windows,10.0.19045,,",
        ],
    )
    out = land(db, raw, trimmed)
    assert "3 rows landed + 0 rejected; 2 of the landed rows duplicate" in out
    assert "5 rows landed + 0 rejected; 2 duplicates, 3 new events" in out


def test_an_event_is_kept_once_as_its_fullest_copy(tmp_path, db):
    """A trimmed 8-column copy landed first, the full export after it: `raw.events` holds
    each event once, now as the full copy (session and locale kept) with its file, line and
    landing time; every copy is in `raw.event_copies`; a copy no fuller than the kept one
    changes only the count."""
    trimmed = write(
        tmp_path / "trimmed.csv",
        [HEADER8, "2026-02-01 10:00:00,app_started,u2,3.0.9,Windows,10.0.19045,,"],
    )
    full = write(
        tmp_path / "full.csv",
        [
            HEADER16,
            row16("2026-02-01 09:00:00", "u1", "app_started"),
            row16("2026-02-01 10:00:00", "u2", "app_started"),
        ],
    )
    land(db, trimmed)
    (first_landed,) = query(db, "select _landed_at from raw.events")[0]
    assert "2 rows landed + 0 rejected; 1 of the landed rows duplicate" in land(db, full)
    kept = "select user_id, session_id, locale, _copies_landed, _source_file, _source_line from raw.events"
    assert query(db, kept + " order by user_id") == [
        ("u1", "sess-u1", "en-US", 1, str(full.resolve()), 2),
        ("u2", "sess-u2", "en-US", 2, str(full.resolve()), 3),
    ]
    assert query(db, "select min(_landed_at) > ? from raw.events", [first_landed]) == [(True,)]
    again = write(
        tmp_path / "again.csv",  # another file: the trimmed copy once more, and a new event
        [
            HEADER8,
            "2026-02-01 10:00:00,app_started,u2,3.0.9,Windows,10.0.19045,,",
            "2026-02-01 11:00:00,app_started,u3,3.0.9,Windows,10.0.19045,,",
        ],
    )
    land(db, again)
    assert query(db, kept + " where user_id = 'u2'") == [
        ("u2", "sess-u2", "en-US", 3, str(full.resolve()), 3)
    ]
    copies = (
        "select source_file, source_line from raw.event_copies join raw.landed_files using (file_checksum)"
    )
    assert sorted(query(db, copies)) == sorted(
        [
            (str(trimmed.resolve()), 2),
            (str(full.resolve()), 2),
            (str(full.resolve()), 3),
            (str(again.resolve()), 2),
            (str(again.resolve()), 3),
        ]
    )


def test_one_event_written_with_an_offset_is_one_event_in_landing_and_staging(tmp_path, db):
    """The same instant as export text and with an explicit offset (and as `T...Z`): landing
    counts one new event and two duplicates, and staging holds that one event with its three
    copies. Time parsing and the event key have one definition (telemetry/sources/aptabase_key.py)."""
    csv_file = write(
        tmp_path / "offsets.csv",
        [
            HEADER8,
            "2026-02-01 08:00:00,app_started,u1,3.0.9,Windows,10.0.19045,,",
            "2026-02-01 10:00:00+02:00,app_started,u1,3.0.9,Windows,10.0.19045,,",
            "2026-02-01T08:00:00.000Z,app_started,u1,3.0.9,Windows,10.0.19045,,",
            "2026-02-01T23:30:00-0100,app_started,u2,3.0.9,Windows,10.0.19045,,",
        ],
    )
    out = land(db, csv_file)
    assert "4 rows landed + 0 rejected; 2 duplicates, 2 new events" in out
    run_dbt("run", "--select", "stg_aptabase__events", db=db, tmp=tmp_path)
    assert query(
        db, "select user_id, event_ts, copies_landed from staging.stg_aptabase__events order by 1"
    ) == [("u1", datetime(2026, 2, 1, 8), 3), ("u2", datetime(2026, 2, 2, 0, 30), 1)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "file not found"),
        ("not,an,export\n1,2,3\n", "no `timestamp` column"),
    ],
)
def test_bad_invocations_fail_with_one_clear_line(tmp_path, db, content, message):
    path = tmp_path / "x.csv"
    if content is not None:
        path.write_text(content)
    result = run_cli("land", str(path), "--db", str(db))
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_not_an_export_file_type(tmp_path, db):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    result = run_cli("land", str(path), "--db", str(db))
    assert result.returncode == 1
    assert "not a file any source takes; expected one of: an Aptabase export" in result.stderr
    assert "Traceback" not in result.stderr


def test_locked_database_is_a_clear_error(tmp_path, db):
    f = write(tmp_path / "a.csv", [HEADER16, row16("2026-02-01 10:00:00", "u1", "app_started")])
    holder = duckdb.connect(str(db))  # another process holds the write lock
    try:
        result = run_cli("land", str(f), "--db", str(db))
    finally:
        holder.close()
    assert result.returncode == 1
    assert "locked by another process" in result.stderr
    assert "Traceback" not in result.stderr


def test_folders_globs_and_parquet(tmp_path, db):
    folder = tmp_path / "exports"
    folder.mkdir()
    write(folder / "a.csv", [HEADER16, row16("2026-02-01 10:00:00", "u1", "app_started")])
    with duckdb.connect() as con:
        con.execute(
            f"""copy (select timestamp '2026-02-02 10:00:00' as "timestamp", 'u2' as user_id,
                'app_started' as event_name, '3.1.0' as app_version)
                to '{folder / "b.parquet"}' (format parquet)"""
        )
    out = land(db, str(folder / "*.csv"), folder / "b.parquet")
    assert "total: 2 files" in out
    assert query(db, 'select "timestamp", _source_line from raw.events order by 1') == [
        ("2026-02-01 10:00:00", 2),
        ("2026-02-02 10:00:00", 1),
    ]
    out = land(db, folder)  # the folder again: both already landed
    assert out.count("skipped") == 2


def test_staging_holds_each_event_once_with_props_repaired(tmp_path, db):
    """Midnight row in two day exports, an 8-column copy, `\\'` props and `\\u00e9` escapes:
    staging has each event once, the fullest copy wins, and the message is decoded."""
    msg = "Path is not a file: \\'C:\\\\Users\\\\Jos\\u00e9\\\\Videos\\'"
    day1 = write(
        tmp_path / "vibe-release-2026-02-01.csv",
        [
            HEADER16,
            row16("2026-02-02 00:00:00", "u1", "app_started"),  # midnight: in both days
            row16(
                "2026-02-01 10:00:00",
                "u2",
                "transcribe_failed",
                '{"error_message":"' + msg + '","source":"home"}',
            ),
        ],
    )
    day2 = write(
        tmp_path / "vibe-release-2026-02-02.csv",
        [
            HEADER16,
            row16("2026-02-02 09:00:00", "u3", "app_started"),
            row16("2026-02-02 00:00:00", "u1", "app_started"),
        ],
    )
    trimmed = write(
        tmp_path / "trimmed.csv",
        [
            HEADER8,
            '2026-02-01 10:00:00,transcribe_failed,u2,3.0.9,Windows,10.0.19045,"{""error_message"":""'
            + msg.replace('"', '""')
            + '"",""source"":""home""}",',
        ],
    )
    land(db, trimmed, day1, day2)
    run_dbt("run", "--select", "stg_aptabase__events", db=db, tmp=tmp_path)
    rows = query(
        db,
        """
        select user_id, session_id, copies_landed, error_message, props_parse_failed
        from staging.stg_aptabase__events order by user_id""",
    )
    assert len(rows) == 3
    assert rows[0][:3] == ("u1", "sess-u1", 2)
    # the 16-column copy (with session_id) won over the 8-column one
    assert rows[1][:3] == ("u2", "sess-u2", 2)
    assert rows[1][3] == "Path is not a file: 'C:\\Users\\José\\Videos'"
    assert rows[1][4] is False


def test_windows_line_endings(tmp_path, db):
    """pandas on Windows writes `\\r\\n`: the values must not keep the `\\r`."""
    f = tmp_path / "windows.csv"
    f.write_bytes(
        (
            HEADER8
            + "\r\n"
            + "2026-02-01 10:00:00,app_started,u1,3.0.9,Windows,10,,\r\n"
            + '2026-02-01 10:00:01,app_started,u2,3.0.9,Windows,10,"{""a"":""b""}",\r\n'
        ).encode()
    )
    out = land(db, f)
    assert "3 lines read = 1 header lines + 2 rows landed + 0 rejected" in out
    assert query(db, "select user_id, os_version, string_props from raw.events order by 1") == [
        ("u1", "10", None),
        ("u2", "10", '{"a":"b"}'),
    ]


def test_a_warehouse_landed_with_every_copy_is_brought_to_one_row_per_event(tmp_path, db):
    """A warehouse from before events were kept once (every copy a row of raw.events): the
    next `telemetry land` keeps each event's fullest copy, records every copy, and recounts
    each file's duplicates with the one event key (the offset copy is a duplicate now), so
    the landing figures reconcile with staging."""
    old_columns = ", ".join(f'"{c}" varchar' for c in EXPORT_COLUMNS)
    with duckdb.connect(str(db)) as con:
        con.execute(
            f"""
            create schema raw;
            create table raw.events ({old_columns}, _source_file varchar, _source_line bigint,
                _file_checksum varchar, _landed_at timestamp);
            insert into raw.events (timestamp, event_name, user_id, _source_file, _source_line,
                    _file_checksum, _landed_at)
            values ('2026-02-01 08:00:00', 'app_started', 'u1', 'a.csv', 2, 'a', '2026-02-02 00:00:00'),
                ('2026-02-01 09:00:00', 'app_started', 'u2', 'a.csv', 3, 'a', '2026-02-02 00:00:00');
            insert into raw.events (timestamp, event_name, user_id, session_id, _source_file,
                    _source_line, _file_checksum, _landed_at)
            values ('2026-02-01 10:00:00+02:00', 'app_started', 'u1', 's1', 'b.csv', 2, 'b',
                '2026-02-03 00:00:00');
            create table raw.landed_files (file_checksum varchar primary key, source_file varchar,
                file_format varchar, columns_found varchar, bytes bigint, lines_read bigint,
                header_lines bigint, rows_landed bigint, duplicate_rows bigint, rejected_rows bigint,
                landed_at timestamp);
            insert into raw.landed_files values
                ('a', 'a.csv', 'csv', '', 0, 3, 1, 2, 0, 0, '2026-02-02 00:00:00'),
                ('b', 'b.csv', 'csv', '', 0, 2, 1, 1, 0, 0, '2026-02-03 00:00:00');
            """
        )
    land(db, write(tmp_path / "new.csv", [HEADER8, "2026-02-01 09:00:00,app_started,u2,,,,,"]))
    assert query(
        db, "select user_id, session_id, _event_ts, _copies_landed, _source_file from raw.events order by 1"
    ) == [
        ("u1", "s1", datetime(2026, 2, 1, 8), 2, "b.csv"),
        ("u2", None, datetime(2026, 2, 1, 9), 2, "a.csv"),
    ]
    assert query(db, "select count(*) from raw.event_copies") == [(4,)]
    assert query(db, "select source_file, duplicate_rows from raw.landed_files order by 1") == [
        (str((tmp_path / "new.csv").resolve()), 1),
        ("a.csv", 0),
        ("b.csv", 1),
    ]
    # the table the conversion started from is gone
    assert query(
        db,
        "select count(*) from information_schema.tables where table_schema = 'raw' and table_name like 'events_%'",
    ) == [(0,)]


def test_land_waits_for_the_lock_when_asked(tmp_path, db):
    f = write(tmp_path / "a.csv", [HEADER16, row16("2026-02-01 10:00:00", "u1", "app_started")])
    holder = duckdb.connect(str(db))  # a BI tool holding the warehouse for two seconds
    threading.Timer(2.0, holder.close).start()
    result = run_cli("land", str(f), "--db", str(db), "--wait", "60")
    assert result.returncode == 0, result.stderr
    assert "waiting up to 60 s" in result.stdout
    assert raw_count(db) == 1
    held = duckdb.connect(str(db))
    try:
        late = write(tmp_path / "b.csv", [HEADER16, row16("2026-02-01 10:00:01", "u2", "app_started")])
        result = run_cli("land", str(late), "--db", str(db), "--wait", "1")
    finally:
        held.close()
    assert result.returncode == 1
    assert "locked by another process" in result.stderr and "after waiting 1 s" in result.stderr


def test_a_closed_output_never_stops_a_landing(tmp_path, db):
    """`telemetry land ... | head -1`: the reader goes away, every file still lands."""
    files = [
        write(tmp_path / f"{n}.csv", [HEADER16, row16(f"2026-02-01 10:00:0{n}", f"u{n}", "app_started")])
        for n in range(3)
    ]
    proc = subprocess.Popen(
        [sys.executable, "-m", "telemetry", "land", *map(str, files), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO_ROOT,
    )
    proc.stdout.close()  # nobody reads: the first line written meets a closed pipe
    stderr = proc.stderr.read().decode()
    assert proc.wait() == 0, stderr
    assert "Traceback" not in stderr
    assert raw_count(db) == 3


def test_a_file_lands_as_the_app_its_name_or_app_option_says(tmp_path, db):
    rows = [HEADER16, row16("2026-02-01 10:00:00", "u1", "app_launched")]
    named = write(tmp_path / "osaurus-release-2026-02-01.csv", rows)
    unnamed = write(tmp_path / "export.csv", [HEADER16, row16("2026-02-01 11:00:00", "u2", "app_launched")])
    land(db, named, unnamed)
    assert query(
        db, "select regexp_extract(source_file, '[^/]+$'), app from raw.landed_files order by 1"
    ) == [
        ("export.csv", None),
        ("osaurus-release-2026-02-01.csv", "osaurus"),
    ]
    # landed again with --app: a file landed without its app is named now
    out = land(db, unnamed, "--app", "Osaurus")
    assert "already landed" in out
    assert query(db, "select count(*) from raw.landed_files where app = 'osaurus'") == [(2,)]


def test_a_file_of_another_app_is_refused_with_one_line(tmp_path, db):
    land(
        db,
        write(tmp_path / "vibe-release-2026-02-01.csv", [HEADER16, row16("2026-02-01 10:00:00", "u1", "a")]),
    )
    other = write(
        tmp_path / "osaurus-debug-2026-02-02.csv", [HEADER16, row16("2026-02-02 10:00:00", "u2", "b")]
    )
    result = run_cli("land", str(other), "--db", str(db))
    assert result.returncode == 1
    assert "its name says app 'osaurus' but this warehouse holds 'vibe'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert raw_count(db) == 1
    bad = run_cli("land", str(other), "--db", str(db), "--app", "my app")
    assert bad.returncode == 1
    assert "an app name is lower-case letters" in bad.stderr
    assert "Traceback" not in bad.stderr
