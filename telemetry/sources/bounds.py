"""Event times, the same for every source: how a text time is read as UTC, and the times a
landed row may carry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class TimeBounds:
    """The event times a row may carry: not before `not_before` (UTC day), not more than
    `max_ahead_hours` after the row is landed (Aptabase rejects events 10 minutes ahead)."""

    not_before: date = date(2015, 1, 1)
    max_ahead_hours: int = 24


def time_rejection_whens(bounds: TimeBounds, shown: str, event_ts: str = "_event_ts") -> str:
    """The `when ... then` clauses of a rejection `case` for a row whose parsed time
    (`event_ts`) is missing or out of `bounds`; `shown` is the SQL text of the raw time."""
    ahead = f"timezone('UTC', now()) + interval {int(bounds.max_ahead_hours)} hour"
    first = bounds.not_before.isoformat()
    return (
        f" when {event_ts} is null then 'BAD TIMESTAMP: ' || {shown}"
        f" when {event_ts} < date '{first}' then 'TIMESTAMP OUT OF RANGE: ' || {shown} || ' is before {first}'"
        f" when {event_ts} > {ahead} then 'TIMESTAMP OUT OF RANGE: ' || {shown}"
        f" || ' is more than {int(bounds.max_ahead_hours)} hours after landing'"
    )


#: Offsets DuckDB reads as a time zone: `Z`, `+02`, `+0200`, `+02:00` at the end.
_OFFSET_PATTERN = "([+-][0-9]{2}(:?[0-9]{2})?|[zZ])$"


def event_ts_sql(column: str = '"timestamp"') -> str:
    """SQL for the UTC timestamp of a raw text column. The export's own shape (nearly every
    row) is cast as it is: a LIKE is cheaper than the offset pattern."""
    text = f"nullif(trim({column}), '')"
    return (
        f"case when {column} like '____-__-__ __:__:__' then try_cast({column} as timestamp)"
        f" when regexp_matches({text}, '{_OFFSET_PATTERN}')"
        f" then timezone('UTC', try_cast({text} as timestamptz))"
        f" else try_cast({text} as timestamp) end"
    )
