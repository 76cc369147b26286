"""Big imports on several processes: building 200,000 shapes and encoding 10,000 label files
is CPU-bound Python (docs/adr/0020-import-workers.md).

The parent reads the dataset and matches its entries to the images (``importer.plan()``);
forked workers inherit that plan (nothing is pickled for it), each takes contiguous ranges
of it and, per entry, builds the shapes (``importer.builder()``), checks or merges the
existing label file and writes the new one to its temp file beside the target
(``import_driver.prepare_entry``, the same function as the one-process path). The temp
files come back by name, in order, and the parent commits them with ``AtomicBatch``: fsync
together, rename in dataset order, fsync each folder once (adr/0014). A worker never
replaces a label file, so every file is still old or new after a crash of any process.

Workers are only forked (the command line on Linux): a spawned worker would need the whole
dataset sent to it, so where forking is not safe (the GUI's import runs in a Qt thread)
the import runs in one process.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
from pathlib import Path
from typing import Any, Callable, Iterator

from ..core.atomic import discard_temp, write_temp_beside
from ..core.bulk import with_paused_gc
from ..core.label_file import label_path_for, write_label_file
from .base import CancelFn, ImportFailure, ImportItem, PlannedItem, ProgressFn
from .parallel import PoolUnavailable, make_pool

#: What a worker reports for each entry, in order:
#: ("failed", path, problem) | ("refused", path, problem) | ("unchanged", present, 0)
#: | ("staged", (image path, shapes added, present), temp file) | ("unstaged", (image path, ...), (path, problem))
Result = tuple[str, Any, Any]

Builder = Callable[[PlannedItem], "ImportItem | ImportFailure"]

_job: tuple[Builder, list[PlannedItem | ImportFailure], str] | None = None


def _adopt_job(job: tuple[Builder, list[PlannedItem | ImportFailure], str]) -> None:
    global _job
    _job = job


@with_paused_gc
def stage_range(start: int, stop: int) -> list[Result]:
    """In a worker: entries ``start:stop`` of the plan built, checked and written to temp files."""
    from .import_driver import prepare_entry

    assert _job is not None, "stage_range runs in a worker that adopted the job"
    build, planned, on_exists = _job
    out: list[Result] = []
    for entry in planned[start:stop]:
        if isinstance(entry, ImportFailure):
            out.append(("failed", entry.path, entry.problem))
            continue
        item = build(entry)
        if isinstance(item, ImportFailure):
            out.append(("failed", item.path, item.problem))
            continue
        label_path = label_path_for(item.image_path)
        kind, value, n_added, present = prepare_entry(item, label_path, on_exists)
        if kind != "write":
            out.append(("unchanged", present, 0) if kind == "unchanged" else (kind, *value))
            continue
        tag = (str(item.image_path), n_added, present)
        staged: list[Path] = []

        def save(path: Any, data: bytes) -> None:
            staged.append(write_temp_beside(label_path, data))

        try:
            write_label_file(label_path, value, save=save)
        except Exception as exc:  # noqa: BLE001  # named in the summary; the others go on
            from .import_driver import failure_of

            for tmp in staged:
                discard_temp(tmp)
            out.append(("unstaged", tag, failure_of(exc, item.image_path)))
            continue
        out.append(("staged", tag, str(staged[0])))
    return out


def _ranges(n: int, workers: int) -> list[tuple[int, int]]:
    size = max(1, min(500, n // (workers * 12) + 1))  # small enough that the parent commits as they come
    return [(i, min(i + size, n)) for i in range(0, n, size)]


def staged_in_workers(
    build: Builder,
    planned: list[PlannedItem | ImportFailure],
    on_exists: str,
    workers: int,
    progress: ProgressFn,
    cancelled: CancelFn,
) -> Iterator[list[Result]]:
    """The results of each range of ``planned``, in order, as the workers finish them. Stops
    early when ``cancelled()``; the temp files of ranges not handed out are removed.
    Raises PoolUnavailable when the workers cannot start or one dies: the caller goes on
    in one process from the first entry not handed out."""
    ranges = _ranges(len(planned), workers)
    futures: list[cf.Future[list[Result]]] = []
    handed = 0
    try:
        with make_pool(workers, _adopt_job, ((build, planned, on_exists),)) as pool:
            try:
                futures = [pool.submit(stage_range, a, b) for a, b in ranges]
                for fut in futures:
                    while True:
                        try:
                            results = fut.result(timeout=0.1)
                            break
                        except cf.TimeoutError:
                            if cancelled():
                                return
                    handed += 1
                    progress("import", ranges[handed - 1][1], len(planned))
                    yield results
                    if cancelled():
                        return
            finally:
                for fut in futures[handed:]:
                    fut.cancel()
                pool.shutdown(wait=True)
                for fut in futures[handed:]:  # finished but not handed out: their files stay as they were
                    if fut.done() and not fut.cancelled() and fut.exception() is None:
                        for kind, _, tmp in fut.result():
                            if kind == "staged":
                                discard_temp(tmp)
    except (cf.process.BrokenProcessPool, OSError) as exc:
        raise PoolUnavailable(f"{type(exc).__name__}: {exc}", ranges[handed - 1][1] if handed else 0) from exc


#: Below this many entries forking workers costs more than it saves.
PARALLEL_MIN_ENTRIES = 1000
MIN_ENTRIES_PER_WORKER = 250


def worker_count(requested: int, n: int) -> int:
    """Processes for ``n`` entries: one below ``PARALLEL_MIN_ENTRIES``, else ``requested``
    (0: one per CPU core), at most 16 and one per ``MIN_ENTRIES_PER_WORKER``."""
    if n < PARALLEL_MIN_ENTRIES:
        return 1
    workers = requested or (os.cpu_count() or 1)
    return max(1, min(workers, 16, n // MIN_ENTRIES_PER_WORKER))
