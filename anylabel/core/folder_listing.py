"""Splitting one directory listing into images, label files and dot-names without a Python
step per name.

A million-image folder lists 1.5 million names. Asking each name for its extension in a
Python loop (``rpartition``, ``lower``, a set test, an ``append``) took longer than the
listing itself; here all names are joined into one byte array once and NumPy finds every
name's last dot and compares its extension, lower-cased, as one 8-byte number. "Is there a
label file for this image" compares the stems as packed integers when the names are alike
(``core.name_rows``), else looks each image's stem up in a set by ``map``, in C, with no
Python bytecode per name.

The rule is the one ``scan_folder`` always had: a name starting with "." is a dot-name
(never an image or a label file); otherwise the text after its last "." is its extension,
compared case-insensitively; an image is labelled when ``<its stem>.json`` (any case of
"json") is listed too.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from .name_rows import dense_keys, fixed_width_rows, packed_keys

_SEP = 0  # "\0" cannot occur in a file name
_DOT = ord(".")
_EXT_BYTES = 8  # an extension is compared as one little-endian uint64


def _ext_code(ext: str) -> int:
    """``"jpg"`` -> the uint64 its lower-case bytes make, zero-padded to 8 bytes."""
    raw = ext.lower().encode("ascii")
    if not raw or len(raw) > _EXT_BYTES:
        raise ValueError(f"extension {ext!r}: 1 to {_EXT_BYTES} ASCII characters expected")
    return int.from_bytes(raw.ljust(_EXT_BYTES, b"\0"), "little")


def extension_codes(extensions: Iterable[str]) -> np.ndarray:
    """Codes of ``extensions`` given with or without their dot (``".jpg"``)."""
    return np.array(sorted({_ext_code(e.lstrip(".")) for e in extensions}), dtype=np.uint64)


@dataclass
class SplitListing:
    images: list[str]  # in listing order
    labelled: np.ndarray  # bool per entry of ``images``: its ``<stem>.json`` is listed
    dot_names: list[str]  # names starting with "." (the temp-file cleanup looks at these)
    image_rows: "np.ndarray | None" = None  # ``fixed_width_rows(images)`` when they are alike


def split_listing(names: Sequence[str], image_extensions: Iterable[str], label_extension: str = "json") -> SplitListing:
    """Split ``names`` (one folder's listing, as ``os.listdir`` gives it) by the rule above."""
    label_extension = label_extension.lstrip(".")
    n = len(names)
    if n == 0:
        return SplitListing([], np.zeros(0, dtype=bool), [], None)
    # surrogatepass: a name that is not valid UTF-8 on disk reaches us with lone surrogates;
    # they become bytes >= 0x80 here, which no extension holds, and the name is kept as given.
    blob = np.frombuffer(("\0".join(names) + "\0").encode("utf-8", "surrogatepass"), dtype=np.uint8)
    ends = np.flatnonzero(blob == _SEP)  # name k ends at ends[k]
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    dotted = blob[starts] == _DOT
    # Only an extension of 1 to 8 bytes can be an image's or a label file's, so the last dot
    # is looked for among each name's last 9 bytes: nine comparisons of n bytes, where a
    # search through every dot of the listing costs a second at 1.5 million names.
    ext_len = np.zeros(n, dtype=np.intp)  # 0: no extension that short
    for length in range(_EXT_BYTES, 0, -1):  # the shortest wins: it is after the last dot
        at = ends - length - 1
        ext_len[(at > starts) & (blob[np.maximum(at, 0)] == _DOT)] = length
    del starts
    ext_len[dotted] = 0
    rows = np.flatnonzero(ext_len)
    ext = np.zeros((len(rows), _EXT_BYTES), dtype=np.uint8)
    first, stop = ends[rows] - ext_len[rows], ends[rows]
    for c in range(_EXT_BYTES):  # one column of extension bytes at a time: no n x 8 index array
        at = first + c
        ext[:, c] = np.where(at < stop, blob[np.minimum(at, len(blob) - 1)], 0)
    del blob, ends, first, stop
    # ASCII upper -> lower. A non-ASCII character whose lower case is ASCII (the Kelvin sign
    # gives "k") would escape this, which no image extension or "json" can tell apart: none
    # holds a "k" (tests/unit/core/test_folder_listing.py checks this of the extension set).
    ext += ((ext >= 65) & (ext <= 90)).astype(np.uint8) * 32
    codes = ext.view("<u8").ravel()
    is_image = np.zeros(len(codes), dtype=bool)
    for code in extension_codes(image_extensions):  # a dozen comparisons: cheaper than np.isin's hashing
        is_image |= codes == code
    image_rows = rows[is_image]
    label_rows = rows[codes == _ext_code(label_extension)]
    pick = _picker(names)
    images = pick(image_rows)
    labels = pick(label_rows)
    img_ext_len = ext_len[image_rows]
    rows_of_images = fixed_width_rows(images)
    labelled = _labelled_alike(rows_of_images, img_ext_len, labels, len(label_extension))
    if labelled is None:
        labelled = _labelled_by_set(images, img_ext_len, labels, len(label_extension))
    return SplitListing(images, labelled, pick(np.flatnonzero(dotted)), rows_of_images)


def _labelled_by_set(images: list[str], ext_len: np.ndarray, labels: list[str], label_ext_len: int) -> np.ndarray:
    """Any names: each image's stem looked up in the set of label stems (by ``map``, in C)."""
    stems = set(map(operator.itemgetter(slice(None, -(label_ext_len + 1))), labels))
    labelled = np.zeros(len(images), dtype=bool)
    if stems and images:
        # An image's extension is ASCII, so its length in bytes is its length in characters.
        for length in np.unique(ext_len).tolist():
            at = np.flatnonzero(ext_len == length)
            group = map(operator.itemgetter(slice(None, -(length + 1))), _picker(images)(at))
            labelled[at] = np.fromiter(map(stems.__contains__, group), dtype=bool, count=len(at))
    return labelled


def _labelled_alike(image_rows: "np.ndarray | None", ext_len: np.ndarray, labels: list[str],
                    label_ext_len: int) -> "np.ndarray | None":
    """Frames named alike: the stems as integers, matched through a table or a binary search;
    None when the names are not alike (one length, ASCII, one extension length)."""
    if image_rows is None or not labels or (ext_len != ext_len[0]).any():
        return None
    label_rows = fixed_width_rows(labels)
    if label_rows is None:
        return None
    stem = image_rows.shape[1] - int(ext_len[0]) - 1
    if stem != label_rows.shape[1] - label_ext_len - 1 or stem < 1:
        return None
    image_stems, label_stems = image_rows[:, :stem], label_rows[:, :stem]
    dense = dense_keys([image_stems, label_stems], limit=8 * (len(image_rows) + len(labels)))
    if dense is not None:  # frame numbers: a table with one boolean per possible stem
        (image_keys, label_keys), size = dense
        table = np.zeros(size, dtype=bool)
        table[label_keys] = True
        return table[image_keys]
    image_keys, label_keys = packed_keys(image_stems, label_stems)
    if len(image_keys) != 1:
        return None  # stems differ in more than 8 columns: the set lookup is simpler
    return _members(image_keys[0], label_keys[0])


def _members(values: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """``np.isin(values, pool)`` by a binary search in the sorted pool (NumPy's own isin
    hashes or sorts both: several times slower at a million integers)."""
    pool = np.sort(pool)
    at = np.minimum(np.searchsorted(pool, values), len(pool) - 1)
    return pool[at] == values


def _picker(seq: Sequence[str]):
    """``pick(positions) -> [seq[i] for i in positions]``, gathered in C."""
    def pick(positions: np.ndarray) -> list[str]:
        if len(positions) == 0:
            return []
        if len(positions) == 1:
            return [seq[int(positions[0])]]
        return list(operator.itemgetter(*positions.tolist())(seq))
    return pick
