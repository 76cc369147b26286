"""Substring search over a folder's file names, fast enough to run on every keystroke.

The names are kept once as one case-folded UTF-8 byte array (about 20 MB for a million
names) with the offsets of their separators; a search narrows the positions of the first
byte of the text with one NumPy comparison per further byte, then maps the positions left
to name numbers with a binary search. No Python object per name is made or visited.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

_SEP = 0  # "\0" cannot occur in a file name, so a match never runs across two names


class NameSearch:
    def __init__(self, names: Sequence[str]) -> None:
        self.count = len(names)
        text = "\0".join(names).casefold() + "\0"
        self._bytes = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
        self._ends = np.flatnonzero(self._bytes == _SEP)  # end of name k at _ends[k]
        self._stride = 0  # names of one length: name k ends at k * stride + stride - 1
        if len(self._ends) != self.count:  # casefold never makes "\0"; a name holding it is impossible
            raise ValueError("a file name holds a NUL character")

    @classmethod
    def from_rows(cls, rows: np.ndarray) -> "NameSearch":
        """The search over ASCII names of one length given as an (n, width) byte matrix
        (``core.name_rows.fixed_width_rows``), in their order: no string is joined or folded."""
        self = cls.__new__(cls)
        n, width = rows.shape
        self.count = n
        table = np.zeros((n, width + 1), dtype=np.uint8)  # the last column is the separator
        table[:, :width] = rows
        body = table[:, :width]
        body[(body >= 65) & (body <= 90)] += 32  # ASCII: case folding is lower-casing A-Z
        self._bytes = table.ravel()
        self._stride = width + 1
        self._ends = np.arange(width, n * (width + 1), width + 1)
        return self

    def matching(self, text: str) -> np.ndarray:
        """Ascending numbers of the names that contain ``text`` (case-insensitive)."""
        needle = np.frombuffer(text.casefold().encode("utf-8", "surrogatepass"), dtype=np.uint8)
        if len(needle) == 0:
            return np.arange(self.count)
        if (needle == _SEP).any():
            return np.empty(0, dtype=np.intp)
        hay = self._bytes
        last = len(hay) - len(needle)
        starts = np.flatnonzero(hay[: last + 1] == needle[0])
        for k in range(1, len(needle)):
            starts = starts[hay[starts + k] == needle[k]]
            if not len(starts):
                break
        if self._stride:
            rows = starts // self._stride  # names of one length: no search
        else:
            rows = np.searchsorted(self._ends, starts)  # separators before a start = its name's number
        if len(rows) < 2:
            return rows
        # Ascending already, so dropping repeats (two matches in one name) is one comparison;
        # np.unique would hash or sort a million rows again.
        keep = np.empty(len(rows), dtype=bool)
        keep[0] = True
        np.not_equal(rows[1:], rows[:-1], out=keep[1:])
        return rows[keep]
