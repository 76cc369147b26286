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
from typing import Any, Callable

import numpy as np
import orjson

from .. import __version__
from .atomic import atomic_write_bytes
from .errors import LabelFileError
from . import shape_kinds
from .i18n import tr
from .label_values import (
    MAX_IMAGE_SIDE,
    MAX_NESTING,
    read_bool,
    read_image_side,
    read_label,
    read_linking,
    read_object,
    read_score,
    read_text,
    show,
    too_deep,
)
from .shape import ROTATION, Shape

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
        raise ValueError(tr("{0}: 'points' must be a list of [x, y] pairs").format(where))
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
            raise ValueError(tr("{0}: 'points' must be a list of [x, y] numbers").format(where)) from None
    if not np.isfinite(pts).all():
        raise ValueError(tr("{0}: points contain NaN or infinite coordinates").format(where))
    return pts


def _group_id(raw: Any, where: str) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValueError(tr("{0}: 'group_id' must be an integer or null").format(where))
    if isinstance(raw, int):  # exact: a float would merge ids beyond 2**53
        return raw
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ValueError(tr("{0}: 'group_id' must be an integer or null, got {1!r}").format(
            where, raw)) from None
    if not value.is_integer():
        raise ValueError(tr("{0}: 'group_id' must be an integer or null, got {1!r}").format(where, raw))
    return int(value)


def shape_from_dict(d: dict[str, Any], where: str = "shape") -> Shape:
    """Build a Shape from one entry of a label file's ``shapes`` list.

    Every value is checked for its type (``label_values``): the usual types take an
    inline test, anything else goes to the reader that accepts it or says what is wrong."""
    if not isinstance(d, dict):
        raise ValueError(tr("{0}: must be a JSON object").format(where))
    shape_type = d.get("shape_type") or "polygon"  # LabelMe writes null for polygons in old files
    if not isinstance(shape_type, str):
        raise ValueError(tr("{0}: 'shape_type' must be a string").format(where))
    pts = _points(d.get("points", []), where)
    label = d.get("label", "")
    if type(label) is not str:
        label = read_label(label, where)
    extra = {k: v for k, v in d.items() if k not in _SHAPE_KEYS}
    if extra and too_deep(extra):
        raise ValueError(tr("{0}: its values nest more than {1} levels deep").format(where, MAX_NESTING))

    description = d.get("description")
    if description is not None and type(description) is not str:
        description = read_text(description, "description", where)
    if "description" not in d and isinstance(d.get("text"), str):
        description = d["text"]  # AnyLabeling keeps OCR text in 'text'; it stays in extra too
    saved_as = None
    direction = d.get("direction", 0.0)

    # The kind's record says how its points are checked and normalised, and whether it
    # carries a direction (recomputed when the file has none, or has LabelMe's alias).
    name_in_file = shape_type
    if shape_type == ORIENTED_RECTANGLE:
        saved_as, shape_type = ORIENTED_RECTANGLE, ROTATION
    kind = shape_kinds.get(shape_type)
    if kind is not None:
        if kind.read_points is not None:
            pts = kind.read_points(pts, where, name_in_file)
        elif kind.points is not None:
            pts = shape_kinds.count_checker(kind.points)(pts, where, name_in_file)
        if kind.direction_of is not None and (saved_as is not None or "direction" not in d):
            direction = kind.direction_of(pts)

    if type(direction) is not float:
        if isinstance(direction, bool) or direction is None:  # float(True) is not an angle
            raise ValueError(tr("{0}: 'direction' must be a number, got {1}").format(where, show(direction)))
        try:
            direction = float(direction)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(tr("{0}: 'direction' must be a number").format(where)) from None
    if not math.isfinite(direction):
        raise ValueError(tr("{0}: 'direction' is not a finite number").format(where))
    score = d.get("score")
    if score is not None and type(score) is not float:
        score = read_score(score, where)
    elif score is not None and not math.isfinite(score):
        raise ValueError(tr("{0}: 'score' must be a finite number, got {1}").format(where, score))
    difficult = d.get("difficult", False)
    if difficult is not False and difficult is not True:
        difficult = read_bool(difficult, "difficult", where)
    flags = d.get("flags") or {}
    attributes = d.get("attributes") or {}
    if type(flags) is not dict:
        flags = read_object(flags, "flags", where)
    if type(attributes) is not dict:
        attributes = read_object(attributes, "attributes", where)
    if attributes and too_deep(attributes):
        raise ValueError(tr("{0}: 'attributes' nest more than {1} levels deep").format(where, MAX_NESTING))
    linking = d.get("kie_linking")
    return Shape(
        shape_type=shape_type,
        points=pts,
        label=label,
        group_id=_group_id(d.get("group_id"), where),
        description=description,
        difficult=difficult,
        flags=dict(flags),
        attributes=dict(attributes),
        score=score,
        kie_linking=[] if linking is None or linking == [] else read_linking(linking, where),
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
        return tr("shape {0} ({1!r})").format(self.index, label) if label else tr("shape {0}").format(
            self.index)

    __str__ = __repr__ = lambda self: format(self)  # noqa: E731


def annotation_from_dict(data: Any, source: str = "<memory>") -> ImageAnnotation:
    """Interpret a parsed label-file object; raises LabelFileError naming ``source``."""
    if not isinstance(data, dict):
        raise LabelFileError(source, tr("the top level is not a JSON object"))
    raw_shapes = data.get("shapes", [])
    if raw_shapes is None:
        raw_shapes = []
    if not isinstance(raw_shapes, list):
        raise LabelFileError(source, tr("'shapes' is not a list"))
    shapes = []
    for i, d in enumerate(raw_shapes):
        try:
            shapes.append(shape_from_dict(d, where=_Where(i, d)))
        except ValueError as exc:
            raise LabelFileError(source, str(exc)) from None

    def _side(key: str) -> int | None:
        v = data.get(key)
        if v is None or type(v) is int and 0 <= v <= MAX_IMAGE_SIDE:
            return v
        try:
            return read_image_side(v, key)
        except ValueError as exc:
            raise LabelFileError(source, str(exc)) from None

    def _text(key: str, none: str | None) -> str | None:
        v = data.get(key)
        if v is None or type(v) is str:
            return none if v is None else v
        if key == "version" and type(v) in (int, float):
            return str(v)  # a hand-made file's "version": 5
        raise LabelFileError(source, tr("'{0}' must be a string, got {1}").format(key, show(v)))

    flags = data.get("flags") or {}
    if type(flags) is not dict:
        raise LabelFileError(source, tr("'flags' must be a JSON object, got {0}").format(show(flags)))
    checked = data.get("checked")
    try:
        checked = None if checked is None else read_bool(checked, "checked", tr("the file"))
    except ValueError as exc:
        raise LabelFileError(source, str(exc)) from None
    extra = {k: v for k, v in data.items() if k not in _TOP_KEYS}
    if (extra and too_deep(extra)) or (flags and too_deep(flags)):
        raise LabelFileError(source, tr("its values nest more than {0} levels deep").format(MAX_NESTING))
    return ImageAnnotation(
        shapes=shapes,
        image_path=_text("imagePath", "") or "",
        image_width=_side("imageWidth"),
        image_height=_side("imageHeight"),
        flags=dict(flags),
        version=_text("version", None) or __version__,
        checked=checked,
        image_data=_text("imageData", None),
        extra=extra,
    )


def read_label_file(path: str | os.PathLike[str]) -> ImageAnnotation:
    """Read a label file. Never modifies it; raises LabelFileError naming it on any problem."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise LabelFileError(path, tr("file not found")) from None
    except OSError as exc:
        raise LabelFileError(path, tr("cannot be read ({0})").format(exc.strerror)) from None
    return annotation_from_dict(parse_json_bytes(raw, path), os.fspath(path))


_BOM = b"\xef\xbb\xbf"
# Digits -> "0", "." kept, anything else -> " ": an integer of 19 or more digits becomes
# " 000..." while the long fractions of small floats (0.0028339283970946205) stay ".000...".
_DIGITS_AS_ZERO = bytes(0x30 if 0x30 <= b <= 0x39 else b if b == 0x2E else 0x20 for b in range(256))
_LONG_INTEGER = b"0" * 19


def parse_json_bytes(raw: bytes, path: str | os.PathLike[str], refuse_surrogates: bool = True) -> Any:
    """The JSON value of a file's bytes (UTF-8, a BOM allowed); LabelFileError naming ``path``.

    ``refuse_surrogates=False`` leaves lone surrogates to the caller: a dataset file (COCO)
    names the entry that holds one and goes on with the rest.

    orjson parses strict JSON several times faster than the standard library, which is most
    of the time a 10,000-file export spends reading. What it refuses (NaN or Infinity
    literals, lone surrogates, bad UTF-8, broken JSON) goes to the standard parser, which
    either reads it as before or gives the usual message with line and column."""
    body = raw[len(_BOM):] if raw.startswith(_BOM) else raw
    if not body.strip():
        raise LabelFileError(path, tr("the file is empty"))
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
        raise LabelFileError(path, tr("not UTF-8 text ({0} at byte {1})").format(exc.reason, start)) from None
    if not text.strip():  # Unicode spaces only (no-break space, ideographic space)
        raise LabelFileError(path, tr("the file is empty"))
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LabelFileError(path, tr("not valid JSON ({0} at line {1}, column {2})").format(
            exc.msg, exc.lineno, exc.colno)) from None
    except RecursionError:  # orjson stops at 1024 levels, the standard parser at the stack's end
        raise LabelFileError(path, tr("not a label file: lists or objects nest more than {0} levels "
                                      "deep").format(
            MAX_NESTING)) from None
    except ValueError as exc:  # Python refuses integers of more than 4300 digits (sys.get_int_max_str_digits)
        raise LabelFileError(path, tr("not valid JSON (a number too long to read: {0})").format(
            str(exc)[:80])) from None
    if refuse_surrogates and "\\u" in text:  # only an escape can spell a lone surrogate in UTF-8 text
        _refuse_lone_surrogates(value, path)
    return value


def _refuse_lone_surrogates(value: Any, path: str | os.PathLike[str]) -> None:
    """A ``\\ud800`` escape without its pair is valid JSON but no Unicode text: it could be
    neither written to a dataset nor saved again, so the file is refused when read."""
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=True).encode("utf-8")
    except UnicodeEncodeError as exc:
        char = exc.object[exc.start : exc.start + 1]
        raise LabelFileError(
            path, tr("a text holds {0}, half of a UTF-16 surrogate pair (not a character); replace "
                     "it").format(
                char.encode('unicode_escape').decode())
        ) from None
    except (RecursionError, ValueError):
        pass  # nesting is checked where the values are interpreted


# ----------------------------------------------------------------------------- writing

def _xy(points: np.ndarray) -> list[list[float]]:
    return [[float(x), float(y)] for x, y in points]


def _has_direction(shape_type: str) -> bool:
    """The kind writes a ``direction`` key (a rotation; not LabelMe's oriented rectangle)."""
    kind = shape_kinds.get(shape_type)
    return kind is not None and kind.direction_of is not None


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
    if _has_direction(shape_type):
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
    """The label file's text."""
    fast = _dumps_with_array_points(ann)
    if fast is not None:
        return fast.decode("utf-8")
    return dumps_indented(annotation_to_dict(ann)) + "\n"


def encode(ann: ImageAnnotation, points_finite: bool = False) -> bytes:
    """The label file's bytes: ``dumps(ann)`` in UTF-8, without making the text first (for
    the usual file orjson writes the bytes, and decoding them to be encoded again was a
    fifth of a bulk import's encoding time). Raises UnicodeEncodeError for a lone
    surrogate, as encoding the text does. ``points_finite``: the caller has checked that
    every point is finite."""
    fast = _dumps_with_array_points(ann, points_finite)
    if fast is not None:
        return fast
    return (dumps_indented(annotation_to_dict(ann)) + "\n").encode("utf-8")


def _dumps_with_array_points(ann: ImageAnnotation, points_finite: bool = False) -> bytes | None:
    """``dumps(ann)`` for the usual file, in UTF-8, the same bytes at a quarter of the cost.

    The general path converts every point to a Python float in a Python loop and then
    walks the whole document for NaN (most of a bulk import's encoding time). Here a float64
    array's ``tolist()`` (the same floats, in C) gives the points, and they are checked for
    NaN and infinities in one sum per file (non-finite exactly when a value is, or on an
    overflow); the other values are checked as ``dumps_indented`` checks them. None when a
    shape needs the general path (an ``extra`` key, LabelMe's oriented rectangle, points
    not float64), a value may not be finite, or orjson refuses the document: the caller
    then encodes as before, errors included (``tests/unit/core/test_label_file_encoding.py``)."""
    shapes: list[dict[str, Any]] = []
    arrays = []
    for s in ann.shapes:
        pts = s.points
        if s.extra or s.saved_as or type(pts) is not np.ndarray or pts.dtype != np.float64 or pts.ndim != 2:
            return None
        score = s.score
        if score is not None and not (type(score) is float and math.isfinite(score)):
            return None
        if (s.flags or s.attributes or s.kie_linking) and not _all_finite([s.flags, s.attributes, s.kie_linking]):
            return None
        arrays.append(pts.reshape(-1))
        d: dict[str, Any] = {
            "label": s.label,
            "score": score,
            "points": pts.tolist(),
            "group_id": s.group_id,
            "description": s.description,
            "difficult": bool(s.difficult),
            "shape_type": s.shape_type,
            "flags": dict(s.flags),
            "attributes": dict(s.attributes),
            "kie_linking": list(s.kie_linking),
        }
        if _has_direction(s.shape_type):
            direction = float(s.direction)
            if not math.isfinite(direction):
                return None
            d["direction"] = direction
        shapes.append(d)
    if arrays and not points_finite and not math.isfinite(sum(np.concatenate(arrays).tolist())):  # Python floats: no overflow warning
        return None
    if ann.extra or (ann.flags and not _all_finite(ann.flags)):
        return None
    d = {
        "version": ann.version or __version__,
        "flags": dict(ann.flags),
        "checked": bool(ann.checked) if ann.checked is not None else False,
        "shapes": shapes,
        "imagePath": ann.image_path,
        "imageData": ann.image_data,
        "imageHeight": ann.image_height,
        "imageWidth": ann.image_width,
    }
    try:
        return orjson.dumps(d, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:  # e.g. an integer beyond 64 bits, a non-string key, a lone surrogate
        return None


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


def write_label_file(path: str | os.PathLike[str], ann: ImageAnnotation,
                     save: Callable[[Any, bytes], None] = atomic_write_bytes) -> None:
    """Write atomically; shapes that cannot be represented raise LabelFileError and the old file stays.
    ``save(path, data)``: the atomic write of the file's bytes (a bulk import passes ``AtomicBatch``'s)."""
    # One sum for all the shapes (non-finite only when a coordinate is, or on overflow);
    # shape by shape only then, to name the one at fault.
    if ann.shapes and not math.isfinite(sum(np.concatenate([s.points.reshape(-1) for s in ann.shapes]).tolist())):
        for i, s in enumerate(ann.shapes):
            if not np.all(np.isfinite(s.points)):
                raise LabelFileError(path, tr("shape {0} ({1!r}) has NaN or infinite coordinates; not "
                                              "saved").format(
                    i, s.label))
    ann.version = __version__
    try:
        save(path, encode(ann, points_finite=True))
    except OSError as exc:
        raise LabelFileError(path, tr("cannot be written ({0})").format(exc.strerror)) from None
    except UnicodeEncodeError as exc:
        printable = os.fsdecode(path).encode("utf-8", "backslashreplace").decode("utf-8")
        if printable != os.fsdecode(path) or not _is_unicode(ann.image_path):
            # A file name that is not valid UTF-8 (possible on Linux) cannot go into JSON text.
            raise LabelFileError(printable, tr("the image file name is not valid UTF-8; rename the image to "
                                               "save its labels")) from None
        char = exc.object[exc.start : exc.start + 1].encode("unicode_escape").decode()
        raise LabelFileError(printable, tr("a text holds {0}, half of a UTF-16 surrogate pair (not a "
                                           "character); not saved").format(
            char)) from None
    except RecursionError:
        raise LabelFileError(path, tr("values nest more than {0} levels deep; not saved").format(
            MAX_NESTING)) from None


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def relative_image_path(label_path: str | os.PathLike[str], image_path: str | os.PathLike[str]) -> str:
    """``imagePath`` as stored: relative to the label file's folder, with forward slashes."""
    image, label = os.fspath(image_path), os.fspath(label_path)
    folder, name = os.path.split(image)
    if folder == os.path.dirname(label) and name not in ("", ".", ".."):
        return name  # the usual label file, beside its image (relpath is slow for 10,000 of them)
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
