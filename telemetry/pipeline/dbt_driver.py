"""Run one build's dbt work in its own process: parse once, build a selector, compile the
report's SQL (the KPI folder's models and the report analyses, from dbt's graph:
telemetry.pipeline.report_queries), and describe what happens as JSON lines on stdout.

    python -m telemetry.pipeline.dbt_driver SPEC_JSON

SPEC_JSON holds `project_dir`, `target_path` and `log_path` (null: dbt's defaults),
`selector` (of selectors.yml), `full_refresh` (bool) and `report` (path selectors of
the report's SQL, or null for none). One process and one parse serve both dbt commands
(a second `dbt` process would parse the project again).

Lines written (one JSON object each):
    {"event": "step", "step": "parse" | "build" | "compile"}
    {"event": "node", "index": 3, "total": 84, "resource_type": "model", "name": ...,
     "status": "success", "seconds": 0.12}
    {"event": "failed", "step": ..., "error": ..., "nodes": [{"name", "resource_type",
     "path", "status", "message"}]}
    {"event": "done", "marts_tables": ["fct_events", ...],
     "queries": [{"name": ..., "kind": "table" | "view" | "analysis" | "parameters",
                  "sql": "select ...", "schema": ..., "published_sql": ...}, ...]}
dbt's own console output is switched off; its debug log goes to `log_path`. Anything else
printed to stdout is moved to stderr so the protocol stays clean.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, TextIO

from telemetry.pipeline.report_queries import GraphError, GraphNode, Relation, ReportQuery, report_queries

FAILED_STATUSES = {"error", "fail", "runtime error"}
RESULT_EVENTS = {"LogModelResult", "LogSeedResult", "LogTestResult", "LogNodeResult"}


class Protocol:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def send(self, **message: Any) -> None:
        self._stream.write(json.dumps(message, default=str) + "\n")
        self._stream.flush()


def main(argv: list[str]) -> int:
    spec = json.loads(argv[0])
    # The protocol owns the real stdout; everything else that writes to fd 1 goes to stderr.
    protocol = Protocol(os.fdopen(os.dup(1), "w", encoding="utf-8"))
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    from dbt.cli.main import dbtRunner  # slow import: after the protocol is up

    project_dir = spec["project_dir"]
    target_path = spec.get("target_path") or os.path.join(project_dir, "target")
    common = ["--project-dir", project_dir, "--profiles-dir", project_dir]
    if spec.get("log_path"):
        common += ["--log-path", spec["log_path"]]
    common += ["--log-level", "none", "--log-level-file", "debug", "--no-use-colors"]
    targeted = [*common, "--target-path", target_path]

    def on_event(event: Any) -> None:
        name = event.info.name
        if name not in RESULT_EVENTS:
            return
        data = event.data
        node = data.node_info
        total = getattr(data, "total", 0) or getattr(data, "num_models", 0)
        protocol.send(
            event="node",
            index=int(getattr(data, "index", 0)),
            total=int(total),
            resource_type=node.resource_type,
            name=node.node_name,
            status=str(data.status),
            seconds=round(float(getattr(data, "execution_time", 0.0)), 2),
        )

    protocol.send(event="step", step="parse")
    parsed = dbtRunner().invoke(["parse", *targeted])
    if not parsed.success:
        protocol.send(event="failed", step="parse", error=_exception_text(parsed), nodes=[])
        return 1
    manifest = parsed.result

    protocol.send(event="step", step="build")
    build_args = ["build", *targeted, "--selector", spec["selector"]]
    if spec.get("full_refresh"):
        build_args.append("--full-refresh")
    built = dbtRunner(manifest=manifest, callbacks=[on_event]).invoke(build_args)
    if not built.success:
        protocol.send(event="failed", step="build", error=_exception_text(built), nodes=_failed_nodes(built))
        return 1

    if not spec.get("report"):
        protocol.send(event="done", queries=[], marts_tables=_marts_tables(manifest))
        return 0
    protocol.send(event="step", step="compile")
    # into a folder of its own: the build's run_results.json stays the build's
    compiled = dbtRunner(manifest=manifest).invoke(
        [
            "compile",
            *common,
            "--target-path",
            os.path.join(target_path, "report_queries"),
            "--select",
            *spec["report"],
            "--indirect-selection",
            "empty",  # the models and analyses only, not their tests
        ]
    )
    if not compiled.success:
        protocol.send(
            event="failed",
            step="compile",
            error=_exception_text(compiled),
            nodes=_failed_nodes(compiled),
        )
        return 1
    try:
        queries = _report_queries(compiled.result.results, manifest)
    except GraphError as exc:
        protocol.send(event="failed", step="compile", error=str(exc), nodes=[])
        return 1
    protocol.send(
        event="done", queries=[query.__dict__ for query in queries], marts_tables=_marts_tables(manifest)
    )
    return 0


def _marts_tables(manifest: Any) -> list[str]:
    """The tables of schema marts this project builds (not a table a renamed or removed
    model left behind): what a publish copies."""
    return sorted(
        node.alias
        for node in manifest.nodes.values()
        if node.resource_type == "model"
        and node.schema == "marts"
        and node.config.materialized not in {"view", "ephemeral"}
    )


def _report_queries(results: Any, manifest: Any) -> list[ReportQuery]:
    """The compiled models and analyses as the report's queries (report_queries)."""
    nodes = [
        GraphNode(
            unique_id=result.node.unique_id,
            name=result.node.name,
            resource_type=str(getattr(result.node.resource_type, "value", result.node.resource_type)),
            report_materialized=str((result.node.config.meta or {}).get("report_materialized", "table")),
            compiled_sql=result.node.compiled_code,
            depends_on=tuple(result.node.depends_on.nodes),
        )
        for result in results
        if result.node.resource_type in {"model", "analysis"}
    ]
    relations = {
        uid: Relation(node.relation_name, node.schema, node.alias)
        for uid, node in manifest.nodes.items()
        if getattr(node, "relation_name", None)
    }
    return report_queries(nodes, relations)


def _exception_text(result: Any) -> str:
    exception = getattr(result, "exception", None)
    return str(exception) if exception is not None else ""


def _failed_nodes(result: Any) -> list[dict[str, str]]:
    run = getattr(result, "result", None)
    nodes = []
    for item in getattr(run, "results", None) or []:
        status = str(getattr(item.status, "value", item.status))
        if status not in FAILED_STATUSES:
            continue
        node = item.node
        nodes.append(
            {
                "name": node.name,
                "resource_type": str(getattr(node.resource_type, "value", node.resource_type)),
                "path": getattr(node, "original_file_path", "") or "",
                "status": status,
                "message": item.message or "",
            }
        )
    return nodes


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
