"""Pascal VOC: one ``<stem>.xml`` per image with the image size and an ``<object>`` per box.

Coordinates follow the VOC dataset's own convention (docs/adr/0002-dataset-format-conventions.md):
integer pixel indices, 1-based and inclusive. A box that covers pixel columns 10..19
(continuous x from 10 to 20 in AnyLabel) is written ``xmin 11, xmax 20``, and reading
it back gives x from 10 to 20 again, so integer boxes survive a round trip exactly.
Every area shape becomes its bounding box; lines and points are left out and reported
(never an empty ``<object>``).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from ..core.i18n import tr
from ..core.label_values import MAX_IMAGE_SIDE
from ..core.shape import RECTANGLE, Shape
from .base import ExportContext, ExportItem, FormatError, ImageSize, ImportContext, Skip
from .convert import NOT_IN_CLASSES, as_box, skip


def _sub(parent: ET.Element, tag: str, text: object) -> ET.Element:
    el = ET.SubElement(parent, tag)
    el.text = str(text)
    return el


def dump(
    shapes: list[Shape],
    size: ImageSize,
    filename: str,
    folder: str = "",
    classes: set[str] | None = None,
    depth: int = 3,
) -> tuple[str, list[Skip]]:
    """The XML text of one image; ``classes`` (when given) limits which labels are written."""
    w, h = size
    root = ET.Element("annotation")
    _sub(root, "folder", folder)
    _sub(root, "filename", filename)
    src = ET.SubElement(root, "source")
    _sub(src, "database", "Unknown")
    sz = ET.SubElement(root, "size")
    _sub(sz, "width", w)
    _sub(sz, "height", h)
    _sub(sz, "depth", depth)
    _sub(root, "segmented", 0)
    skips = []
    for s in shapes:
        box = as_box(s, size)
        if isinstance(box, Skip):
            skips.append(box)
            continue
        if classes is not None and s.label not in classes:
            skips.append(skip(s, NOT_IN_CLASSES))
            continue
        x0, y0, x1, y1 = box
        xmin = min(max(int(math.floor(x0 + 0.5)) + 1, 1), w)
        ymin = min(max(int(math.floor(y0 + 0.5)) + 1, 1), h)
        xmax = max(min(int(math.floor(x1 + 0.5)), w), xmin)
        ymax = max(min(int(math.floor(y1 + 0.5)), h), ymin)
        obj = ET.SubElement(root, "object")
        _sub(obj, "name", s.label)
        _sub(obj, "pose", "Unspecified")
        touches = x0 <= 0 or y0 <= 0 or x1 >= w or y1 >= h
        _sub(obj, "truncated", int(touches))
        _sub(obj, "occluded", 0)
        _sub(obj, "difficult", int(bool(s.difficult)))
        bb = ET.SubElement(obj, "bndbox")
        _sub(bb, "xmin", xmin)
        _sub(bb, "ymin", ymin)
        _sub(bb, "xmax", xmax)
        _sub(bb, "ymax", ymax)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n", skips


def _num(el: ET.Element | None, tag: str, where: str) -> float:
    child = el.find(tag) if el is not None else None
    if child is None or child.text is None:
        raise FormatError(tr("{0}: missing <{1}>").format(where, tag))
    try:
        v = float(child.text.strip())
    except ValueError:
        raise FormatError(tr("{0}: <{1}> is not a number: {2!r}").format(
            where, tag, child.text.strip()[:30])) from None
    if not math.isfinite(v):
        raise FormatError(tr("{0}: <{1}> is not a finite number").format(where, tag))
    return v


def parse(text: str) -> tuple[list[Shape], ImageSize | None, str]:
    """Shapes (rectangles), the stated image size (None when absent or 0) and the filename."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise FormatError(tr("not valid XML ({0})").format(exc)) from None
    if root.tag != "annotation":
        raise FormatError(tr("the root element is <{0}>, not <annotation>").format(root.tag))
    size: ImageSize | None = None
    sz = root.find("size")
    if sz is not None and sz.find("width") is not None:
        w, h = int(_num(sz, "width", "size")), int(_num(sz, "height", "size"))
        if max(w, h) > MAX_IMAGE_SIDE:
            raise FormatError(tr("size: {0} x {1} pixels is larger than any image ({2} at most)").format(
                w, h, MAX_IMAGE_SIDE))
        size = (w, h) if w > 0 and h > 0 else None
    shapes = []
    for i, obj in enumerate(root.findall("object")):
        where = f"object {i}"
        name = obj.findtext("name", default="").strip()
        bb = obj.find("bndbox")
        if bb is None:
            raise FormatError(tr("{0} ({1!r}): no <bndbox>").format(where, name))
        xmin, ymin = _num(bb, "xmin", where), _num(bb, "ymin", where)
        xmax, ymax = _num(bb, "xmax", where), _num(bb, "ymax", where)
        difficult = obj.findtext("difficult", default="0").strip() in ("1", "true", "True")
        shapes.append(
            Shape(RECTANGLE, np.array([[xmin - 1, ymin - 1], [xmax, ymax]]), label=name, difficult=difficult)
        )
    return shapes, size, root.findtext("filename", default="")


def export_item(item: ExportItem, ctx: ExportContext) -> tuple[str, list[Skip]]:
    classes = ctx.class_set()
    return dump(item.shapes, item.size, item.image_path.name, item.image_path.parent.name, classes)


def import_item(text: str, image: Path, ctx: ImportContext) -> tuple[list[Shape], ImageSize | None]:
    shapes, size, _ = parse(text)
    return shapes, size
