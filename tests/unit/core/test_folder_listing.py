"""Splitting a listing in NumPy gives what the plain per-name rule gives, on every path
(frames named alike: integer keys; other names: a set lookup), and the index built from it
is the one the plain way builds."""
from __future__ import annotations

import os
import random
import sys

import numpy as np
import pytest

from anylabel.core import folder_listing, name_rows
from anylabel.core.folder_index import FolderIndex, natural_key, scan_folder, sort_natural
from anylabel.core.folder_listing import split_listing
from anylabel.core.image_io import IMAGE_EXTENSIONS


def plain_split(names):
    """The rule as a plain loop (what scan_folder did name by name)."""
    images, stems, dots = [], set(), []
    for name in names:
        if name[0] == ".":
            dots.append(name)
            continue
        stem, dot, ext = name.rpartition(".")
        if not dot:
            continue
        ext = "." + ext.lower()
        if ext in IMAGE_EXTENSIONS:
            images.append(name)
        elif ext == ".json":
            stems.add(stem)
    return images, [n.rpartition(".")[0] in stems for n in images], dots


def check(names):
    got = split_listing(names, IMAGE_EXTENSIONS, ".json")
    images, labelled, dots = plain_split(names)
    assert got.images == images
    assert got.labelled.tolist() == labelled
    assert got.dot_names == dots
    return got


def odd_names(rng, n):
    parts = ["a", "B", "img", "x.y", ".", "..", "日本", "é", "\udcff", "K", "\u212a", "İ", " ", "0", "12", "_"]
    exts = ["jpg", "JPG", "Jpeg", "png", "json", "JSON", "Json", "txt", "", "tif", "tiff", "webp", "jpgx",
            "jp", "abcdefghij", "\u212apg", "json.bak", "jpg.json"]
    out = set()
    while len(out) < n:
        stem = "".join(rng.choice(parts) for _ in range(rng.randint(0, 4)))
        out.add(stem + (("." + rng.choice(exts)) if rng.random() < 0.9 else ""))
    out.discard("")
    return list(out)


@pytest.mark.parametrize("seed", range(4))
def test_odd_names_split_as_the_plain_rule(seed):
    rng = random.Random(seed)
    names = odd_names(rng, 3000)
    # every image also with a label file of the same stem now and then
    names += [n.rpartition(".")[0] + ".json" for n in names[::7] if "." in n[1:]]
    rng.shuffle(names)
    check(list(dict.fromkeys(names)))


def test_small_and_empty_listings():
    assert check([]).images == []
    check(["a.jpg"])
    check(["a.json"])
    check([".a.jpg", "a.", ".", "..jpg", "a.jpg.json", "a.jpg", "b.JSON", "b.PNG", "c.json.jpg"])


def frames(n, labelled_every=2, width=7, ext="jpg", prefix="frame_"):
    names = [f"{prefix}{i:0{width}d}.{ext}" for i in range(n)]
    return names + [f"{prefix}{i:0{width}d}.json" for i in range(0, n, labelled_every)]


def test_frames_named_alike_take_the_integer_path_and_agree(monkeypatch):
    names = frames(5000, labelled_every=3)
    random.Random(1).shuffle(names)
    def no_set(*a):
        raise AssertionError("frames named alike went the set lookup's way")
    monkeypatch.setattr(folder_listing, "_labelled_by_set", no_set)
    got = check(names)
    assert got.labelled.sum() == len(range(0, 5000, 3))


def test_alike_stems_the_dense_table_cannot_hold_use_the_packed_keys(monkeypatch):
    rng = random.Random(2)
    names = [f"cam_{rng.getrandbits(32):08x}.png" for _ in range(3000)]  # 16**8 stems: no table
    names = list(dict.fromkeys(names))
    names += [n[:-4] + ".json" for n in names[::2]]
    rng.shuffle(names)
    def no_set(*a):
        raise AssertionError("went the set lookup's way")
    monkeypatch.setattr(folder_listing, "_labelled_by_set", no_set)
    check(names)


def test_names_alike_but_not_one_extension_length_take_the_set_lookup():
    names = [f"f{i:05d}.jpg" for i in range(2000)] + [f"g{i:04d}.jpeg" for i in range(2000)]
    names += [f"f{i:05d}.json" for i in range(0, 2000, 5)] + [f"g{i:04d}.json" for i in range(1, 2000, 5)]
    random.Random(3).shuffle(names)
    check(names)


def test_no_non_ascii_letter_lowercases_into_an_extension():
    """The extension is lower-cased byte by byte (ASCII only). Python's ``lower`` also turns a
    few non-ASCII characters into ASCII letters (the Kelvin sign into "k"); none of those
    letters may occur in an extension, or the two rules would disagree."""
    letters = {c.lower() for c in map(chr, range(sys.maxunicode + 1))
               if not ("\ud800" <= c <= "\udfff") and not c.isascii() and c.lower().isascii()}
    assert letters == {"k"}  # if Unicode adds one, this test says which
    for ext in IMAGE_EXTENSIONS | {".json"}:
        assert not letters & set(ext), ext


def test_scan_folder_on_disk_matches_the_plain_index(tmp_path):
    rng = random.Random(4)
    names = [n for n in odd_names(rng, 400) if "/" not in n and "\0" not in n and n not in (".", "..")]
    names += frames(1500, labelled_every=4, width=5)
    made = []
    for n in names:
        try:
            (tmp_path / n).write_bytes(b"")
            made.append(n)
        except (OSError, UnicodeEncodeError):
            pass
    listed = os.listdir(tmp_path)
    images, labelled, _ = plain_split(listed)
    want = sorted(zip(images, labelled), key=lambda p: natural_key(p[0]))
    idx = scan_folder(tmp_path)
    assert idx.names == [n for n, _ in want]
    assert [idx.has_label(i) for i in range(len(idx))] == [m for _, m in want]
    assert idx.labelled_count == sum(labelled)
    assert idx.labelled == frozenset(n for n, m in want if m)


def test_dense_sort_of_frames_and_its_fallbacks():
    rng = random.Random(5)
    names = [n for n in frames(3000, width=6) if n.endswith(".jpg")]
    rng.shuffle(names)
    assert sort_natural(names) == sorted(names, key=natural_key)
    twice = names + names[:10]  # the same name twice: the slot table cannot hold it
    assert sort_natural(twice) == sorted(twice, key=natural_key)
    mixed_case = [n.upper() if rng.random() < 0.3 else n for n in names]
    assert sort_natural(mixed_case) == sorted(mixed_case, key=natural_key)


def test_dense_keys_order_and_equality_are_the_rows():
    rng = np.random.default_rng(6)
    a = rng.choice(np.frombuffer(b"a0z9_", dtype=np.uint8), size=(500, 6))
    b = rng.choice(np.frombuffer(b"a0z9", dtype=np.uint8), size=(300, 6))
    (ka, kb), size = name_rows.dense_keys([a, b], limit=10**6)
    assert ka.max() < size and kb.max() < size
    rows_a = [bytes(r) for r in a]
    rows_b = [bytes(r) for r in b]
    for i, j in zip(rng.integers(0, 500, 300), rng.integers(0, 300, 300)):
        assert (ka[i] < kb[j]) == (rows_a[i] < rows_b[j]) and (ka[i] == kb[j]) == (rows_a[i] == rows_b[j])
    assert name_rows.dense_keys([a, b], limit=10) is None


def test_index_marks_follow_mark_labelled():
    idx = FolderIndex(tmp := __import__("pathlib").Path("/x"), ["a.jpg", "b.jpg", "c.jpg"], {"b.jpg"})
    assert [idx.has_label(i) for i in range(3)] == [False, True, False] and idx.labelled_count == 1
    idx.mark_labelled("c.jpg")
    idx.mark_labelled("b.jpg", False)
    idx.mark_labelled("not-here.jpg")  # no row: nothing changes
    assert idx.labelled == {"c.jpg"} and idx.labelled_count == 1 and tmp == idx.folder


def test_the_search_made_from_byte_rows_finds_what_the_search_of_the_names_finds():
    from anylabel.core.name_search import NameSearch

    rng = random.Random(7)
    names = ["".join(rng.choice("aAbZz_0159.") for _ in range(9)) for _ in range(3000)]
    rows = name_rows.fixed_width_rows(names)
    fast, plain = NameSearch.from_rows(rows), NameSearch(names)
    for text in ["", "a", "A", "z_", "_0", "15", "9.", ".", "aa", "Zz_0", "x", "a" * 12]:
        want = [i for i, n in enumerate(names) if text.casefold() in n.casefold()]
        assert fast.matching(text).tolist() == want == plain.matching(text).tolist(), text


def test_scan_folder_gives_an_alike_folder_its_search_ready(tmp_path):
    for n in frames(1200, labelled_every=2, width=5, prefix="Cam_"):
        (tmp_path / n).write_bytes(b"")
    idx = scan_folder(tmp_path)
    assert idx._search is not None  # made from the rows the sort had, before any keystroke
    for text in ["cam_", "CAM_01", "_011", "9.jpg", "json", "x"]:
        want = [i for i, n in enumerate(idx.names) if text.casefold() in n.casefold()]
        assert idx.name_search().matching(text).tolist() == want, text
