"""Incremental builds give the same marts as a full refresh.

Six invented days (benchmarks/generate.py) are landed the way a daily job meets them: first
days 1-3 (day 1 missing some rows) and a pandas-style 8-column rewrite of day 4; then the
real day 4 export (fuller copies of events already landed) and day 5; then day 6 and the
complete day 1 export (late rows for a day far behind the lookback). After each landing an
incremental `dbt run`; then the database is copied and rebuilt with `--full-refresh`, and
every table of `marts` (and the incremental intermediate tables) must be identical.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import daily_exports, land, query, run_dbt

END = date(2026, 2, 6)
DAYS = [END - timedelta(days=d) for d in range(5, -1, -1)]  # day 1 .. day 6
CORE = [
    "timestamp",
    "event_name",
    "user_id",
    "app_version",
    "os_name",
    "os_version",
    "string_props",
    "numeric_props",
]
INCREMENTAL_TABLES = ["intermediate.int_events_roled", "intermediate.int_failures_classified"]
BUILD = ("build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("exports")
    files = daily_exports(out, 2500, DAYS, seed=11, page_size=150)
    con = duckdb.connect()
    try:
        # day 1 with every 7th row missing (its complete export lands two runs later)
        early = out / "early" / files["day1"].name
        early.parent.mkdir()
        con.execute(
            f"""copy (select * from read_csv('{files["day1"]}', all_varchar = true, header = true)
                      where "timestamp" != 'timestamp' qualify row_number() over () % 7 != 0)
                to '{early}' (header true, force_quote *)"""
        )
        # day 4 as the seed's pandas scripts rewrite it: 8 columns, minimal quoting, shuffled
        trimmed = out / "trimmed" / "day4-last-48h.csv"
        trimmed.parent.mkdir()
        con.execute(
            f"""copy (select {", ".join(f'"{c}"' for c in CORE)}
                      from read_csv('{files["day4"]}', all_varchar = true, header = true)
                      where "timestamp" != 'timestamp' order by hash(user_id, "timestamp"))
                to '{trimmed}' (header true)"""
        )
    finally:
        con.close()
    files["day1_early"] = early
    files["day4_trimmed"] = trimmed
    return files


def table_names(db: Path) -> list[str]:
    marts = query(
        db,
        "select table_schema || '.' || table_name from information_schema.tables"
        " where table_schema = 'marts' order by all",
    )
    return [row[0] for row in marts] + INCREMENTAL_TABLES


def differences(left: Path, right: Path, table: str) -> tuple[int, int, int, int]:
    """(rows left, rows right, rows only left, rows only right), volatile columns aside."""
    with duckdb.connect(str(right), read_only=True) as con:
        con.execute(f"attach '{left}' as other (read_only)")
        columns = [
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns"
                " where table_catalog = current_database() and table_schema = ?"
                " and table_name = ? order by ordinal_position",
                table.split("."),
            ).fetchall()
            if c not in ("landed_at", "computed_at")
        ]
        cols = ", ".join(f'"{c}"' for c in columns)
        mine = f"select {cols} from other.{table}"
        theirs = f"select {cols} from {table}"
        return con.execute(
            f"""select
                (select count(*) from other.{table}),
                (select count(*) from {table}),
                (select count(*) from ({mine} except all {theirs})),
                (select count(*) from ({theirs} except all {mine}))"""
        ).fetchone()


def test_incremental_runs_match_a_full_refresh(tmp_path, exports):
    db = tmp_path / "warehouse.duckdb"

    land(db, exports["day1_early"], exports["day2"], exports["day3"], exports["day4_trimmed"])
    run_dbt(*BUILD, db=db, tmp=tmp_path)
    first = query(db, "select full_rebuild_reason from control.ctl_incremental_window")
    assert first == [("first build",)]

    land(db, exports["day4"], exports["day5"])
    run_dbt(*BUILD, db=db, tmp=tmp_path)
    ((full, cutoff, landed_since, newest),) = query(
        db,
        "select full_rebuild, cutoff_date, earliest_day_landed_since, previous_newest_day"
        " from control.ctl_incremental_window",
    )
    # the lookback (a day) before day 4, where fuller copies landed
    assert (full, landed_since, newest) == (False, DAYS[3], DAYS[3])
    assert cutoff == DAYS[3] - timedelta(days=1)

    land(db, exports["day6"], exports["day1"])
    run_dbt(*BUILD, db=db, tmp=tmp_path)
    window = query(db, "select full_rebuild, cutoff_date from control.ctl_incremental_window")
    assert window == [(False, DAYS[0] - timedelta(days=1))]  # late rows of day 1 move it back
    # the incremental models were really built incrementally (not rebuilt from scratch)
    assert query(db, "select count(*) from marts.fct_events where event_date = ?", [DAYS[5]])[0][0] > 0

    # nothing landed: nothing is rebuilt, and the facts stay as they were
    before = query(db, "select count(*), max(event_date) from marts.fct_events")
    run_dbt(*BUILD, db=db, tmp=tmp_path)
    window = query(
        db, "select nothing_to_rebuild, cutoff_date, previous_newest_day from control.ctl_incremental_window"
    )
    assert window == [(True, DAYS[5] + timedelta(days=1), DAYS[5])]
    assert query(db, "select count(*), max(event_date) from marts.fct_events") == before

    incremental = tmp_path / "incremental.duckdb"
    shutil.copy(db, incremental)
    run_dbt(*BUILD, "--full-refresh", db=db, tmp=tmp_path)

    tables = table_names(db)
    assert "marts.fct_events" in tables and "marts.fct_action_attempts" in tables
    report = {table: differences(incremental, db, table) for table in tables}
    mismatched = {t: d for t, d in report.items() if d[2] or d[3] or d[0] != d[1]}
    assert not mismatched, f"incremental != full refresh (rows, rows, only inc, only full): {mismatched}"
    assert (
        report["marts.fct_events"][0] == query(db, "select count(*) from staging.stg_aptabase__events")[0][0]
    )
