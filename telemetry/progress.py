"""A one-line progress display for downloads: the day, days done, bytes and rows so far.
Drawn on a terminal only; silent when the stream is not a TTY (logs, pipes, CI)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TextIO


def human_bytes(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} GB"


class Progress:
    """`start(label, done, total)`, then `advance(nbytes, rows)` per chunk, then `end()`."""

    def __init__(
        self,
        stream: TextIO,
        *,
        enabled: bool | None = None,
        interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self.enabled = _is_tty(stream) if enabled is None else enabled
        self._interval = interval
        self._clock = clock
        self._label = ""
        self._done = self._total = 0
        self._bytes = self._rows = 0
        self._last_draw = float("-inf")
        self._width = 0

    def start(self, label: str, done: int, total: int) -> None:
        self._label, self._done, self._total = label, done, total
        self._bytes = self._rows = 0
        self._last_draw = float("-inf")
        self._draw()

    def advance(self, nbytes: int, rows: int = 0) -> None:
        self._bytes += nbytes
        self._rows += rows
        if self._clock() - self._last_draw >= self._interval:
            self._draw()

    def reset(self) -> None:
        """A new attempt at the same day: the counts start again."""
        self._bytes = self._rows = 0
        self._draw()

    def end(self) -> None:
        if self.enabled and self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
            self._width = 0

    def _draw(self) -> None:
        self._last_draw = self._clock()
        if not self.enabled:
            return
        bar = _bar(self._done, self._total)
        text = (
            f"{bar} {self._done}/{self._total} days | {self._label}: "
            f"{human_bytes(self._bytes)}, {self._rows:,} rows"
        )
        padding = max(0, self._width - len(text))
        self._stream.write("\r" + text + " " * padding)
        self._stream.flush()
        self._width = len(text)


def _bar(done: int, total: int, width: int = 20) -> str:
    filled = int(width * done / total) if total else width
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def _is_tty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def say(line: str) -> None:
    """Print one line of a long command's progress, flushed. When the reader of stdout went
    away (`telemetry land ... | head -1`), later lines are dropped and the work goes on to
    the end: a closed pipe never stops a landing or a build half-way."""
    try:
        print(line, flush=True)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # every later write (and the last flush) goes nowhere
