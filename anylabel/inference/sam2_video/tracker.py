"""The propagation engine: objects prompted on some frames, followed through the others.

Per frame: the encoder runs once (its features are shared by every object and kept in a
small cache, so a backward pass after a forward one and a correction re-use them); per
object: memory attention over the object's memory bank (``memory_bank``), the decoder
without prompt, and the memory encoder on the chosen mask, whose memory then joins the bank.

Which frames an object is followed on: forward, the frames after its first prompted frame;
backward, the frames before its last prompted frame (``both``: forward after the first,
backward before it, so no frame is computed twice). A later prompt for the same object
(a correction) is a conditioning frame: the frames after it are steered by it.
No Qt, no files: ``frame_rgb(i)`` gives the frames (``folder.py`` writes label files).
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np

from ...core.i18n import tr
from .memory_bank import MemoryBank
from .parts import FrameFeatures, Sam2VideoParts, low_res_from_mask, mask_at_frame_size
from .prompts import FramePrompt

DIRECTIONS = ("forward", "backward", "both")


@dataclass
class ObjectResult:
    mask: np.ndarray          # bool [H, W]
    score: float
    visible: bool
    prompted: bool            # the frame is one of the object's prompted frames


class VideoTracker:
    """Several objects in one sequence of ``num_frames`` frames."""

    def __init__(self, parts: Sam2VideoParts, frame_rgb: Callable[[int], np.ndarray], num_frames: int,
                 cache_frames: int = 8) -> None:
        self.parts = parts
        self.frame_rgb = frame_rgb
        self.num_frames = num_frames
        self.banks: dict[int, MemoryBank] = {}
        self.prompted: dict[int, dict[int, ObjectResult]] = {}
        self._cache: OrderedDict[int, FrameFeatures] = OrderedDict()
        self._cache_frames = max(1, cache_frames)

    # -- features --------------------------------------------------------------------------
    def features(self, frame: int) -> FrameFeatures:
        f = self._cache.get(frame)
        if f is None:
            f = self.parts.encode(self.frame_rgb(frame))
            self._cache[frame] = f
            while len(self._cache) > self._cache_frames:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(frame)
        return f

    # -- prompts ---------------------------------------------------------------------------
    def add_prompt(self, obj_id: int, prompt: FramePrompt) -> ObjectResult:
        """Condition ``obj_id`` on a frame: clicks/box through the decoder, or a drawn mask
        taken as it is. Returns the object's mask there."""
        if not 0 <= prompt.frame < self.num_frames:
            raise IndexError(tr("frame {0} is outside the sequence (0..{1})").format(
                prompt.frame, self.num_frames - 1))
        bank = self.banks.setdefault(obj_id, MemoryBank(self.num_frames))
        feats = self.features(prompt.frame)
        # A frame with memory already (a correction) is decoded on memory-conditioned
        # features, a first prompt on the frame's own features (SAM 2's init frame).
        embed = self._conditioned(bank, prompt.frame, False, feats) if not bank.is_empty() else feats.image_embed
        if prompt.mask is not None:
            low = low_res_from_mask(prompt.mask)
            dec = self.parts.decode(feats, embed, np.zeros((0, 2), np.float32), np.zeros(0, np.float32),
                                    mask_input=low, multimask=False)
            visible = bool(prompt.mask.any())
            dec.low_res, dec.object_score = low, (10.0 if visible else -10.0)
            mask = prompt.mask.astype(bool)
        else:
            coords, labels = prompt.decoder_points()
            dec = self.parts.decode(feats, embed, coords, labels)
            mask = mask_at_frame_size(dec.low_res, feats.size)
            visible = dec.object_score > 0 and bool(mask.any())
        bank.add(prompt.frame, self.parts.encode_memory(feats, dec.low_res, dec.object_score), dec.obj_ptr,
                 prompted=True)
        result = ObjectResult(mask, dec.score, visible, True)
        self.prompted.setdefault(obj_id, {})[prompt.frame] = result
        return result

    def remove_object(self, obj_id: int) -> None:
        self.banks.pop(obj_id, None)
        self.prompted.pop(obj_id, None)

    # -- propagation -----------------------------------------------------------------------
    def frame_plan(self, direction: str = "both", start: int | None = None,
                   end: int | None = None) -> list[tuple[int, bool, list[int]]]:
        """(frame, reverse, objects followed there) in the order they are computed."""
        if direction not in DIRECTIONS:
            raise ValueError(tr("direction must be one of {0}, not {1!r}").format(
                ", ".join(DIRECTIONS), direction))
        lo = 0 if start is None else max(0, start)
        hi = self.num_frames - 1 if end is None else min(self.num_frames - 1, end)
        first = {o: min(p) for o, p in self.prompted.items() if p}
        last = {o: max(p) for o, p in self.prompted.items() if p}
        plan: list[tuple[int, bool, list[int]]] = []
        if not first:
            return plan
        if direction in ("forward", "both"):
            for f in range(max(lo, min(first.values())), hi + 1):
                objs = [o for o in first if first[o] <= f]
                if objs:
                    plan.append((f, False, objs))
        if direction in ("backward", "both"):
            bound = first if direction == "both" else last
            top = max(bound.values())
            for f in range(min(hi, top), lo - 1, -1):
                objs = [o for o in bound if (f < bound[o] if direction == "both" else f <= bound[o])]
                if objs:
                    plan.append((f, True, objs))
        return plan

    def propagate(self, direction: str = "both", start: int | None = None, end: int | None = None,
                  ) -> Iterator[tuple[int, dict[int, ObjectResult]]]:
        """Yield (frame, {object: result}) frame by frame; stop iterating to cancel. Prompted
        frames yield their prompt's result. Tracked memories of an earlier run are
        forgotten first: a new run starts from the prompts (and corrections) only."""
        for bank in self.banks.values():
            bank.forget_tracked()
        for frame, reverse, objs in self.frame_plan(direction, start, end):
            out: dict[int, ObjectResult] = {}
            for obj in objs:
                done = self.prompted[obj].get(frame)
                out[obj] = done if done is not None else self._track(obj, frame, reverse)
            yield frame, out

    def _conditioned(self, bank: MemoryBank, frame: int, reverse: bool, feats: FrameFeatures) -> np.ndarray:
        sel = bank.select(frame, reverse)
        if not sel.memories or not sel.obj_ptrs:
            return feats.image_embed
        return self.parts.attend(feats, sel.memories, sel.memory_tpos, sel.obj_ptrs, sel.obj_ptr_tpos)

    def _track(self, obj: int, frame: int, reverse: bool) -> ObjectResult:
        bank = self.banks[obj]
        feats = self.features(frame)
        embed = self._conditioned(bank, frame, reverse, feats)
        dec = self.parts.decode(feats, embed, np.zeros((0, 2), np.float32), np.zeros(0, np.float32))
        bank.add(frame, self.parts.encode_memory(feats, dec.low_res, dec.object_score), dec.obj_ptr, prompted=False)
        bank.prune(frame)
        mask = mask_at_frame_size(dec.low_res, feats.size)
        visible = dec.object_score > 0 and bool(mask.any())
        return ObjectResult(mask if visible else np.zeros_like(mask), dec.score, visible, False)
