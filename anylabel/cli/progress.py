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
        # Rate and ETA are measured from the first advance: work reported in big steps (a
        # worker's chunk of 600 images) would otherwise give an absurd first rate.
        self._base: tuple[float, int] | None = None
        self._last_draw = 0.0
        self._last_len = 0

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self._base is None:
            self._base = (now, self.done)
        if self.enabled and (now - self._last_draw >= 0.1 or self.done >= self.total):
            self._last_draw = now
            self._draw(now)

    def rate_text(self, now: float) -> str:
        """``"123.4/s ETA 5s"`` once there is a rate to speak of (0.3 s of progress), else ""."""
        if self._base is None:
            return ""
        t0, d0 = self._base
        if now - t0 < 0.3 or self.done <= d0:
            return ""
        rate = (self.done - d0) / (now - t0)
        return f" {rate:.1f}/s ETA {(self.total - self.done) / rate:.0f}s"

    def _draw(self, now: float) -> None:
        frac = self.done / self.total if self.total else 1.0
        width = 30
        bar = "#" * int(frac * width) + "-" * (width - int(frac * width))
        line = f"{self.title} [{bar}] {self.done}/{self.total}{self.rate_text(now)}"
        self.stream.write("\r" + line + " " * max(0, self._last_len - len(line)))  # blank the rest
        self._last_len = len(line)
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
