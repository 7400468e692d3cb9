"""Failure rules are data: editing the seed and rebuilding moves failures to the new bucket."""

from __future__ import annotations

from conftest import REPO_ROOT, copy_project, edit_seed, query, run_cli, run_dbt


def test_editing_a_rule_moves_failures_to_its_new_bucket(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    project = copy_project(tmp_path / "project")
    run_cli("land", str(REPO_ROOT / "data" / "sample"), "--db", str(db), check=True)

    run_dbt(
        "build",
        "--select",
        "+fct_events",
        "--indirect-selection",
        "cautious",
        db=db,
        tmp=tmp_path,
        project_dir=project,
    )
    sql = """
        select issue_bucket, failure_class, count(*) from marts.fct_events
        where issue_bucket in ('no model selected', 'transcribe pressed without a model')
        group by all"""
    before = query(db, sql)
    assert len(before) == 1 and before[0][:2] == ("no model selected", "user_input")
    moved = before[0][2]
    assert moved > 0

    def rename_bucket(rules: list[dict[str, str]]) -> None:
        for rule in rules:
            if rule["rule_id"] == "vibe_no_model_selected":
                rule["issue_bucket"] = "transcribe pressed without a model"
                rule["failure_class"] = "runtime"

    edit_seed(project / "seeds" / "failure_rules.csv", rename_bucket)

    run_dbt(
        "build",
        "--select",
        "+fct_events",
        "--indirect-selection",
        "cautious",
        db=db,
        tmp=tmp_path,
        project_dir=project,
    )
    assert query(db, sql) == [("transcribe pressed without a model", "runtime", moved)]
