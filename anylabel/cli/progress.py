"""A dependency-free progress bar for long CLI runs (written to stderr, quiet when not a TTY)."""
from __future__ import annotations

import sys
import time
from typing import IO, Iterable, Iterator, TypeVar

T = TypeVar("T")


class Progress:
    """``with Progress(total, "export") as p: ... p.advance()``; redraws at most 10 times a second."""

    def __init__(self, total: int, title: str = "", stream: IO[str] | None = None,
                 enabled: bool | None = None) -> None:
        self.total = max(0, int(total))
        self.title = title
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.done = 0
        self._start = time.monotonic()
        self._last_draw = 0.0

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self._last_draw >= 0.1 or self.done >= self.total):
            self._last_draw = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = now - self._start
        frac = self.done / self.total if self.total else 1.0
        width = 30
        bar = "#" * int(frac * width) + "-" * (width - int(frac * width))
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        self.stream.write(f"\r{self.title} [{bar}] {self.done}/{self.total} {rate:.1f}/s ETA {eta:.0f}s")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()


def track(items: Iterable[T], total: int, title: str = "") -> Iterator[T]:
    with Progress(total, title) as p:
        for item in items:
            yield item
            p.advance()
