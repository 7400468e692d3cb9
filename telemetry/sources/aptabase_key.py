"""What an Aptabase event is: its UTC time and its key, each with one definition (the time's
SQL, `event_ts_sql`, lives in telemetry/sources/bounds.py: every source reads text times so).

Landing computes both once per landed row (DuckDB SQL over the raw text) and stores them
in `raw.events` (`_event_ts`, `_event_id`); dbt reads them from there and never derives
them again, so the landing summary and staging cannot disagree about which rows are the
same event.

- Time: Aptabase writes UTC text `YYYY-MM-DD HH:MM:SS`. A rewritten file may carry `T`, a
  fraction, `Z` or an explicit offset (`+02:00`, `-0100`): an offset is converted to UTC;
  blanks around the text are ignored; a text that is no timestamp gives null (the row is
  rejected with its reason).
- Key: the md5 of the 8 core columns (docs/aptabase.md) with the time as parsed above and
  empty text read as null. Two rows are the same event when their keys agree.
- Acceptance: a row lands only with a time within sane bounds (not before `not_before`,
  default 2015-01-01; not more than `max_ahead_hours`, default 24, after its landing), an
  event name and a user id; any other row is rejected with its reason, so no landed row can
  break a model or a test downstream.
- Fullness: how many of the 16 export columns a copy fills; the fullest copy of an event is
  the one kept (a full export beats a pandas-trimmed 8-column rewrite of it).
"""

from __future__ import annotations

from telemetry.aptabase.export_format import CORE_COLUMNS, EXPORT_COLUMNS
from telemetry.sources.bounds import TimeBounds, time_rejection_whens


def _text(column: str) -> str:
    return f"nullif(\"{column}\", '')"


def event_id_sql(event_ts: str = "_event_ts") -> str:
    """SQL for the event key, given the parsed time's expression: md5 of the core columns,
    each as text (`<null>` for a missing one), joined by `|`."""
    parts = [
        f"coalesce(cast({event_ts if c == 'timestamp' else _text(c)} as varchar), '<null>')"
        for c in CORE_COLUMNS
    ]
    return "md5(" + " || '|' || ".join(parts) + ")"


def filled_columns_sql() -> str:
    """SQL for how many of the export columns a row fills (empty text is not filled)."""
    return " + ".join(f"(case when {_text(c)} is not null then 1 else 0 end)" for c in EXPORT_COLUMNS)


def rejection_sql(bounds: TimeBounds, event_ts: str = "_event_ts") -> str:
    """SQL for why a parsed row cannot land (null: it lands), given the parsed time."""
    shown = "coalesce('\"' || \"timestamp\" || '\"', 'empty')"
    return (
        f"case{time_rejection_whens(bounds, shown, event_ts)}"
        " when nullif(trim(event_name), '') is null then 'NO EVENT NAME'"
        " when nullif(trim(user_id), '') is null then 'NO USER ID' end"
    )
