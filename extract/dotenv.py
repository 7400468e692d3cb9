"""A tiny `.env` reader (no dependency): `KEY=value` lines, `#` comments, optional
`export ` prefix, single-quoted (literal) and double-quoted (`\\n`, `\\"`, `\\\\` escapes)
values, and ` #` inline comments after unquoted values.

Errors name the file, the line and the key, never the value (values are often secrets).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from extract.errors import UserError

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "$": "$"}


def parse_dotenv(text: str, source: str = ".env") -> dict[str, str]:
    """The variables in `text`; a later assignment of a key wins."""
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export ") or line.startswith("export\t"):
            line = line[len("export") :].strip()
        key, sep, rest = line.partition("=")
        key = key.strip()
        where = f"{source} line {number}"
        if not sep:
            raise UserError(f"{where}: expected KEY=value")
        if not _KEY.fullmatch(key):
            raise UserError(f"{where}: {key[:40]!r} is not a valid variable name")
        values[key] = _parse_value(rest.strip(), f"{where} ({key})")
    return values


def _parse_value(text: str, where: str) -> str:
    if text.startswith("'"):
        end = text.find("'", 1)
        if end < 0:
            raise UserError(f"{where}: unterminated single-quoted value")
        _only_comment_after(text[end + 1 :], where)
        return text[1:end]
    if text.startswith('"'):
        value, end = _read_double_quoted(text, where)
        _only_comment_after(text[end:], where)
        return value
    # Unquoted: an inline comment starts at a '#' preceded by whitespace.
    match = re.search(r"\s#", text)
    return (text[: match.start()] if match else text).strip()


def _read_double_quoted(text: str, where: str) -> tuple[str, int]:
    """The unescaped value and the index just past the closing quote."""
    out: list[str] = []
    index = 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            nxt = text[index + 1]
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
            index += 2
            continue
        if char == '"':
            return "".join(out), index + 1
        out.append(char)
        index += 1
    raise UserError(f"{where}: unterminated double-quoted value")


def _only_comment_after(rest: str, where: str) -> None:
    rest = rest.strip()
    if rest and not rest.startswith("#"):
        raise UserError(f"{where}: unexpected text after the closing quote")


def read_dotenv(path: Path) -> dict[str, str]:
    """The variables in the file at `path`; an absent file holds none."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text") from None
    return parse_dotenv(text, source=str(path))


def merged_config(environ: Mapping[str, str], cwd: Path) -> dict[str, str]:
    """`.env` in `cwd` overlaid by the environment: a non-empty environment variable wins."""
    config = read_dotenv(cwd / ".env")
    config.update({key: value for key, value in environ.items() if value != ""})
    return config
