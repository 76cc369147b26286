"""The SAM preview drawn over the image: the mask tinted, positive points green,
negative points red, the box outlined. Large images get a reduced overlay (the canvas
stretches it), so each click costs the same whatever the image size."""
from __future__ import annotations

import numpy as np

from ...inference.sam.decoder import Prompt

MASK_RGBA = (30, 144, 255, 110)
POSITIVE_RGBA = (40, 220, 60, 255)
NEGATIVE_RGBA = (235, 40, 40, 255)
BOX_RGBA = (255, 210, 0, 255)
MAX_SIDE = 2048


def render_overlay(mask: np.ndarray | None, prompt: Prompt, image_size: tuple[int, int]) -> np.ndarray:
    """An RGBA array for ``canvas.set_overlay``; ``image_size`` is (width, height)."""
    import cv2

    w, h = image_size
    f = min(1.0, MAX_SIDE / max(w, h, 1))
    ow, oh = max(1, round(w * f)), max(1, round(h * f))
    if mask is not None:
        m = mask if mask.shape == (oh, ow) else cv2.resize(mask.astype(np.uint8), (ow, oh),
                                                            interpolation=cv2.INTER_NEAREST).astype(bool)
        # One RGBA pixel as a uint32 times the 0/1 mask: one pass over H x W instead of
        # four channels (the overlay is redrawn on every click).
        packed = np.array(MASK_RGBA, np.uint8).view(np.uint32)[0]
        m8 = np.ascontiguousarray(m, dtype=bool).view(np.uint8)
        out = (m8.astype(np.uint32) * packed).view(np.uint8).reshape(m8.shape[0], m8.shape[1], 4)
    else:
        out = np.zeros((oh, ow, 4), np.uint8)
    r = max(3, round(0.006 * max(ow, oh)))
    if prompt.box is not None:
        x0, y0, x1, y1 = (round(v * f) for v in prompt.box)
        cv2.rectangle(out, (x0, y0), (x1, y1), BOX_RGBA, max(1, r // 2))
    for (x, y), lab in zip(prompt.points, prompt.labels):
        colour = POSITIVE_RGBA if lab == 1 else NEGATIVE_RGBA
        cv2.circle(out, (round(x * f), round(y * f)), r, colour, -1, cv2.LINE_AA)
        cv2.circle(out, (round(x * f), round(y * f)), r, (255, 255, 255, 255), 1, cv2.LINE_AA)
    return out
