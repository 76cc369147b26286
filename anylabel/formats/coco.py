"""COCO instances JSON: categories, images and annotations in one file.

Each annotation has ``bbox`` (x, y, w, h), ``area`` (the pixels pycocotools rasterises
from the segmentation, see coco_area.py),
``iscrowd`` 0 and ``segmentation`` polygons; rectangles, rotated boxes and circles are
written as polygons so that every annotation has a mask. Shapes that share a label and
a group_id become ONE instance with several polygons. When a pose config is given, the
points linked to an instance by group_id become its ``keypoints`` in the config's order.

What COCO has no field for is kept in an ``attributes`` object that COCO tools ignore
(difficult, group_id, the AnyLabel shape type, OCR text), so AnyLabel -> COCO -> AnyLabel
gives the same shapes back. Reading a COCO file back is ``coco_import.py``.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from .. import __version__
from ..core.atomic import atomic_write_text
from ..core.size_limits import DeclaredSizeError, confirmed_size
from ..core import shape_kinds
from ..core.i18n import tr_noop
from ..core.shape import MASK, Shape
from .base import ExportContext, ExportItem, FormatError, ImageSize, Skip
from .coco_area import polygon_areas, rectangle_area, union_area
from .convert import NOT_FINITE, classify, flat_polygon, mask_parts, shoelace, skip
from .pose_keypoints import describe_derived, keypoint_names_by_class, merge_keypoint_names
from .yolo import NO_BOX_FOR_KEYPOINT, NOT_A_KEYPOINT_NAME, group_keypoints, keypoints_for

PoseConfig = dict[str, list[str]]
NO_POSE_CONFIG = tr_noop("points are written only as keypoints, which need a pose config")


def categories(
    classes: list[str], pose: PoseConfig | None = None, skeleton: dict[str, list[list[int]]] | None = None
) -> list[dict[str, Any]]:
    cats = []
    for i, name in enumerate(classes):
        cat: dict[str, Any] = {"id": i + 1, "name": name, "supercategory": ""}
        if pose and name in pose:
            cat["keypoints"] = list(pose[name])
            cat["skeleton"] = [list(e) for e in (skeleton or {}).get(name, [])]
        cats.append(cat)
    return cats


def _r(v: float) -> float:
    return round(float(v), 3)


def dump_image(
    shapes: list[Shape],
    size: ImageSize,
    class_index: dict[str, int],
    image_id: int,
    first_ann_id: int,
    pose: PoseConfig | None = None,
    derive_keypoints: bool = False,
) -> tuple[list[dict[str, Any]], list[Skip]]:
    """The annotations of one image (ids from ``first_ann_id``) and the shapes left out.

    With ``derive_keypoints`` (no pose config: the names come from the labels, see
    pose_keypoints.py), the points grouped with an instance are kept in its ``_points``
    as (name, x, y, visibility); the exporter writes them as ``keypoints`` once every
    image has been read and the names are known."""
    others, points, loose = group_keypoints(shapes)
    skips: list[Skip] = []
    if pose or derive_keypoints:
        skips += [skip(p, NO_BOX_FOR_KEYPOINT) for p in loose]
    else:
        skips += [skip(p, NO_POSE_CONFIG) for p in loose]
        for pts in points.values():
            skips += [skip(p, NO_POSE_CONFIG) for p in pts]
        points = {}
    # Group instances: (label, group_id) for grouped shapes, one instance per ungrouped shape.
    groups: dict[Any, list[tuple[Shape, list[list[float]]]]] = {}
    for n, s in enumerate(others):
        got = classify(s, class_index, lambda sh: _flat_parts(sh, size))
        if isinstance(got, Skip):
            skips.append(got)
            continue
        key = (s.label, s.group_id) if s.group_id is not None else ("", n)
        groups.setdefault(key, []).append((s, got[1]))
    instances = []
    for members in groups.values():
        segs: list[list[float]] = []
        x0 = y0 = math.inf
        x1 = y1 = -math.inf
        for s, flats in members:  # plain Python over a few vertices beats numpy's call overhead
            for flat in flats:
                xs, ys = flat[0::2], flat[1::2]
                x0, y0, x1, y1 = min(x0, *xs), min(y0, *ys), max(x1, *xs), max(y1, *ys)
                # Drawn vertices are written as they are; computed ones (circle outlines) rounded.
                segs.append([round(v, 3) for v in flat] if _computed_outline(s) else flat)
        if not math.isfinite(x0 + y0 + x1 + y1):  # absurd sizes (1e300) overflow to inf
            skips += [skip(s, NOT_FINITE) for s, _ in members]
            continue
        instances.append((members, segs, (x0, y0, x1, y1)))
    areas = instance_areas([segs for _, segs, _ in instances], size, [box for *_, box in instances])
    anns = []
    ann_id = first_ann_id
    claimed: set[int] = set()
    for (members, segs, (x0, y0, x1, y1)), area in zip(instances, areas):
        if not math.isfinite(area):  # absurd sizes (1e300) overflow to inf
            skips += [skip(s, NOT_FINITE) for s, _ in members]
            continue
        first = members[0][0]
        # The shape's own attributes, then the keys AnyLabel reads back (which win on a clash).
        attrs: dict[str, Any] = dict(first.attributes) if first.attributes else {}
        attrs["difficult"] = any(s.difficult for s, _ in members)
        if first.group_id is not None:
            attrs["group_id"] = first.group_id
        # A kind whose polygon does not say what it was (a rectangle, a circle) names itself.
        kind = shape_kinds.kind_of(first)
        if len(members) == 1 and kind is not None and not kind.free_vertices:
            attrs["shape_type"] = first.shape_type
        if first.description:
            attrs["description"] = first.description
        ann: dict[str, Any] = {
            "id": ann_id,
            "image_id": image_id,
            "category_id": class_index[first.label] + 1,
            "segmentation": segs,
            "area": area,
            "bbox": [round(x0, 3), round(y0, 3), round(x1 - x0, 3), round(y1 - y0, 3)],
            "iscrowd": 0,
            "attributes": attrs,
        }
        if pose and first.label in pose:
            names = pose[first.label]
            kps: list[tuple[float, float, int]] = [(0.0, 0.0, 0)] * len(names)
            gid = first.group_id
            if gid is not None and gid in points and gid not in claimed:
                claimed.add(gid)
                kps, unknown = keypoints_for(names, points[gid], len(names))
                skips += [skip(p, NOT_A_KEYPOINT_NAME) for p in unknown]
            ann["keypoints"] = [v for x, y, vis in kps for v in ((_r(x), _r(y), vis) if vis else (0, 0, 0))]
            ann["num_keypoints"] = sum(1 for *_, vis in kps if vis)
        elif derive_keypoints:
            gid = first.group_id
            if gid is not None and gid in points and gid not in claimed:
                claimed.add(gid)
                found, duplicates = _named_points(points[gid])
                skips += [skip(p, NOT_A_KEYPOINT_NAME) for p in duplicates]
                ann["_points"] = found
        anns.append(ann)
        ann_id += 1
    for gid, pts in points.items():
        if gid not in claimed:
            skips += [skip(p, NO_BOX_FOR_KEYPOINT) for p in pts]
    return anns, skips


def _computed_outline(shape: Shape) -> bool:
    """Its outline is sampled from a curve or traced from pixels (a circle, a mask), not drawn."""
    kind = shape_kinds.kind_of(shape)
    return kind is not None and kind.sampled_outline
RASTER_WIDTH_LIMIT = 1 << 20  # pixels; see instance_areas


def _flat_parts(shape: Shape, size: ImageSize) -> list[list[float]] | Skip:
    """The flat polygons an area shape is written as: one, or one per part of a mask."""
    if shape.shape_type == MASK:
        parts = mask_parts(shape, size)
        return parts if isinstance(parts, Skip) else [p.ravel().tolist() for p in parts]
    got = flat_polygon(shape, size)
    return got if isinstance(got, Skip) else [got[0]]


def instance_areas(instances: list[list[list[float]]], size: ImageSize,
                   boxes: list[tuple[float, float, float, float]] | None = None) -> list[float]:
    """The ``area`` of each instance (its flat polygons) as pycocotools computes it from the
    segmentation (see coco_area.py): one batch for the single-polygon instances of an image,
    the union for instances of several polygons.
    The rasterisation costs about two elements per pixel of a polygon's width: an instance
    wider than ``RASTER_WIDTH_LIMIT`` pixels (only a crafted file has one) gets the
    geometric area of its polygons instead, and may be infinite (the caller skips it)."""
    out = [0.0] * len(instances)
    single, rest = [], []
    if boxes is None:
        boxes = [(min(v for f in segs for v in f[0::2]), 0.0, max(v for f in segs for v in f[0::2]), 0.0)
                 for segs in instances]
    sane_size = size[0] * size[1] <= 2 ** 62
    for i, (segs, (x0, _, x1, _)) in enumerate(zip(instances, boxes)):
        if not (sane_size and x1 - x0 <= RASTER_WIDTH_LIMIT and x1 <= 2 * RASTER_WIDTH_LIMIT):
            out[i] = sum(shoelace(np.array(flat).reshape(-1, 2)) for flat in segs)
        elif len(segs) == 1 and len(segs[0]) == 8 and _is_box_outline(segs[0]):
            x0, y0, x1, _, _, y1, _, _ = segs[0]
            out[i] = float(rectangle_area(x0, y0, x1, y1, int(size[0]), int(size[1])))
        elif len(segs) == 1:
            single.append(i)
        else:
            rest.append(i)
    w, h = int(size[0]), int(size[1])
    if single:
        for i, a in zip(single, polygon_areas([instances[i][0] for i in single], w, h).tolist()):
            out[i] = a
    for i in rest:
        out[i] = union_area(instances[i], w, h)
    return out


def _is_box_outline(f: list[float]) -> bool:
    """[x0, y0, x1, y0, x1, y1, x0, y1]: how rectangles are written (half of most datasets)."""
    return f[1] == f[3] and f[2] == f[4] and f[5] == f[7] and f[0] == f[6] and f[0] <= f[2] and f[1] <= f[5]


def _named_points(points: list[Shape]) -> tuple[list[tuple[str, float, float, int]], list[Shape]]:
    """(name, x, y, visibility) of each point, and the ones left out: a second point of the
    same name, unnamed or non-finite points (as keypoints_for leaves them out)."""
    found: list[tuple[str, float, float, int]] = []
    names: set[str] = set()
    dropped = []
    for p in points:
        if p.label and p.label not in names and np.all(np.isfinite(p.points)):
            names.add(p.label)
            found.append((p.label, float(p.points[0, 0]), float(p.points[0, 1]), 1 if p.difficult else 2))
        else:
            dropped.append(p)
    return found, dropped


def keypoint_fields(names: list[str], found: list[tuple[str, float, float, int]] | None) -> str:
    """``"keypoints":[...],"num_keypoints":n`` for derived names, as a JSON fragment."""
    values = [0] * (3 * len(names))
    where = {n: i for i, n in enumerate(names)}
    n = 0
    for name, x, y, vis in found or []:
        i = where.get(name)
        if i is not None:  # always, unless the box the names were taken from was skipped
            values[3 * i : 3 * i + 3] = [_r(x), _r(y), vis]
            n += 1
    return f'"keypoints":{_ENCODER.encode(values)},"num_keypoints":{n}'


def dataset(
    images: list[dict[str, Any]], annotations: list[dict[str, Any]], cats: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "info": {
            "description": "Exported by AnyLabel",
            "version": __version__,
            "date_created": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        "licenses": [],
        "categories": cats,
        "images": images,
        "annotations": annotations,
    }


# ----------------------------------------------------------------------------- on disk


class CocoExporter:
    """Collects every image, writes ``annotations.json`` (``annotations/instances_<subset>.json``
    in a split) at the end. Without a pose config, the keypoint names of each class are
    taken from the points grouped with its boxes (pose_keypoints.py), so keypoints are
    written once every image is read.

    Each image and annotation is kept as a JSON fragment without its ids: ids are given
    when the file is written, so parts built by parallel workers (``state``/``merge``)
    join in order without re-encoding."""

    def __init__(self, ctx: ExportContext) -> None:
        self.ctx = ctx
        # None: the class list is learnt at the end (a worker process exporting without a
        # class file); every label is accepted and its category id is given by text().
        self.class_index = None if ctx.classes is None else ctx.class_index()
        self.pose = ctx.options.pose_config
        self.derived: dict[str, list[str]] = {}  # class -> keypoint names, without a pose config
        # subset -> [(image fragment, [(label, annotation fragment, derived points or None)])]
        self.parts: dict[str, list[tuple[str, list[_Ann]]]] = {}
        self.files_written = 0  # per-image files; the json is reported by finish()
        self.notes: list[str] = []

    def add(self, item: ExportItem) -> list[Skip]:
        file_name = f"{item.subset}/{item.image_path.name}" if item.subset else item.image_path.name
        index = self.class_index
        if index is None:
            index = {}
            for s in item.shapes:
                index.setdefault(s.label, len(index))
        names = list(index)  # the index values are positions in this order
        try:
            size = confirmed_size(item.size, item.image_path)
        except DeclaredSizeError as exc:
            raise FormatError(str(exc)) from None
        derive = not self.pose
        new, skips = dump_image(item.shapes, size, index, 0, 0, self.pose, derive_keypoints=derive)
        image = _body({"file_name": file_name, "width": size[0], "height": size[1]})
        # Ids and the category id are given when the file is written (see text()).
        anns = [
            (names[a["category_id"] - 1], _body({k: v for k, v in a.items() if k not in _IDS}),
             a.get("_points"))
            for a in new
        ]
        if derive and any(found for *_, found in anns):
            self.derived = merge_keypoint_names([self.derived, keypoint_names_by_class([item.shapes])])
        self.parts.setdefault(item.subset, []).append((image, anns))
        return skips

    def state(self) -> tuple[dict[str, list[tuple[str, list[_Ann]]]], dict[str, list[str]]]:
        return self.parts, self.derived

    def merge(self, state: tuple[dict[str, list[tuple[str, list[_Ann]]]], dict[str, list[str]]]) -> None:
        parts, derived = state
        for subset, entries in parts.items():
            self.parts.setdefault(subset, []).extend(entries)
        if derived:
            self.derived = merge_keypoint_names([self.derived, derived])

    def path_for(self, subset: str) -> Path:
        if subset:
            return self.ctx.out_dir / "annotations" / f"instances_{subset}.json"
        return self.ctx.out_dir / "annotations.json"

    def text(self, subset: str) -> str:
        derived = self.derived if not self.pose else {}
        cats = categories(self.ctx.classes, self.pose or derived, self.ctx.options.extra.get("pose_skeleton"))
        head = _body(dataset([], [], cats))
        images, anns = [], []
        ann_id = 0
        category = {name: i + 1 for i, name in enumerate(self.ctx.classes or [])}
        for image_id, (image, ann_bodies) in enumerate(self.parts.get(subset, []), 1):
            images.append(f'{{"id":{image_id},{image}}}')
            for label, body, found in ann_bodies:
                ann_id += 1
                if label in derived:
                    body = f"{body},{keypoint_fields(derived[label], found)}"
                anns.append(f'{{"id":{ann_id},"image_id":{image_id},"category_id":{category[label]},{body}}}')
        head = head.replace('"images":[],"annotations":[]', "")
        return f'{{{head}"images":[{",".join(images)}],"annotations":[{",".join(anns)}]}}'

    def finish(self) -> list[Path]:
        if self.derived and not self.pose:
            self.notes.append(describe_derived(self.derived))
        written = []
        for subset in self.parts or {"": []}:
            path = self.path_for(subset)
            atomic_write_text(path, self.text(subset))
            written.append(path)
        return written


_IDS = ("id", "image_id", "category_id", "_points")
_Ann = tuple[str, str, "list[tuple[str, float, float, int]] | None"]  # label, JSON fragment, derived points
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _body(d: dict[str, Any]) -> str:
    """A JSON object without its braces (``"a":1,"b":2``), for assembling the file by parts.

    orjson encodes an annotation about ten times faster than the standard library (which
    spends most of it writing floats); both write the shortest text that reads back as the
    same float (spelled differently only below 1e-4 and from 1e16: ``1e-7`` for ``1e-07``).
    What orjson refuses (integers beyond 64 bits in user attributes) goes to the standard
    encoder."""
    try:
        return orjson.dumps(d, option=orjson.OPT_SERIALIZE_NUMPY)[1:-1].decode("utf-8")
    except orjson.JSONEncodeError:
        return _ENCODER.encode(d)[1:-1]
