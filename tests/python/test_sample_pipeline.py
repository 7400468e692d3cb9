"""The bundled sample, landed and staged, against the generator's ground truth."""

from __future__ import annotations

import json
import re

from conftest import REPO_ROOT, query, run_cli, run_dbt

SAMPLE = REPO_ROOT / "data" / "sample"


def test_sample_lands_once_and_stages_exactly_the_unique_events(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    truth = json.loads((SAMPLE / "manifest.json").read_text())["ground_truth"]
    out = run_cli("land", str(SAMPLE), "--db", str(db), check=True).stdout

    total = re.search(
        r"total: (\d+) files \(0 already landed\): (\d+) lines read = (\d+) header lines"
        r" \+ (\d+) rows landed \+ (\d+) rejected; (\d+) duplicates, (\d+) new events",
        out,
    )
    assert total, out
    files, lines, headers, landed, rejected, duplicates, new = map(int, total.groups())
    assert lines == headers + landed + rejected
    assert landed - duplicates == new == truth["unique_events"]
    assert rejected == 1  # the cut last line of the partial download
    ((reason, text),) = query(db, "select reason, raw_text from raw.rejected_rows")
    assert "quote" in reason.lower() and not text.endswith("\n")

    run_dbt("run", "--select", "stg_aptabase__events", db=db, tmp=tmp_path)
    assert query(db, "select count(*) from staging.stg_aptabase__events")[0][0] == truth["unique_events"]
    by_day = dict(
        query(
            db,
            """
        select strftime(event_date, '%Y-%m-%d'), count(*)
        from staging.stg_aptabase__events group by 1""",
        )
    )
    assert by_day == truth["unique_events_by_day"]
    by_name = dict(query(db, "select event_name, count(*) from staging.stg_aptabase__events group by 1"))
    assert by_name == truth["unique_events_by_event_name"]
    assert query(db, "select count(*) from staging.stg_aptabase__events where props_parse_failed") == [(0,)]
    assert query(db, "select count(*) from staging.stg_aptabase__events where message_truncated")[0][0] > 0

    # landing everything again changes nothing
    again = run_cli("land", str(SAMPLE), "--db", str(db), check=True).stdout
    assert f"total: {files} files ({files} already landed)" in again
    assert query(db, "select count(*) from raw.events")[0][0] == new
    assert query(db, "select count(*) from raw.event_copies")[0][0] == landed
