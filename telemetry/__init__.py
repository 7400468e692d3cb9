"""Aptabase telemetry: landing, export and reporting for the dbt project."""
