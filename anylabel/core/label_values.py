"""The typed values of a label file: each reader returns the value or raises ValueError
with a sentence that names the key and shows what was found.

A label file is data someone else may have written (another tool, a script, a careless
hand): ``"difficult": "false"`` must not become True, ``"imageWidth": true`` must not
become 1 and ``"kie_linking": 5`` must not end in a TypeError far from the file. The
checks are plain ``type(...) is`` tests, cheap next to parsing the JSON, because an
export reads hundreds of thousands of shapes.
"""
from __future__ import annotations

import math
from typing import Any

from .i18n import tr

#: The largest image side a label file may state. No image format in use holds more
#: (TIFF/BigTIFF tiles aside); a larger number is a broken or hostile file.
MAX_IMAGE_SIDE = 2**31 - 1

#: How deeply the free-form values a label file may carry (attributes, unknown keys) may
#: nest. Real files use one or two levels; the fast JSON writer stops at 254.
MAX_NESTING = 100


def show(value: Any, limit: int = 40) -> str:
    """A short ``repr`` for messages (a 1 MB list must not become a 1 MB message)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def read_bool(raw: Any, key: str, where: Any, default: bool = False) -> bool:
    """true/false (0 and 1 too, as VOC-minded scripts write them); null means ``default``."""
    if raw is None:
        return default
    if raw is True or raw is False:
        return raw
    if type(raw) is int and (raw == 0 or raw == 1):
        return raw == 1
    raise ValueError(tr("{0}: '{1}' must be true or false, got {2}").format(where, key, show(raw)))


def read_text(raw: Any, key: str, where: Any, none: str | None = None) -> str | None:
    """A string; null gives ``none``. Numbers are not text (a label of 5 is refused)."""
    if type(raw) is str:
        return raw
    if raw is None:
        return none
    raise ValueError(tr("{0}: '{1}' must be a string, got {2}").format(where, key, show(raw)))


def read_label(raw: Any, where: Any) -> str:
    """A shape's label: a string (integers are taken as their digits, as tools that number
    their classes write them); null is the empty label."""
    if type(raw) is str:
        return raw
    if raw is None:
        return ""
    if type(raw) is int:
        return str(raw)
    raise ValueError(tr("{0}: 'label' must be a string, got {1}").format(where, show(raw)))


def read_score(raw: Any, where: Any) -> float | None:
    if raw is None:
        return None
    if type(raw) is float or type(raw) is int:
        value = float(raw)
    elif type(raw) is str:
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(tr("{0}: 'score' must be a number or null, got {1}").format(
                where, show(raw))) from None
    else:
        raise ValueError(tr("{0}: 'score' must be a number or null, got {1}").format(where, show(raw)))
    if not math.isfinite(value):
        raise ValueError(tr("{0}: 'score' must be a finite number, got {1}").format(where, show(raw)))
    return value


def read_linking(raw: Any, where: Any) -> list[list[int]]:
    """``kie_linking``: a list of [id, id] pairs of integers (X-AnyLabeling's form)."""
    if raw is None:
        return []
    if type(raw) is not list:
        raise ValueError(tr("{0}: 'kie_linking' must be a list of [id, id] pairs, got {1}").format(
            where, show(raw)))
    for pair in raw:
        if (
            type(pair) is not list
            or len(pair) != 2
            or type(pair[0]) is not int
            or type(pair[1]) is not int
        ):
            raise ValueError(tr("{0}: 'kie_linking' must be a list of [id, id] integer pairs, got "
                                "{1}").format(
                where, show(pair)))
    return [[a, b] for a, b in raw]


def read_object(raw: Any, key: str, where: Any) -> dict[str, Any]:
    """A JSON object (flags, attributes); null is an empty one."""
    if raw is None:
        return {}
    if type(raw) is not dict:
        raise ValueError(tr("{0}: '{1}' must be a JSON object, got {2}").format(where, key, show(raw)))
    return raw


def read_image_side(raw: Any, key: str) -> int | None:
    """imageWidth / imageHeight: a whole number of pixels, 0 or null meaning unknown."""
    if raw is None:
        return None
    if type(raw) is int:
        value = raw
    elif type(raw) is float and raw.is_integer():
        value = int(raw)
    elif type(raw) is str and raw.strip().isdigit():
        value = int(raw)
    else:
        raise ValueError(tr("'{0}' must be a whole number of pixels, got {1}").format(key, show(raw)))
    if value < 0 or value > MAX_IMAGE_SIDE:
        raise ValueError(tr("'{0}' must be between 0 and {1} pixels, got {2}").format(
            key, MAX_IMAGE_SIDE, value))
    return value


def too_deep(value: Any, limit: int = MAX_NESTING) -> bool:
    """True when lists/objects nest more than ``limit`` levels deep."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        kind = type(item)
        if kind is dict:
            children: Any = item.values()
        elif kind is list:
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((c, depth + 1) for c in children if type(c) is dict or type(c) is list)
    return False
