"""Render a report document as GitHub-flavoured Markdown that also reads well raw in a
terminal (tables are padded). Charts are HTML-only and left out here."""

from __future__ import annotations

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
)


def render_markdown(doc: Document) -> str:
    out: list[str] = [f"# {doc.title}", "", inline(doc.subtitle), ""]
    for section in doc.sections:
        out += [f"## {section.title}", ""]
        for block in section.blocks:
            text = render_block(block)
            if text is not None:
                out += [text, ""]
    return "\n".join(out).rstrip() + "\n"


def render_block(block: object) -> str | None:
    if isinstance(block, Paragraph):
        return inline(block.content)
    if isinstance(block, Subheading):
        return f"### {escape(block.text)}"
    if isinstance(block, Note):
        return "> " + inline(block.content)
    if isinstance(block, Bullets):
        lines = []
        for number, item in enumerate(block.items, start=block.start):
            marker = f"{number}." if block.ordered else "-"
            lines.append(f"{marker} {inline(item)}")
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
