"""Names that are alike (``frame_0000001.jpg`` ...) as a byte matrix and as integer keys.

A frame folder's names are ASCII, of one length, and differ only in a few columns (the
digits). Comparing them as whole byte strings in NumPy is slow (a stable sort of a million
17-byte strings takes about a second here); the columns that are the same in every name
cannot change an order or an equality, so the others are packed, most significant first,
into unsigned 64-bit words that NumPy sorts and matches as plain integers.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np


def fixed_width_rows(names: Sequence[str]) -> "np.ndarray | None":
    """``names`` as an (n, width) uint8 matrix when all are ASCII and of one length; else None."""
    n = len(names)
    if n == 0:
        return None
    width = len(names[0])
    joined = "\n".join(names) + "\n"
    # The length check fails when any name is longer or shorter; the count catches a name
    # holding "\n" that made up for it.
    if len(joined) != n * (width + 1) or not joined.isascii() or joined.count("\n") != n:
        return None
    return np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(n, width + 1)[:, :width]


def packed_keys(*matrices: np.ndarray) -> list[list[np.ndarray]]:
    """For matrices of one width: per matrix, its rows as big-endian uint64 words (most
    significant first) of the columns that are not the same in every row of all of them.

    Two rows compare (``<``, ``==``) as their word lists do, across all the matrices."""
    first = matrices[0][0]
    same = np.ones(first.shape[0], dtype=bool)
    for m in matrices:
        same &= (m == first).all(axis=0)
    columns = np.flatnonzero(~same)
    words = max(1, -(-len(columns) // 8))
    out = []
    for m in matrices:
        packed = np.zeros((len(m), words * 8), dtype=np.uint8)
        packed[:, : len(columns)] = m[:, columns]
        as_words = packed.view(">u8")
        out.append([np.ascontiguousarray(as_words[:, w]).astype(np.uint64) for w in range(words)])
    return out


def lexical_order(keys: list[np.ndarray]) -> np.ndarray:
    """Stable order of rows by their word lists (from ``packed_keys``)."""
    if len(keys) == 1:
        return np.argsort(keys[0], kind="stable")
    return np.lexsort(keys[::-1])  # lexsort's last key is the most significant


def dense_keys(matrices: Sequence[np.ndarray], limit: int) -> "tuple[list[np.ndarray], int] | None":
    """For matrices of one width: per matrix, its rows as one int64 each, below ``size``,
    ordered and equal as the rows are; None when ``size`` would pass ``limit``.

    Each column that differs between rows counts as one digit, in the base of how many
    different bytes it holds (ten for the digits of a frame number), so a million frames
    numbered 0000000-0999999 make keys below 10**6: they sort by placing each at its key and
    match through a table of ``size`` booleans, with no comparison sort or binary search."""
    width = matrices[0].shape[1]
    counts = np.zeros((width, 256), dtype=bool)
    for m in matrices:
        for c in range(width):
            counts[c] |= np.bincount(m[:, c], minlength=256) > 0
    bases = counts.sum(axis=1)
    size = 1
    for b in bases.tolist():
        size *= b
        if size > limit:
            return None
    keys = [np.zeros(len(m), dtype=np.int64) for m in matrices]
    for c in np.flatnonzero(bases > 1).tolist():
        rank = np.cumsum(counts[c]) - 1  # byte -> its place among this column's bytes
        for key, m in zip(keys, matrices):
            key *= int(bases[c])
            key += rank[m[:, c]]
    return keys, size


def order_of_unique_keys(keys: np.ndarray, size: int) -> np.ndarray:
    """``np.argsort(keys)`` for keys that are all different and below ``size``."""
    slot = np.full(size, -1, dtype=np.intp)
    slot[keys] = np.arange(len(keys))
    return slot[slot >= 0]
