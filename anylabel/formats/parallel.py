"""Big exports on several processes: reading 10,000 label files and converting 200,000
shapes is CPU-bound Python, so threads would not help.

Workers are started with ``spawn`` (never ``fork``: the GUI runs exports from a Qt
thread, and forking a process with Qt threads is unsafe). Each worker gets a contiguous
chunk of images, reads and converts them with the same functions as the serial path
(``driver.load_row`` / ``driver.add_item``), writes per-image files itself and sends back
its counts and its exporter ``state()``; the parent ``merge``s states in image order, so
the output is identical to a serial run. Workers are used only when the class list is
known up front (a class file or a pose config): finding the classes would mean reading
every label file twice, which costs more than it saves on a few cores.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
from pathlib import Path
from typing import Any

from .base import CancelFn, ExportItem, ExportOptions, ProgressFn, Summary


class PoolUnavailable(RuntimeError):
    """The worker processes could not start or died; the caller converts in one process."""


def _chunks(rows: list[Any], workers: int) -> list[list[Any]]:
    size = max(1, len(rows) // (workers * 8) + 1)  # ~8 chunks a worker: even load, fine progress
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _worker_init() -> None:
    try:  # one process per core already: keep OpenCV from starting its own thread pool
        import cv2

        cv2.setNumThreads(1)
    except Exception:  # noqa: BLE001  # only a tuning knob
        pass


def export_chunk(
    fmt: str,
    out: str,
    classes: list[str],
    options: ExportOptions,
    rows: list[tuple[str, str | None]],
    subsets: dict[str, str],
) -> tuple[Summary, Any, int]:
    """Convert one chunk in a worker: (counts and failures, exporter state, images copied)."""
    from .driver import add_item, load_row, make_exporter
    from .registry import get_format

    spec = get_format(fmt)
    tally = Summary("export", fmt)
    exporter = make_exporter(spec, Path(out), classes, options, tally)
    if exporter is None:
        return tally, None, 0
    copied = 0
    for row in rows:
        got = load_row(row)
        if isinstance(got, ExportItem):
            got.subset = subsets.get(got.image_path.name, "")
            copied += add_item(exporter, got, Path(out), tally)
        else:
            tally.fail(*got)
    return tally, exporter.state(), copied


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
) -> tuple[Any, list[str], int] | None:
    try:
        return _export_parallel(
            spec, rows, subsets, out, classes_file, options, workers, summary, progress, cancelled
        )
    except (cf.process.BrokenProcessPool, OSError) as exc:
        raise PoolUnavailable(f"{type(exc).__name__}: {exc}") from exc


def _export_parallel(
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
) -> tuple[Any, list[str], int] | None:
    from .driver import _resolve_classes, make_exporter

    chunks = _chunks(rows, workers)
    sizes = [len(c) for c in chunks]
    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init) as pool:
        # Only called with a known class list (driver._worker_count): nothing to discover.
        classes = _resolve_classes(spec, classes_file, options, summary, lambda: None)
        if classes is None:
            return None
        exporter = make_exporter(spec, out, classes, options, summary)
        if exporter is None:
            return None
        futures = [
            pool.submit(export_chunk, spec.name, str(out), classes, options, c, subsets) for c in chunks
        ]
        results = _run_all(pool, futures, sizes, "write", progress, cancelled)
    if results is None:
        summary.cancelled = True
        return None
    copied = 0
    for tally, state, n_copied in results:
        summary.absorb(tally)
        if state is not None:
            exporter.merge(state)
        copied += n_copied
    return exporter, classes, copied
