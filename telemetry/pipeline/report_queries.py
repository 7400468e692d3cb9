"""The report's SQL, taken from dbt's graph: every model of the KPI folder (the scope
helpers and the KPIs) and every report analysis, as dbt compiled them, in graph order,
with each relation they read pointed at what the report reads instead.

`telemetry report` runs no dbt: it opens the published copy, makes the scope parameters'
row from its options, then runs these queries in order: a model becomes a temp table (a
temp view when its config says `meta: {report_materialized: view}`: a filter of the facts,
cheaper to read again than to copy), named as the model, so the next queries read the
report's scope; an analysis gives one section's rows. A relation outside
the selection (the facts and dimensions) is read from the published copy's schema of the
same name. Nothing here names a KPI: adding one is its model file and YAML.

The published copy holds each model as a view of the same schema and name over its facts
(`published_sql`: every relation pointed at the published copy's schemas), so BI tools
read the KPIs for all data where they read the facts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

#: The model whose row is the report's scope: the report makes it from its own options.
SCOPE_PARAMS_MODEL = "kpi_scope_params"
#: What the report makes of each query (publication.report_queries.kind).
TABLE, VIEW, ANALYSIS, PARAMETERS = "table", "view", "analysis", "parameters"


@dataclass(frozen=True)
class GraphNode:
    """What the report needs of one compiled dbt node."""

    unique_id: str
    name: str
    resource_type: str  # model | analysis
    report_materialized: str  # table | view: what the report makes of a model
    compiled_sql: str
    depends_on: tuple[str, ...]


@dataclass(frozen=True)
class Relation:
    """A relation a compiled node reads: its name as dbt wrote it, and where it lives."""

    relation_name: str  # e.g. "warehouse"."marts"."fct_events"
    schema: str
    identifier: str


@dataclass(frozen=True)
class ReportQuery:
    name: str
    kind: str
    sql: str  # for the report: selected models read as its temp tables
    schema: str | None = None  # a model's schema, where the published copy holds its view
    published_sql: str | None = None  # a model's SQL over the published copy's relations


class GraphError(ValueError):
    """The compiled graph cannot give the report its queries (one line)."""


def report_queries(nodes: Iterable[GraphNode], relations: Mapping[str, Relation]) -> list[ReportQuery]:
    """The report's queries, models before what reads them (ties by name), analyses last.
    `relations` maps every unique id a node depends on to its relation."""
    selected = {node.unique_id: node for node in nodes}
    return [_query(node, selected, relations) for node in _graph_order(selected)]


def _query(
    node: GraphNode, selected: Mapping[str, GraphNode], relations: Mapping[str, Relation]
) -> ReportQuery:
    kind = _kind(node)
    report_sql = _pointed(node, lambda dep: selected[dep].name if dep in selected else None, relations)
    if kind == ANALYSIS:
        return ReportQuery(node.name, kind, report_sql)
    own = relations.get(node.unique_id)
    if own is None:
        raise GraphError(f"{node.name}: the graph gives no relation for this model")
    return ReportQuery(node.name, kind, report_sql, own.schema, _pointed(node, lambda dep: None, relations))


def _kind(node: GraphNode) -> str:
    if node.resource_type == "analysis":
        return ANALYSIS
    if node.name == SCOPE_PARAMS_MODEL:
        return PARAMETERS
    return VIEW if node.report_materialized == VIEW else TABLE


def _graph_order(selected: Mapping[str, GraphNode]) -> list[GraphNode]:
    """Kahn's order over the selected nodes; analyses after every model."""
    waiting = {uid: {dep for dep in node.depends_on if dep in selected} for uid, node in selected.items()}
    done: list[GraphNode] = []
    while waiting:
        ready = sorted(
            (selected[uid] for uid, deps in waiting.items() if not deps),
            key=lambda node: (node.resource_type == "analysis", node.name),
        )
        if not ready:
            raise GraphError(
                f"the report's queries depend on each other in a cycle: {', '.join(sorted(waiting))}"
            )
        node = ready[0]
        done.append(node)
        del waiting[node.unique_id]
        for deps in waiting.values():
            deps.discard(node.unique_id)
    return done


def _pointed(
    node: GraphNode, temp_name: Callable[[str], str | None], relations: Mapping[str, Relation]
) -> str:
    """The node's SQL with every relation it reads replaced by a name in the published copy:
    `temp_name(dep)` when it gives one (the report's temp table), else schema.identifier."""
    sql = node.compiled_sql
    for dep in node.depends_on:
        relation = relations.get(dep)
        if relation is None:
            continue  # a macro or a test: not a relation
        if relation.relation_name not in sql:
            raise GraphError(f"{node.name}: its compiled SQL does not name {relation.relation_name}")
        target = temp_name(dep) or f'"{relation.schema}"."{relation.identifier}"'
        sql = sql.replace(relation.relation_name, target)
    return sql
