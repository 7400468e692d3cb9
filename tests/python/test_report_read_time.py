"""A report asked at read time equals the KPI marts a full dbt build with that scope gives.

The bundled sample is landed, built and published once. For several windows and version
filters, `telemetry report`'s rows (the scope and KPI queries run on the published facts
with the report's own kpi_scope_params row) are compared, analysis by analysis, with the
same analyses run on a scratch copy of the warehouse whose KPI marts `dbt build --vars`
built with that scope. The two paths share the KPI models' SQL and nothing else: one is dbt's
models, refs and materializations over the warehouse, the other the published copy,
the report's temp tables and no dbt at all.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import REPO_ROOT, copy_project, run_cli, run_dbt

from telemetry.land.run import land_paths
from telemetry.paths import dbt_command
from telemetry.report.data import load_report_data
from telemetry.report.scope import ReportScope
from telemetry.warehouse import published_path

SCOPES = {
    "48h_top2": ReportScope(window_hours=48, top_app_versions=2),
    "6h_ending_earlier": ReportScope(window_hours=6, window_end="2026-02-12 18:00:00"),
    "listed_versions_min_sample_5": ReportScope(app_versions=("3.1.0", "3.0.10"), min_sample=5),
    "list_and_top1_24h": ReportScope(
        window_hours=24, window_end="2026-02-14 12:00:00", app_versions=("3.0.9", "3.1.0"), top_app_versions=1
    ),
}


@pytest.fixture(scope="module")
def published_sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(tmp folder, warehouse) of the bundled sample, built and published."""
    tmp = tmp_path_factory.mktemp("read_time")
    db = tmp / "warehouse.duckdb"
    land_paths([REPO_ROOT / "data" / "sample"], db, echo=lambda line: None)
    env = {"DBT_TARGET_PATH": str(tmp / "target"), "DBT_LOG_PATH": str(tmp / "logs")}
    result = run_cli("build", "--db", str(db), env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    return tmp, db


def scoped_build_rows(tmp: Path, warehouse: Path, name: str, scope: ReportScope) -> dict[str, list]:
    """The report analyses run on a copy of the warehouse whose KPI marts dbt built with
    the scope's vars."""
    scratch = tmp / f"scratch-{name}.duckdb"
    shutil.copy(warehouse, scratch)
    run_dbt("build", "--selector", "kpi", db=scratch, tmp=tmp / name, vars=json.dumps(scope.dbt_vars()))
    with duckdb.connect(str(scratch), read_only=True) as con:
        # the analyses' kpi_* are the scoped marts and scope helpers
        con.execute("set search_path = 'marts,intermediate'")
        rows = {}
        for analysis, sql in published_analyses(warehouse).items():
            cursor = con.execute(sql)
            columns = [d[0] for d in cursor.description]
            rows[analysis] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return rows


def published_analyses(warehouse: Path) -> dict[str, str]:
    """The report analyses' SQL the build published, by name."""
    with duckdb.connect(str(published_path(warehouse)), read_only=True) as published:
        return dict(
            published.execute(
                "select name, sql from publication.report_queries where kind = 'analysis'"
            ).fetchall()
        )


def same(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-12) or (
            math.isnan(left) and math.isnan(right)
        )
    return left == right


@pytest.mark.parametrize("name", list(SCOPES))
def test_a_report_equals_the_marts_a_build_with_its_scope_gives(published_sample, name):
    tmp, warehouse = published_sample
    scope = SCOPES[name]
    report = load_report_data(published_path(warehouse), scope)
    expected = scoped_build_rows(tmp, warehouse, name, scope)
    assert report.one("report_summary").get("events"), "the scope must hold events to compare"
    assert len(expected) >= 20, "every section's analysis is published"
    for analysis in expected:
        got, want = report.table(analysis), expected[analysis]
        assert len(got) == len(want), f"{analysis}: {len(got)} rows, the scoped build has {len(want)}"
        for index, (got_row, want_row) in enumerate(zip(got, want, strict=True)):
            differing = {
                column: (got_row[column], want_row[column])
                for column in want_row
                if not same(got_row[column], want_row[column])
            }
            assert not differing, f"{analysis} row {index}: report vs scoped build {differing}"


def test_the_published_marts_cover_all_data_whatever_a_report_asks(published_sample):
    _, warehouse = published_sample
    load_report_data(published_path(warehouse), SCOPES["48h_top2"])
    with duckdb.connect(str(published_path(warehouse)), read_only=True) as con:
        scope = con.execute(
            "select version_filter, window_start, window_end from marts.kpi_reliability_summary"
        ).fetchone()
        bounds = con.execute("select first_event_at, last_event_at from publication.info").fetchone()
    assert scope[0] == "all"
    assert scope[1:] == bounds


def test_metricflow_answers_from_the_published_copy_as_the_marts_do(published_sample):
    """`mf query --metrics workflow_failure_rate --group-by event__os_name` on the published
    copy (TELEMETRY_TARGET=published) while a writer holds the warehouse: the same rates as
    kpi_reliability_by_dimension, and the headline as kpi_reliability_summary."""
    tmp, warehouse = published_sample
    project = copy_project(tmp / "mf_project")
    env = {"TELEMETRY_DB": str(warehouse), "DBT_TARGET_PATH": str(project / "target")}
    parsed = subprocess.run(
        [*dbt_command(), "parse", "--project-dir", str(project), "--profiles-dir", str(project)],
        cwd=project,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    assert parsed.returncode == 0, parsed.stdout[-2000:]
    metrics = "workflow_failure_rate,raw_error_rate,affected_user_share,events"
    writer = duckdb.connect(str(warehouse))  # a build holding the warehouse: readers never meet it
    try:
        by_os = mf_query(
            project, env, tmp / "by_os.csv", "--metrics", metrics, "--group-by", "event__os_name"
        )
        headline = mf_query(project, env, tmp / "headline.csv", "--metrics", metrics)
    finally:
        writer.close()
    with duckdb.connect(str(published_path(warehouse)), read_only=True) as con:
        marts = con.execute(
            "select dimension_value, workflow_failure_rate, raw_error_rate, affected_user_share, events"
            " from marts.kpi_reliability_by_dimension where dimension = 'os_name'"
        ).fetchall()
        summary = con.execute(
            "select workflow_failure_rate, raw_error_rate, affected_user_share, events"
            " from marts.kpi_reliability_summary"
        ).fetchone()
    assert len(by_os) == len(marts) >= 3
    expected = {row[0]: row[1:] for row in marts}
    for row in by_os:
        got = (float(row["workflow_failure_rate"]), float(row["raw_error_rate"]))
        got += (float(row["affected_user_share"]), int(row["events"]))
        assert all(same(a, b) for a, b in zip(got, expected[row["event__os_name"]], strict=True)), row
    (total,) = headline
    assert same(float(total["workflow_failure_rate"]), summary[0]) and int(total["events"]) == summary[3]


def mf_query(project: Path, env: dict[str, str], csv_path: Path, *args: str) -> list[dict[str, str]]:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "mf"), "query", *args, "--csv", str(csv_path)],
        cwd=project,
        env={**os.environ, **env, "TELEMETRY_TARGET": "published"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    with csv_path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_report_and_a_publish_never_import_pandas(published_sample):
    """Binding a parameter makes DuckDB's client import pandas (seconds of start-up): the
    publish step and the report use literals. Run on a copy of the warehouse, published
    with the sample's report queries."""
    tmp, warehouse = published_sample
    copy = tmp / "no-pandas.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(published_path(warehouse)), read_only=True) as con:
        queries = [
            dict(zip(("name", "kind", "sql"), row, strict=True))
            for row in con.execute(
                "select name, kind, sql from publication.report_queries order by query_order"
            ).fetchall()
        ]
    (tmp / "queries.json").write_text(json.dumps(queries), encoding="utf-8")
    code = (
        "import json, sys; from datetime import datetime; from pathlib import Path\n"
        "from telemetry.pipeline.publish import publish\n"
        "from telemetry.report import ReportScope, build_report\n"
        f"warehouse, tmp = Path({str(copy)!r}), Path({str(tmp)!r})\n"
        "queries = json.loads((tmp / 'queries.json').read_text())\n"
        "publish(warehouse, build_finished_at=datetime(2026, 1, 1), report_queries=queries)\n"
        "texts = build_report(warehouse, ReportScope(window_hours=48, app_versions=('3.1.0',)), ('md', 'json'))\n"
        "print(json.loads(texts['json'])['sections']['report_summary'][0]['events'] > 0)\n"
        "print('pandas' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]
