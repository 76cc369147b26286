"""classes.txt: one class name per line, the order is the class index (YOLO convention).

This is the only reader of class files: the GUI's class-list import and the dataset
export/import driver both use it. The GUI reads leniently (a hand-edited list of names,
blank lines and repeats dropped); the dataset driver reads strictly, because there a
line number *is* a class index and dropping a line would silently shift every later
class by one.
"""
from __future__ import annotations

import os
from typing import Iterable

from .atomic import atomic_write_text
from .errors import AnyLabelError


class ClassListError(AnyLabelError):
    pass


def read_class_list(path: str | os.PathLike[str], strict: bool = False) -> list[str]:
    """Names in file order, stripped.

    Lenient (default): blank lines and duplicates are dropped (first wins).
    Strict: trailing blank lines are ignored, but a blank line before the last name or a
    repeated name raises ClassListError naming the line (either would shift indices).
    An empty file gives ``[]`` in both modes; callers decide whether that is an error."""
    p = os.fspath(path)
    try:
        with open(path, encoding="utf-8-sig") as fh:
            lines = fh.read().splitlines()
    except FileNotFoundError:
        raise ClassListError(f"{p}: class file not found") from None
    except UnicodeDecodeError:
        raise ClassListError(f"{p}: not UTF-8 text") from None
    except OSError as exc:
        raise ClassListError(f"{p}: cannot be read ({exc.strerror or exc})") from None
    names = [line.strip() for line in lines]
    if strict:
        while names and not names[-1]:
            names.pop()
        seen: dict[str, int] = {}
        for i, name in enumerate(names):
            if not name:
                raise ClassListError(f"{p}: line {i + 1} is blank; every line up to the last must name a class")
            if name in seen:
                raise ClassListError(f"{p}: {name!r} appears on lines {seen[name] + 1} and {i + 1}")
            seen[name] = i
        return names
    return _unique(names)


def class_list_text(names: Iterable[str]) -> str:
    """The file content for ``names``: one per line, stripped, blanks and repeats dropped."""
    return "".join(f"{n}\n" for n in _unique(names))


def write_class_list(path: str | os.PathLike[str], names: Iterable[str]) -> None:
    """Write one name per line (atomically), keeping order and dropping duplicates."""
    atomic_write_text(path, class_list_text(names))


def _unique(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for n in names:
        n = n.strip()
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return out
