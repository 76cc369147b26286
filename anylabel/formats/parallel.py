"""Big exports on several processes: reading 10,000 label files and converting 200,000
shapes is CPU-bound Python, so threads would not help.

Workers are forked when the process has no other threads (the command line) and
spawned otherwise (the GUI runs exports from a Qt thread, and forking a process with Qt
threads is unsafe): see ``_start_context``. Each worker gets a contiguous
chunk of images, reads and converts them with the same functions as the serial path
(``driver.load_row`` / ``driver.add_item``), writes per-image files itself and sends back
its counts and its exporter ``state()``; the parent ``merge``s states in image order, so
the output is identical to a serial run.

The class list: with a class file (or a pose config) the workers get it. Without one, it
is made from the labels of every file, which only the workers read: formats whose spec
says ``classes_at_end`` (their files hold names, or their ids are given when the dataset
file is written) run the workers with no list, each worker sends back the labels it saw,
and the parent makes the list from all of them before it merges. Other formats (YOLO's
files hold class indices) first have the workers read the labels in use (``scan_chunk``),
then export with the list made from them.
"""

from __future__ import annotations

import concurrent.futures as cf
import ctypes
import functools
import multiprocessing
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, TypeVar

from ..core.bulk import with_paused_gc
from ..core.i18n import DEFAULT_LANGUAGE, current_language, set_language
from .base import CancelFn, ExportItem, ExportOptions, ProgressFn, Summary


F = TypeVar("F", bound=Callable[..., Any])


class PoolUnavailable(RuntimeError):
    """The worker processes could not start or died; the caller converts in one process
    (an import from entry ``resume_at``, the first not handed out)."""

    def __init__(self, message: str, resume_at: int = 0) -> None:
        super().__init__(message)
        self.resume_at = resume_at


def _chunks(rows: list[Any], workers: int) -> list[list[Any]]:
    size = max(1, len(rows) // (workers * 8) + 1)  # ~8 chunks a worker: even load, fine progress
    return [rows[i : i + size] for i in range(0, len(rows), size)]


_THREADED_LIBRARIES = ("PyQt5", "PyQt6", "PySide2", "PySide6", "qtpy", "onnxruntime")


def _start_context() -> multiprocessing.context.BaseContext:
    """``fork`` where it is safe, else ``spawn``.

    A forked worker starts at once (no interpreter start, no re-import: about a third of a
    second each), but only a process with no other threads may fork. So: only where fork is
    the platform's default (Linux), with one Python thread, and with no library loaded that
    runs its own threads (Qt: the GUI exports from a QThread; ONNX Runtime's pools)."""
    chosen = multiprocessing.get_start_method(allow_none=True)  # None: the platform default
    default_is_fork = sys.platform.startswith("linux") and sys.version_info < (3, 14)
    if (
        (chosen == "fork" or (chosen is None and default_is_fork))
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and not any(name in sys.modules for name in _THREADED_LIBRARIES)
    ):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def can_fork() -> bool:
    """Whether workers started now would be forked (they then inherit the parent's data)."""
    return _start_context().get_start_method() == "fork"


def _worker_init(parent_pid: int, then: Callable[..., None] | None = None, args: tuple[Any, ...] = (),
                 language: str = DEFAULT_LANGUAGE) -> None:
    end_with_parent(parent_pid)
    set_language(language)  # a spawned worker starts in English; its messages go into the summary
    try:  # one process per core already: keep OpenCV from starting its own thread pool
        import cv2

        cv2.setNumThreads(1)
    except Exception:  # noqa: BLE001  # only a tuning knob
        pass
    if then is not None:
        then(*args)


#: Linux prctl option: the signal a process gets when its parent thread ends.
_PR_SET_PDEATHSIG = 1
#: How often a worker looks whether its parent is still there (where prctl is missing).
PARENT_WATCH_S = 0.5


def end_with_parent(parent_pid: int) -> None:
    """Make this worker end when the process that started it ends, even by ``kill -9``.

    A pool's workers otherwise outlive a killed parent: each finishes its chunk and, when
    forked, waits for more work on a queue whose other end its siblings still hold open.
    On Linux the kernel sends SIGKILL on the parent's death (PR_SET_PDEATHSIG; the pools
    here are started and shut down by one thread, which is what that option follows); on
    every POSIX system a daemon thread also checks that the parent is still the parent.
    Written label files are not at risk: every write is a temp file and a rename."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # no usable libc (unusual builds): the watch below remains
            pass
    if os.name != "posix":
        return  # Windows: no re-parenting to observe (the pool's pipes end the worker there)
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="anylabel-parent-watch", daemon=True).start()


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_WATCH_S)
    os._exit(1)


def make_pool(workers: int, then: Callable[..., None] | None = None, args: tuple[Any, ...] = ()) -> cf.ProcessPoolExecutor:
    """The worker pool of an export or import: fork or spawn (``_start_context``), workers that
    end with their parent and make their messages in the parent's language. Each worker then
    runs ``then(*args)`` (forked workers inherit ``args``; spawned ones are sent them)."""
    return cf.ProcessPoolExecutor(
        max_workers=workers, mp_context=_start_context(), initializer=_worker_init,
        initargs=(os.getpid(), then, args, current_language()),
    )


@with_paused_gc  # as in the parent (driver.export_dataset): a worker builds as many objects
def export_chunk(
    fmt: str,
    out: str,
    classes: list[str] | None,
    options: ExportOptions,
    rows: list[tuple[str, str | None]],
    subsets: dict[str, str],
) -> tuple[Summary, Any, int, set[str]]:
    """Convert one chunk in a worker: (counts and failures, exporter state, images copied,
    labels of the area shapes read: the parent makes the class list from them)."""
    from .driver import add_item, area_labels, load_row, make_exporter
    from .registry import get_format

    spec = get_format(fmt)
    tally = Summary("export", fmt)
    labels: set[str] = set()
    exporter = make_exporter(spec, Path(out), classes, options, tally)
    if exporter is None:
        return tally, None, 0, labels
    copied = 0
    for row in rows:
        got = load_row(row)
        if isinstance(got, ExportItem):
            got.subset = subsets.get(got.image_path.name, "")
            labels |= area_labels(got.shapes)
            copied += add_item(exporter, got, Path(out), tally)
        else:
            tally.fail(*got)
    return tally, exporter.state(), copied, labels


@with_paused_gc
def scan_chunk(rows: list[tuple[str, str | None]]) -> set[str]:
    """The labels of the area shapes of a chunk's images that can be exported: what one
    process makes the class list from."""
    from .driver import area_labels, load_row

    labels: set[str] = set()
    for row in rows:
        got = load_row(row)
        if isinstance(got, ExportItem):
            labels |= area_labels(got.shapes)
    return labels


def _run_all(
    pool: cf.ProcessPoolExecutor,
    futures: list[cf.Future],
    sizes: list[int],
    stage: str,
    progress: ProgressFn,
    cancelled: CancelFn,
) -> list[Any] | None:
    """Results in submission order; None when cancelled (pending chunks are dropped)."""
    total, done = sum(sizes), 0
    pending = set(futures)
    while pending:
        finished, pending = cf.wait(pending, timeout=0.1)
        for f in finished:
            done += sizes[futures.index(f)]
        if finished:
            progress(stage, done, total)
        if cancelled():
            for f in pending:
                f.cancel()
            return None
    return [f.result() for f in futures]


def _pool_failure_is_unavailable(fn: F) -> F:
    """A pool that cannot start or whose worker dies raises PoolUnavailable: the driver then
    converts in one process (e.g. a host program whose main module cannot be re-imported)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (cf.process.BrokenProcessPool, OSError) as exc:
            raise PoolUnavailable(f"{type(exc).__name__}: {exc}") from exc

    return wrapper  # type: ignore[return-value]


@_pool_failure_is_unavailable
def export_parallel(
    spec: Any,
    rows: list[tuple[str, str | None]],
    subsets: dict[str, str],
    out: Path,
    classes_file: Any,
    options: ExportOptions,
    workers: int,
    summary: Summary,
    progress: ProgressFn,
    cancelled: CancelFn,
    classes_known: bool = True,
) -> tuple[Any, list[str], int] | None:
    from .driver import _resolve_classes, class_names, make_exporter

    worker_classes = None
    scratch = Summary("export", spec.name)  # the notes come from the call after the run
    if classes_known:
        worker_classes = _resolve_classes(spec, classes_file, options, scratch, lambda: None)
        if worker_classes is None:
            summary.absorb(scratch)
            return None
    chunks = _chunks(rows, workers)
    sizes = [len(c) for c in chunks]
    with make_pool(workers) as pool:
        if not classes_known and not spec.classes_at_end:
            # Files that hold class indices (YOLO) need the list before any is written: the
            # workers first read the labels in use (a second read of each file, cheap next to
            # converting and writing it).
            scans = [pool.submit(scan_chunk, c) for c in chunks]
            seen = _run_all(pool, scans, sizes, "read", progress, cancelled)
            if seen is None:
                summary.cancelled = True
                return None
            in_use = class_names(set().union(*seen))
            worker_classes = _resolve_classes(spec, classes_file, options, scratch, lambda: in_use)
            if worker_classes is None:
                summary.absorb(scratch)
                return None
        futures = [
            pool.submit(export_chunk, spec.name, str(out), worker_classes, options, c, subsets)
            for c in chunks
        ]
        results = _run_all(pool, futures, sizes, "write", progress, cancelled)
    if results is None:
        summary.cancelled = True
        return None
    found: set[str] = set()
    for *_, labels in results:
        found |= labels
    classes = _resolve_classes(spec, classes_file, options, summary, lambda: class_names(found))
    if classes is None:
        return None
    exporter = make_exporter(spec, out, classes, options, summary)
    if exporter is None:
        return None
    copied = 0
    for tally, state, n_copied, _ in results:
        summary.absorb(tally)
        if state is not None:
            exporter.merge(state)
        copied += n_copied
    return exporter, classes, copied
