"""Every way personal data has reached the marts before (issue 16), landed as an export:
redaction hides each one from the marts and the report; and with redaction switched off in
a copy of the project, the privacy test catches each one, and `telemetry build` publishes
nothing.

Each case is (what the app sent, the personal values that must never be published)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
from conftest import copy_project, query, run_cli, run_dbt

from telemetry.aptabase.export_format import EXPORT_COLUMNS, clickhouse_csv_line, exported_string_prop

MESSAGES = {  # a transcribe_failed error message -> its personal values
    # cut by the server's 180-character truncation inside the address
    "x" * 158 + " maria.garcia@example.com": ["maria.garcia@examp"],
    "sent to josé.núñez@correo.es": ["josé.núñez@correo.es"],
    "Audio file not found: /home/Maria Garcia/Music/a.wav": ["Maria Garcia", "Garcia"],
    "load C:\\Users\\Ana Lopez\\AppData\\x.dll failed": ["Ana Lopez", "Lopez"],
    "open /mnt/c/Users/priya/x failed": ["priya"],
    "\\\\wsl$\\Ubuntu\\home\\dmitri\\x not found": ["dmitri"],
    "cannot read ~olafur/models/x.bin": ["olafur"],
    "/Users/kwame/Library/x crashed": ["kwame"],
    "Audio file not found: /home/Renée Dubois": ["Renée", "Dubois"],
}
MODEL_NAMES = {  # an allowlisted prop value -> its personal values
    "/home/svetlana/models/ggml.bin": ["svetlana"],
    "hiroshi@example.jp": ["hiroshi@example.jp"],
}
EVENT_NAMES = {"clicked_wei.zhang@example.com": ["wei.zhang@example.com"]}
PERSONAL = [v for cases in (MESSAGES, MODEL_NAMES, EVENT_NAMES) for values in cases.values() for v in values]


def export_line(n: int, name: str, props: dict[str, str]) -> str:
    values = {
        "timestamp": f"2026-02-01 10:{n // 60:02d}:{n % 60:02d}",
        "user_id": f"user-{n}",
        "session_id": f"s-{n}",
        "event_name": name,
        "string_props": "{" + ",".join(f'"{k}":{exported_string_prop(v)}' for k, v in props.items()) + "}",
        "os_name": "Windows",
        "os_version": "10.0.22631",
        "app_version": "3.0.9",
    }
    return clickhouse_csv_line([values.get(c, "") for c in EXPORT_COLUMNS])


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lines = [",".join(f'"{c}"' for c in EXPORT_COLUMNS) + "\n"]
    n = 0
    for message in MESSAGES:
        lines.append(export_line(n, "transcribe_started", {"model_name": "ggml-small.bin"}))
        lines.append(export_line(n + 1, "transcribe_failed", {"error_message": message}))
        n += 2
    for model in MODEL_NAMES:
        lines.append(export_line(n, "transcribe_started", {"model_name": model}))
        lines.append(export_line(n + 1, "transcribe_completed", {}))
        n += 2
    for name in EVENT_NAMES:
        lines.append(export_line(n, name, {}))
        n += 1
    path = tmp_path_factory.mktemp("export") / "vibe-release-2026-02-01.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def published_texts(db: Path) -> str:
    """Every text and JSON value of every table in the published copy's marts, as one text."""
    with duckdb.connect(str(db), read_only=True) as con:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns"
            " where table_schema = 'marts' and (data_type like 'VARCHAR%' or data_type = 'JSON')"
        ).fetchall()
        parts = [
            con.execute(f'select string_agg(cast("{c}" as varchar), chr(10)) from marts."{t}"').fetchone()[0]
            or ""
            for t, c in columns
        ]
    return "\n".join(parts)


def test_redaction_hides_every_case_from_the_marts_and_the_report(tmp_path, export):
    db = tmp_path / "warehouse.duckdb"
    run_cli("land", str(export), "--db", str(db), check=True)
    run_cli("build", "--db", str(db), check=True)
    published = db.with_name("warehouse.published.duckdb")
    report = tmp_path / "report"
    run_cli(
        "report",
        "--db",
        str(db),
        "--out",
        f"{report}.md",
        "--out",
        f"{report}.html",
        "--out",
        f"{report}.json",
        check=True,
    )
    texts = {
        "marts": published_texts(published),
        **{
            suffix: Path(f"{report}.{suffix}").read_text(encoding="utf-8")
            for suffix in ("md", "html", "json")
        },
    }
    assert "<path>" in texts["marts"] and "<email>" in texts["marts"]  # the cases reached the marts
    json.loads(texts["json"])
    for where, text in texts.items():
        leaked = [value for value in PERSONAL if value in text]
        assert not leaked, (where, leaked)


def test_the_privacy_test_catches_every_case_redaction_would_miss(tmp_path, export):
    """redact_personal switched off in a copy of the project: the privacy test fails and
    names every personal value; `telemetry build` fails and publishes nothing."""
    project = copy_project(tmp_path / "project")
    macro = project / "macros" / "redact_personal.sql"
    text = macro.read_text(encoding="utf-8")
    off = re.sub(r"\{%- set steps = \[.*?\] -%\}", "{%- set steps = [] -%}", text, count=1, flags=re.S)
    assert off != text
    macro.write_text(off, encoding="utf-8")
    db = tmp_path / "warehouse.duckdb"
    run_cli("land", str(export), "--db", str(db), check=True)
    built = run_cli("build", "--db", str(db), "--project-dir", str(project))
    assert built.returncode != 0
    assert "marts_hold_no_personal_data" in built.stdout + built.stderr, built.stdout + built.stderr
    assert not db.with_name("warehouse.published.duckdb").exists()
    run_dbt(
        "test",
        "--select",
        "marts_hold_no_personal_data",
        "--store-failures",
        db=db,
        tmp=tmp_path,
        project_dir=project,
        check=False,
    )
    (table,) = query(
        db,
        "select table_schema || '.' || table_name from information_schema.tables"
        " where table_name = 'marts_hold_no_personal_data'",
    )[0]
    caught = {value for (value,) in query(db, f"select distinct personal_value from {table}")}
    missed = [v for v in PERSONAL if not any(v in c or c in v for c in caught)]
    assert not missed, (missed, sorted(caught))
