"""classes.txt: one class name per line, the order is the class index (YOLO convention).

This is the only reader of class files: the GUI's class-list import and the dataset
export/import driver both use it. The GUI reads leniently (a hand-edited list of names,
blank lines and repeats dropped); the dataset driver reads strictly, because there a
line number *is* a class index and dropping a line would silently shift every later
class by one.
"""
from __future__ import annotations

import functools
import os
from typing import Iterable

from .atomic import atomic_write_text
from .errors import AnyLabelError
from .i18n import tr


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
        raise ClassListError(tr("{0}: class file not found").format(p)) from None
    except UnicodeDecodeError:
        raise ClassListError(tr("{0}: not UTF-8 text").format(p)) from None
    except OSError as exc:
        raise ClassListError(tr("{0}: cannot be read ({1})").format(p, exc.strerror or exc)) from None
    names = [line.strip() for line in lines]
    if strict:
        while names and not names[-1]:
            names.pop()
        seen: dict[str, int] = {}
        for i, name in enumerate(names):
            if not name:
                raise ClassListError(tr("{0}: line {1} is blank; every line up to the last must name a "
                                        "class").format(
                    p, i + 1))
            if name in seen:
                raise ClassListError(tr("{0}: {1!r} appears on lines {2} and {3}").format(
                    p, name, seen[name] + 1, i + 1))
            seen[name] = i
        return names
    return _unique(names)


#: What ``str.splitlines`` (the reader) ends a line at: a name holding one becomes two lines.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


@functools.lru_cache(maxsize=4096)  # an export asks for each of 200,000 shapes; labels repeat
def class_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a line of a class file (the reader would not give it back as
    itself, so every later index would shift or the next run would refuse the file); None
    when it can. The one rule for every class file this tool writes."""
    if not name:
        return tr("is empty")
    if not _LINE_BREAKS.isdisjoint(name):
        return tr("holds a line break")
    if name != name.strip():
        return tr("begins or ends with white space")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return tr("is not valid Unicode text (a lone surrogate)")
    return None


def strict_class_list_text(names: Iterable[str], source: str | os.PathLike[str] = "class list") -> str:
    """The file content for exactly ``names`` (line i = class i); ClassListError naming
    ``source`` and the class when a name cannot be written so that it reads back."""
    out = []
    seen: set[str] = set()
    for i, name in enumerate(names):
        problem = class_name_problem(name)
        if problem:
            raise ClassListError(tr("{0}: class {1} {2!r} {3}; it cannot be a line of a class file").format(
                os.fspath(source), i, name, problem))
        if name in seen:
            raise ClassListError(tr("{0}: class {1!r} appears twice").format(os.fspath(source), name))
        seen.add(name)
        out.append(f"{name}\n")
    return "".join(out)


def class_list_text(names: Iterable[str]) -> str:
    """The file content for ``names``: one per line, stripped, blanks and repeats dropped
    (the GUI's lenient list); a name with a line break inside raises ClassListError."""
    return strict_class_list_text(_unique(names))


def write_class_list(path: str | os.PathLike[str], names: Iterable[str]) -> None:
    """Write one name per line (atomically), keeping order and dropping duplicates; a name
    with a line break inside raises ClassListError naming ``path`` (nothing is written)."""
    atomic_write_text(path, strict_class_list_text(_unique(names), path))


def _unique(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for n in names:
        n = n.strip()
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return out
