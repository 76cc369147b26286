"""classes.txt: one class name per line, the order is the class index (YOLO convention)."""
from __future__ import annotations

import os
from typing import Iterable

from .atomic import atomic_write_text
from .errors import AnyLabelError


class ClassListError(AnyLabelError):
    pass


def read_class_list(path: str | os.PathLike[str]) -> list[str]:
    """Names in file order, stripped; blank lines and duplicates dropped (first wins)."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            lines = fh.read().splitlines()
    except FileNotFoundError:
        raise ClassListError(f"{os.fspath(path)}: file not found") from None
    except UnicodeDecodeError:
        raise ClassListError(f"{os.fspath(path)}: not UTF-8 text") from None
    except OSError as exc:
        raise ClassListError(f"{os.fspath(path)}: cannot be read ({exc.strerror})") from None
    names: list[str] = []
    seen: set[str] = set()
    for line in lines:
        name = line.strip()
        if name and name not in seen:
            seen.add(name)
            names.append(name)
    return names


def write_class_list(path: str | os.PathLike[str], names: Iterable[str]) -> None:
    """Write one name per line (atomically), keeping order and dropping duplicates."""
    seen: set[str] = set()
    out = []
    for n in names:
        n = n.strip()
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    atomic_write_text(path, "".join(f"{n}\n" for n in out))
