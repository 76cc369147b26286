"""Helpers for bulk conversions (dataset export/import over thousands of files)."""
from __future__ import annotations

import functools
import gc
import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

from .atomic import discard_temp, fsync_folder, fsync_path, write_temp_beside

F = TypeVar("F", bound=Callable)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a bulk conversion builds hundreds of
    thousands of small, acyclic objects (shapes, dicts, JSON fragments): each collection
    would re-scan everything built so far, about a quarter of an export's time. Plain
    reference counting still frees everything; collection resumes afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def with_paused_gc(fn: F) -> F:
    """Decorator: run ``fn`` inside ``paused_gc()``."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        with paused_gc():
            return fn(*args, **kwargs)
    return wrapper  # type: ignore[return-value]


class OrderedWrites:
    """File writes on a few threads, their outcomes handed back in the order submitted.

    Each atomic save ends with fsyncs; one after another they cost a few milliseconds each
    (a 10,000-image import waited 40 s on them), while fsyncs issued together are committed
    by the file system's journal in one go (10x faster here). The caller builds each file's
    content on its own thread and hands the write over; at most ``window`` writes are in
    flight, so memory stays bounded and a failure is reported soon after it happens.

    ``wait_for(path)`` lets a caller that is about to read or test a file it may still be
    writing (two dataset entries for one image) see the finished file.
    """

    def __init__(self, threads: int = 4, window: int = 64) -> None:
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="anylabel-write")
        self._queue: deque[tuple[Any, str, Future[Any]]] = deque()
        self._by_path: dict[str, Future[Any]] = {}
        self.window = window

    def submit(self, tag: Any, path: str, fn: Callable[..., Any], *args: Any) -> list[tuple[Any, BaseException | None]]:
        """Start ``fn(*args)``, which writes ``path``; returns the outcomes of the writes that
        left the window: (tag, None) for success or (tag, the exception raised)."""
        future = self._pool.submit(fn, *args)
        self._queue.append((tag, path, future))
        self._by_path[path] = future
        return [self._pop() for _ in range(len(self._queue) - self.window)]

    def wait_for(self, path: str) -> None:
        future = self._by_path.get(path)
        if future is not None:
            futures_wait([future])

    def finish(self) -> list[tuple[Any, BaseException | None]]:
        """Wait for every write; the outcomes not handed back yet, in order."""
        return [self._pop() for _ in range(len(self._queue))]

    def _pop(self) -> tuple[Any, BaseException | None]:
        tag, path, future = self._queue.popleft()
        error = future.exception()
        if self._by_path.get(path) is future:
            del self._by_path[path]
        return tag, error

    def __enter__(self) -> "OrderedWrites":
        return self

    def __exit__(self, *exc: Any) -> None:
        self._pool.shutdown(wait=True)


Outcome = tuple[Any, "BaseException | None"]


class AtomicBatch:
    """Atomic saves of many files with their durability work batched.

    ``atomic_write_bytes`` fsyncs each file and its folder: two journal commits per file,
    most of a 10,000-file import. Here each save only writes its temp file; every
    ``batch_size`` saves (and at ``finish``) the batch is committed: the temp files are
    fsynced together on ``sync_threads`` threads (the journal commits them in a few
    flushes), then each replaces its target in the order submitted, then each folder is
    fsynced once. A batch commits on a background thread while the caller stages the next
    one, so the disk waits overlap the work of building files. Each file is still replaced
    whole or not at all: a crash leaves every target either old or new, never partial
    (``docs/adr/0014-import-durability.md``).

    ``submit(tag, path, make)`` calls ``make(save)`` at once, in the caller's thread, where
    ``save(path, data)`` writes the temp file (bytes, or text in UTF-8); what ``make`` raises becomes that file's
    outcome. Outcomes, ``(tag, None)`` or ``(tag, the exception)``, come back in the order
    submitted, from a later ``submit`` once their batch has committed and from ``finish``.
    A file that fails (at any step) leaves its target as it was and the others go on.

    ``settle(path)`` commits what is pending when ``path`` is among it, so that a caller
    about to read or test that file (a second dataset entry for one image) sees it saved.
    """

    def __init__(self, batch_size: int = 500, sync_threads: int = 16) -> None:
        self.batch_size = batch_size
        self._fsyncs = ThreadPoolExecutor(sync_threads, thread_name_prefix="anylabel-fsync")
        self._sync_threads = sync_threads
        self._committer = ThreadPoolExecutor(1, thread_name_prefix="anylabel-commit")
        self._batch: list[_Staged] = []
        self._paths: set[str] = set()  # targets of the batch being staged
        self._committing: Future[list[Outcome]] | None = None
        self._committing_paths: set[str] = set()

    def submit(self, tag: Any, path: str | os.PathLike[str], make: Callable[[Callable[[Any, str], None]], None]) -> list[Outcome]:
        target = Path(path)
        staged: list[Path] = []

        def save(save_path: Any, data: bytes | str) -> None:
            if Path(save_path) != target or staged:
                raise ValueError(f"{save_path}: one file per submit, the one submitted ({target})")
            staged.append(write_temp_beside(target, data if isinstance(data, bytes) else data.encode("utf-8")))

        error: BaseException | None = None
        try:
            make(save)
        except Exception as exc:  # noqa: BLE001  # the file's outcome, reported in order
            error = exc
        if error is not None and staged:
            discard_temp(staged.pop())
        return self.adopt(tag, target, staged[0] if staged else None, error)

    def adopt(self, tag: Any, path: str | os.PathLike[str], tmp: str | os.PathLike[str] | None,
              error: BaseException | None = None) -> list[Outcome]:
        """Commit with the batch a temp file that is already written (by a worker process,
        ``write_temp_beside``), or record a file that failed before it was (``tmp`` None,
        ``error`` its outcome). Returns what ``submit`` returns."""
        target = Path(path)
        self._batch.append((tag, target, None if tmp is None else Path(tmp), error))
        self._paths.add(os.fspath(target))
        if len(self._batch) < self.batch_size:
            return []
        done = self._wait_committing()
        self._start_commit()
        return done

    def settle(self, path: str | os.PathLike[str]) -> list[Outcome]:
        key = os.fspath(path)
        if key in self._paths:
            return self.finish()
        if key in self._committing_paths:
            return self._wait_committing()
        return []

    def finish(self) -> list[Outcome]:
        """Commit everything pending; the outcomes not handed back yet, in order."""
        done = self._wait_committing()
        batch, self._batch = self._batch, []
        self._paths = set()
        return done + _commit(batch, self._fsyncs, self._sync_threads)

    def _start_commit(self) -> None:
        batch, self._batch = self._batch, []
        self._committing_paths, self._paths = self._paths, set()
        self._committing = self._committer.submit(_commit, batch, self._fsyncs, self._sync_threads)

    def _wait_committing(self) -> list[Outcome]:
        future, self._committing = self._committing, None
        self._committing_paths = set()
        return [] if future is None else future.result()

    def discard(self) -> None:
        """Drop the batch being staged (its targets stay as they were); a batch already
        committing finishes."""
        self._wait_committing()
        for _, _, tmp, _ in self._batch:
            if tmp is not None:
                discard_temp(tmp)
        self._batch = []
        self._paths = set()

    def __enter__(self) -> "AtomicBatch":
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            self.discard()  # after finish() nothing is left; after an exception nothing is half done
        finally:
            self._committer.shutdown(wait=True)
            self._fsyncs.shutdown(wait=True)


_Staged = tuple[Any, Path, "Path | None", "BaseException | None"]  # tag, target, temp file, error


def _commit(batch: list[_Staged], fsyncs: ThreadPoolExecutor, threads: int) -> list[Outcome]:
    """fsync every temp file of ``batch`` (together), replace the targets in order, then
    fsync each folder once. A file whose fsync or rename fails keeps its old target."""
    temps = [tmp for _, _, tmp, _ in batch if tmp is not None]
    # Each thread syncs a share of the files (as many fsyncs in flight as threads), not one
    # task per file: a future per file cost the parent more than the fsync calls.
    shares = [temps[i::threads] for i in range(threads)]
    sync_errors: dict[Path, OSError | None] = {}
    for share, errors in zip(shares, fsyncs.map(_fsync_all, shares)):
        sync_errors.update(zip(share, errors))
    outcomes: list[Outcome] = []
    folders: dict[Path, None] = {}
    for tag, target, tmp, error in batch:
        if tmp is not None:
            error = sync_errors[tmp]
            if error is None:
                try:
                    os.replace(tmp, target)
                    folders[target.parent] = None
                except OSError as exc:
                    error = exc
            if error is not None:
                discard_temp(tmp)
                error = OSError(error.errno, error.strerror or str(error), os.fspath(target))
        outcomes.append((tag, error))
    for folder in folders:
        fsync_folder(folder)
    return outcomes


def _fsync_all(paths: list[Path]) -> list[OSError | None]:
    return [_fsync_or_error(p) for p in paths]


def _fsync_or_error(path: Path) -> OSError | None:
    try:
        fsync_path(path)
    except OSError as exc:
        return exc
    return None
