"""OTLP logs as the OpenTelemetry Collector's file exporter writes them: a small hand-written
file (every expectation below is counted by hand from it) landed and built."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import query, run_cli, run_dbt


def attr(key: str, **value: object) -> dict:
    return {"key": key, "value": value}


def logs_data(instance: str | None, records: list[dict], version: str = "2.1.0") -> str:
    resource = [attr("service.name", stringValue="agentd"), attr("service.version", stringValue=version)]
    if instance:
        resource.append(attr("service.instance.id", stringValue=instance))
    return json.dumps(
        {
            "resourceLogs": [
                {
                    "resource": {"attributes": resource},
                    "scopeLogs": [{"scope": {"name": "s"}, "logRecords": records}],
                }
            ]
        }
    )


# 2026-06-24 12:00:00 UTC in nanoseconds
T0 = 1782302400 * 10**9
SPAWN_FAILED = {
    "timeUnixNano": str(T0 + 5 * 10**9),
    "eventName": "session.spawn_failed",
    "severityNumber": 17,
    "body": {"stringValue": "spawn failed: worktree busy"},
    "attributes": [attr("error_kind", stringValue="conflict"), attr("attempt", intValue="2")],
}
LINES = [
    logs_data(
        "inst-a",
        [
            # numbers as strings (the spec) and as numbers (some writers)
            {
                "timeUnixNano": str(T0),
                "eventName": "session.spawn_succeeded",
                "attributes": [attr("harness", stringValue="codex")],
            },
            {
                "timeUnixNano": T0 + 10**9,
                "severityText": "INFO",
                "attributes": [attr("event.name", stringValue="cli.invoked")],
            },
            SPAWN_FAILED,
        ],
    ),
    "this line is not JSON",
    logs_data(
        "inst-b",
        [
            # time 0 means unknown: the observed time is used
            {
                "timeUnixNano": "0",
                "observedTimeUnixNano": str(T0 + 86400 * 10**9),
                "severityText": "WARN",
                "body": {"stringValue": "disk almost full"},
            },
            {"eventName": "no.time.at.all"},
        ],
    ),
    "",
    logs_data(None, [{"timeUnixNano": str(T0 + 7 * 10**9), "eventName": "session.spawn_succeeded"}]),
]


def test_otlp_logs_land_and_build(tmp_path: Path) -> None:
    logs = tmp_path / "logs.json"
    logs.write_text("\n".join(LINES) + "\n")
    # a rotated copy holding one record again: kept once
    rotated = tmp_path / "logs-2026-06-25T00-00-00.json"
    rotated.write_text(logs_data("inst-a", [SPAWN_FAILED]) + "\n")
    db = tmp_path / "w.duckdb"

    refused = run_cli("land", str(logs), db=db)
    assert refused.returncode == 1
    assert "an OTLP log file does not name its app: give --app NAME" in refused.stderr

    landed = run_cli("land", str(logs), str(rotated), "--app", "agentd", db=db)
    assert landed.returncode == 0, landed.stderr
    # 6 records + 1 bad line read; 5 records land; the record without a time and the bad line are rejected
    assert "logs.json (otlp): 7 rows read = 5 rows landed + 2 rejected; 0 of the landed rows" in landed.stdout
    assert "1 blank lines skipped" in landed.stdout
    assert (
        "(otlp): 1 rows read = 1 rows landed + 0 rejected; 1 of the landed rows duplicate events"
        in landed.stdout
    )
    assert query(db, "select line_number, reason from raw.rejected_rows order by 1") == [
        (2, "NOT JSON: the line is not a JSON object"),
        (3, "BAD TIMESTAMP: no timeUnixNano or observedTimeUnixNano"),
    ]

    run_dbt(
        "build", "--selector", "ci", db=db, tmp=tmp_path
    )  # green, the bad line and the untimed record set apart
    assert query(db, "select * from marts.dim_app") == [("agentd", "otlp", "instance")]
    events = query(
        db,
        "select event_name, user_id, event_date::varchar, app_version from marts.fct_events order by event_ts",
    )
    assert events == [
        ("session.spawn_succeeded", "inst-a", "2026-06-24", "2.1.0"),
        ("cli.invoked", "inst-a", "2026-06-24", "2.1.0"),  # named by its event.name attribute
        ("session.spawn_failed", "inst-a", "2026-06-24", "2.1.0"),
        ("session.spawn_succeeded", None, "2026-06-24", "2.1.0"),  # no service.instance.id
        ("log.warn", "inst-b", "2026-06-25", "2.1.0"),  # a plain log line, at its observed time
    ]
    [(failure_class, message)] = query(
        db, "select failure_class, error_message_redacted from marts.fct_events where event_role = 'failure'"
    )
    assert (failure_class, message) == ("runtime", "spawn failed: worktree busy")
    [(attempts, failures)] = query(
        db, "select attempts, failures from marts.kpi_action_lifecycle where action = 'session.spawn'"
    )
    assert (attempts, failures) == (3, 1)
