"""Batch runs that keep the model busy: decode + pre-process, inference and post-process
+ write run on different threads, so only the session's own time is on the critical path.

    loader pool (decode, pre-process) -> [in-order futures] -> inference workers
        -> queue of in-order futures -> finisher thread (post-process, merge, write)

onnxruntime, OpenCV and most numpy work release the GIL, so the stages really overlap.
For batch model types two ``session.run`` calls overlap (onnxruntime sessions are
thread-safe): one run's serial stretches leave cores idle that the other run uses, so the
pipeline keeps up with (and on 2 cores can beat) back-to-back runs.
Results are handed to ``consume`` in input order (trackers need frame order). A failure
on one item (corrupt image, unreadable label file) is passed to ``consume`` as the
exception for that item and the run goes on.
"""
from __future__ import annotations

import os
import queue
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Generic, Iterable, TypeVar

import numpy as np

from .base import Model, Prediction
from .cancel import stops_when

T = TypeVar("T")


@dataclass
class Loaded(Generic[T]):
    """What the loader produced for one item."""

    item: T
    image: np.ndarray | None = None
    context: Any = None  # e.g. the existing annotation
    inputs: Any = None
    meta: Any = None
    error: BaseException | None = None


#: load(item) -> (image_rgb, context): decode the image and read what the item needs.
Loader = Callable[[T], "tuple[np.ndarray, Any]"]
#: consume(item, prediction or None, context, error or None)
Consumer = Callable[[T, "Prediction | None", Any, "BaseException | None"], None]
#: infer_fn(model, image, context) for models that need more than the image (SAM from boxes).
Predictor = Callable[[Model, np.ndarray, Any], Prediction]

_DONE = object()


def default_infer_workers(model: Model, split: bool) -> int:
    if not split or not model.capabilities.batch:
        return 1  # model code outside the session (OCR, SAM) is not assumed thread-safe
    return max(1, min(2, os.cpu_count() or 1))


def run_pipeline(model: Model, items: Iterable[T], load: Loader, consume: Consumer, *,
                 loaders: int = 2, lookahead: int = 6, predictor: Predictor | None = None,
                 cancel: threading.Event | None = None, infer_workers: int | None = None) -> int:
    """Run ``model`` over ``items``; returns how many items were handed to ``consume``.

    ``predictor`` replaces the split stages with one call (needed when the prediction uses
    the context, e.g. existing shapes as prompts); ``cancel`` stops after the current items,
    and a sliced (SAHI) prediction between its tiles (``cancel.py``).
    """
    split = predictor is None and model.can_pipeline
    n_infer = infer_workers or default_infer_workers(model, split)

    def do_load(item: T) -> Loaded[T]:
        out: Loaded[T] = Loaded(item)
        try:
            out.image, out.context = load(item)
            if split:
                out.inputs, out.meta = model.preprocess(out.image)
                out.image = None  # free the decoded image early; only the blob is needed
        except Exception as exc:  # noqa: BLE001  # one bad item must not stop the run
            out.error = exc
        return out

    results: "queue.Queue[Any]" = queue.Queue(maxsize=lookahead)
    consumed = 0
    finisher_error: list[BaseException] = []

    def finisher() -> None:
        nonlocal consumed
        while True:
            job = results.get()
            if job is _DONE:
                return
            loaded, outputs, error = job.result()
            pred = None
            if error is None:
                try:
                    pred = model.postprocess(outputs, loaded.meta) if split else outputs
                except Exception as exc:  # noqa: BLE001
                    error = exc
            try:
                consume(loaded.item, pred, loaded.context, error)
            except Exception as exc:  # noqa: BLE001  # a failing writer stops the run: report it
                finisher_error.append(exc)
                if cancel is not None:
                    cancel.set()
            consumed += 1

    fin = threading.Thread(target=finisher, name="anylabel-postprocess", daemon=True)
    fin.start()
    pending: list[Future[Loaded[T]]] = []
    it = iter(items)

    def do_infer(loaded: Loaded[T]) -> tuple[Loaded[T], Any, BaseException | None]:
        outputs, error = None, loaded.error
        if error is None:
            try:
                if not split:
                    with stops_when(cancel):  # a sliced image stops between its tiles
                        outputs = (predictor(model, loaded.image, loaded.context) if predictor
                                   else model.predict_result(loaded.image))
                else:
                    outputs = model.infer(loaded.inputs)
            except Exception as exc:  # noqa: BLE001
                error = exc
        loaded.inputs = None
        return loaded, outputs, error

    with ThreadPoolExecutor(max_workers=max(1, loaders), thread_name_prefix="anylabel-load") as pool, \
            ThreadPoolExecutor(max_workers=n_infer, thread_name_prefix="anylabel-infer") as infer_pool:
        def fill() -> None:
            while len(pending) < lookahead:
                try:
                    nxt = next(it)
                except StopIteration:
                    return
                pending.append(pool.submit(do_load, nxt))

        fill()
        while pending:
            if cancel is not None and cancel.is_set() or finisher_error:
                for f in pending:
                    f.cancel()
                break
            loaded = pending.pop(0).result()
            fill()
            # The bounded queue holds in-order futures: at most ``lookahead`` runs in flight.
            results.put(infer_pool.submit(do_infer, loaded))
    results.put(_DONE)
    fin.join()
    if finisher_error:
        raise finisher_error[0]
    return consumed
