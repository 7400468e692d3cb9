"""`telemetry` command line: each subcommand lives in its own module with
`register(subparsers)`; errors the user can fix surface as one line, never a traceback."""

from __future__ import annotations

import argparse
import importlib
import sys

from telemetry.config import load_dotenv_into
from telemetry.errors import UserError

# Subcommand modules, in the order `--help` lists them. Each defines
# `register(subparsers) -> None` and sets `func` on its parser via set_defaults.
COMMAND_MODULES = [
    "telemetry.cli.land",
    "telemetry.cli.export",
    "telemetry.cli.report",
    "telemetry.cli.sample",
    "telemetry.cli.serve",
    "telemetry.cli.demo",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="telemetry",
        description="Turn Aptabase telemetry into reliability answers (dbt + DuckDB).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # command not built yet
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        load_dotenv_into()
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"telemetry {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"telemetry {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
