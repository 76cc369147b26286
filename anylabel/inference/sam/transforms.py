"""Geometry between an image and the SAM input frame.

SAM-family encoders take a square ``input_size`` tensor: the image resized so its
longest side is ``input_size`` and padded at the bottom/right. Prompts go to the decoder
in that resized frame. Getting this wrong by a pixel shifts every mask, so the frame is
one small object that both directions go through.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...core.i18n import tr

#: SAM's normalisation (ImageNet mean/std on 0..255 RGB); shared by MobileSAM, EdgeSAM,
#: EfficientViT-SAM. Configs may override it (``pixel_mean`` / ``pixel_std``).
SAM_PIXEL_MEAN: tuple[float, float, float] = (123.675, 116.28, 103.53)
SAM_PIXEL_STD: tuple[float, float, float] = (58.395, 57.12, 57.375)


@dataclass(frozen=True)
class ResizeFrame:
    """An image of ``orig_h x orig_w`` placed in a square ``input_size`` frame."""

    orig_h: int
    orig_w: int
    input_size: int
    #: Stretched to the square (SAM-Med2D) instead of resized by the longest side.
    stretch: bool = False

    @property
    def scale(self) -> float:
        return self.input_size / max(self.orig_h, self.orig_w)

    @property
    def resized_h(self) -> int:
        # Same rounding as SAM's ResizeLongestSide (int(x + 0.5)), so the crop of the
        # decoder's upscaled mask matches the pixels the encoder saw.
        return self.input_size if self.stretch else int(self.orig_h * self.scale + 0.5)

    @property
    def resized_w(self) -> int:
        return self.input_size if self.stretch else int(self.orig_w * self.scale + 0.5)

    def to_model(self, points: np.ndarray) -> np.ndarray:
        """Image pixel coordinates (x, y) -> coordinates in the resized frame."""
        p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        sx = self.resized_w / self.orig_w
        sy = self.resized_h / self.orig_h
        return (p * np.array([sx, sy])).astype(np.float32)

    def to_image(self, points: np.ndarray) -> np.ndarray:
        p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        return p / np.array([self.resized_w / self.orig_w, self.resized_h / self.orig_h])


def frame_for(image_shape: tuple[int, ...], input_size: int, stretch: bool = False) -> ResizeFrame:
    h, w = int(image_shape[0]), int(image_shape[1])
    if h < 1 or w < 1:
        raise ValueError(tr("image of size {0}x{1} cannot be segmented").format(w, h))
    return ResizeFrame(h, w, int(input_size), stretch)


def encoder_input(image_rgb: np.ndarray, frame: ResizeFrame, mean: tuple[float, ...] = SAM_PIXEL_MEAN,
                  std: tuple[float, ...] = SAM_PIXEL_STD, channels_last: bool = False,
                  dtype: type = np.float32, raw: bool = False) -> np.ndarray:
    """The encoder tensor [1, 3, S, S] (or [1, S, S, 3]): resized, normalised, zero-padded;
    with ``raw`` the resized RGB image as it is, [h, w, 3] (the graph does the rest)."""
    import cv2

    img = np.asarray(image_rgb)
    if img.ndim == 2:
        img = np.repeat(img[:, :, None], 3, axis=2)
    elif img.shape[2] == 4:
        img = img[:, :, :3]
    size = (frame.resized_w, frame.resized_h)
    if (img.shape[1], img.shape[0]) != size:
        shrink = size[0] < img.shape[1]
        img = cv2.resize(img, size, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    if raw:
        return np.ascontiguousarray(img, dtype=dtype)
    out = np.zeros((frame.input_size, frame.input_size, 3), dtype=np.float32)
    # Normalise then pad with zeros (SAM pads the normalised tensor, so padding = mean colour).
    norm = (img.astype(np.float32) - np.asarray(mean, np.float32)) / np.asarray(std, np.float32)
    out[:frame.resized_h, :frame.resized_w] = norm
    tensor = out[None] if channels_last else out.transpose(2, 0, 1)[None]
    return np.ascontiguousarray(tensor, dtype=dtype)


def mask_size(frame: ResizeFrame, limit: tuple[int, int] | None) -> tuple[int, int]:
    """(height, width) at which the decoder produces masks: the image size, or the image
    scaled down to fit ``limit`` (width, height). SAM's masks come from 256 x 256 logits,
    so a 6000-pixel mask holds no more detail than a 2000-pixel one, and costs 9 times as
    much per click; shapes are scaled back to image pixels."""
    h, w = frame.orig_h, frame.orig_w
    if limit is None:
        return h, w
    f = min(1.0, limit[0] / w, limit[1] / h)
    if f >= 1.0:
        return h, w
    return max(1, int(h * f + 0.5)), max(1, int(w * f + 0.5))


def upscale_low_res(logits: np.ndarray, frame: ResizeFrame, size: tuple[int, int] | None = None) -> np.ndarray:
    """Low-resolution mask logits (h', w') -> logits at ``size`` (height, width; default the
    image size), as SAM's post-processing does: upscale to the input frame, crop the
    padding, resize."""
    import cv2

    out_h, out_w = size or (frame.orig_h, frame.orig_w)
    m = np.asarray(logits, dtype=np.float32)
    s = frame.input_size
    if m.shape != (s, s):
        m = cv2.resize(m, (s, s), interpolation=cv2.INTER_LINEAR)
    m = m[:frame.resized_h, :frame.resized_w]
    if m.shape != (out_h, out_w):
        m = cv2.resize(m, (out_w, out_h), interpolation=cv2.INTER_LINEAR)
    return m
