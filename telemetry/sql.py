"""SQL text helpers shared by the modules that talk to DuckDB, and one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb


def sql_literal(value: str) -> str:
    """A SQL string literal, quotes doubled. (Literals, not bound parameters: binding one
    makes DuckDB's Python client import pandas, seconds of start-up for every command.)"""
    return "'" + value.replace("'", "''") + "'"


def sql_value(value: str | int | None) -> str:
    """A SQL literal of a text, a whole number or null (see sql_literal on why literals)."""
    if value is None:
        return "null"
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"no SQL literal for {type(value).__name__}")
    return str(value) if isinstance(value, int) else sql_literal(value)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One DuckDB transaction: committed when the block ends, rolled back on any error
    (an interrupt too), so a write is whole or absent."""
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
