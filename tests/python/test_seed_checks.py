"""The seeds analysts edit are checked when they are built: a typo stops `dbt build` with a
message naming the row and the value, never silently matching nothing."""

from __future__ import annotations

import subprocess

from conftest import copy_project, edit_seed, run_dbt

from telemetry.warehouse import open_warehouse


def build_seeds(tmp_path, project) -> subprocess.CompletedProcess:
    db = tmp_path / "warehouse.duckdb"
    open_warehouse(db).close()  # the raw tables every source lands into
    return run_dbt(
        "build", "--select", "resource_type:seed", db=db, tmp=tmp_path, project_dir=project, check=False
    )


def test_typos_in_seeds_fail_the_build_naming_row_and_value(tmp_path):
    project = copy_project(tmp_path / "project")
    seeds = project / "seeds"

    def break_rules(rows: list[dict]) -> None:
        rows[0]["match_on"] = "mesage"
        rows[1]["pattern"] = "load_model failed: (unclosed"
        rows[3]["rule_id"] = rows[2]["rule_id"]
        rows[4]["failure_class"] = "user-input"

    def break_taxonomy(rows: list[dict]) -> None:
        rows[0]["event_role"] = "started"

    rules = edit_seed(seeds / "failure_rules.csv", break_rules)
    taxonomy = edit_seed(seeds / "event_taxonomy.csv", break_taxonomy)

    result = build_seeds(tmp_path, project)
    output = " ".join(result.stdout.split())
    assert result.returncode != 0
    expected = [
        f"failure_rules.match_on: 'mesage' (rule_id {rules[0]['rule_id']}) is not one of "
        "message, event_name, error_code, error_kind",
        f"failure_rules.pattern of rule_id '{rules[1]['rule_id']}' is not a regular expression "
        "that compiles: load_model failed: (unclosed",
        f"failure_rules.rule_id: '{rules[2]['rule_id']}' is on 2 rows; it must be on one",
        f"failure_rules.failure_class: 'user-input' (rule_id {rules[4]['rule_id']}) is not one of "
        "user_input, runtime, environment, upstream",
        f"event_taxonomy.event_role: 'started' (event_name {taxonomy[0]['event_name']}) is not one of "
        "start, success, failure, outcome, usage",
    ]
    for message in expected:
        assert message in output, output[-3000:]
