"""Progress of a run on stderr: a tqdm bar (count, rate, time left) on a terminal, plain
lines every few seconds otherwise (logs, CI, ``make extract > log 2>&1``).

Messages (one per bad input) go through ``message`` so they never break the bar.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO

PLAIN_INTERVAL = 10.0
"""Seconds between two plain progress lines."""


class Progress:
    """:param total: articles expected (an estimate; None when unknown).
    :param enabled: False for no progress at all (messages are still written)."""

    def __init__(self, total: int | None, stream: TextIO = sys.stderr, enabled: bool = True,
                 interval: float = PLAIN_INTERVAL):
        self.stream, self.total, self.enabled, self.interval = stream, total, enabled, interval
        self.done = self.errors = 0
        self.started = self.last_line = time.monotonic()
        self.bar = None
        if enabled and _is_tty(stream):
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=stream, unit=" articles", dynamic_ncols=True,
                            smoothing=0.05, mininterval=0.5)

    def update(self, done: int, errors: int = 0) -> None:
        """``done`` more inputs handled (extracted, unchanged or failed), ``errors`` of them
        failed."""
        self.done += done
        self.errors += errors
        if not self.enabled:
            return
        if self.bar is not None:
            if errors:
                self.bar.set_postfix(errors=self.errors, refresh=False)
            self.bar.update(done)
            return
        now = time.monotonic()
        if now - self.last_line >= self.interval:
            self.last_line = now
            print(self.line(now), file=self.stream, flush=True)

    def line(self, now: float | None = None) -> str:
        elapsed = (now or time.monotonic()) - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        of = f"/{self.total}" if self.total else ""
        left = ""
        if self.total and rate > 0 and self.total > self.done:
            left = f", {_duration((self.total - self.done) / rate)} left"
        return f"... {self.done}{of} articles, {rate:.1f}/s{left}, {plural(self.errors, 'error')}"

    def message(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def plural(count: int, word: str) -> str:
    """``1 error``, ``2 errors``, ``0 errors``: the one rule for counts shown to users."""
    return f"{count} {word}" + ("" if count == 1 else "s")


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"
