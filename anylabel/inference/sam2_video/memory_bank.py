"""Which memories a frame attends to: SAM 2's selection rules for one object.

As ``_prepare_memory_conditioned_features`` of sam2 (``sam2/modeling/sam2_base.py``, 1.1.0)
chooses them, with the tiny/small/base/large configs' settings:

- spatial memories: every prompted ("conditioning") frame at temporal slot 0, plus the
  ``num_maskmem - 1`` = 6 frames just before the current one in the direction of travel
  (slot 6 = the previous frame ... slot 1 = six frames back), where they exist;
- object pointers: the prompted frames not ahead of the current one (signed distance), and
  the tracked frames up to ``max_obj_ptrs - 1`` = 15 frames back, each with its distance
  divided by ``min(num_frames, max_obj_ptrs) - 1``.

Memory is bounded: spatial features of tracked frames further than ``max_obj_ptrs`` frames
from the frame just tracked are dropped (1 MB each per object); object pointers (1 KB) and
prompted frames are kept.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .parts import Memory

NUM_MASKMEM = 7
MAX_OBJ_PTRS = 16


@dataclass
class Entry:
    memory: Memory | None
    obj_ptr: np.ndarray


@dataclass
class Selection:
    memories: list[Memory]
    memory_tpos: list[int]
    obj_ptrs: list[np.ndarray]
    obj_ptr_tpos: list[float]
    #: frames the memories / pointers come from (for tests and debugging)
    memory_frames: list[int]
    ptr_frames: list[int]


@dataclass
class MemoryBank:
    """Memories of one object: prompted frames and tracked frames, by frame index."""

    num_frames: int
    cond: dict[int, Entry] = field(default_factory=dict)
    tracked: dict[int, Entry] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not self.cond

    def add(self, frame: int, memory: Memory, obj_ptr: np.ndarray, prompted: bool) -> None:
        if prompted:
            self.tracked.pop(frame, None)
            self.cond[frame] = Entry(memory, obj_ptr)
        elif frame not in self.cond:
            self.tracked[frame] = Entry(memory, obj_ptr)

    def forget_tracked(self) -> None:
        self.tracked.clear()

    def prune(self, frame: int) -> None:
        """Drop the spatial features of tracked frames too far from ``frame`` to be attended."""
        for t, e in self.tracked.items():
            if e.memory is not None and abs(t - frame) > MAX_OBJ_PTRS:
                e.memory = None

    def select(self, frame: int, reverse: bool = False) -> Selection:
        step = 1 if reverse else -1          # towards the frames already tracked
        sel = Selection([], [], [], [], [], [])
        for t in sorted(self.cond):
            if self.cond[t].memory is not None:
                sel.memories.append(self.cond[t].memory)
                sel.memory_tpos.append(0)
                sel.memory_frames.append(t)
        for t_pos in range(1, NUM_MASKMEM):
            prev = frame + step * (NUM_MASKMEM - t_pos)
            e = self.tracked.get(prev)
            if e is not None and e.memory is not None:
                sel.memories.append(e.memory)
                sel.memory_tpos.append(t_pos)
                sel.memory_frames.append(prev)
        max_ptrs = max(2, min(self.num_frames, MAX_OBJ_PTRS))
        sign = -1 if reverse else 1
        for t in sorted(self.cond):
            if (t >= frame) if reverse else (t <= frame):
                sel.obj_ptrs.append(self.cond[t].obj_ptr)
                sel.obj_ptr_tpos.append((frame - t) * sign / (max_ptrs - 1))
                sel.ptr_frames.append(t)
        for t_diff in range(1, max_ptrs):
            t = frame + step * t_diff
            if t < 0 or t >= self.num_frames:
                break
            e = self.tracked.get(t)
            if e is not None:
                sel.obj_ptrs.append(e.obj_ptr)
                sel.obj_ptr_tpos.append(t_diff / (max_ptrs - 1))
                sel.ptr_frames.append(t)
        return sel
