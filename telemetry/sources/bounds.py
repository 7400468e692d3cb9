"""The event times a landed row may carry, the same for every source."""

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
