"""Semantic masks: per image a grayscale PNG of class indices (``masks/<stem>.png``), a
colour PNG for people (``colour/<stem>.png``), and one ``mapping.json`` for the dataset.

Index 0 is the background. Class ``i`` of the class list is index ``i + 1``, unless the
first class is itself a background name (``_background_``, ``background``), in which case
the line numbers are used as they are. More than 255 classes give 16-bit PNGs.

Overlap order (docs/adr/0002-dataset-format-conventions.md): shapes are painted in the order
of the label file, so a later shape covers an earlier one where they overlap, exactly as the
canvas draws them. Rectangles, rotated boxes and circles are filled, mask shapes paint
their bitmap; lines and points cover no pixels and are reported.

The index image is as large as the image, so the size a label file declares is checked
against the image itself before it is allocated (and never beyond
``core.size_limits.MAX_PIXELS``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

from ..core import mask_shape
from ..core.atomic import atomic_write_text
from ..core.folder_index import scan_folder
from ..core.geometry import mask_to_polygons, polygon_to_mask
from ..core.i18n import tr, tr_noop
from ..core.image_io import image_size
from ..core.shape import MASK, POLYGON, Shape
from ..core.size_limits import DeclaredSizeError, checked_size
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
from .convert import OUTSIDE, as_polygon, classify
from .output import path_for, write_bytes

BACKGROUND_NAMES = ("_background_", "background", "__background__")
MAPPING_FILE = "mapping.json"
OVERLAP_RULE = "shapes are painted in label-file order; a later shape covers an earlier one"


def class_values(classes: list[str]) -> dict[str, int]:
    """Pixel value of each class (0 is the background)."""
    offset = 0 if classes and classes[0].lower() in BACKGROUND_NAMES else 1
    return {name: i + offset for i, name in enumerate(classes) if i + offset > 0}


def palette(n: int) -> np.ndarray:
    """The Pascal VOC colour map: distinct, stable colours for indices 0..n-1 (0 is black)."""
    out = np.zeros((n, 3), dtype=np.uint8)
    for i in range(n):
        c, r, g, b = i, 0, 0, 0
        for j in range(8):
            r |= ((c >> 0) & 1) << (7 - j)
            g |= ((c >> 1) & 1) << (7 - j)
            b |= ((c >> 2) & 1) << (7 - j)
            c >>= 3
        out[i] = (r, g, b)
    return out


def dump(shapes: list[Shape], size: ImageSize, values: dict[str, int]) -> tuple[np.ndarray, list[Skip]]:
    """An (H, W) array of class values; later shapes are painted over earlier ones."""
    w, h = size
    dtype = np.uint8 if max(values.values(), default=0) <= 255 else np.uint16
    out = np.zeros((h, w), dtype=dtype)
    skips = []
    for s in shapes:
        if s.shape_type == MASK:
            got = classify(s, values, lambda sh: _mask_check(sh, size))
            if not isinstance(got, Skip):
                mask_shape.paint(s, out, got[0])
                continue
        else:
            got = classify(s, values, lambda sh: as_polygon(sh, size))
        if isinstance(got, Skip):
            skips.append(got)
            continue
        value, poly = got
        out[polygon_to_mask(poly, h, w)] = value
    return out, skips


def _mask_check(shape: Shape, size: ImageSize) -> bool | Skip:
    """A mask shape whose bitmap fits its box and the image (checked from the PNG header)."""
    try:
        mask_shape.declared_size(shape, size)
    except mask_shape.MaskShapeError as exc:
        return Skip(shape.label, shape.shape_type, str(exc))
    x0, y0, x1, y1 = mask_shape.box(shape)
    if x1 <= 0 or y1 <= 0 or x0 >= size[0] or y0 >= size[1]:
        return Skip(shape.label, shape.shape_type, OUTSIDE)
    return True


def export_size(item: ExportItem) -> ImageSize:
    """The size of the index image: the image's own size when it can be read (a label file
    that declares another size is refused: its shapes were drawn on another image), else the
    declared size within the limit."""
    try:
        real = image_size(item.image_path)
    except Exception:  # noqa: BLE001  # any decoder error: only the declared size is left
        real = None
    try:
        if real is not None and tuple(real) != tuple(item.size):
            raise FormatError(
                tr("the label file declares {0} x {1} pixels but the image is {2} x {3}").format(
                    item.size[0], item.size[1], real[0], real[1])
            )
        return checked_size(*(real or item.size), what=tr_noop("image size"))
    except DeclaredSizeError as exc:
        raise FormatError(str(exc)) from None


def parse(mask: np.ndarray, labels: dict[int, str], tolerance: float = 0.5) -> list[Shape]:
    """One polygon per connected region of each non-background value."""
    shapes = []
    for value in np.unique(mask):
        if value == 0:
            continue
        label = labels.get(int(value), str(int(value)))
        for pts in mask_to_polygons(mask == value, tolerance=tolerance):
            shapes.append(Shape(POLYGON, pts, label=label))
    return shapes


def encode_png(array: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", array)
    if not ok:
        raise FormatError(tr("the PNG encoder failed"))
    return buf.tobytes()


class MaskExporter:
    def __init__(self, ctx: ExportContext) -> None:
        self.ctx = ctx
        self.values = class_values(ctx.classes)
        self.colours = palette(max(self.values.values(), default=0) + 1)
        self.files_written = 0

    def add(self, item: ExportItem) -> list[Skip]:
        mask, skips = dump(item.shapes, export_size(item), self.values)
        write_bytes(path_for(self.ctx.out_dir, "masks", item, ".png"), encode_png(mask))
        colour = self.colours[mask][:, :, ::-1]  # RGB -> BGR for OpenCV
        write_bytes(
            path_for(self.ctx.out_dir, "colour", item, ".png"), encode_png(np.ascontiguousarray(colour))
        )
        self.files_written += 2
        return skips

    def state(self) -> int:
        return self.files_written

    def merge(self, files_written: int) -> None:
        self.files_written += files_written

    def finish(self) -> list[Path]:
        mapping = {
            "background": 0,
            "classes": {
                name: {"index": v, "color": [int(c) for c in self.colours[v]]}
                for name, v in self.values.items()
            },
            "overlap": OVERLAP_RULE,
        }
        path = self.ctx.out_dir / MAPPING_FILE
        atomic_write_text(path, json.dumps(mapping, ensure_ascii=False, indent=2) + "\n")
        return [path]


#: Mapping files looked for beside the masks: ours, then X-AnyLabeling's.
MAPPING_NAMES = (MAPPING_FILE, "mask_color_map.json", "mask_grayscale_map.json")
MAX_INDEX = 65535  # a 16-bit PNG's largest value


@dataclass
class Mapping:
    """What a mapping file says: class of each index value, and of each RGB colour."""

    labels: dict[int, str] = field(default_factory=dict)
    colours: dict[tuple[int, int, int], str] = field(default_factory=dict)


def read_mapping(path: Path) -> Mapping:
    """Ours (``{"classes": {name: {"index", "color"}}}``), X-AnyLabeling's (``{"type":
    "grayscale" | "rgb", "colors": {name: value | [r, g, b]}}``) or a plain ``{name: index}``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise FormatError(tr("{0}: not a mapping of label -> index ({1})").format(path, exc)) from None
    except RecursionError:  # the standard parser recurses once per level
        raise FormatError(tr("{0}: not a mapping of label -> index (nested too deep)").format(path)) from None
    out = Mapping()
    try:
        if isinstance(data, dict) and isinstance(data.get("colors"), dict):  # X-AnyLabeling
            rgb = data.get("type") == "rgb"
            for name, v in data["colors"].items():
                if rgb:
                    out.colours[_colour(v)] = str(name)
                else:
                    out.labels[_index(v)] = str(name)
            return out
        classes = data["classes"] if isinstance(data, dict) and "classes" in data else data
        if not isinstance(classes, dict):
            raise ValueError(tr("expected an object of label -> index"))
        for name, v in classes.items():
            out.labels[_index(v["index"] if isinstance(v, dict) else v)] = str(name)
            if isinstance(v, dict) and v.get("color") is not None:
                out.colours[_colour(v["color"])] = str(name)
    except (ValueError, KeyError, TypeError) as exc:
        raise FormatError(tr("{0}: not a mapping of label -> index ({1})").format(path, exc)) from None
    return out


def _index(v: object) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not float(v).is_integer() \
            or not 0 <= v <= MAX_INDEX:
        raise ValueError(tr("index {0!r} is not a whole number from 0 to {1}").format(v, MAX_INDEX))
    return int(v)


def _colour(v: object) -> tuple[int, int, int]:
    if not isinstance(v, (list, tuple)) or len(v) != 3 or not all(
            isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in v):
        raise ValueError(tr("colour {0!r} is not [r, g, b] from 0 to 255").format(v))
    return int(v[0]), int(v[1]), int(v[2])


def index_image(img: np.ndarray, mapping: Mapping) -> tuple[np.ndarray, dict[int, str]]:
    """A decoded mask PNG as (index image, class of each index): grayscale as it is; an RGB
    image whose channels are equal (X-AnyLabeling writes grayscale masks so) as grayscale;
    other RGB images through the mapping's colours (black is the background)."""
    if img.ndim == 3 and img.shape[2] == 4:
        img = img[..., :3]
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[..., 0]
    if img.ndim == 2:
        return img, mapping.labels
    b, g, r = (img[..., k] for k in range(3))
    if np.array_equal(b, g) and np.array_equal(g, r):
        return np.ascontiguousarray(b), mapping.labels
    if not mapping.colours:
        raise FormatError(tr("a colour PNG needs a mapping of colours to classes (our mapping.json, or "
                             'X-AnyLabeling\'s with "type": "rgb") beside the masks'))
    packed = (r.astype(np.uint32) << 16) | (g.astype(np.uint32) << 8) | b
    out = np.zeros(packed.shape, dtype=np.uint16)
    labels: dict[int, str] = {}
    for k, ((cr, cg, cb), name) in enumerate(mapping.colours.items(), 1):
        out[packed == ((cr << 16) | (cg << 8) | cb)] = k
        labels[k] = name
    return out, labels


def read_mask(path: Path, image: Path) -> np.ndarray:
    """The mask PNG decoded, after its header's size was checked against the image (and the
    declared-size limit): FormatError says what is wrong."""
    data = path.read_bytes()
    if not data:
        raise FormatError(tr("empty file (0 bytes), not a PNG"))
    try:
        w, h = mask_shape.png_size(data)
    except mask_shape.MaskShapeError:
        raise FormatError(tr("not a PNG")) from None
    try:
        checked_size(w, h, what=tr_noop("mask size"))
    except DeclaredSizeError as exc:
        raise FormatError(str(exc)) from None
    try:
        real = image_size(image)
    except Exception:  # noqa: BLE001  # an unreadable image: the mask's own size is used
        real = None
    if real is not None and tuple(real) != (w, h):
        raise FormatError(tr("the mask is {0} x {1} pixels but the image {2} is {3} x {4}").format(
            w, h, image.name, real[0], real[1]))
    try:
        mask = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_UNCHANGED)
    except cv2.error:
        mask = None
    if mask is None:
        raise FormatError(tr("not a readable PNG"))
    return mask


class MaskImporter:
    """``--source`` is the export folder (``masks/`` + ``mapping.json``) or the masks folder;
    X-AnyLabeling's ``mask_color_map.json`` / ``mask_grayscale_map.json`` are read too."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        src = ctx.source
        self.folder = src / "masks" if (src / "masks").is_dir() else src
        if not self.folder.is_dir():
            raise FormatError(tr("{0}: not a folder of mask PNGs").format(src))
        self.mapping = Mapping()
        candidates = [d / n for n in MAPPING_NAMES for d in (src, self.folder, self.folder.parent)]
        found = next((c for c in candidates if c.is_file()), None)
        if found is not None:
            self.mapping = read_mapping(found)
        elif ctx.classes:
            self.mapping.labels = {v: k for k, v in class_values(ctx.classes).items()}
        self.labels = self.mapping.labels
        self.files = sorted(p for p in self.folder.iterdir() if p.suffix.lower() == ".png")

    def count(self) -> int:
        return len(self.files)

    def items(self) -> Iterator[ImportItem | ImportFailure]:
        index = scan_folder(self.ctx.images_dir)
        by_stem = {}
        for name in index.names:
            by_stem.setdefault(Path(name).stem, index.folder / name)
        for f in self.files:
            image = by_stem.get(f.stem)
            if image is None:
                yield ImportFailure(str(f), tr("no image named {0}.* in {1}").format(
                    f.stem, self.ctx.images_dir))
                continue
            try:
                mask, labels = index_image(read_mask(f, image), self.mapping)
            except (FormatError, OSError) as exc:
                yield ImportFailure(str(f), str(exc))
                continue
            yield ImportItem(image, parse(mask, labels), (mask.shape[1], mask.shape[0]))
