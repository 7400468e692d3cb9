"""The shape of Aptabase's exports, shared by everything that reads or writes them (the
export checks, landing, the local server, the sample and the benchmark generator): the
columns, .NET's JSON string escaping of props, the server's 180-character cut and the
ClickHouse CSV line. See docs/aptabase.md.
"""

from __future__ import annotations

#: The 16 columns of Aptabase's CSVWithNames export, in export order.
EXPORT_COLUMNS: tuple[str, ...] = (
    "timestamp",
    "user_id",
    "session_id",
    "event_name",
    "string_props",
    "numeric_props",
    "os_name",
    "os_version",
    "locale",
    "app_version",
    "app_build_number",
    "engine_name",
    "engine_version",
    "country_code",
    "country_name",
    "region_name",
)
#: The 8 columns that identify an event (what pandas-rewritten files keep).
CORE_COLUMNS: tuple[str, ...] = (
    "timestamp",
    "event_name",
    "user_id",
    "app_version",
    "os_name",
    "os_version",
    "string_props",
    "numeric_props",
)

#: The server keeps 177 UTF-16 units + `...` of a string prop value longer than this.
STRING_PROP_MAX = 180

_DOTNET_ALWAYS_ESCAPED = set("\"'<>&+`")
_SHORT_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def dotnet_json_string(value: str) -> str:
    """`value` as a JSON string the way System.Text.Json's default encoder writes it:
    HTML-sensitive characters and every non-ASCII character as `\\uXXXX` (uppercase hex,
    UTF-16 surrogate pairs above U+FFFF), backslash and common controls as short escapes."""
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif code < 0x20 or code > 0x7E or ch in _DOTNET_ALWAYS_ESCAPED:
            if code > 0xFFFF:
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04X}\\u{0xDC00 + (code & 0x3FF):04X}")
            else:
                out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def utf16_len(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


def truncate_prop(value: str) -> str:
    """The server's cut: values longer than 180 UTF-16 units keep 177 of them + `...`."""
    if utf16_len(value) <= STRING_PROP_MAX:
        return value
    units = value.encode("utf-16-le")[: (STRING_PROP_MAX - 3) * 2]
    return units.decode("utf-16-le", errors="ignore") + "..."


def exported_string_prop(value: str) -> str:
    """A string prop value as it appears in an exported string_props: cut, .NET-escaped, and
    with the export query's quirk (every `\\u0022` / `\\u0027` comes out as `\\'`)."""
    return dotnet_json_string(truncate_prop(value)).replace("\\u0022", "\\'").replace("\\u0027", "\\'")


def clickhouse_csv_line(fields: list[str]) -> str:
    """One CSVWithNames line: every field quoted, `"` doubled, `\\n` line end."""
    return ",".join('"' + f.replace('"', '""') + '"' for f in fields) + "\n"
