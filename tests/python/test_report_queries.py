"""The report's queries from dbt's graph (telemetry.pipeline.report_queries): graph order,
what each query becomes, and every relation pointed at what the report reads."""

from __future__ import annotations

import duckdb
import pytest

from telemetry.errors import UserError
from telemetry.pipeline.report_queries import GraphError, GraphNode, Relation, report_queries
from telemetry.report.data import load_report_data
from telemetry.report.scope import ReportScope

FACTS = Relation('"wh"."marts"."fct_events"', "marts", "fct_events")
PARAMS = Relation('"wh"."intermediate"."kpi_scope_params"', "intermediate", "kpi_scope_params")
SCOPE = Relation('"wh"."intermediate"."kpi_scope"', "intermediate", "kpi_scope")
EVENTS = Relation('"wh"."intermediate"."kpi_scope_events"', "intermediate", "kpi_scope_events")
DAILY = Relation('"wh"."marts"."kpi_daily"', "marts", "kpi_daily")
RELATIONS = {
    "model.t.fct_events": FACTS,
    "model.t.kpi_scope_params": PARAMS,
    "model.t.kpi_scope": SCOPE,
    "model.t.kpi_scope_events": EVENTS,
    "model.t.kpi_daily": DAILY,
}


def node(
    name: str, sql: str, *deps: str, kind: str = "model", report_materialized: str = "table"
) -> GraphNode:
    return GraphNode(
        f"{kind}.t.{name}", name, kind, report_materialized, sql, tuple(f"model.t.{d}" for d in deps)
    )


def graph() -> list[GraphNode]:
    # given out of order, as dbt's compile results may come
    return [
        node("report_daily", f"select * from {DAILY.relation_name}", "kpi_daily", kind="analysis"),
        node(
            "kpi_daily",
            f"select * from {EVENTS.relation_name}, {SCOPE.relation_name}",
            "kpi_scope_events",
            "kpi_scope",
        ),
        node(
            "kpi_scope_events",
            f"select * from {FACTS.relation_name} join {SCOPE.relation_name} on true",
            "fct_events",
            "kpi_scope",
            report_materialized="view",
        ),
        node("kpi_scope", f"select * from {PARAMS.relation_name}", "kpi_scope_params"),
        node("kpi_scope_params", "select 1 as window_hours", report_materialized="table"),
    ]


def test_models_come_before_what_reads_them_and_analyses_last():
    queries = report_queries(graph(), RELATIONS)
    assert [(q.name, q.kind) for q in queries] == [
        ("kpi_scope_params", "parameters"),
        ("kpi_scope", "table"),
        ("kpi_scope_events", "view"),
        ("kpi_daily", "table"),
        ("report_daily", "analysis"),
    ]


def test_selected_models_are_read_by_name_and_the_rest_from_the_published_schema():
    queries = {q.name: q.sql for q in report_queries(graph(), RELATIONS)}
    assert queries["kpi_scope_events"] == 'select * from "marts"."fct_events" join kpi_scope on true'
    assert queries["kpi_daily"] == "select * from kpi_scope_events, kpi_scope"
    assert queries["report_daily"] == "select * from kpi_daily"
    assert not any('"wh"' in sql for sql in queries.values())


def test_a_relation_the_compiled_sql_does_not_name_is_an_error():
    nodes = [node("kpi_scope", "select 1", "kpi_scope_params"), node("kpi_scope_params", "select 1")]
    with pytest.raises(GraphError, match="kpi_scope: its compiled SQL does not name"):
        report_queries(nodes, RELATIONS)


def test_a_cycle_is_an_error():
    nodes = [
        node("kpi_scope", f"select * from {EVENTS.relation_name}", "kpi_scope_events"),
        node("kpi_scope_events", f"select * from {SCOPE.relation_name}", "kpi_scope"),
    ]
    with pytest.raises(GraphError, match="cycle"):
        report_queries(nodes, RELATIONS)


def test_the_published_copy_gets_each_model_as_a_view_over_its_own_relations():
    queries = {q.name: q for q in report_queries(graph(), RELATIONS)}
    daily = queries["kpi_daily"]
    assert (daily.schema, daily.published_sql) == (
        "marts",
        'select * from "intermediate"."kpi_scope_events", "intermediate"."kpi_scope"',
    )
    assert queries["kpi_scope"].schema == "intermediate"
    assert queries["report_daily"].published_sql is None


def published_with(tmp_path, parameters_sql: str):
    """A published copy holding only the report's scope parameters and one section."""
    path = tmp_path / "warehouse.published.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema publication; create schema marts")
        con.execute("create table marts.dim_app as select 'app' as app")
        con.execute("create table publication.info as select now()::timestamp as published_at")
        con.execute(
            "create table publication.report_queries (query_order int, name varchar, kind varchar, sql varchar)"
        )
        rows = [
            (0, "kpi_scope_params", "parameters", parameters_sql),
            (1, "report_scope", "analysis", "select window_hours, min_sample from kpi_scope_params"),
            (2, "report_summary", "analysis", "select 0 as events"),
        ]
        con.executemany("insert into publication.report_queries values (?, ?, ?, ?)", rows)
    return path


def test_the_report_fills_the_models_own_parameter_columns(tmp_path):
    columns = ", ".join(
        f"cast(null as {kind}) as {name}"
        for name, kind in [
            ("window_hours", "integer"),
            ("window_end", "timestamp"),
            ("app_versions", "varchar"),
            ("top_app_versions", "integer"),
            ("min_sample", "integer"),
            ("min_group_users", "integer"),
        ]
    )
    path = published_with(tmp_path, f"select {columns}")
    data = load_report_data(path, ReportScope(window_hours=6, min_sample=3))
    assert data.one("report_scope") == {"window_hours": 6, "min_sample": 3}


def test_parameters_the_report_cannot_fill_are_a_one_line_error(tmp_path):
    path = published_with(tmp_path, "select 1 as window_hours, 2 as new_knob")
    with pytest.raises(UserError, match="are not the ones this telemetry fills"):
        load_report_data(path, ReportScope())
