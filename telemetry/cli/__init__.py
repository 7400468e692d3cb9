"""`telemetry` command line (Click): each subcommand lives in its own module as `command`;
`.env` is loaded first; errors the user can fix surface as one line, never a traceback."""

from __future__ import annotations

import difflib
import importlib
import sys
from collections.abc import Sequence
from importlib.metadata import version
from types import SimpleNamespace

import click

from telemetry.config import load_dotenv_into
from telemetry.errors import UserError

# Subcommand modules, in the order `--help` lists them; each defines `command`.
COMMAND_MODULES = ("land", "unland", "build", "export", "report", "sample", "serve", "demo")
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Commands(click.Group):
    """Lists commands in COMMAND_MODULES order and suggests the nearest for a typo."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in self.commands:
            close = difflib.get_close_matches(name, self.commands, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            ctx.fail(f"No such command {name!r}.{hint}")
        return super().resolve_command(ctx, args)


@click.group(cls=Commands, context_settings=CONTEXT)
@click.version_option(version("telemetry"), "-V", "--version", prog_name="telemetry")
def app() -> None:
    """Turn Aptabase telemetry into reliability answers (dbt + DuckDB)."""


for _name in COMMAND_MODULES:
    app.add_command(importlib.import_module(f"telemetry.cli.{_name}").command)


def parse(argv: Sequence[str]) -> SimpleNamespace:
    """The options of `telemetry COMMAND ARGS...` as attributes, without running it."""
    name, *rest = argv
    with app.commands[name].make_context(name, rest) as ctx:
        return SimpleNamespace(**ctx.params)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    name = _command_name(args)
    try:
        load_dotenv_into()
        result = app.main(args=args, prog_name="telemetry", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc), err=True)
        return 2
    except click.UsageError as exc:
        usage = " ".join(["telemetry", *([name] if name else []), "--help"])
        return _error(name, f"{exc.format_message()} (see {usage})", exc.exit_code)
    except click.ClickException as exc:
        return _error(name, exc.format_message(), exc.exit_code)
    except UserError as exc:
        return _error(name, str(exc), exc.exit_code)
    except (KeyboardInterrupt, click.Abort):
        print(f"{_prefix(name)}: interrupted", file=sys.stderr)
        return 130
    return int(result or 0)


def _command_name(args: list[str]) -> str:
    """The subcommand `args` ask for, for error lines; '' when none or an unknown one."""
    name = next((arg for arg in args if not arg.startswith("-")), "")
    return name if name in app.commands else ""


def _prefix(name: str) -> str:
    return f"telemetry {name}" if name else "telemetry"


def _error(name: str, message: str, code: int) -> int:
    print(f"{_prefix(name)}: error: {' '.join(message.split())}", file=sys.stderr)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
