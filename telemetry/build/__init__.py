"""`telemetry build`: the daily dbt build, skipped when nothing changed since the last one."""
