"""One error type for problems the user can fix: the CLI prints its message as one line."""

import re


class UserError(Exception):
    """A clear, one-line, secret-free message; exit code 1 unless told otherwise."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def error_line(text: str, limit: int = 400) -> str:
    """A tool's message (dbt's, DuckDB's) as one line for a UserError: colour codes removed,
    whitespace collapsed, cut at `limit` characters."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def exception_line(exc: BaseException) -> str:
    """The first line of an exception's message (DuckDB's add hints and context below it),
    or its type's name when it has none."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
