"""Render a report document as GitHub-flavoured Markdown that also reads well raw in a
120-column terminal: prose is wrapped at WIDTH, tables are padded, and a table wider than
WIDTH is split into parts that each repeat its key columns (a cell too long even then is
cut with "…"). Charts are HTML-only and left out here."""

from __future__ import annotations

import textwrap

from telemetry.report.document import (
    Bullets,
    Chart,
    Code,
    Document,
    Note,
    Paragraph,
    Rich,
    Strong,
    Subheading,
    Table,
    plain_text,
)

#: The terminal width every line fits in (a longer single word, such as a URL, excepted).
WIDTH = 120


def render_markdown(doc: Document) -> str:
    out: list[str] = [f"# {doc.title}", "", inline(doc.subtitle), ""]
    for section in doc.sections:
        out += [f"## {section.title}", ""]
        for block in section.blocks:
            text = render_block(block)
            if text is not None:
                out += [text, ""]
    return "\n".join(out).rstrip() + "\n"


def wrap(text: str, first: str = "", rest: str = "") -> str:
    """`text` wrapped at WIDTH after the prefix `first` (then `rest`): Markdown joins the
    lines again, so only the raw view changes."""
    return "\n".join(
        textwrap.wrap(
            text,
            WIDTH,
            initial_indent=first,
            subsequent_indent=rest,
            break_long_words=False,
            break_on_hyphens=False,
        )
    )


def render_block(block: object) -> str | None:
    if isinstance(block, Paragraph):
        return wrap(inline(block.content))
    if isinstance(block, Subheading):
        return f"### {escape(block.text)}"
    if isinstance(block, Note):
        return wrap(inline(block.content), "> ", "> ")
    if isinstance(block, Bullets):
        lines = []
        for number, item in enumerate(block.items, start=block.start):
            marker = f"{number}." if block.ordered else "-"
            lines.append(wrap(inline(item), f"{marker} ", " " * (len(marker) + 1)))
        return "\n".join(lines)
    if isinstance(block, Table):
        return table(block)
    if isinstance(block, Chart):
        return None
    raise TypeError(f"unknown block {block!r}")


def table(block: Table) -> str:
    header = [escape(h, in_table=True) for h in block.headers]
    rows = [[inline(cell, in_table=True) for cell in row] for row in block.rows]
    align = block.align or ["l"] * len(header)
    widths = [max([len(header[i]), 3] + [len(row[i]) for row in rows]) for i in range(len(header))]
    keys = max(1, min(block.key_columns, len(widths) - 1))
    rendered = []
    for columns in _column_groups(widths, keys):
        fitted = {i: widths[i] for i in columns}
        excess = _table_width(list(fitted.values())) - WIDTH
        if excess > 0:
            # one column too wide even beside the keys alone: the widest one gives way
            widest = max(columns[1:] or columns, key=lambda i: fitted[i])
            fitted[widest] = max(3, fitted[widest] - excess)
        rendered.append(
            _table_text(
                [_fit(block.headers[i], header[i], fitted[i]) for i in columns],
                [[_fit(block.rows[r][i], rows[r][i], fitted[i]) for i in columns] for r in range(len(rows))],
                [align[i] for i in columns],
                [fitted[i] for i in columns],
            )
        )
    return "\n\n".join(rendered)


def _table_width(widths: list[int]) -> int:
    return sum(widths) + 3 * len(widths) + 1


def _column_groups(widths: list[int], keys: int) -> list[list[int]]:
    """Columns in parts no wider than WIDTH: the first part starts with the `keys` key
    columns, each later part repeats them too, or only the first column when the keys
    would take more than a third of the width."""
    repeat = list(range(keys)) if _table_width(widths[:keys]) <= WIDTH // 3 else [0]
    groups: list[list[int]] = []
    current = list(range(keys))
    for column in range(keys, len(widths)):
        fixed = keys if not groups else len(repeat)
        if len(current) > fixed and _table_width([widths[i] for i in [*current, column]]) > WIDTH:
            groups.append(current)
            current = list(repeat)
        current.append(column)
    groups.append(current)
    return groups


def _fit(content: Rich, text: str, width: int) -> str:
    """`text` (the cell rendered) when it fits in `width`, else the cell cut to fit with "…"."""
    if len(text) <= width:
        return text
    plain = plain_text(content)
    is_code = isinstance(content, Code) or (
        isinstance(content, list) and len(content) == 1 and isinstance(content[0], Code)
    )
    for keep in range(min(len(plain), width), 0, -1):
        cut = plain[:keep].rstrip() + "…"
        candidate = code(cut, in_table=True) if is_code else escape(cut, in_table=True)
        if len(candidate) <= width:
            return candidate
    return "…"


def _table_text(header: list[str], rows: list[list[str]], align: list[str], widths: list[int]) -> str:
    def line(cells: list[str]) -> str:
        padded = [
            cell.rjust(widths[i]) if align[i] == "r" else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = [("-" * (w - 1) + ":") if a == "r" else "-" * w for w, a in zip(widths, align, strict=False)]
    return "\n".join([line(header), "| " + " | ".join(rule) + " |", *[line(r) for r in rows]])


def inline(content: Rich, in_table: bool = False) -> str:
    if isinstance(content, str):
        return escape(content, in_table)
    if isinstance(content, (Code, Strong)):
        content = [content]
    parts = []
    for part in content:
        if isinstance(part, Code):
            parts.append(code(part.text, in_table))
        elif isinstance(part, Strong):
            parts.append(f"**{escape(part.text, in_table)}**")
        else:
            parts.append(escape(part, in_table))
    return "".join(parts)


def escape(text: str, in_table: bool = False) -> str:
    """Escape what Markdown would otherwise interpret in data text; newlines become spaces."""
    text = " ".join(str(text).split("\n"))
    for char in ("\\", "*", "`", "<", "["):
        text = text.replace(char, "\\" + char)
    if in_table:
        text = text.replace("|", "\\|")
    return text


def code(text: str, in_table: bool = False) -> str:
    text = " ".join(str(text).split("\n"))
    if in_table:
        text = text.replace("|", "\\|")
    if "`" in text:
        return f"`` {text} ``"
    return f"`{text}`"
