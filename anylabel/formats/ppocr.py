"""PaddleOCR (PPOCRLabel) text detection/recognition labels.

``Label.txt``: one line per image, ``<folder>/<image><TAB>[{"transcription": ..., "points":
[[x, y] x 4], "difficult": false}, ...]``. ``rec_gt.txt`` + ``crop_img/``: one upright crop
per text box with its transcription, for training a recogniser.

The text is the shape's ``description``. Every box is written with exactly 4 points, as
PaddleOCR's loaders expect: rectangles and rotated boxes by their corners, 4-point
polygons as drawn, and other polygons (3 points, curved text outlines) and circles by
their minimum-area rotated rectangle. Lines and points are reported, never a crash.
A shape label other than ``text`` is kept in a ``label`` key (the KIE form), the group id
in ``id`` and the key-value links (``kie_linking``, [[id, id], ...]) in ``linking``, as
PPOCRLabel's KIE files and X-AnyLabeling write them; all three are read back.

Points are clipped to the image (PaddleOCR crops its training text from the pixels, and a
box reaching far outside would make a crop of any size): a box entirely outside is left out
and reported.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Iterator

import cv2
import numpy as np

from ..core.atomic import atomic_write_text
from ..core.errors import LabelFileError
from ..core.folder_index import scan_folder
from ..core.i18n import tr
from ..core.image_io import read_image_rgb
from ..core.label_file import parse_json_bytes
from ..core.label_values import read_bool, read_linking, show
from ..core.shape import POLYGON, Shape
from .base import (
    ExportContext,
    ExportItem,
    FormatError,
    ImageSize,
    ImportContext,
    ImportFailure,
    ImportItem,
    Skip,
)
from .convert import OUTSIDE, ZERO_AREA, as_polygon, as_rotated, shoelace, skip
from .output import write_bytes

DEFAULT_LABEL = "text"


def quad(shape: Shape, size: ImageSize | None = None) -> np.ndarray | Skip:
    """The 4 points PaddleOCR needs, clipped to the image when ``size`` is given."""
    corners = as_rotated(shape)
    if not isinstance(corners, Skip):
        q = corners
    else:
        poly = as_polygon(shape)
        if isinstance(poly, Skip):
            return poly
        # float32 is what OpenCV takes; convert.COORD_LIMIT keeps every coordinate within it
        q = cv2.boxPoints(cv2.minAreaRect(poly.astype(np.float32))).astype(np.float64)
    if size is not None:
        q = np.clip(q, 0.0, [float(size[0]), float(size[1])])
        if shoelace(q) <= 0:
            return skip(shape, OUTSIDE if _outside(shape, size) else ZERO_AREA)
    return q


def _outside(shape: Shape, size: ImageSize) -> bool:
    pts = shape.points
    w, h = size
    return bool(pts[:, 0].max() <= 0 or pts[:, 1].max() <= 0 or pts[:, 0].min() >= w or pts[:, 1].min() >= h)


def dump(shapes: list[Shape], size: ImageSize | None = None) -> tuple[list[dict[str, Any]], list[Skip]]:
    entries, skips = [], []
    for s in shapes:
        q = quad(s, size)
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
        if s.group_id is not None:
            entry["id"] = s.group_id
        if s.group_id is not None or s.kie_linking:
            entry["linking"] = [list(pair) for pair in s.kie_linking]
        entries.append(entry)
    return entries, skips


def _box(i: int, e: Any) -> Shape:
    if not isinstance(e, dict):
        raise FormatError(tr("box {0}: must be a JSON object with a 'points' list").format(i))
    raw = e.get("points")
    if not isinstance(raw, list):
        raise FormatError(tr("box {0}: needs a 'points' list").format(i))
    try:
        pts = np.array(raw, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise FormatError(tr("box {0}: 'points' must be [x, y] number pairs").format(i)) from None
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise FormatError(tr("box {0}: 'points' must be [x, y] number pairs").format(i))
    if len(pts) < 3:
        raise FormatError(tr("box {0}: needs at least 3 points, got {1}").format(i, len(pts)))
    if not np.all(np.isfinite(pts)):
        raise FormatError(tr("box {0}: NaN or infinite coordinate").format(i))
    text = e.get("transcription", "")
    if isinstance(text, (dict, list)):
        raise FormatError(tr("box {0}: 'transcription' must be text, got {1}").format(i, show(text)))
    label = e.get("label") or e.get("key_cls") or DEFAULT_LABEL
    if not isinstance(label, str):
        raise FormatError(tr("box {0}: 'label' must be text, got {1}").format(i, show(label)))
    box_id = e.get("id")
    if box_id is not None and type(box_id) is not int:
        raise FormatError(tr("box {0}: 'id' must be an integer, got {1}").format(i, show(box_id)))
    try:
        difficult = read_bool(e.get("difficult"), "difficult", f"box {i}")
        linking = read_linking(e.get("linking"), f"box {i}")
    except ValueError as exc:
        raise FormatError(str(exc).replace("'kie_linking'", "'linking'")) from None
    return Shape(
        POLYGON,
        pts,
        label=label,
        group_id=box_id,
        description="" if text is None else str(text),
        difficult=difficult,
        kie_linking=linking,
    )


def parse(entries: Any) -> list[Shape]:
    """Shapes of one Label.txt line's JSON list (KIE keys included); FormatError naming the box."""
    if not isinstance(entries, list):
        raise FormatError(tr("the annotation part is not a JSON list"))
    return [_box(i, e) for i, e in enumerate(entries)]


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
        self.crops_missing = 0

    def add(self, item: ExportItem) -> list[Skip]:
        entries, skips = dump(item.shapes, item.size)
        key = f"{item.image_path.parent.name}/{item.image_path.name}"
        if entries and self.crops:
            try:
                image = read_image_rgb(item.image_path)[:, :, ::-1]
            except ValueError as exc:  # names the file
                raise FormatError(tr("{0}: the text crops need the pixels").format(exc)) from None
            bounds = [float(image.shape[1]), float(image.shape[0])]
            for n, e in enumerate(entries):
                name = f"{item.stem}_crop_{n}.jpg"
                # Within the pixels: a label file may state a larger size than the image has.
                q = np.clip(np.array(e["points"], dtype=np.float64), 0.0, bounds)
                if shoelace(q) < 1.0:  # the box covers no pixel of the image itself
                    self.crops_missing += 1
                    continue
                ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(crop(image, q)))
                if ok:
                    write_bytes(self.ctx.out_dir / "crop_img" / name, buf.tobytes())
                    self.rec.append(f"crop_img/{name}\t{e['transcription']}")
                    self.files_written += 1
        if entries:
            self.lines.append(f"{key}\t{json.dumps(entries, ensure_ascii=False)}")
        return skips

    @property
    def notes(self) -> list[str]:
        if not self.crops_missing:
            return []
        return [f"{self.crops_missing} text box(es) lie outside the image's pixels: in Label.txt, without a crop"]

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
            raise FormatError(tr("{0}: file not found").format(ctx.source)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise FormatError(tr("{0}: cannot be read ({1})").format(ctx.source, exc)) from None

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
                yield ImportFailure(src, tr("line {0}: no TAB between the image path and the boxes").format(
                    n))
                continue
            base = path.replace("\\", "/").rsplit("/", 1)[-1]
            if base not in names:
                yield ImportFailure(src, tr("line {0}: image {1!r} not found in {2}").format(
                    n, path, self.ctx.images_dir))
                continue
            try:
                shapes = parse(parse_json_bytes(rest.encode("utf-8"), src))
            except LabelFileError as exc:  # broken JSON, too deep, a lone surrogate
                yield ImportFailure(src, tr("line {0}: {1}").format(n, exc.problem))
                continue
            except FormatError as exc:
                yield ImportFailure(src, tr("line {0}: {1}").format(n, exc))
                continue
            if not all(math.isfinite(v) for s in shapes for v in s.points.ravel()):
                yield ImportFailure(src, tr("line {0}: NaN coordinate").format(n))
                continue
            yield ImportItem(index.folder / base, shapes, None)
