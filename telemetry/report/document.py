"""A report as a small document tree (sections of headings, paragraphs, lists, tables,
notes and charts), rendered to Markdown or HTML; and the number formats both share."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Code:
    """Inline code: example messages, code paths, event names."""

    text: str


@dataclass(frozen=True)
class Strong:
    text: str


Inline = str | Code | Strong
Rich = str | Code | Strong | list[Inline]


@dataclass
class Paragraph:
    content: Rich


@dataclass
class Bullets:
    items: list[Rich]
    ordered: bool = False
    start: int = 1


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Rich]]
    #: "l" or "r" per column
    align: list[str] = field(default_factory=list)
    #: how many leading columns identify a row: kept visible when a narrow screen scrolls
    #: the table (HTML) and repeated in each part when a terminal splits it (Markdown)
    key_columns: int = 1


@dataclass
class Note:
    """A caveat the reader must not miss (a blockquote in Markdown)."""

    content: Rich


@dataclass
class Chart:
    """Drawn in HTML only. `kind`: os | daily | pareto | release | funnel; `rows` are its data."""

    kind: str
    title: str
    rows: list[dict[str, Any]]
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Subheading:
    text: str


Block = Paragraph | Bullets | Table | Note | Chart | Subheading


@dataclass
class Section:
    title: str
    anchor: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    title: str
    subtitle: Rich
    sections: list[Section]
    empty: bool = False


# --------------------------------------------------------------------------- formats

DASH = "–"


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def count(value: Any) -> str:
    if is_missing(value):
        return DASH
    return f"{int(value):,}"


def pct(value: Any, digits: int = 1) -> str:
    if is_missing(value):
        return DASH
    return f"{100 * float(value):.{digits}f}%"


def interval(rate: Any, low: Any, high: Any) -> str:
    """`6.7% (4.3–10.2%)`; just the rate when the interval is unknown."""
    if is_missing(rate):
        return DASH
    if is_missing(low) or is_missing(high):
        return pct(rate)
    return f"{pct(rate)} ({100 * float(low):.1f}–{pct(high)})"


def timestamp(value: Any) -> str:
    if is_missing(value):
        return DASH
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def day(value: Any) -> str:
    if is_missing(value):
        return DASH
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def seconds(value: Any) -> str:
    if is_missing(value):
        return DASH
    value = float(value)
    if value >= 120:
        return f"{value / 60:.1f} min"
    return f"{value:.0f} s"


def plural(n: Any, word: str, words: str | None = None) -> str:
    number = 0 if is_missing(n) else int(n)
    return f"{number:,} {word if number == 1 else (words or word + 's')}"


def one_line(text: Any, limit: int = 160) -> str:
    """A message on one line (newlines shown as ⏎), cut at `limit` characters."""
    if is_missing(text):
        return ""
    value = " ⏎ ".join(part.strip() for part in str(text).splitlines() if part.strip())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def plain_text(content: Rich) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, (Code, Strong)):
        return content.text
    return "".join(part if isinstance(part, str) else part.text for part in content)
