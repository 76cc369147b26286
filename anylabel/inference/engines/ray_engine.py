"""The Ray engine: a batch job's images spread over the actors of a Ray cluster.

Each actor holds one loaded model (created once from the job's config) and runs batches of
images through the same overlapping pipeline the local engine uses; batches go to whichever
actor is free, so results come back in any order. Only predictions travel back: the label
files are merged and written here, by ``BatchJob.finish``, exactly as a local run writes
them. A batch whose actor died (process killed, node lost) goes to another actor; after
``max_attempts`` tries its images are reported as failed and the run goes on.

The actors read the images by path: on a multi-node cluster the folder must be visible at
the same path on every node (a shared file system), and the model files too (or URLs,
downloaded into each node's model cache).

Ray is an optional extra (``pip install anylabel[ray]``); nothing here imports it at module
level, so the rest of the tool works without it.
"""
from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from ...core.errors import AnyLabelError
from ...core.i18n import tr
from .actor_pool import ActorPool, Batch

if TYPE_CHECKING:
    from ..batch import BatchJob, Task

INSTALL_HINT = "pip install anylabel[ray]"
#: Ray starts its worker processes at niceness 15 unless its raylet is started with this set.
#: The actors *are* the job's work: at nice 15 they lost the CPU to the driver's label-file
#: writer and Ray's own processes, +20-25 % time per image on 2 cores (benchmarks/bench_scale.py).
RAY_NICENESS_ENV = "RAY_worker_niceness"


@contextlib.contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    """``name=value`` in this process's environment (inherited by the Ray processes it starts),
    unless the user set it; restored afterwards."""
    if name in os.environ:
        yield
        return
    os.environ[name] = value
    try:
        yield
    finally:
        os.environ.pop(name, None)


class EngineUnavailable(AnyLabelError):
    """The engine cannot run here: Ray is missing, or the cluster cannot be reached."""


class RemoteError(Exception):
    """An image's failure inside an actor, carried back as text (exception types of the
    model code need not unpickle on the driver)."""


class WorkerDied(Exception):
    pass


def import_ray():  # type: ignore[no-untyped-def]
    try:
        import ray
    except ImportError:
        raise EngineUnavailable(tr("--engine ray needs Ray, which is not installed: {0}").format(
            INSTALL_HINT)) from None
    return ray


class ModelWorker:
    """Body of the Ray actor (wrapped with ``ray.remote`` when the engine starts)."""

    def __init__(self, config: Any, device: str | None, full_resolution: bool, prompted: bool,
                 no_download: bool) -> None:
        from ..registry import create_model

        if no_download:
            from ..download import downloads_disabled

            with downloads_disabled():
                self.model = create_model(config, device=device)
        else:
            self.model = create_model(config, device=device)
        self.full_resolution = full_resolution
        self.prompted = prompted

    def pid(self) -> int:
        return os.getpid()

    def predict(self, items: list[tuple[int, str, list | None]]) -> list[tuple]:
        """items: (index, image path, prompt shapes or None) -> (index, Prediction or None,
        scale, full size, error text or None), one per item, in any order."""
        from ..batch import load_image
        from ..image_loading import IDENTITY
        from ..pipeline import run_pipeline

        out: list[tuple] = []

        def load(item: tuple[int, str, list | None]):  # type: ignore[no-untyped-def]
            image, scale, size = load_image(Path(item[1]), self.model, self.full_resolution)
            return image, (scale, size, item[2])

        def consume(item, pred, context, error) -> None:  # type: ignore[no-untyped-def]
            scale, size = (context[0], context[1]) if context else (IDENTITY, None)
            out.append((item[0], pred if error is None else None, scale, size,
                        None if error is None else str(error)))

        def prompted(model, image, context):  # type: ignore[no-untyped-def]
            return model.predict_with_annotation(image, context[2] or [])

        run_pipeline(self.model, items, load, consume, predictor=prompted if self.prompted else None)
        return out


class RayEngine:
    def __init__(self, address: str | None = None, workers: int | None = None, device: str | None = None,
                 no_download: bool = False, batch_size: int = 32, max_attempts: int = 3,
                 start_timeout: float = 120.0, connect_timeout: float = 5.0) -> None:
        self.ray = import_ray()  # fail before the model is loaded when Ray is missing
        if workers is not None and workers < 1:
            raise ValueError(tr("--workers must be at least 1"))
        self.address = address
        self.workers = workers
        self.device = device
        self.no_download = no_download
        self.batch_size = max(1, batch_size)
        self.max_attempts = max(1, max_attempts)
        self.start_timeout = start_timeout
        self.connect_timeout = connect_timeout
        self.startup_seconds = 0.0  # connecting and loading the model on the actors (benchmarks)
        self.actors: list[Any] = []
        self._pids: list[int] = []

    # ------------------------------------------------------------------ cluster
    def _check_reachable(self) -> None:
        """A TCP connect to the address first: ``ray.init`` waits minutes on an address where
        nothing listens before it gives up, with a message about GCS timeouts."""
        address = self.address or ""
        if address == "auto" or ":" not in address:
            return  # "auto" (the cluster this machine belongs to) and bare names are Ray's to resolve
        host, _, port = address.split("://")[-1].rpartition(":")
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=self.connect_timeout):
                pass
        except (OSError, ValueError) as exc:
            raise EngineUnavailable(tr("cannot reach the Ray cluster at {0}: {1} (is "
                                       "the head node running, e.g. `ray start --head`?)").format(
                                           address, exc)) from None

    def _connect(self) -> bool:
        """Join the cluster (or start a local Ray); returns whether this call started Ray."""
        ray = self.ray
        if ray.is_initialized():
            return False
        if self.address:
            self._check_reachable()
        quiet = dict(log_to_driver=False, logging_level=logging.ERROR, include_dashboard=False)
        try:
            if self.address:
                ray.init(address=self.address, **quiet)
            else:
                # "local": a new Ray of our own, even when this machine is part of a cluster
                # (use --ray-address auto to join that one).
                with _env(RAY_NICENESS_ENV, "0"):
                    ray.init(address="local", num_cpus=max(os.cpu_count() or 1, self.workers or 1), **quiet)
        except Exception as exc:  # noqa: BLE001  # ConnectionError, RuntimeError, ValueError...
            if self.address:
                problem = tr("could not start or reach the Ray cluster at {0}: {1}").format(self.address, exc)
            else:
                problem = tr("could not start or reach a local Ray: {0}").format(exc)
            raise EngineUnavailable(problem) from None
        return True

    def _start_actors(self, job: "BatchJob") -> None:
        ray = self.ray
        n = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)) // 2)
        # One batch at a time per actor (each batch already overlaps decoding and inference;
        # two at once oversubscribed a 2-core machine in benchmarks/bench_scale.py); the next
        # batch waits queued on the actor, so it starts without a round trip.
        options: dict[str, Any] = {"num_cpus": 1, "max_restarts": self.max_attempts, "max_task_retries": 0}
        if self.device == "cuda":
            options["num_gpus"] = 1
        actor_cls = ray.remote(ModelWorker).options(**options)
        self.actors = [actor_cls.remote(job.model.config, self.device, job.full_resolution, job.prompted,
                                        self.no_download) for _ in range(n)]
        refs = [a.pid.remote() for a in self.actors]
        ready, pending = ray.wait(refs, num_returns=len(refs), timeout=self.start_timeout)
        if pending:
            raise EngineUnavailable(tr("only {0} of {1} Ray workers started within "
                                       "{2:.0f} s (does the cluster have {1} free CPUs?)").format(
                                           len(ready), n, self.start_timeout))
        try:
            self._pids = ray.get(refs)
        except Exception as exc:  # noqa: BLE001  # the model could not load on a worker
            raise EngineUnavailable(tr("the model could not be loaded on a Ray worker: {0}").format(
                exc)) from None

    def worker_pids(self) -> list[int]:
        """Process ids of the actors (for tests that kill one)."""
        return list(self._pids)

    # ------------------------------------------------------------------ the job
    def run(self, job: "BatchJob") -> None:
        t0 = time.monotonic()
        started = self._connect()
        try:
            self._start_actors(job)
            self.startup_seconds = time.monotonic() - t0
            self._schedule(job)
        finally:
            for a in self.actors:
                try:
                    self.ray.kill(a)
                except Exception:  # noqa: BLE001  # already dead
                    pass
            self.actors = []
            if started:
                self.ray.shutdown()

    def _items(self, job: "BatchJob", batch: Batch) -> list[tuple[int, str, list | None]]:
        return [(t.index, str(t.path), list(t.ann.shapes) if job.prompted and t.ann is not None else None)
                for t in batch.tasks]

    def _next_batch(self, job: "BatchJob", tasks: Iterator["Task"],
                    retry: "deque[Batch]") -> Batch | None:
        if retry:
            return retry.popleft()
        batch: list["Task"] = []
        while len(batch) < self.batch_size and not job.cancel_event.is_set():
            task = next(tasks, None)
            if task is None:
                break
            try:
                job.annotation(task)  # read (and check) the label file here, before any work is sent
            except (AnyLabelError, OSError, ValueError) as exc:
                job.finish(task, None, None, exc)
                continue
            batch.append(task)
        return Batch(batch) if batch else None

    def _schedule(self, job: "BatchJob") -> None:
        from ..batch import Context

        ray = self.ray
        unavailable_error = getattr(ray.exceptions, "ActorUnavailableError", None)
        died_errors = (ray.exceptions.RayActorError, ray.exceptions.WorkerCrashedError,
                       ray.exceptions.ObjectLostError)
        tasks = iter(job.tasks())
        retry: deque[Batch] = deque()
        inflight: dict[Any, tuple[Any, Batch]] = {}
        pings: dict[Any, Any] = {}  # ref -> a restarting actor: it gets batches again once it answers
        by_id = {id(a): a for a in self.actors}
        pool = ActorPool([id(a) for a in self.actors], max_restarts=self.max_attempts,
                         max_attempts=self.max_attempts)
        exhausted = False
        while True:
            # Two batches per ready actor: the next one is queued there while the current one runs.
            while pool.free() and not exhausted and not job.cancel_event.is_set():
                batch = self._next_batch(job, tasks, retry)
                if batch is None:
                    exhausted = not retry
                    break
                actor = by_id[pool.pick(batch)]
                inflight[actor.predict.remote(self._items(job, batch))] = (actor, batch)
                pool.sent(id(actor))
            for actor_id in pool.restarting():
                if by_id[actor_id] not in pings.values():
                    pings[by_id[actor_id].pid.remote()] = by_id[actor_id]
            if not inflight:
                if not pool.alive():  # nothing can run what is left: name it instead of dropping it
                    left = [t for b in retry for t in b.tasks] + list(tasks)
                    for t in left:
                        job.finish(t, None, None, WorkerDied("every Ray worker died"))
                    return
                if job.cancel_event.is_set() or (exhausted and not retry):
                    return
                # else: work is left and its actors are restarting; wait for their pings
            if job.cancel_event.is_set():
                for ref in inflight:
                    try:
                        ray.cancel(ref, force=False)
                    except Exception:  # noqa: BLE001  # finished meanwhile
                        pass
                return
            ready, _ = ray.wait([*inflight, *pings], num_returns=1, timeout=1.0)
            if not ready:
                continue
            ref = ready[0]
            if ref in pings:
                actor = pings.pop(ref)
                try:
                    pid = ray.get(ref)
                except died_errors:
                    pool.ping_failed(id(actor))  # died again while restarting, or its restarts are used up
                    continue
                except Exception:  # noqa: BLE001  # not reachable yet: ask again next round
                    time.sleep(0.2)
                    continue
                pool.answered(id(actor))
                self._pids[self.actors.index(actor)] = pid
                continue
            actor, batch = inflight.pop(ref)
            pool.returned(id(actor))
            try:
                results = ray.get(ref)
            except Exception as exc:  # noqa: BLE001  # sorted below: Ray's own errors, then the batch's
                unavailable = unavailable_error is not None and isinstance(exc, unavailable_error)
                if not unavailable and not isinstance(exc, died_errors):
                    if isinstance(exc, ray.exceptions.RayTaskError):  # a bug in the batch code itself
                        for t in batch.tasks:
                            job.finish(t, None, None, RemoteError(str(exc.cause if exc.cause else exc)))
                        continue
                    raise
                if unavailable:
                    pool.unavailable(id(actor))
                else:
                    pool.died(id(actor))
                if pool.charge(batch, id(actor), unavailable=unavailable):
                    retry.append(batch)
                    exhausted = False
                else:
                    for t in batch.tasks:
                        job.finish(t, None, None, WorkerDied(f"its Ray worker died {batch.attempts} times "
                                                             f"({type(exc).__name__})"))
                continue
            by_index = {t.index: t for t in batch.tasks}
            for index, pred, scale, size, error in results:
                task = by_index.pop(index)
                if error is not None:
                    job.finish(task, None, None, RemoteError(error))
                else:
                    job.finish(task, pred, Context(task.ann, scale, size), None)
            for task in by_index.values():  # cancelled inside the actor: not labelled
                job.finish(task, None, None, RemoteError(tr("not run")))
