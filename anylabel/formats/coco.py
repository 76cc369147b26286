"""COCO instances JSON: categories, images and annotations in one file.

Each annotation has ``bbox`` (x, y, w, h), ``area`` (the pixels pycocotools rasterises
from the segmentation, see coco_area.py),
``iscrowd`` 0 and ``segmentation`` polygons; rectangles, rotated boxes and circles are
written as polygons so that every annotation has a mask. Shapes that share a label and
a group_id become ONE instance with several polygons. When a pose config is given, the
points linked to an instance by group_id become its ``keypoints`` in the config's order.

What COCO has no field for is kept in an ``attributes`` object that COCO tools ignore
(difficult, group_id, the AnyLabel shape type, OCR text), so AnyLabel -> COCO -> AnyLabel
gives the same shapes back.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import orjson

from .. import __version__
from ..core.atomic import atomic_write_text
from ..core.errors import LabelFileError
from ..core.folder_index import scan_folder
from ..core.label_file import parse_json_bytes
from ..core.geometry import mask_to_polygons, rotated_box_from_corners
from ..core.size_limits import DeclaredSizeError, checked_size, confirmed_size
from ..core.shape import CIRCLE, MASK, POINT, POLYGON, RECTANGLE, ROTATION, Shape
from .base import (
    ExportContext,
    ExportItem,
    FormatError,
    ImageSize,
    ImportContext,
    ImportFailure,
    ImportItem,
    PlannedItem,
    Skip,
)
from .coco_area import polygon_areas, rectangle_area, union_area
from .convert import NOT_FINITE, classify, flat_polygon, mask_parts, shoelace, skip
from .pose_keypoints import describe_derived, keypoint_names_by_class, merge_keypoint_names
from .yolo import NO_BOX_FOR_KEYPOINT, NOT_A_KEYPOINT_NAME, group_keypoints, keypoints_for

PoseConfig = dict[str, list[str]]
NO_POSE_CONFIG = "points are written only as keypoints, which need a pose config"


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
                segs.append([round(v, 3) for v in flat] if s.shape_type in _COMPUTED_OUTLINES else flat)
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
        if len(members) == 1 and first.shape_type in (RECTANGLE, ROTATION, CIRCLE, MASK):
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


_COMPUTED_OUTLINES = (CIRCLE, MASK)
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


# ----------------------------------------------------------------------------- parse


def _num_list(raw: Any, where: str, what: str) -> list[float]:
    if type(raw) is list:
        # One C-level sum checks the usual list at once: it raises for anything but numbers
        # (bool, int, float) and is finite only when every value is (or, on an overflow,
        # sends a list of finite values the long way, which accepts it).
        try:
            if math.isfinite(sum(raw)):
                return list(map(float, raw))
        except (TypeError, OverflowError):
            pass
    if not isinstance(raw, list):
        raise FormatError(f"{where}: '{what}' must be a list of numbers")
    try:
        values = [float(v) for v in raw]
    except (TypeError, ValueError, OverflowError):  # OverflowError: an integer beyond any float
        raise FormatError(f"{where}: '{what}' must be a list of numbers") from None
    if not all(math.isfinite(v) for v in values):
        raise FormatError(f"{where}: '{what}' contains NaN or infinite values")
    return values


#: Keys of an annotation's ``attributes`` that AnyLabel writes for itself; the others are the
#: shape's own attributes.
OWN_ATTRIBUTES = ("difficult", "group_id", "shape_type", "description")


def parse_annotation(
    ann: dict[str, Any], label: str, keypoint_names: list[str] | None, fresh_group_id: int,
    image_size: ImageSize | None = None,
) -> list[Shape]:
    """Shapes of one annotation: its polygons (or its box), then its visible keypoints.
    ``image_size`` (width, height), when known, is what an RLE's ``size`` must be."""
    where = f"annotation {ann.get('id')}"
    attrs = ann.get("attributes") if isinstance(ann.get("attributes"), dict) else {}
    own_attrs = {k: v for k, v in attrs.items() if k not in OWN_ATTRIBUTES}
    difficult = bool(attrs.get("difficult", False))
    description = attrs.get("description") or ""
    gid = attrs.get("group_id")
    if isinstance(gid, float):  # NaN or infinite is no group (int() of them raises)
        gid = int(gid) if math.isfinite(gid) else None
    elif not isinstance(gid, int) or isinstance(gid, bool):
        gid = None
    bbox = _num_list(ann.get("bbox", []), where, "bbox")
    seg = ann.get("segmentation")
    polys: list[np.ndarray] = []
    flats: list[list[float]] = []  # the polygons' values as read (the RLE's outlines have none)
    if isinstance(seg, list):
        for part in seg:
            v = _num_list(part, where, "segmentation")
            if len(v) >= 6 and len(v) % 2 == 0:
                polys.append(np.array(v).reshape(-1, 2))
                flats.append(v)
            elif v:
                raise FormatError(
                    f"{where}: a segmentation polygon needs an even number of values "
                    f"for at least 3 points, got {len(v)}"
                )
    elif isinstance(seg, dict):  # RLE (crowd regions): outline the mask
        polys = mask_to_polygons(rle_decode(seg, where, image_size), tolerance=0.5)
        flats = [p.ravel().tolist() for p in polys]
    kps = ann.get("keypoints")
    kp_values = _num_list(kps, where, "keypoints") if kps else []
    has_kps = any(kp_values[i + 2] > 0 for i in range(0, len(kp_values) - 2, 3))
    if gid is None and (len(polys) > 1 or has_kps):
        gid = fresh_group_id

    def make(shape_type: str, pts: np.ndarray, **kw: Any) -> Shape:
        return Shape(
            shape_type, pts, label=label, group_id=gid, difficult=difficult, description=description,
            attributes=dict(own_attrs), **kw
        )

    shape_type = attrs.get("shape_type")
    shapes: list[Shape] = []
    if not polys:
        if len(bbox) != 4 or bbox[2] <= 0 or bbox[3] <= 0:
            raise FormatError(f"{where}: no polygon and no usable bbox")
        x, y, w, h = bbox
        shapes.append(make(RECTANGLE, np.array([[x, y], [x + w, y + h]])))
    elif len(polys) == 1 and shape_type == ROTATION and len(polys[0]) == 4:
        shapes.append(make(ROTATION, polys[0], direction=rotated_box_from_corners(polys[0]).angle))
    elif len(polys) == 1 and shape_type == CIRCLE:
        p = polys[0]
        (cx, cy), r = (p.min(axis=0) + p.max(axis=0)) / 2, float((p[:, 0].max() - p[:, 0].min()) / 2)
        shapes.append(make(CIRCLE, np.array([[cx, cy], [cx + r, cy]])))
    elif len(polys) == 1 and shape_type in (None, RECTANGLE) and _is_axis_box(flats[0]):
        p = polys[0]
        shapes.append(make(RECTANGLE, np.array([p.min(axis=0), p.max(axis=0)])))
    else:
        shapes.extend(make(POLYGON, p) for p in polys)
    names = keypoint_names or []
    for j in range(len(kp_values) // 3):
        x, y, vis = kp_values[3 * j : 3 * j + 3]
        if vis <= 0:
            continue
        name = names[j] if j < len(names) else f"kp{j}"
        shapes.append(Shape(POINT, np.array([[x, y]]), label=name, group_id=gid, difficult=vis == 1))
    return shapes


def rle_counts(text: str) -> list[int]:
    """COCO's compressed RLE string -> run lengths (the inverse of pycocotools' encoding:
    5 bits per character, a continuation bit, and runs after the second stored as deltas)."""
    counts: list[int] = []
    p = 0
    while p < len(text):
        x, k, more = 0, 0, True
        while more:
            if p >= len(text):
                raise ValueError("the RLE string ends inside a number")
            c = ord(text[p]) - 48
            x |= (c & 0x1F) << (5 * k)
            more = bool(c & 0x20)
            p += 1
            k += 1
            if not more and c & 0x10:
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def rle_decode(seg: dict[str, Any], where: str = "annotation", image_size: ImageSize | None = None) -> np.ndarray:
    """An (h, w) bool mask from a COCO RLE ``{"size": [h, w], "counts": str | list}``. The
    size is checked (it must be the image's, when known, and within the declared-size
    limit) before the mask is allocated."""
    try:
        h_raw, w_raw = seg["size"]
        w, h = checked_size(w_raw, h_raw, what="RLE size")
    except DeclaredSizeError as exc:
        raise FormatError(f"{where}: {exc}") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"{where}: unreadable RLE segmentation (size: {exc})") from None
    if image_size is not None and (w, h) != tuple(image_size):
        raise FormatError(f"{where}: RLE size {w} x {h} is not the image's size {image_size[0]} x {image_size[1]}")
    try:
        raw = seg["counts"]
        counts = rle_counts(raw) if isinstance(raw, str) else [int(c) for c in raw]
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise FormatError(f"{where}: unreadable RLE segmentation ({exc})") from None
    if any(c < 0 for c in counts) or sum(counts) > h * w:
        raise FormatError(f"{where}: RLE segmentation does not fit its size {h}x{w}")
    flat = np.zeros(h * w, dtype=bool)
    pos = 0
    for i, c in enumerate(counts):
        if i % 2:
            flat[pos : pos + c] = True
        pos += c
    return flat.reshape(w, h).T  # COCO runs go down the columns


def _is_id(v: Any) -> bool:
    """Ids are numbers or text (a list or an object cannot be looked up)."""
    return isinstance(v, (int, float, str))


def _is_text(s: str) -> bool:
    try:
        s.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _is_axis_box(flat: list[float]) -> bool:
    """Four corners ``[x0, y0, x1, y1, ...]`` of an axis-aligned box (how rectangles are
    exported). Plain Python on the values as read: numpy's per-call overhead made this most
    of a 200,000-annotation import."""
    if len(flat) != 8:
        return False
    xs, ys = flat[0::2], flat[1::2]
    xr, yr = {round(v, 6) for v in xs}, {round(v, 6) for v in ys}
    if len(xr) != 2 or len(yr) != 2:
        return False
    acc = xs[-1] * ys[0] - xs[0] * ys[-1]  # convert.shoelace's sum, in its order
    for i in range(3):
        acc += xs[i] * ys[i + 1] - xs[i + 1] * ys[i]
    area = abs(acc) / 2.0
    return area > 0 and math.isclose(area, (max(xr) - min(xr)) * (max(yr) - min(yr)), rel_tol=1e-6)


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


class CocoImporter:
    """Reads one COCO json; each image entry is matched by file name to IMAGES_DIR."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        path = ctx.source
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except FileNotFoundError:
            raise FormatError(f"{path}: file not found") from None
        except OSError as exc:
            raise FormatError(f"{path}: cannot be read ({exc})") from None
        try:  # the label-file parser: orjson, and the standard library for what it refuses
            data = parse_json_bytes(raw, path, refuse_surrogates=False)
        except LabelFileError as exc:
            raise FormatError(str(exc)) from None
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("images"), list)
            or not isinstance(data.get("annotations", []), list)
        ):
            raise FormatError(f"{path}: not a COCO file (needs 'images' and 'annotations' lists)")
        if not isinstance(data.get("categories", []), list):
            raise FormatError(f"{path}: 'categories' must be a list")
        self.data = data
        self.notes: list[str] = []

    def count(self) -> int:
        return len(self.data["images"])

    def items(self) -> Iterator[ImportItem | ImportFailure]:
        build = None  # made once plan() has read the categories
        for planned in self.plan():
            if isinstance(planned, ImportFailure):
                yield planned
                continue
            build = build or self.builder()
            yield build(planned)

    def plan(self) -> Iterator[PlannedItem | ImportFailure]:
        """Each image entry matched to its image, with its annotations (their shapes are
        built by ``build``, which import workers run), and what cannot be imported."""
        src = str(self.ctx.source)
        cats = {}
        for c in self.data.get("categories", []):
            if isinstance(c, dict) and _is_id(c.get("id")):
                cats[c.get("id")] = c
            else:
                yield ImportFailure(src, f"a 'categories' entry without a usable id: {str(c)[:60]}")
        by_image: dict[Any, list[dict[str, Any]]] = {}
        for ann in self.data.get("annotations", []):
            if isinstance(ann, dict) and _is_id(ann.get("image_id")):
                by_image.setdefault(ann.get("image_id"), []).append(ann)
            else:
                what = f"annotation {ann.get('id')!r}" if isinstance(ann, dict) else "an 'annotations' entry"
                yield ImportFailure(src, f"{what} has no usable image_id")
        self._cats = cats
        index = scan_folder(self.ctx.images_dir)
        names = set(index.names)
        by_stem: dict[str, str | None] = {}  # stem -> the one image of that stem (None: several)
        for n in index.names:
            stem = n.rsplit(".", 1)[0] if "." in n else n
            by_stem[stem] = None if stem in by_stem else n
        matched_by_stem: list[tuple[str, str]] = []
        for img in self.data["images"]:
            if not isinstance(img, dict):
                yield ImportFailure(src, "an 'images' entry is not an object")
                continue
            file_name = str(img.get("file_name", ""))
            if not _is_id(img.get("id")):
                yield ImportFailure(src, f"image {file_name!r}: id {img.get('id')!r} is not a number or text")
                continue
            anns = by_image.get(img.get("id"), [])
            if not anns:
                continue
            base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
            if base not in names:
                # X-AnyLabeling writes file names without their extension: take the one image
                # of that stem (the summary says so).
                stem = base.rsplit(".", 1)[0] if "." in base else base
                found = by_stem.get(base) or by_stem.get(stem)
                if found is None:
                    yield ImportFailure(
                        src, f"image {file_name!r} (id {img.get('id')}) not found in {self.ctx.images_dir}"
                    )
                    continue
                matched_by_stem.append((file_name, found))
                base = found
            size = None
            if img.get("width") is not None or img.get("height") is not None:
                try:
                    size = confirmed_size((img.get("width"), img.get("height")), index.folder / base)
                except DeclaredSizeError as exc:
                    yield ImportFailure(src, f"image {file_name!r} (id {img.get('id')}): {exc}")
                    continue
            yield PlannedItem(index.folder / base, (file_name, size, anns))
        if matched_by_stem:
            (given, found), more = matched_by_stem[0], len(matched_by_stem) - 1
            self.notes.append(
                f"{len(matched_by_stem)} image(s) matched by file stem, not by exact name "
                f"({given!r} -> {found!r}{f' and {more} more' if more else ''})"
            )

    def builder(self) -> "CocoBuilder":
        """What builds the shapes of ``plan``'s entries, without the dataset it was read from."""
        return CocoBuilder(str(self.ctx.source), self._cats)


class CocoBuilder:
    """The shapes of one planned image entry: ``parse_annotation`` of each annotation, with
    its category's name and keypoint names (checked once per category)."""

    def __init__(self, src: str, cats: dict[Any, dict[str, Any]]) -> None:
        self.src = src
        self.cats = cats
        self._checked: dict[Any, tuple[str, list[str] | None] | str] = {}

    def category(self, cat_id: Any) -> tuple[str, list[str] | None] | str:
        """(name, keypoint names) of a known category, else the problem with it."""
        got = self._checked.get(cat_id)
        if got is None:
            got = self._checked[cat_id] = self._check(cat_id)
        return got

    def _check(self, cat_id: Any) -> tuple[str, list[str] | None] | str:
        cat = self.cats.get(cat_id)
        if cat is None:
            return ""  # unknown: named with the annotation by the caller
        name = cat.get("name", "")
        if not isinstance(name, str) or not _is_text(name):
            return (f"category {cat.get('id')!r}: its name {name!r} is not valid text "
                    "(a lone UTF-16 surrogate or not a string)")
        kp_names = cat.get("keypoints")
        if kp_names is not None and not (isinstance(kp_names, list) and all(isinstance(n, str) for n in kp_names)):
            return f"category {cat.get('id')!r}: 'keypoints' must be a list of names"
        return name, kp_names

    def __call__(self, planned: PlannedItem) -> ImportItem | ImportFailure:
        file_name, size, anns = planned.payload
        shapes: list[Shape] = []
        try:
            used = [  # a list: a group_id of any JSON type must not need hashing here
                a.get("attributes", {}).get("group_id")
                for a in anns
                if isinstance(a.get("attributes"), dict)
            ]
            fresh = max([g for g in used if isinstance(g, int)] + [0]) + 1
            for ann in anns:
                cat_id = ann.get("category_id")
                got = self.category(cat_id) if _is_id(cat_id) else ""
                if type(got) is str:
                    raise FormatError(got or f"annotation {ann.get('id')}: unknown category_id {cat_id!r}")
                name, kp_names = got
                new = parse_annotation(ann, name, kp_names, fresh, size)
                if any(s.group_id == fresh for s in new):
                    fresh += 1
                shapes.extend(new)
        except FormatError as exc:
            return ImportFailure(self.src, f"image {file_name!r}: {exc}")
        return ImportItem(planned.image_path, shapes, size)
