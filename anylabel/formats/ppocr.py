"""PaddleOCR (PPOCRLabel) text detection/recognition labels.

``Label.txt``: one line per image, ``<folder>/<image><TAB>[{"transcription": ..., "points":
[[x, y] x 4], "difficult": false}, ...]``. ``rec_gt.txt`` + ``crop_img/``: one upright crop
per text box with its transcription, for training a recogniser.

The text is the shape's ``description``. Every box is written with exactly 4 points, as
PaddleOCR's loaders expect: rectangles and rotated boxes by their corners, 4-point
polygons as drawn, and other polygons (3 points, curved text outlines) and circles by
their minimum-area rotated rectangle. Lines and points are reported, never a crash.
A shape label other than ``text`` is kept in a ``label`` key (the KIE form).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Iterator

import cv2
import numpy as np

from ..core.atomic import atomic_write_text
from ..core.folder_index import scan_folder
from ..core.image_io import read_image_rgb
from ..core.shape import POLYGON, Shape
from .base import (
    ExportContext,
    ExportItem,
    FormatError,
    ImportContext,
    ImportFailure,
    ImportItem,
    Skip,
)
from .convert import as_polygon, as_rotated
from .output import write_bytes

DEFAULT_LABEL = "text"


def quad(shape: Shape) -> np.ndarray | Skip:
    """The 4 points PaddleOCR needs."""
    corners = as_rotated(shape)
    if not isinstance(corners, Skip):
        return corners
    poly = as_polygon(shape)
    if isinstance(poly, Skip):
        return poly
    return cv2.boxPoints(cv2.minAreaRect(poly.astype(np.float32))).astype(np.float64)


def dump(shapes: list[Shape]) -> tuple[list[dict[str, Any]], list[Skip]]:
    entries, skips = [], []
    for s in shapes:
        q = quad(s)
        if isinstance(q, Skip):
            skips.append(q)
            continue
        entry: dict[str, Any] = {
            "transcription": s.description or "",
            "points": [[round(float(x), 2), round(float(y), 2)] for x, y in q],
            "difficult": bool(s.difficult),
        }
        if s.label and s.label != DEFAULT_LABEL:
            entry["label"] = s.label
        entries.append(entry)
    return entries, skips


def parse(entries: Any) -> list[Shape]:
    if not isinstance(entries, list):
        raise FormatError("the annotation part is not a JSON list")
    shapes = []
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or not isinstance(e.get("points"), list):
            raise FormatError(f"box {i}: needs a 'points' list")
        try:
            pts = np.array([[float(p[0]), float(p[1])] for p in e["points"]], dtype=np.float64).reshape(-1, 2)
        except (TypeError, ValueError, IndexError):
            raise FormatError(f"box {i}: 'points' must be [x, y] pairs") from None
        if len(pts) < 3:
            raise FormatError(f"box {i}: needs at least 3 points, got {len(pts)}")
        if not np.all(np.isfinite(pts)):
            raise FormatError(f"box {i}: NaN or infinite coordinate")
        text = e.get("transcription", "")
        shapes.append(
            Shape(
                POLYGON,
                pts,
                label=str(e.get("label") or e.get("key_cls") or DEFAULT_LABEL),
                description="" if text is None else str(text),
                difficult=bool(e.get("difficult", False)),
            )
        )
    return shapes


def crop(image: np.ndarray, q: np.ndarray) -> np.ndarray:
    """An upright crop of a text box (rotated 90 degrees when taller than 1.5x its width)."""
    w = int(round(max(np.linalg.norm(q[0] - q[1]), np.linalg.norm(q[2] - q[3]))))
    h = int(round(max(np.linalg.norm(q[0] - q[3]), np.linalg.norm(q[1] - q[2]))))
    w, h = max(w, 1), max(h, 1)
    m = cv2.getPerspectiveTransform(q.astype(np.float32), np.float32([[0, 0], [w, 0], [w, h], [0, h]]))
    out = cv2.warpPerspective(image, m, (w, h), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    if h / w >= 1.5:
        out = np.rot90(out)
    return out


class PpocrExporter:
    def __init__(self, ctx: ExportContext) -> None:
        self.ctx = ctx
        self.crops = bool(ctx.options.extra.get("ppocr_crops", True))
        self.lines: list[str] = []
        self.rec: list[str] = []
        self.files_written = 0

    def add(self, item: ExportItem) -> list[Skip]:
        entries, skips = dump(item.shapes)
        key = f"{item.image_path.parent.name}/{item.image_path.name}"
        if entries and self.crops:
            try:
                image = read_image_rgb(item.image_path)[:, :, ::-1]
            except ValueError as exc:  # names the file
                raise FormatError(f"{exc}: the text crops need the pixels") from None
            for n, e in enumerate(entries):
                name = f"{item.stem}_crop_{n}.jpg"
                ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(crop(image, np.array(e["points"]))))
                if ok:
                    write_bytes(self.ctx.out_dir / "crop_img" / name, buf.tobytes())
                    self.rec.append(f"crop_img/{name}\t{e['transcription']}")
                    self.files_written += 1
        if entries:
            self.lines.append(f"{key}\t{json.dumps(entries, ensure_ascii=False)}")
        return skips

    def finish(self) -> list[Path]:
        out = [self.ctx.out_dir / "Label.txt"]
        atomic_write_text(out[0], "".join(f"{ln}\n" for ln in self.lines))
        if self.crops:
            out.append(self.ctx.out_dir / "rec_gt.txt")
            atomic_write_text(out[1], "".join(f"{ln}\n" for ln in self.rec))
        return out


class PpocrImporter:
    """``--source`` is a Label.txt; image paths in it are matched by file name."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        try:
            self.lines = ctx.source.read_text(encoding="utf-8-sig").splitlines()
        except FileNotFoundError:
            raise FormatError(f"{ctx.source}: file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise FormatError(f"{ctx.source}: cannot be read ({exc})") from None

    def count(self) -> int:
        return sum(1 for ln in self.lines if ln.strip())

    def items(self) -> Iterator[ImportItem | ImportFailure]:
        src = str(self.ctx.source)
        index = scan_folder(self.ctx.images_dir)
        names = set(index.names)
        for n, line in enumerate(self.lines, 1):
            if not line.strip():
                continue
            path, tab, rest = line.partition("\t")
            if not tab:
                yield ImportFailure(src, f"line {n}: no TAB between the image path and the boxes")
                continue
            base = path.replace("\\", "/").rsplit("/", 1)[-1]
            if base not in names:
                yield ImportFailure(src, f"line {n}: image {path!r} not found in {self.ctx.images_dir}")
                continue
            try:
                shapes = parse(json.loads(rest))
            except json.JSONDecodeError as exc:
                yield ImportFailure(src, f"line {n}: not valid JSON ({exc.msg})")
                continue
            except FormatError as exc:
                yield ImportFailure(src, f"line {n}: {exc}")
                continue
            if not all(math.isfinite(v) for s in shapes for v in s.points.ravel()):
                yield ImportFailure(src, f"line {n}: NaN coordinate")
                continue
            yield ImportItem(index.folder / base, shapes, None)
