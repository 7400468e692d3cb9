"""SQL text helpers shared by the modules that talk to DuckDB."""

from __future__ import annotations


def sql_literal(value: str) -> str:
    """A SQL string literal, quotes doubled. (Literals, not bound parameters: binding one
    makes DuckDB's Python client import pandas, seconds of start-up for every command.)"""
    return "'" + value.replace("'", "''") + "'"
