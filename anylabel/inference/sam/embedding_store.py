"""The SAM embedding store: encode each image once, keep recent ones, encode ahead.

Why: the encoder costs hundreds of milliseconds per image on a CPU, the decoder a few.
Clicks must only ever pay for the decoder, and "next image" must find its embedding
ready. So:

- entries are keyed by (resolved path, modification time, file size, model id): an
  edited image or another model never returns a stale embedding;
- an entry is a ``Future``: two requests for one image share one encoder run;
- least-recently-used entries are evicted beyond ``capacity`` images or ``max_bytes``;
- one background worker encodes, current-image requests first, then the prefetch list;
  ``prefetch(paths)`` replaces that list, so when the user jumps elsewhere the queued
  work for the old neighbourhood is cancelled; a background run already in the encoder
  is aborted (onnxruntime ``RunOptions.terminate``) when the user asks for another image
  or the run is no longer wanted, and queued again when it still is;
- ``pause_prefetch(seconds)`` (called on every click) keeps new prefetch runs from
  starting while the user is prompting, so the decoder does not share the CPU with the
  encoder; the image on screen is never paused;
- ``set_encoder`` (another model) empties the store; results of runs still in flight for
  the old model are dropped.

Qt-free: the GUI wraps the futures in signals. Callers never block unless they ask to.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from collections import OrderedDict, deque
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol

import numpy as np

from ...core.i18n import tr
from ...core.image_io import read_image_rgb
from .embedding import ImageEmbedding

log = logging.getLogger(__name__)


class _Aborted(Exception):
    """A background run stopped before it reached the encoder."""

DEFAULT_CAPACITY = 10


class Encoder(Protocol):
    """What the store needs. Encoders that also have ``make_run_options()`` and accept
    ``encode(image, run_options)`` can have a run aborted (SamEncoder does)."""

    model_id: str

    def encode(self, image_rgb: np.ndarray) -> ImageEmbedding: ...


_LIVE: "weakref.WeakSet[EmbeddingStore]" = weakref.WeakSet()


def _close_all() -> None:
    # At interpreter exit a worker still inside onnxruntime would abort the process.
    for store in list(_LIVE):
        store.close(timeout=5.0)


atexit.register(_close_all)


Key = tuple[str, int, int, str]


@dataclass
class StoreStats:
    """Counters for tests, benchmarks and the status bar."""

    encoder_calls: int = 0
    hits: int = 0          # requests served by an existing entry (ready or in flight)
    misses: int = 0        # requests that had to queue a new encoder run
    evictions: int = 0
    cancelled: int = 0     # prefetches dropped before they ran
    aborted: int = 0       # background runs stopped inside the encoder
    failures: int = 0
    last_encode_seconds: float = 0.0  # wall time of the latest encoder run (status bar, benchmarks)
    recent_encode_seconds: list[float] = field(default_factory=list)  # the last 20 runs


@dataclass
class _Job:
    key: Key
    path: Path
    future: "Future[ImageEmbedding]"
    generation: int
    image: np.ndarray | None = None
    urgent: bool = False               # someone asked for it with get(): never aborted
    run_options: Any = None            # onnxruntime RunOptions of the run in progress
    encoding: bool = False
    aborted: bool = False


class EmbeddingStore:
    """Futures of image embeddings, LRU-bounded, with background prefetch."""

    def __init__(self, encoder: Encoder | None = None, capacity: int = DEFAULT_CAPACITY,
                 max_bytes: int | None = 2 << 30,
                 loader: Callable[[Path], np.ndarray] = read_image_rgb) -> None:
        if capacity < 1:
            raise ValueError(tr("capacity must be at least 1"))
        self._encoder = encoder
        self.capacity = capacity
        self.max_bytes = max_bytes
        self._loader = loader
        self._entries: OrderedDict[Key, Future[ImageEmbedding]] = OrderedDict()
        self._urgent: deque[_Job] = deque()
        self._prefetch: deque[_Job] = deque()
        self._cv = threading.Condition()
        self._generation = 0
        self._closed = False
        self._busy: _Job | None = None
        self._wanted: list[Key] = []
        self._paused_until = 0.0
        self.stats = StoreStats()
        self._thread = threading.Thread(target=self._work, name="sam-embeddings", daemon=True)
        self._thread.start()
        _LIVE.add(self)

    # -- public API ----------------------------------------------------------------------
    @property
    def model_id(self) -> str | None:
        return self._encoder.model_id if self._encoder else None

    def set_encoder(self, encoder: Encoder | None) -> None:
        """Use another model: everything cached or queued for the old one goes."""
        with self._cv:
            self._encoder = encoder
            self._generation += 1
            for job in (*self._urgent, *self._prefetch):
                job.future.cancel()
            self._urgent.clear()
            self._prefetch.clear()
            for fut in self._entries.values():
                fut.cancel()
            self._entries.clear()
            self._wanted = []
            self._abort_busy(force=True)
            self._cv.notify_all()

    def clear(self) -> None:
        self.set_encoder(self._encoder)

    def key_for(self, path: str | os.PathLike[str]) -> Key:
        """The cache key of an image file as it is on disk now."""
        if self._encoder is None:
            raise RuntimeError(tr("no SAM encoder is set"))
        p = Path(path).resolve()
        st = p.stat()
        return (str(p), st.st_mtime_ns, st.st_size, self._encoder.model_id)

    def get(self, path: str | os.PathLike[str], image: np.ndarray | None = None) -> "Future[ImageEmbedding]":
        """The embedding of an image the user is looking at now (jumps the prefetch queue).

        ``image`` (the decoded RGB array, when the caller has it) saves decoding it again.
        """
        key = self.key_for(path)
        with self._cv:
            fut = self._entries.get(key)
            if fut is not None and not fut.cancelled():
                self._entries.move_to_end(key)
                self.stats.hits += 1
                if self._busy is not None and self._busy.key == key:
                    self._busy.urgent = True  # the image on screen: let it finish
                elif not fut.done():
                    self._abort_busy()  # it is queued behind a background run
                # A queued prefetch of this image becomes urgent.
                for job in list(self._prefetch):
                    if job.key == key:
                        self._prefetch.remove(job)
                        job.urgent = True
                        self._urgent.appendleft(job)
                        self._cv.notify_all()
                        break
                return fut
            self.stats.misses += 1
            self._abort_busy()  # a background run must not make the image on screen wait
            fut = self._new_entry(key)
            self._urgent.appendleft(_Job(key, Path(key[0]), fut, self._generation, image, urgent=True))
            self._cv.notify_all()
            return fut

    def embedding(self, path: str | os.PathLike[str], image: np.ndarray | None = None,
                  timeout: float | None = None) -> ImageEmbedding:
        """Blocking form of ``get`` (for the CLI and batch runs)."""
        return self.get(path, image).result(timeout)

    def peek(self, path: str | os.PathLike[str]) -> ImageEmbedding | None:
        """The embedding if it is ready now, else None (never queues work)."""
        try:
            key = self.key_for(path)
        except (OSError, RuntimeError):
            return None
        with self._cv:
            fut = self._entries.get(key)
        if fut is not None and fut.done() and not fut.cancelled() and fut.exception() is None:
            return fut.result()
        return None

    def prefetch(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        """Encode these images in the background, in this order, replacing the previous
        prefetch list (what is no longer wanted is cancelled unless already running)."""
        wanted: list[tuple[Key, Path]] = []
        for p in paths:
            try:
                wanted.append((self.key_for(p), Path(p)))
            except OSError:
                continue  # a vanished file is not worth a prefetch error
        limit = max(0, self.capacity - 1)  # never push the current image out
        wanted = wanted[:limit]
        with self._cv:
            keep = {k for k, _ in wanted}
            self._wanted = [k for k, _ in wanted]
            if self._busy is not None and self._busy.key not in keep:
                self._abort_busy()
            old = {job.key: job for job in self._prefetch}
            self._prefetch.clear()
            for job in old.values():
                if job.key not in keep:
                    job.future.cancel()
                    self._entries.pop(job.key, None)
                    self.stats.cancelled += 1
            for key, p in wanted:
                if key in old:
                    self._prefetch.append(old[key])
                elif key not in self._entries:
                    fut = self._new_entry(key)
                    self._prefetch.append(_Job(key, Path(key[0]), fut, self._generation))
            self._cv.notify_all()

    def pause_prefetch(self, seconds: float) -> None:
        """Start no prefetch run for ``seconds`` from now (a run already going finishes)."""
        with self._cv:
            self._paused_until = max(self._paused_until, time.monotonic() + seconds)
            self._cv.notify_all()

    def cached_keys(self) -> list[Key]:
        """Keys of ready entries, least recently used first."""
        with self._cv:
            return [k for k, f in self._entries.items() if f.done() and not f.cancelled()]

    def pending(self) -> int:
        with self._cv:
            return len(self._urgent) + len(self._prefetch) + (1 if self._busy else 0)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no work is queued or running (tests, benchmarks, the CLI)."""
        with self._cv:
            return self._cv.wait_for(lambda: not self._urgent and not self._prefetch and self._busy is None,
                                     timeout)

    def close(self, timeout: float | None = 10.0) -> None:
        """Stop the worker; queued work is cancelled. A run in the encoder cannot be
        interrupted: ``timeout`` 0 returns at once and lets it finish in the background."""
        with self._cv:
            self._closed = True
            for job in (*self._urgent, *self._prefetch):
                job.future.cancel()
            self._urgent.clear()
            self._prefetch.clear()
            self._abort_busy(force=True)
            self._cv.notify_all()
        if timeout is None or timeout > 0:
            self._thread.join(timeout)

    # -- internals -----------------------------------------------------------------------
    def _abort_busy(self, force: bool = False) -> None:
        """Stop the background run in the encoder (never one somebody is waiting for,
        unless ``force``). Called with the lock held."""
        job = self._busy
        if job is None or job.aborted or (job.urgent and not force):
            return
        if job.run_options is not None:
            job.aborted = True
            job.run_options.terminate = True
        elif not job.encoding:
            job.aborted = True  # still reading the image: the worker stops before encoding

    def _new_entry(self, key: Key) -> "Future[ImageEmbedding]":
        # Only one entry per image path: an edited file replaces the old entry.
        for k in [k for k in self._entries if k[0] == key[0] and k != key]:
            self._entries.pop(k).cancel()
        fut: Future[ImageEmbedding] = Future()
        self._entries[key] = fut
        return fut

    def _next_job(self) -> _Job | None:
        with self._cv:
            while True:
                if self._closed:
                    return None
                wait: float | None = None
                queue = self._urgent
                if not queue and self._prefetch:
                    wait = self._paused_until - time.monotonic()
                    if wait <= 0:
                        queue, wait = self._prefetch, None
                if queue:
                    job = queue.popleft()
                    if job.future.set_running_or_notify_cancel():
                        self._busy = job
                        return job
                    continue
                self._cv.wait(wait)

    def _work(self) -> None:
        while True:
            job = self._next_job()
            if job is None:
                return
            encoder = self._encoder
            try:
                if encoder is None:
                    raise RuntimeError(tr("no SAM encoder is set"))
                image = job.image if job.image is not None else self._loader(job.path)
                make = getattr(encoder, "make_run_options", None)
                with self._cv:
                    if job.aborted:  # aborted while the image was being read
                        raise _Aborted()
                    self.stats.encoder_calls += 1
                    job.run_options = make() if make is not None else None
                    job.encoding = True
                t0 = time.perf_counter()
                result = encoder.encode(image, job.run_options) if job.run_options is not None else encoder.encode(image)
                took = time.perf_counter() - t0
                with self._cv:
                    self.stats.last_encode_seconds = took
                    self.stats.recent_encode_seconds = (self.stats.recent_encode_seconds + [took])[-20:]
            except BaseException as exc:  # noqa: BLE001  # the error belongs to whoever waits on the future
                with self._cv:
                    aborted = job.aborted
                    if self._entries.get(job.key) is job.future:
                        self._entries.pop(job.key)  # a later request may retry
                    if aborted:
                        self.stats.aborted += 1
                        self._requeue(job)
                    else:
                        self.stats.failures += 1
                    self._busy = None
                    self._cv.notify_all()
                if aborted:
                    job.future.set_exception(CancelledError())
                else:
                    job.future.set_exception(exc)
                continue
            with self._cv:
                stale = job.generation != self._generation
                if not stale:
                    self._evict(keep=job.key, incoming=result.nbytes)
                self._busy = None
                self._cv.notify_all()
            job.future.set_result(result)

    def _requeue(self, job: _Job) -> None:
        """An aborted background run that is still wanted goes back to the prefetch queue."""
        if job.generation != self._generation or self._closed or job.key not in self._wanted:
            return
        if job.key in self._entries:
            return
        fut = self._new_entry(job.key)
        pos = self._wanted.index(job.key)
        queued = [j for j in self._prefetch]
        new = _Job(job.key, job.path, fut, self._generation)
        # Keep the wish-list order.
        idx = sum(1 for j in queued if j.key in self._wanted and self._wanted.index(j.key) < pos)
        self._prefetch.insert(idx, new)

    def _evict(self, keep: Key, incoming: int) -> None:
        """Drop least-recently-used ready entries beyond the count and memory caps."""
        def ready() -> list[Key]:
            return [k for k, f in self._entries.items() if k != keep and f.done()]

        size = incoming + sum(f.result().nbytes for k, f in self._entries.items()
                              if k != keep and f.done() and not f.cancelled() and f.exception() is None)
        count = 1 + len(ready())
        for k in ready():
            over_count = count > self.capacity
            over_bytes = self.max_bytes is not None and size > self.max_bytes
            if not (over_count or over_bytes):
                break
            fut = self._entries.pop(k)
            if not fut.cancelled() and fut.exception() is None:
                size -= fut.result().nbytes
            count -= 1
            self.stats.evictions += 1
