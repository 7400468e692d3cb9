"""Landing times are UTC and never go back, whatever the machine's TZ or clock says, so an
incremental build never misses a landed row; time-zone-aware Parquet timestamps land as UTC."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
from conftest import land, query, run_cli, run_dbt

from telemetry.aptabase.export_format import EXPORT_COLUMNS


def write_export(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """A 16-column export of (timestamp, event_name, user_id) rows."""
    lines = [",".join(EXPORT_COLUMNS)]
    for ts, name, user in rows:
        fields = {
            "timestamp": ts,
            "event_name": name,
            "user_id": user,
            "app_version": "3.0.1",
            "os_name": "Windows",
        }
        lines.append(",".join(f'"{fields.get(c, "")}"' for c in EXPORT_COLUMNS))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_events(db: Path, tmp: Path) -> int:
    run_dbt(
        "build",
        "--select",
        "+fct_events",
        "--exclude-resource-type",
        "unit_test",
        "--exclude-resource-type",
        "test",
        db=db,
        tmp=tmp,
    )
    return query(db, "select count(*) from marts.fct_events")[0][0]


def test_a_backfill_landed_after_the_clock_stepped_back_is_built(tmp_path):
    """Under TZ=America/New_York after a build whose landing clock ran three hours ahead (a
    DST change or a clock step in between): the backfilled day is built, not skipped."""
    db = tmp_path / "warehouse.duckdb"
    day3 = write_export(
        tmp_path / "day3.csv",
        [("2026-02-03 10:00:00", "app_started", "u1"), ("2026-02-03 11:00:00", "app_started", "u2")],
    )
    land(db, day3)
    assert run_events(db, tmp_path) == 2
    with duckdb.connect(str(db)) as con:  # the clock was three hours ahead until now
        con.execute(
            "update raw.events set _landed_at = _landed_at + interval 3 hours;"
            " update raw.event_copies set landed_at = landed_at + interval 3 hours;"
            " update raw.landed_files set landed_at = landed_at + interval 3 hours;"
            " update intermediate.int_events_roled set landed_at = landed_at + interval 3 hours"
        )
    day1 = write_export(
        tmp_path / "day1.csv",
        [("2026-02-01 09:00:00", "app_started", "u3"), ("2026-02-01 09:30:00", "app_started", "u4")],
    )
    result = run_cli("land", str(day1), "--db", str(db), env={"TZ": "America/New_York"})
    assert result.returncode == 0, result.stderr
    assert run_events(db, tmp_path) == 4
    newest, files = query(
        db,
        "select max(landed_at) filter (where source_file like '%day1.csv'),"
        " max(landed_at) filter (where source_file like '%day3.csv') from raw.landed_files",
    )[0]
    assert newest > files


def test_landing_times_are_utc_under_any_tz(tmp_path):
    for zone in ("America/New_York", "Asia/Kolkata", "Pacific/Chatham", "UTC"):
        db = tmp_path / f"{zone.replace('/', '_')}.duckdb"
        export = write_export(
            tmp_path / f"{zone.replace('/', '_')}.csv", [("2026-02-03 10:00:00", "a", "u1")]
        )
        with duckdb.connect() as con:
            before = con.execute("select timezone('UTC', now())").fetchone()[0]
        result = run_cli("land", str(export), "--db", str(db), env={"TZ": zone})
        assert result.returncode == 0, result.stderr
        with duckdb.connect() as con:
            after = con.execute("select timezone('UTC', now())").fetchone()[0]
        for table, column in (("raw.landed_files", "landed_at"), ("raw.events", "_landed_at")):
            (landed,) = query(db, f"select max({column}) from {table}")[0]
            assert before <= landed <= after, (zone, table, landed, before, after)


def test_time_zone_aware_parquet_timestamps_land_as_utc(tmp_path):
    export = tmp_path / "export.parquet"
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'Asia/Tokyo'")
        con.execute(
            "copy (select timestamptz '2026-02-03 10:00:00+00' as timestamp, 'app_started' as event_name,"
            f" 'u1' as user_id) to '{export}' (format parquet)"
        )
    for zone in ("America/New_York", "Asia/Tokyo"):
        result = run_cli("land", str(export), "--db", str(tmp_path / f"{zone[:4]}.duckdb"), env={"TZ": zone})
        assert result.returncode == 0, result.stderr
        assert query(tmp_path / f"{zone[:4]}.duckdb", "select timestamp, _event_ts from raw.events") == [
            ("2026-02-03 10:00:00", datetime(2026, 2, 3, 10, 0))
        ]
