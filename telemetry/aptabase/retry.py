"""The one retry policy of every call to the server: bounded attempts with exponential
backoff and jitter, never shorter than the server's Retry-After (seconds or an HTTP date).

The loop is tenacity's; what is retried is a RetryableError, which every HTTP call of the
client raises for a 429, a 5xx, a timeout, a dropped connection, a lost session or a
download that is not a complete export.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

import tenacity

T = TypeVar("T")


class RetryableError(Exception):
    """A failure worth another attempt. The message is safe to show."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class SessionLost(RetryableError):
    """The server no longer accepts the session (401 or a redirect): sign in again."""


class IncompleteFile(RetryableError):
    """The download ended but the file is not a complete export of the day."""


def parse_retry_after(header: str, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP date (RFC 9110);
    None when absent or unreadable, 0 for a date in the past."""
    header = header.strip()
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is always GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded attempts with exponential backoff and jitter: attempt n waits between half
    and all of `min(max_delay, base_delay * 2**(n-1))`, at least a server's Retry-After
    (itself capped at `max_delay`)."""

    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    random: Callable[[], float] = random.random

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        cap = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        wait = cap / 2 + self.random() * cap / 2
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_delay))
        return wait

    def call(
        self,
        action: Callable[[], T],
        on_retry: Callable[[int, RetryableError, float], None],
    ) -> T:
        """`action()`, retried on RetryableError; `on_retry(attempt, error, wait)` runs
        before each wait. The last RetryableError is raised once attempts run out."""
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.max_attempts),
            wait=self._wait,
            retry=tenacity.retry_if_exception_type(RetryableError),
            sleep=self.sleep,
            before_sleep=lambda state: on_retry(state.attempt_number, _error(state), state.upcoming_sleep),
            reraise=True,
        )
        return retrying(action)

    def _wait(self, state: tenacity.RetryCallState) -> float:
        return self.delay(state.attempt_number, _error(state).retry_after)


def _error(state: tenacity.RetryCallState) -> RetryableError:
    error = state.outcome.exception() if state.outcome else None
    assert isinstance(error, RetryableError)  # only RetryableError is retried
    return error
