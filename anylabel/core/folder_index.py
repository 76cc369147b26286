"""The folder index: which images a folder holds and which have label files.

Built from one directory listing: no JSON is parsed and no image decoded, so a
folder of 100,000 images is listed in a fraction of a second (see
benchmarks/bench_folder_index.py). The rule for "labelled" is one and cheap: an image is
labelled when ``<stem>.json`` is listed beside it, whatever the file holds (a label file with
no shapes counts, as it does for every command that reads the index; see docs/adr/0019).
"""
from __future__ import annotations

import bisect
import operator
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .atomic import clean_folder_once
from .image_io import IMAGE_EXTENSIONS
from .label_file import LABEL_SUFFIX

_DIGITS = re.compile(r"(\d+)")


def _pad_digits(m: re.Match[str]) -> str:
    return m.group().zfill(24)


def natural_key(name: str) -> tuple[str, str]:
    """Sort key so that img2 < img10 and case does not matter (frame_9 < frame_10).

    Digit runs are zero-padded so the key is a plain string: comparing strings is
    several times faster than comparing mixed tuples, which matters at 100,000 names.
    """
    return _DIGITS.sub(_pad_digits, name.casefold()), name


def sort_natural(names: list[str]) -> list[str]:
    """``sorted(names, key=natural_key)``; a folder of frames named alike sorts in C.

    When every name is ASCII, of one length, with its digits at the same places (``frame_
    0000001.jpg`` ...), the padded keys of ``natural_key`` compare exactly as the lower-case
    names do (the same zeros are put at the same places), so NumPy sorts the names as fixed-
    width bytes: 0.3 s for a million names instead of 4-5 s of Python keys. Any other folder
    takes ``natural_key``.
    """
    order = _uniform_order(names)
    if order is None:
        return sorted(names, key=natural_key)
    return list(operator.itemgetter(*order.tolist())(names)) if len(order) > 1 else list(names)


def _uniform_order(names: list[str]) -> "np.ndarray | None":
    n = len(names)
    if n < 1000:
        return None  # not worth it
    width = len(names[0])
    joined = "\n".join(names) + "\n"
    if len(joined) != n * (width + 1) or not joined.isascii() or joined.count("\n") != n:
        return None
    rows = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(n, width + 1)[:, :width]
    digits = (rows >= 48) & (rows <= 57)
    if not (digits == digits[0]).all():
        return None
    lower = np.where((rows >= 65) & (rows <= 90), rows + 32, rows).astype(np.uint8)
    as_bytes = np.ascontiguousarray(rows).view(f"S{width}").ravel()
    by_name = np.argsort(as_bytes, kind="stable")  # ties of the key go by the name itself
    folded = np.ascontiguousarray(lower).view(f"S{width}").ravel()[by_name]
    return by_name[np.argsort(folded, kind="stable")]


@dataclass
class FolderIndex:
    """Images of one folder in natural order, and which of them have a label file."""

    folder: Path
    names: list[str] = field(default_factory=list)
    labelled: set[str] = field(default_factory=set)  # image names whose <stem>.json exists

    def __len__(self) -> int:
        return len(self.names)

    def path(self, i: int) -> Path:
        return self.folder / self.names[i]

    def label_path(self, i: int) -> Path:
        return self.folder / (os.path.splitext(self.names[i])[0] + LABEL_SUFFIX)

    def has_label(self, i: int) -> bool:
        return self.names[i] in self.labelled

    def index_of(self, name: str) -> int:
        """Position of image ``name``; KeyError when the folder has no such image.

        ``names`` are in natural order, so a binary search finds it without a dictionary of
        every name (100 MB at a million images); an index built in another order falls back
        to one."""
        names = self.names
        i = bisect.bisect_left(names, natural_key(name), key=natural_key)
        if i < len(names) and names[i] == name:
            return i
        return self._positions()[name]

    def __contains__(self, name: str) -> bool:
        try:
            self.index_of(name)
        except KeyError:
            return False
        return True

    def _positions(self) -> dict[str, int]:
        pos = getattr(self, "_pos", None)
        if pos is None or len(pos) != len(self.names):
            pos = {n: i for i, n in enumerate(self.names)}
            self._pos = pos
        return pos

    def mark_labelled(self, name: str, labelled: bool = True) -> None:
        (self.labelled.add if labelled else self.labelled.discard)(name)

    @property
    def labelled_count(self) -> int:
        return len(self.labelled)


def scan_folder(folder: str | os.PathLike[str]) -> FolderIndex:
    """List the images of ``folder`` (not recursive) and which have labels."""
    root = Path(folder)
    images: list[str] = []
    label_stems: set[str] = set()
    hidden: list[str] = []
    for name in os.listdir(root):
        if name[0] == ".":
            hidden.append(name)
            continue
        stem, dot, ext = name.rpartition(".")
        if not dot:
            continue
        ext = "." + ext.lower()
        if ext in IMAGE_EXTENSIONS:
            images.append(name)
        elif ext == LABEL_SUFFIX:
            label_stems.add(stem)
    clean_folder_once(root, hidden)  # temp files left by a killed save (see core.atomic); all are dot-names
    images = sort_natural(images)
    labelled = {n for n in images if n.rpartition(".")[0] in label_stems}
    return FolderIndex(root, images, labelled)
