"""Publishing on its own (no dbt): the published copy equals the warehouse's marts tables
after every publish, whether it starts from the previous copy (changed days only) or from
nothing; it never holds another schema; a reader's open copy is never touched."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from telemetry.errors import UserError
from telemetry.pipeline.publish import publish
from telemetry.warehouse import published_path

BUILT = datetime(2026, 2, 3, 4, 5, 6)


def make_warehouse(db: Path) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts; create schema raw; create schema control")
        con.execute(
            "create table marts.fct_events as select 'e' || i as event_id, "
            "date '2026-02-01' + (i % 3)::int as event_date, "
            "timestamp '2026-02-01 00:00:00' + to_hours((i % 3) * 24 + i % 7) as event_ts, "
            "'user' || (i % 5) as user_id from range(30) as t(i)"
        )
        con.execute(
            "create table marts.kpi_daily as select event_date, count(*) as events from marts.fct_events group by 1"
        )
        con.execute("create view marts.kpi_scope_events as select * from marts.fct_events")
        con.execute("create table raw.events as select 'jose@example.com' as message")


def published_rows(db: Path, table: str) -> list[tuple]:
    with duckdb.connect(str(published_path(db)), read_only=True) as con:
        return con.execute(f"select * from marts.{table} order by all").fetchall()


def warehouse_rows(db: Path, table: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"select * from marts.{table} order by all").fetchall()


def test_each_publish_equals_the_warehouse_marts_and_holds_nothing_else(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    make_warehouse(db)
    first = publish(
        db, build_finished_at=BUILT, report_queries=[{"name": "q", "kind": "analysis", "sql": "select 1"}]
    )
    assert (first.tables, first.events) == (2, 30)
    with duckdb.connect(str(published_path(db)), read_only=True) as con:
        objects = con.execute("select schema_name, table_name from duckdb_tables() order by all").fetchall()
        views = con.execute("select count(*) from duckdb_views() where not internal").fetchone()
        info = con.execute("select build_finished_at, marts_tables, events from publication.info").fetchone()
    assert objects == [
        ("marts", "fct_events"),
        ("marts", "kpi_daily"),
        ("publication", "day_digests"),
        ("publication", "info"),
        ("publication", "report_queries"),
    ]
    assert views == (0,)  # the warehouse's views read the warehouse: never published
    assert info == (BUILT, 2, 30)

    # a changed day, a deleted day, a new day and a changed small table: the next publish
    # starts from the previous copy and ends equal to the warehouse
    with duckdb.connect(str(db)) as con:
        con.execute("update marts.fct_events set user_id = 'changed' where event_id = 'e4'")
        con.execute("delete from marts.fct_events where event_date = date '2026-02-01'")
        con.execute(
            "insert into marts.fct_events values ('new', date '2026-02-09', timestamp '2026-02-09 10:00:00', 'u')"
        )
        con.execute("delete from marts.kpi_daily where event_date = date '2026-02-01'")
    second = publish(
        db, build_finished_at=BUILT, report_queries=[{"name": "q", "kind": "analysis", "sql": "select 1"}]
    )
    assert second.events == len(warehouse_rows(db, "fct_events"))
    for table in ("fct_events", "kpi_daily"):
        assert published_rows(db, table) == warehouse_rows(db, table)
    # the digests the next publish compares with are those of what was published
    with duckdb.connect(str(published_path(db)), read_only=True) as con:
        digests = con.execute(
            "select table_name, event_date, row_count from publication.day_digests"
            " where table_name = 'fct_events' order by all"
        ).fetchall()
        counts = con.execute(
            "select event_date, count(*) from marts.fct_events group by 1 order by 1"
        ).fetchall()
    assert digests == [("fct_events", day, n) for day, n in counts]

    # a column added to a fact: the table is copied whole, with its new layout
    with duckdb.connect(str(db)) as con:
        con.execute("alter table marts.fct_events add column os_name varchar default 'Windows'")
    publish(db, build_finished_at=BUILT, report_queries=[])
    assert published_rows(db, "fct_events") == warehouse_rows(db, "fct_events")
    assert published_rows(db, "fct_events")[0][-1] == "Windows"


def test_a_reader_keeps_its_snapshot_while_a_publish_swaps_the_file(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    make_warehouse(db)
    publish(db, build_finished_at=BUILT, report_queries=[])
    reader = duckdb.connect(str(published_path(db)), read_only=True)
    try:
        with duckdb.connect(str(db)) as con:
            con.execute("delete from marts.fct_events where event_date = date '2026-02-02'")
        publish(db, build_finished_at=BUILT, report_queries=[])
        assert reader.execute("select count(*) from marts.fct_events").fetchone() == (30,)
    finally:
        reader.close()
    assert len(published_rows(db, "fct_events")) == 20
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith((".new", ".new.wal"))]


def test_a_warehouse_without_facts_is_one_line_and_leaves_the_published_copy(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    make_warehouse(db)
    publish(db, build_finished_at=BUILT, report_queries=[])
    with duckdb.connect(str(db)) as con:
        con.execute("drop view marts.kpi_scope_events; drop table marts.fct_events")
    with pytest.raises(UserError, match=r"has no marts\.fct_events: nothing to publish"):
        publish(db, build_finished_at=BUILT, report_queries=[])
    assert len(published_rows(db, "fct_events")) == 30
    assert not [p.name for p in tmp_path.iterdir() if ".new" in p.name]


def test_a_published_path_that_cannot_be_replaced_is_one_line(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    make_warehouse(db)
    published_path(db).mkdir()  # something that is not a published copy stands in the way
    with pytest.raises(UserError, match=r"^publishing failed: cannot replace .*warehouse\.published\.duckdb"):
        publish(db, build_finished_at=BUILT, report_queries=[])
    assert not [p.name for p in tmp_path.iterdir() if ".new" in p.name]


def test_the_files_of_a_killed_publish_are_removed_by_the_next(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    make_warehouse(db)
    dead = 2**22 + 12345  # above Linux's pid_max default: no such process
    leftovers = [
        tmp_path / f"warehouse.published.duckdb.{dead}.new",
        tmp_path / f"warehouse.published.duckdb.{dead}.new.wal",
    ]
    for path in leftovers:
        path.write_bytes(b"half-written")
    publish(db, build_finished_at=BUILT, report_queries=[])
    assert not any(path.exists() for path in leftovers)
    assert len(published_rows(db, "fct_events")) == 30


def test_a_table_the_project_no_longer_builds_is_not_published(tmp_path):
    """A model renamed or moved leaves its old table in the warehouse's marts: a publish
    given the project's tables copies those only."""
    db = tmp_path / "warehouse.duckdb"
    make_warehouse(db)
    publish(db, build_finished_at=BUILT, report_queries=[], only_tables=["fct_events"])
    with duckdb.connect(str(published_path(db)), read_only=True) as con:
        tables = con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()
    assert tables == [("fct_events",)]


def test_kpi_models_are_published_as_views_over_the_published_facts(tmp_path):
    """A KPI model (a query with a schema) becomes a view of the published copy, over its
    own facts, in the given order; a view the project no longer has is dropped."""
    db = tmp_path / "warehouse.duckdb"
    make_warehouse(db)
    first = [
        {
            "name": "kpi_scope",
            "kind": "table",
            "schema": "intermediate",
            "sql": "-",
            "published_sql": "select 2 as k",
        },
        {"name": "kpi_old", "kind": "table", "schema": "marts", "sql": "-", "published_sql": "select 1 as k"},
    ]
    publish(db, build_finished_at=BUILT, report_queries=first)
    views = [
        first[0],
        {
            "name": "kpi_users",
            "kind": "table",
            "schema": "marts",
            "sql": "-",
            "published_sql": 'select count(distinct user_id) * max(k) as users from "marts"."fct_events", '
            '"intermediate"."kpi_scope"',
        },
    ]
    publish(db, build_finished_at=BUILT, report_queries=views)
    with duckdb.connect(str(published_path(db)), read_only=True) as con:
        names = con.execute(
            "select schema_name, view_name from duckdb_views() where not internal order by 1, 2"
        )
        assert names.fetchall() == [("intermediate", "kpi_scope"), ("marts", "kpi_users")]
        assert con.execute("select users from marts.kpi_users").fetchone() == (10,)
