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
from pathlib import Path
from typing import Iterable

import numpy as np

from .atomic import clean_folder_once
from .folder_listing import split_listing
from .image_io import IMAGE_EXTENSIONS
from .label_file import LABEL_SUFFIX
from .name_search import NameSearch
from .name_rows import dense_keys, fixed_width_rows, lexical_order, order_of_unique_keys, packed_keys

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
    """``sorted(names, key=natural_key)``; a folder of frames named alike sorts in C."""
    order = natural_order(names)
    return list(operator.itemgetter(*order.tolist())(names)) if len(order) > 1 else list(names)


def natural_order(names: list[str], rows: "np.ndarray | None" = None) -> np.ndarray:
    """Positions of ``names`` in ``sorted(names, key=natural_key)`` order.

    When every name is ASCII, of one length, with its digits at the same places (``frame_
    0000001.jpg`` ...), the padded keys of ``natural_key`` compare exactly as the lower-case
    names do (the same zeros are put at the same places), so NumPy sorts the names as fixed-
    width rows packed into integers (``core.name_rows``): 0.1 s for a million names instead
    of 4-5 s of Python keys. Any other folder takes ``natural_key``. ``rows``: the names'
    ``fixed_width_rows`` when the caller has them.
    """
    order = _uniform_order(names, rows)
    if order is None:
        return np.array(sorted(range(len(names)), key=lambda i: natural_key(names[i])), dtype=np.intp)
    return order


def _uniform_order(names: list[str], rows: "np.ndarray | None" = None) -> "np.ndarray | None":
    if len(names) < 1000:
        return None  # not worth it
    if rows is None:
        rows = fixed_width_rows(names)
    if rows is None:
        return None
    digits = (rows >= 48) & (rows <= 57)
    if not (digits == digits[0]).all():
        return None
    upper = (rows >= 65) & (rows <= 90)
    if not upper.any():  # lower case already: the key's order is the names' order
        dense = dense_keys([rows], limit=2 * len(names))
        if dense is not None:
            order = order_of_unique_keys(dense[0][0], dense[1])
            if len(order) == len(names):  # else two names were the same: sort them the long way
                return order
        return lexical_order(packed_keys(rows)[0])
    (by_name,) = packed_keys(rows)
    (folded,) = packed_keys(np.where(upper, rows + 32, rows).astype(np.uint8))
    return lexical_order(folded + by_name)  # the case-folded name first, ties by the name itself


class FolderIndex:
    """Images of one folder in natural order, and which of them have a label file.

    "Which have a label file" is one boolean per position (``marks``), not a set of names: a
    set of half a million names costs a quarter of a second and 30 MB to make when a
    million-image folder opens (docs/adr/0029). ``labelled`` (given as names) is for
    indexes built by hand; ``scan_folder`` passes ``marks``."""

    def __init__(self, folder: Path, names: "list[str] | None" = None, labelled: Iterable[str] = (),
                 *, marks: "np.ndarray | None" = None, search: "NameSearch | None" = None) -> None:
        self.folder = folder
        self.names: list[str] = [] if names is None else names
        if marks is None:
            wanted = set(labelled)
            marks = np.fromiter((n in wanted for n in self.names), dtype=bool, count=len(self.names))
        elif len(marks) != len(self.names):
            raise ValueError(f"{len(marks)} label marks for {len(self.names)} images")
        self.marks: np.ndarray = marks
        self._search = search

    def name_search(self) -> NameSearch:
        """The file-name search over ``names`` (made on first use, or by ``scan_folder`` from
        the byte rows it had anyway)."""
        if self._search is None or self._search.count != len(self.names):
            self._search = NameSearch(self.names)
        return self._search

    def __repr__(self) -> str:
        return f"FolderIndex({str(self.folder)!r}, {len(self.names)} images, {self.labelled_count} labelled)"

    @property
    def labelled(self) -> frozenset[str]:
        """Names of the images with a label file (made on each call: use ``has_label(i)`` in loops)."""
        return frozenset(self.names[i] for i in np.flatnonzero(self.marks).tolist())

    def __len__(self) -> int:
        return len(self.names)

    def path(self, i: int) -> Path:
        return self.folder / self.names[i]

    def label_path(self, i: int) -> Path:
        return self.folder / (os.path.splitext(self.names[i])[0] + LABEL_SUFFIX)

    def has_label(self, i: int) -> bool:
        return bool(self.marks[i])

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
        """A label file of image ``name`` was written or removed (a name the folder does not
        hold has no row to mark)."""
        try:
            self.marks[self.index_of(name)] = labelled
        except KeyError:
            pass

    @property
    def labelled_count(self) -> int:
        return int(np.count_nonzero(self.marks))


def scan_folder(folder: str | os.PathLike[str]) -> FolderIndex:
    """List the images of ``folder`` (not recursive) and which have labels.

    One listing, split by NumPy (``core.folder_listing``), sorted in C when the names are
    alike: about a second for a million images (docs/adr/0029)."""
    root = Path(folder)
    entries = os.listdir(root)
    split = split_listing(entries, IMAGE_EXTENSIONS, LABEL_SUFFIX)
    del entries  # 1.5 million strings at a million images; the images are kept in ``split``
    clean_folder_once(root, split.dot_names)  # temp files left by a killed save (see core.atomic); all are dot-names
    rows = split.image_rows
    order = natural_order(split.images, rows)
    names = list(operator.itemgetter(*order.tolist())(split.images)) if len(order) > 1 else split.images
    # Names alike: the filter's search array is their byte rows in the new order (a tenth of
    # the time of making it from the strings), ready before the first keystroke.
    search = NameSearch.from_rows(rows[order]) if rows is not None and len(names) >= 1000 else None
    return FolderIndex(root, names, marks=split.labelled[order], search=search)
