"""The privacy test (tests/singular/marts_hold_no_personal_data.sql) finds a leaked home-folder
name in the marts, and does not mistake ids for leaks.

A user whose home folder is `/home/abe` (a name made of hex letters) has a failure landed:
`abe` becomes a personal value, and with 3,000 events dozens of md5 event ids contain it by
chance. The build must pass (the message is redacted; ids are no leak); once the name is
written into a published message, the test must fail on exactly that row.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date

import duckdb
from conftest import REPO_ROOT, daily_exports, query, run_cli, run_dbt

from telemetry.paths import dbt_command

NAME = "abe"


def test_privacy_test_finds_a_leak_and_ignores_ids(tmp_path):
    exports = tmp_path / "exports"
    daily_exports(exports, 3000, [date(2026, 2, 1), date(2026, 2, 2)], seed=3, page_size=1000)
    db = tmp_path / "warehouse.duckdb"
    landed = run_cli("land", str(exports), "--db", str(db))
    assert landed.returncode == 0, landed.stderr
    with duckdb.connect(str(db)) as con:
        con.execute(
            """update raw.events set string_props = ?, user_id = 'u-home-1'
               where _event_id = (
                   select min(_event_id) from raw.events where event_name like '%\\_failed' escape '\\'
               )""",
            ['{"error_message":"Audio file not found: /home/' + NAME + '/Music/take1.wav"}'],
        )

    run_dbt(
        "build", "--selector", "ci", db=db, tmp=tmp_path
    )  # raises when any test, the privacy one too, fails
    # the premise: ids in the marts contain the name by chance, the message was redacted
    assert query(db, f"select count(*) from marts.fct_events where event_id like '%{NAME}%'")[0][0] > 0
    assert query(db, "select error_message_redacted from marts.fct_events where user_id = 'u-home-1'") == [
        ("Audio file not found: <path>",)
    ]

    with duckdb.connect(str(db)) as con:
        con.execute(
            "update marts.fct_events set error_message_redacted = 'cannot open /home/abe/x'"
            " where user_id = 'u-home-1'"
        )
    env = {
        **os.environ,
        "TELEMETRY_DB": str(db),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }
    result = subprocess.run(
        [
            *dbt_command(),
            "test",
            "--select",
            "marts_hold_no_personal_data",
            "--project-dir",
            str(REPO_ROOT),
            "--profiles-dir",
            str(REPO_ROOT),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    (outcome,) = [r for r in results if r["unique_id"].endswith(".marts_hold_no_personal_data")]
    assert (outcome["status"], outcome["failures"]) == ("fail", 1)
