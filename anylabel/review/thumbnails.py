"""Thumbnails of an image with both label sets drawn: reference in blue, candidate in
orange; shapes that found no partner are drawn thicker so the disagreement stands out."""
from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from ..core.agreement import DOT, STROKE, shape_kind
from ..core.geometry import outline
from ..core.i18n import tr
from ..core.image_io import IMAGE_EXTENSIONS, read_image_rgb
from ..core.shape import Shape
from .folders import ImageEntry

REFERENCE_RGB = (31, 119, 180)   # blue
CANDIDATE_RGB = (255, 127, 14)   # orange (the pair reads apart for colour-blind eyes too)
_BLANK = 235


def find_image(entry: ImageEntry) -> Path | None:
    """The image a pair of label files is about: the ``imagePath`` they name, else an image of
    the same stem beside either label file."""
    for path, ann in ((entry.ref_path, entry.ref_annotation), (entry.cand_path, entry.cand_annotation)):
        if path is None:
            continue
        if ann is not None and ann.image_path:
            p = path.parent / ann.image_path
            if p.is_file():
                return p
        for ext in sorted(IMAGE_EXTENSIONS):
            for cand in (path.with_suffix(ext), path.with_suffix(ext.upper())):
                if cand.is_file():
                    return cand
    return None


def _canvas(entry: ImageEntry) -> np.ndarray:
    path = find_image(entry)
    if path is not None:
        try:
            return read_image_rgb(path)
        except ValueError:
            pass  # an unreadable image: draw on a blank page of the size the labels give
    w = h = 0
    for ann in (entry.ref_annotation, entry.cand_annotation):
        if ann is not None and ann.image_width and ann.image_height:
            w, h = ann.image_width, ann.image_height
            break
    if not (0 < w <= 20000 and 0 < h <= 20000):
        pts = [s.points for s in entry.ref_shapes + entry.cand_shapes if len(s.points)]
        top = np.concatenate(pts).max(axis=0) if pts else np.array([256.0, 256.0])
        w, h = int(min(max(top[0] * 1.1, 64), 4096)), int(min(max(top[1] * 1.1, 64), 4096))
    return np.full((int(h), int(w), 3), _BLANK, dtype=np.uint8)


def draw_shape(img: np.ndarray, shape: Shape, scale: float, rgb: tuple[int, int, int], thickness: int) -> None:
    kind = shape_kind(shape)
    pts = outline(shape) * scale
    colour = tuple(int(c) for c in rgb)
    if kind == DOT:
        x, y = pts[0]
        cv2.circle(img, (int(round(x)), int(round(y))), 2 + thickness, colour, -1, cv2.LINE_AA)
        return
    poly = np.round(pts).astype(np.int32).reshape(-1, 1, 2)
    cv2.polylines(img, [poly], kind != STROKE, colour, thickness, cv2.LINE_AA)


def render_pair(entry: ImageEntry, max_side: int = 360) -> np.ndarray:
    """An RGB thumbnail (longest side ``max_side``) with both label sets drawn."""
    img = _canvas(entry)
    h, w = img.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    if scale < 1.0:
        img = cv2.resize(img, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    img = np.ascontiguousarray(img)
    c = entry.comparison
    lone_ref, lone_cand = set(c.missed), set(c.extra)
    lone_ref |= {m.ref for m in c.relabelled}
    lone_cand |= {m.cand for m in c.relabelled}
    for i, s in enumerate(entry.ref_shapes):
        draw_shape(img, s, scale, REFERENCE_RGB, 4 if i in lone_ref else 2)
    for j, s in enumerate(entry.cand_shapes):
        draw_shape(img, s, scale, CANDIDATE_RGB, 4 if j in lone_cand else 2)
    return img


def thumbnail_jpeg(entry: ImageEntry, max_side: int = 360) -> bytes:
    rgb = render_pair(entry, max_side)
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:  # pragma: no cover - OpenCV encodes any uint8 image
        raise ValueError(tr("{0}: the thumbnail could not be encoded").format(os.fspath(entry.key)))
    return buf.tobytes()
