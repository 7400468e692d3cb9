"""selectors.yml: each named slice lists what the README says it holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_dbt


def listed(tmp: Path, *args: str) -> dict[str, str]:
    """unique_id -> resource type of `dbt ls ARGS`."""
    out = run_dbt("ls", *args, "--output", "json", "--quiet", db=tmp / "none.duckdb", tmp=tmp).stdout
    nodes = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return {n["unique_id"]: n["resource_type"] for n in nodes}


@pytest.fixture(scope="module")
def slices(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("selectors")
    everything = listed(tmp, "--resource-type", "all")
    return {
        "all": everything,
        **{name: listed(tmp, "--selector", name) for name in ("daily", "ci", "kpi")},
        "kpi_tests": listed(tmp, "--select", "models/marts/kpi+", "--resource-type", "test"),
    }


def test_ci_is_everything_a_plain_build_runs(slices):
    buildable = {k: v for k, v in slices["all"].items() if v in ("model", "seed", "test", "unit_test")}
    assert {k: v for k, v in slices["ci"].items() if k in buildable} == buildable
    assert "unit_test" in slices["ci"].values()


def test_daily_is_every_model_seed_and_data_test_without_unit_tests_or_kpi_view_tests(slices):
    """The KPI views' data tests each compute a KPI over all data: CI and `dbt test` run them."""
    kpi_tests = slices["kpi_tests"]
    assert any("kpi_daily" in k for k in kpi_tests), "the KPI views have data tests"
    expected = {
        k: v for k, v in slices["all"].items() if v in ("model", "seed", "test") and k not in kpi_tests
    }
    daily = {k: v for k, v in slices["daily"].items() if v in ("model", "seed", "test", "unit_test")}
    assert daily == expected
    assert "test.telemetry.marts_hold_no_personal_data" in daily  # the privacy scan runs daily


def test_kpi_is_the_kpi_marts_and_everything_they_are_built_from(slices):
    models = {k.split(".")[-1] for k, v in slices["kpi"].items() if v == "model"}
    kpi_marts = {k.split(".")[-1] for k, v in slices["all"].items() if v == "model" and ".kpi_" in k}
    assert kpi_marts <= models
    assert {"fct_events", "fct_action_attempts", "stg_aptabase__events", "ctl_incremental_window"} <= models
    # run state written only for the staging checks is no parent of a KPI mart
    assert "ctl_staging_checked_through" not in models
