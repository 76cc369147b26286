"""The local engine: the job's images through ``pipeline.run_pipeline`` on this machine
(decoding, inference and writing overlap; results come back in input order)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..pipeline import run_pipeline

if TYPE_CHECKING:
    from ..batch import BatchJob, Context, Task


def _prompted(model, image, context: "Context"):  # type: ignore[no-untyped-def]
    """Predictor for prompted models: the shapes of the label file read before the run are the prompts."""
    return model.predict_with_annotation(image, list(context.ann.shapes) if context.ann is not None else [])


class LocalEngine:
    def __init__(self, loaders: int = 2, lookahead: int = 6) -> None:
        self.loaders = loaders
        self.lookahead = lookahead

    def run(self, job: "BatchJob") -> None:
        def consume(task: "Task", pred: Any, context: Any, error: BaseException | None) -> None:
            job.finish(task, pred, context, error)

        run_pipeline(job.model, job.tasks(), job.load, consume, loaders=self.loaders,
                     lookahead=self.lookahead, predictor=_prompted if job.prompted else None, cancel=job.cancel_event)
