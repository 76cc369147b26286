"""Reading COCO instances JSON back into label files (``anylabel import --format coco``).

The writing side, and what each field means, is in ``coco.py``. Every value an annotation
names is checked before it is used: number lists by type and size, RLE ``size`` against the
declared limit and the image, category ids against the file's categories; an annotation
that fails is named (image, annotation id, what is wrong) and the rest of the file goes on.
"""

from __future__ import annotations

import math
from typing import Any, Iterator

import numpy as np

from ..core.errors import LabelFileError
from ..core.folder_index import scan_folder
from ..core.geometry import mask_to_polygons, rotated_box_from_corners
from ..core.i18n import tr, tr_noop
from ..core.label_file import parse_json_bytes
from ..core.shape import CIRCLE, POINT, POLYGON, RECTANGLE, ROTATION, Shape
from ..core.size_limits import DeclaredSizeError, checked_size, confirmed_size
from .base import FormatError, ImageSize, ImportContext, ImportFailure, ImportItem, PlannedItem


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
        raise FormatError(tr("{0}: '{1}' must be a list of numbers").format(where, what))
    try:
        values = [float(v) for v in raw]
    except (TypeError, ValueError, OverflowError):  # OverflowError: an integer beyond any float
        raise FormatError(tr("{0}: '{1}' must be a list of numbers").format(where, what)) from None
    if not all(math.isfinite(v) for v in values):
        raise FormatError(tr("{0}: '{1}' contains NaN or infinite values").format(where, what))
    return values


#: Keys of an annotation's ``attributes`` that AnyLabel writes for itself; the others are the
#: shape's own attributes.
OWN_ATTRIBUTES = ("difficult", "group_id", "shape_type", "description")


def parse_annotation(
    ann: dict[str, Any], label: str, keypoint_names: list[str] | None, fresh_group_id: int,
    image_size: ImageSize | None = None,
) -> list[Shape]:
    """Shapes of one annotation: its polygons (or its box), then its visible keypoints.
    ``image_size`` (width, height), when known, is what an RLE's ``size`` must be.

    This runs for every annotation of a dataset (200,000 in a 10,000-image file): the usual
    ones (one polygon or four box corners, no keypoints) take plain Python on the values as
    read, and a numpy array is made once per shape (``_box_of_corners``)."""
    where = f"annotation {ann.get('id')}"
    attrs = ann.get("attributes")
    if not isinstance(attrs, dict):
        attrs = {}
    own_attrs = {k: v for k, v in attrs.items() if k not in OWN_ATTRIBUTES} if attrs else {}
    difficult = bool(attrs.get("difficult", False))
    description = attrs.get("description") or ""
    gid = attrs.get("group_id")
    if isinstance(gid, float):  # NaN or infinite is no group (int() of them raises)
        gid = int(gid) if math.isfinite(gid) else None
    elif not isinstance(gid, int) or isinstance(gid, bool):
        gid = None
    bbox = _num_list(ann.get("bbox", []), where, "bbox")
    seg = ann.get("segmentation")
    flats: list[list[float]] = []  # each polygon's values as read
    outlines: list[np.ndarray] | None = None  # an RLE's polygons, as traced
    if isinstance(seg, list):
        for part in seg:
            v = _num_list(part, where, "segmentation")
            if len(v) >= 6 and len(v) % 2 == 0:
                flats.append(v)
            elif v:
                raise FormatError(
                    tr("{0}: a segmentation polygon needs an even number of values for at least 3 "
                       "points, got {1}").format(where, len(v))
                )
    elif isinstance(seg, dict):  # RLE (crowd regions): outline the mask
        outlines = mask_to_polygons(rle_decode(seg, where, image_size), tolerance=0.5)
        flats = [p.ravel().tolist() for p in outlines]
    kps = ann.get("keypoints")
    kp_values = _num_list(kps, where, "keypoints") if kps else []
    has_kps = bool(kp_values) and any(kp_values[i + 2] > 0 for i in range(0, len(kp_values) - 2, 3))
    if gid is None and (len(flats) > 1 or has_kps):
        gid = fresh_group_id

    def points(i: int) -> np.ndarray:
        return outlines[i] if outlines is not None else np.array(flats[i]).reshape(-1, 2)

    def make(shape_type: str, pts: np.ndarray, direction: float = 0.0) -> Shape:
        return Shape(
            shape_type, pts, label=label, group_id=gid, difficult=difficult, description=description,
            attributes=dict(own_attrs), direction=direction,
        )

    shape_type = attrs.get("shape_type")
    shapes: list[Shape] = []
    if not flats:
        if len(bbox) != 4 or bbox[2] <= 0 or bbox[3] <= 0:
            raise FormatError(tr("{0}: no polygon and no usable bbox").format(where))
        x, y, w, h = bbox
        shapes.append(make(RECTANGLE, np.array([[x, y], [x + w, y + h]])))
    elif len(flats) == 1 and shape_type == ROTATION and len(flats[0]) == 8:
        p = points(0)
        shapes.append(make(ROTATION, p, direction=rotated_box_from_corners(p).angle))
    elif len(flats) == 1 and shape_type == CIRCLE:
        p = points(0)
        (cx, cy), r = (p.min(axis=0) + p.max(axis=0)) / 2, float((p[:, 0].max() - p[:, 0].min()) / 2)
        shapes.append(make(CIRCLE, np.array([[cx, cy], [cx + r, cy]])))
    elif len(flats) == 1 and shape_type in (None, RECTANGLE) and _is_axis_box(flats[0]):
        shapes.append(make(RECTANGLE, _box_of_corners(flats[0])))
    else:
        shapes.extend(make(POLYGON, points(i)) for i in range(len(flats)))
    if not kp_values:
        return shapes
    names = keypoint_names or []
    for j in range(len(kp_values) // 3):
        x, y, vis = kp_values[3 * j : 3 * j + 3]
        if vis <= 0:
            continue
        name = names[j] if j < len(names) else f"kp{j}"
        shapes.append(Shape(POINT, np.array([[x, y]]), label=name, group_id=gid, difficult=vis == 1))
    return shapes


def _box_of_corners(flat: list[float]) -> np.ndarray:
    """The (top-left, bottom-right) points of four box corners ``[x0, y0, ..., x3, y3]``:
    their least and greatest x and y, as the corners' array's ``min``/``max`` give them."""
    xs, ys = flat[0::2], flat[1::2]
    box = [[min(xs), min(ys)], [max(xs), max(ys)]]
    if 0.0 in box[0] or 0.0 in box[1]:
        # 0.0 and -0.0 are equal, so which of them is the least is up to the comparison:
        # numpy's, as label files were always written with (the bytes differ: "-0.0").
        p = np.array(flat).reshape(-1, 2)
        return np.array([p.min(axis=0), p.max(axis=0)])
    return np.array(box)


def rle_counts(text: str) -> list[int]:
    """COCO's compressed RLE string -> run lengths (the inverse of pycocotools' encoding:
    5 bits per character, a continuation bit, and runs after the second stored as deltas)."""
    counts: list[int] = []
    p = 0
    while p < len(text):
        x, k, more = 0, 0, True
        while more:
            if p >= len(text):
                raise ValueError(tr("the RLE string ends inside a number"))
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
        w, h = checked_size(w_raw, h_raw, what=tr_noop("RLE size"))
    except DeclaredSizeError as exc:
        raise FormatError(f"{where}: {exc}") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(tr("{0}: unreadable RLE segmentation (size: {1})").format(where, exc)) from None
    if image_size is not None and (w, h) != tuple(image_size):
        raise FormatError(tr("{0}: RLE size {1} x {2} is not the image's size {3} x {4}").format(
            where, w, h, image_size[0], image_size[1]))
    try:
        raw = seg["counts"]
        counts = rle_counts(raw) if isinstance(raw, str) else [int(c) for c in raw]
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise FormatError(tr("{0}: unreadable RLE segmentation ({1})").format(where, exc)) from None
    if any(c < 0 for c in counts) or sum(counts) > h * w:
        raise FormatError(tr("{0}: RLE segmentation does not fit its size {1}x{2}").format(where, h, w))
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
    # Distinct values first: a box's 4 corners have 2 of each, so 4 roundings, not 8.
    xr, yr = {round(v, 6) for v in set(xs)}, {round(v, 6) for v in set(ys)}
    if len(xr) != 2 or len(yr) != 2:
        return False
    x0, x1, x2, x3 = xs
    y0, y1, y2, y3 = ys
    acc = x3 * y0 - x0 * y3  # convert.shoelace's sum, in its order
    acc += x0 * y1 - x1 * y0
    acc += x1 * y2 - x2 * y1
    acc += x2 * y3 - x3 * y2
    area = abs(acc) / 2.0
    return area > 0 and math.isclose(area, (max(xr) - min(xr)) * (max(yr) - min(yr)), rel_tol=1e-6)


class CocoImporter:
    """Reads one COCO json; each image entry is matched by file name to IMAGES_DIR."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        path = ctx.source
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except FileNotFoundError:
            raise FormatError(tr("{0}: file not found").format(path)) from None
        except OSError as exc:
            raise FormatError(tr("{0}: cannot be read ({1})").format(path, exc)) from None
        try:  # the label-file parser: orjson, and the standard library for what it refuses
            data = parse_json_bytes(raw, path, refuse_surrogates=False)
        except LabelFileError as exc:
            raise FormatError(str(exc)) from None
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("images"), list)
            or not isinstance(data.get("annotations", []), list)
        ):
            raise FormatError(tr("{0}: not a COCO file (needs 'images' and 'annotations' lists)").format(
                path))
        if not isinstance(data.get("categories", []), list):
            raise FormatError(tr("{0}: 'categories' must be a list").format(path))
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
                yield ImportFailure(src, tr("a 'categories' entry without a usable id: {0}").format(
                    str(c)[:60]))
        by_image: dict[Any, list[dict[str, Any]]] = {}
        for ann in self.data.get("annotations", []):
            if isinstance(ann, dict) and _is_id(ann.get("image_id")):
                by_image.setdefault(ann.get("image_id"), []).append(ann)
            else:
                what = f"annotation {ann.get('id')!r}" if isinstance(ann, dict) else "an 'annotations' entry"
                yield ImportFailure(src, tr("{0} has no usable image_id").format(what))
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
                yield ImportFailure(src, tr("an 'images' entry is not an object"))
                continue
            file_name = str(img.get("file_name", ""))
            if not _is_id(img.get("id")):
                yield ImportFailure(src, tr("image {0!r}: id {1!r} is not a number or text").format(
                    file_name, img.get('id')))
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
                        src, tr("image {0!r} (id {1}) not found in {2}").format(
                            file_name, img.get('id'), self.ctx.images_dir)
                    )
                    continue
                matched_by_stem.append((file_name, found))
                base = found
            size = None
            if img.get("width") is not None or img.get("height") is not None:
                try:
                    size = confirmed_size((img.get("width"), img.get("height")), index.folder / base)
                except DeclaredSizeError as exc:
                    yield ImportFailure(src, tr("image {0!r} (id {1}): {2}").format(
                        file_name, img.get('id'), exc))
                    continue
            yield PlannedItem(index.folder / base, (file_name, size, anns))
        if matched_by_stem:
            (given, found), more = matched_by_stem[0], len(matched_by_stem) - 1
            if more:
                note = tr("{0} image(s) matched by file stem, not by exact name ({1!r} -> {2!r} and {3} "
                          "more)")
            else:
                note = tr("{0} image(s) matched by file stem, not by exact name ({1!r} -> {2!r})")
            self.notes.append(note.format(len(matched_by_stem), given, found, more))

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
                if new[0].group_id == fresh:  # the shapes of an annotation share its group
                    fresh += 1
                shapes.extend(new)
        except FormatError as exc:
            return ImportFailure(self.src, tr("image {0!r}: {1}").format(file_name, exc))
        return ImportItem(planned.image_path, shapes, size)
