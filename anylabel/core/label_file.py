"""The per-image label file: LabelMe-family JSON, read from and written for
LabelMe, AnyLabeling and X-AnyLabeling alike.

Reading is strict about what it cannot interpret (the error names the file, the
shape and the problem) and generous about what it does not know (unknown keys
are kept and written back). Writing is atomic.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from .. import __version__
from .atomic import atomic_write_text
from .errors import LabelFileError
from .geometry import rotated_box_from_corners
from .shape import CIRCLE, LINE, POINT, RECTANGLE, ROTATION, Shape

LABEL_SUFFIX = ".json"
ORIENTED_RECTANGLE = "oriented_rectangle"  # LabelMe 7's rotated box: 4 points, no angle

# Keys this model understands; everything else on a shape goes to Shape.extra.
_SHAPE_KEYS = {"label", "points", "shape_type", "group_id", "description", "difficult", "flags",
               "attributes", "score", "kie_linking", "direction"}
# Top-level keys this model understands; everything else goes to ImageAnnotation.extra.
_TOP_KEYS = {"version", "flags", "checked", "shapes", "imagePath", "imageData", "imageHeight", "imageWidth"}


@dataclass(eq=False)
class ImageAnnotation:
    """Everything a label file says about one image."""

    shapes: list[Shape] = field(default_factory=list)
    image_path: str = ""
    image_width: int | None = None
    image_height: int | None = None
    flags: dict[str, bool] = field(default_factory=dict)
    version: str = __version__
    checked: bool | None = None
    image_data: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def label_path_for(image_path: str | os.PathLike[str]) -> Path:
    """Where the label file of an image lives: same folder, same stem, ``.json``."""
    p = Path(image_path)
    return p.with_suffix(LABEL_SUFFIX)


# ----------------------------------------------------------------------------- reading

def _points(raw: Any, where: str) -> np.ndarray:
    if not isinstance(raw, list):
        raise ValueError(f"{where}: 'points' must be a list of [x, y] pairs")
    try:
        # Fast path: one C-level conversion for the usual [[x, y], ...] list.
        pts = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        pts = None
    if pts is None or pts.ndim != 2 or pts.shape[1] != 2:
        if not raw:
            return np.zeros((0, 2), dtype=np.float64)
        try:  # ragged or extra coordinates: take x and y of each point
            pts = np.array([[float(p[0]), float(p[1])] for p in raw], dtype=np.float64).reshape(-1, 2)
        except (TypeError, ValueError, IndexError, KeyError):
            raise ValueError(f"{where}: 'points' must be a list of [x, y] numbers") from None
    if not np.isfinite(pts).all():
        raise ValueError(f"{where}: points contain NaN or infinite coordinates")
    return pts


def _group_id(raw: Any, where: str) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValueError(f"{where}: 'group_id' must be an integer or null")
    if isinstance(raw, int):  # exact: a float would merge ids beyond 2**53
        return raw
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: 'group_id' must be an integer or null, got {raw!r}") from None
    if not value.is_integer():
        raise ValueError(f"{where}: 'group_id' must be an integer or null, got {raw!r}")
    return int(value)


def shape_from_dict(d: dict[str, Any], where: str = "shape") -> Shape:
    """Build a Shape from one entry of a label file's ``shapes`` list."""
    if not isinstance(d, dict):
        raise ValueError(f"{where}: must be a JSON object")
    shape_type = d.get("shape_type") or "polygon"  # LabelMe writes null for polygons in old files
    if not isinstance(shape_type, str):
        raise ValueError(f"{where}: 'shape_type' must be a string")
    pts = _points(d.get("points", []), where)
    label = d.get("label", "")
    label = "" if label is None else str(label)
    extra = {k: v for k, v in d.items() if k not in _SHAPE_KEYS}

    description = d.get("description")
    if "description" not in d and isinstance(d.get("text"), str):
        description = d["text"]  # AnyLabeling keeps OCR text in 'text'; it stays in extra too
    saved_as = None
    direction = d.get("direction", 0.0)

    if shape_type == RECTANGLE:
        if len(pts) == 4:  # X-AnyLabeling: 4 axis-aligned corners
            pts = np.array([pts.min(axis=0), pts.max(axis=0)])
        elif len(pts) != 2:
            raise ValueError(f"{where}: a rectangle needs 2 or 4 points, got {len(pts)}")
    elif shape_type in (ROTATION, ORIENTED_RECTANGLE):
        if len(pts) != 4:
            raise ValueError(f"{where}: a {shape_type} needs 4 points, got {len(pts)}")
        if shape_type == ORIENTED_RECTANGLE or "direction" not in d:
            direction = rotated_box_from_corners(pts).angle
        if shape_type == ORIENTED_RECTANGLE:
            saved_as, shape_type = ORIENTED_RECTANGLE, ROTATION
    elif shape_type in (CIRCLE, LINE) and len(pts) != 2:
        raise ValueError(f"{where}: a {shape_type} needs 2 points, got {len(pts)}")
    elif shape_type == POINT and len(pts) != 1:
        raise ValueError(f"{where}: a point needs 1 point, got {len(pts)}")

    try:
        direction = float(direction)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: 'direction' must be a number") from None
    if not math.isfinite(direction):
        raise ValueError(f"{where}: 'direction' is not a finite number")
    score = d.get("score")
    if score is not None:
        try:
            score = float(score)
        except (TypeError, ValueError):
            raise ValueError(f"{where}: 'score' must be a number or null") from None
    flags = d.get("flags") or {}
    attributes = d.get("attributes") or {}
    if not isinstance(flags, dict) or not isinstance(attributes, dict):
        raise ValueError(f"{where}: 'flags' and 'attributes' must be JSON objects")
    return Shape(
        shape_type=shape_type,
        points=pts,
        label=label,
        group_id=_group_id(d.get("group_id"), where),
        description=description,
        difficult=bool(d.get("difficult", False)),
        flags=dict(flags),
        attributes=dict(attributes),
        score=score,
        kie_linking=list(d.get("kie_linking") or []),
        direction=direction,
        extra=extra,
        saved_as=saved_as,
    )


class _Where:
    """Names a shape in error messages ("shape 3 ('cat')"); formatted only when an error
    is raised, not for each of the hundreds of thousands of shapes an export reads."""

    __slots__ = ("index", "raw")

    def __init__(self, index: int, raw: Any) -> None:
        self.index, self.raw = index, raw

    def __format__(self, spec: str) -> str:
        label = self.raw.get("label") if isinstance(self.raw, dict) else None
        return f"shape {self.index}" + (f" ({label!r})" if label else "")

    __str__ = __repr__ = lambda self: format(self)  # noqa: E731


def annotation_from_dict(data: Any, source: str = "<memory>") -> ImageAnnotation:
    """Interpret a parsed label-file object; raises LabelFileError naming ``source``."""
    if not isinstance(data, dict):
        raise LabelFileError(source, "the top level is not a JSON object")
    raw_shapes = data.get("shapes", [])
    if raw_shapes is None:
        raw_shapes = []
    if not isinstance(raw_shapes, list):
        raise LabelFileError(source, "'shapes' is not a list")
    shapes = []
    for i, d in enumerate(raw_shapes):
        try:
            shapes.append(shape_from_dict(d, where=_Where(i, d)))
        except ValueError as exc:
            raise LabelFileError(source, str(exc)) from None

    def _int_or_none(key: str) -> int | None:
        v = data.get(key)
        if v is None:
            return None
        try:
            return int(v)
        except (TypeError, ValueError, OverflowError):  # OverflowError: 1e400 reads as inf
            raise LabelFileError(source, f"'{key}' must be an integer") from None

    flags = data.get("flags") or {}
    if not isinstance(flags, dict):
        raise LabelFileError(source, "'flags' is not a JSON object")
    checked = data.get("checked")
    return ImageAnnotation(
        shapes=shapes,
        image_path=str(data.get("imagePath") or ""),
        image_width=_int_or_none("imageWidth"),
        image_height=_int_or_none("imageHeight"),
        flags=dict(flags),
        version=str(data.get("version") or __version__),
        checked=None if checked is None else bool(checked),
        image_data=data.get("imageData"),
        extra={k: v for k, v in data.items() if k not in _TOP_KEYS},
    )


def read_label_file(path: str | os.PathLike[str]) -> ImageAnnotation:
    """Read a label file. Never modifies it; raises LabelFileError naming it on any problem."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise LabelFileError(path, "file not found") from None
    except OSError as exc:
        raise LabelFileError(path, f"cannot be read ({exc.strerror})") from None
    return annotation_from_dict(parse_json_bytes(raw, path), os.fspath(path))


_BOM = b"\xef\xbb\xbf"
# Digits -> "0", "." kept, anything else -> " ": an integer of 19 or more digits becomes
# " 000..." while the long fractions of small floats (0.0028339283970946205) stay ".000...".
_DIGITS_AS_ZERO = bytes(0x30 if 0x30 <= b <= 0x39 else b if b == 0x2E else 0x20 for b in range(256))
_LONG_INTEGER = b"0" * 19


def parse_json_bytes(raw: bytes, path: str | os.PathLike[str]) -> Any:
    """The JSON value of a file's bytes (UTF-8, a BOM allowed); LabelFileError naming ``path``.

    orjson parses strict JSON several times faster than the standard library, which is most
    of the time a 10,000-file export spends reading. What it refuses (NaN or Infinity
    literals, lone surrogates, bad UTF-8, broken JSON) goes to the standard parser, which
    either reads it as before or gives the usual message with line and column."""
    body = raw[len(_BOM):] if raw.startswith(_BOM) else raw
    if not body.strip():
        raise LabelFileError(path, "the file is empty")
    # orjson reads integers beyond 64 bits as floats, silently: a file with an integer of 19
    # or more digits (or a nanosecond timestamp) goes to the standard parser.
    shape = body.translate(_DIGITS_AS_ZERO)
    if b" " + _LONG_INTEGER not in shape and not shape.startswith(_LONG_INTEGER):
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start + len(raw) - len(body)
        raise LabelFileError(path, f"not UTF-8 text ({exc.reason} at byte {start})") from None
    if not text.strip():  # Unicode spaces only (no-break space, ideographic space)
        raise LabelFileError(path, "the file is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LabelFileError(path, f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None


# ----------------------------------------------------------------------------- writing

def _xy(points: np.ndarray) -> list[list[float]]:
    return [[float(x), float(y)] for x, y in points]


def shape_to_dict(shape: Shape) -> dict[str, Any]:
    """One shape in X-AnyLabeling's key order; rectangles as 2 points (all three tools read them)."""
    shape_type = shape.shape_type
    if shape.saved_as == ORIENTED_RECTANGLE and shape_type == ROTATION:
        shape_type = ORIENTED_RECTANGLE
    d: dict[str, Any] = {
        "label": shape.label,
        "score": shape.score,
        "points": _xy(shape.points),
        "group_id": shape.group_id,
        "description": shape.description,
        "difficult": bool(shape.difficult),
        "shape_type": shape_type,
        "flags": dict(shape.flags),
        "attributes": dict(shape.attributes),
        "kie_linking": list(shape.kie_linking),
    }
    if shape_type == ROTATION:
        d["direction"] = float(shape.direction)
    for k, v in shape.extra.items():
        d.setdefault(k, v)
    if "text" in shape.extra and isinstance(shape.extra["text"], str) and shape.description is not None:
        d["text"] = shape.description  # keep AnyLabeling's OCR key in step with the edited text
    return d


def annotation_to_dict(ann: ImageAnnotation) -> dict[str, Any]:
    d: dict[str, Any] = {
        "version": ann.version or __version__,
        "flags": dict(ann.flags),
        "checked": bool(ann.checked) if ann.checked is not None else False,
        "shapes": [shape_to_dict(s) for s in ann.shapes],
        "imagePath": ann.image_path,
        "imageData": ann.image_data,
        "imageHeight": ann.image_height,
        "imageWidth": ann.image_width,
    }
    for k, v in ann.extra.items():
        d.setdefault(k, v)
    return d


def dumps(ann: ImageAnnotation) -> str:
    return dumps_indented(annotation_to_dict(ann)) + "\n"


def dumps_indented(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)``, about 40 times faster.

    The standard encoder runs in pure Python when it indents (0.6 ms for a file of 20
    shapes, most of a bulk import's CPU time); orjson writes the same bytes, except that it
    spells floats below 1e-4 or from 1e16 without an exponent sign or leading zero
    (``1e-7``, ``0.00001`` for ``1e-07``, ``1e-05``): the same values. What it cannot write
    the same way (NaN and infinities, which must raise; numpy scalars; integers beyond 64
    bits; non-string keys) goes to the standard encoder, which does what it always did."""
    if _all_finite(value):
        try:
            return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
        except orjson.JSONEncodeError:
            pass
    return json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)


def _all_finite(value: Any) -> bool:
    kind = type(value)
    if kind is float:
        return math.isfinite(value)
    if kind is dict:
        return all(map(_all_finite, value.values()))
    if kind is list or kind is tuple:
        return all(map(_all_finite, value))
    return True  # other types: orjson refuses what it cannot write, and the fallback decides


def write_label_file(path: str | os.PathLike[str], ann: ImageAnnotation) -> None:
    """Write atomically; shapes that cannot be represented raise LabelFileError and the old file stays."""
    for i, s in enumerate(ann.shapes):
        if not np.all(np.isfinite(s.points)):
            raise LabelFileError(path, f"shape {i} ({s.label!r}) has NaN or infinite coordinates; not saved")
    ann.version = __version__
    try:
        atomic_write_text(path, dumps(ann))
    except OSError as exc:
        raise LabelFileError(path, f"cannot be written ({exc.strerror})") from None
    except UnicodeEncodeError:
        # A file name that is not valid UTF-8 (possible on Linux) cannot go into JSON text.
        raise LabelFileError(os.fsdecode(path).encode("utf-8", "backslashreplace").decode("utf-8"),
                             "the image file name is not valid UTF-8; rename the image to save its labels") from None


def relative_image_path(label_path: str | os.PathLike[str], image_path: str | os.PathLike[str]) -> str:
    """``imagePath`` as stored: relative to the label file's folder, with forward slashes."""
    rel = os.path.relpath(os.path.abspath(image_path), os.path.dirname(os.path.abspath(label_path)))
    return rel.replace(os.sep, "/")


def new_annotation_for(image_path: str | os.PathLike[str], shapes: list[Shape] | None = None,
                       size: tuple[int, int] | None = None) -> ImageAnnotation:
    """A fresh annotation for an image; reads the size from the header when not given."""
    from .image_io import image_size

    w, h = size if size is not None else image_size(image_path)
    return ImageAnnotation(
        shapes=list(shapes or []),
        image_path=relative_image_path(label_path_for(image_path), image_path),
        image_width=int(w),
        image_height=int(h),
    )
