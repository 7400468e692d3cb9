"""Settings from the environment and from `.env` in the current directory (python-dotenv).

A non-empty environment variable wins over `.env`. Every `telemetry` command loads `.env`
into its environment first, so `TELEMETRY_DB`, the Aptabase settings and the DuckDB
settings reach the command and the dbt it runs. Errors name the file and the line, never
a value (values are often secrets).
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, MutableMapping
from pathlib import Path

from dotenv.parser import parse_stream

from telemetry.errors import UserError

DOTENV = ".env"


def read_dotenv(path: Path) -> dict[str, str]:
    """The variables in the file at `path` (a later assignment wins); an absent file holds none."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text") from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    values: dict[str, str] = {}
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            raise UserError(
                f"{path} line {binding.original.line}: cannot read this line "
                "(expected KEY=value; check its quotes)"
            )
        if binding.key is not None and binding.value is not None:
            values[binding.key] = binding.value
    return values


def merged_config(environ: Mapping[str, str], cwd: Path) -> dict[str, str]:
    """`.env` in `cwd` overlaid by the environment: a non-empty environment variable wins."""
    config = read_dotenv(cwd / DOTENV)
    config.update({key: value for key, value in environ.items() if value != ""})
    return config


def load_dotenv_into(environ: MutableMapping[str, str] = os.environ, cwd: Path | None = None) -> None:
    """Set every variable of `.env` in `cwd` that the environment leaves unset or empty."""
    for key, value in read_dotenv((cwd or Path.cwd()) / DOTENV).items():
        if not environ.get(key):
            environ[key] = value
