"""Interactive prompting on one image: clicks and a box accumulate, each change re-runs
the decoder with the previous low-resolution mask fed back (so the mask refines rather
than restarts), and ``finish`` turns the result into shapes. Qt-free; the GUI drives it."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...core.shape import Shape
from .decoder import NEGATIVE, POSITIVE, MaskPrediction, Prompt
from .embedding import ImageEmbedding


@dataclass
class PromptSession:
    """Prompts for one object on one image."""

    model: "object"  # SamModel (kept loose to avoid an import cycle for the GUI)
    embedding: ImageEmbedding
    prompt: Prompt = field(default_factory=Prompt)
    prediction: MaskPrediction | None = None

    def add_point(self, x: float, y: float, positive: bool = True) -> MaskPrediction | None:
        self.prompt.points.append((float(x), float(y)))
        self.prompt.labels.append(POSITIVE if positive else NEGATIVE)
        return self._update()

    def set_box(self, x0: float, y0: float, x1: float, y1: float) -> MaskPrediction | None:
        self.prompt.box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        return self._update(feedback=False)  # a new box starts a new object outline

    def undo_last(self) -> MaskPrediction | None:
        if self.prompt.points:
            self.prompt.points.pop()
            self.prompt.labels.pop()
        elif self.prompt.box is not None:
            self.prompt.box = None
        self.prediction = None
        return self._update(feedback=False)

    def clear(self) -> None:
        self.prompt = Prompt()
        self.prediction = None

    @property
    def mask(self) -> np.ndarray | None:
        return None if self.prediction is None else self.prediction.mask

    def finish(self, label: str = "", group_id: int | None = None, mode: str | None = None) -> list[Shape]:
        """Shapes of the current mask, then start a new object."""
        shapes: list[Shape] = []
        if self.prediction is not None:
            shapes = self.model.to_shapes(self.prediction, label, group_id,  # type: ignore[attr-defined]
                                          round(self.prediction.score, 4), mode)
        self.clear()
        return shapes

    def _update(self, feedback: bool = True) -> MaskPrediction | None:
        if not self.prompt.has_positive():
            self.prediction = None  # negatives alone select nothing
            return None
        prev = self.prediction.low_res if (feedback and self.prediction is not None) else None
        self.prediction = self.model.segment(self.embedding, self.prompt, prev)  # type: ignore[attr-defined]
        return self.prediction
