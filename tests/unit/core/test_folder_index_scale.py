"""The shortcuts that let a million-image folder open fast: one listing (the temp-file
cleanup reuses it), a binary search for a name, the labelled count from names alone, and the
file filter over one byte array. Each is checked against the plain way it replaces."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from anylabel.core import atomic
from anylabel.core.folder_index import FolderIndex, natural_key, scan_folder
from anylabel.core.label_file import new_annotation_for, write_label_file
from anylabel.core.name_search import NameSearch


def aged(path: Path, seconds: float) -> Path:
    path.write_bytes(b"partial")
    t = time.time() - seconds
    os.utime(path, (t, t))
    return path


def test_the_cleanup_from_the_index_listing_keeps_the_same_rule(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic, "_cleaned", set())
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    stale = aged(tmp_path / f".a.json.{p.pid}.k3j9x0_q.tmp", 10)
    fresh_dead = aged(tmp_path / f".b.json.{p.pid}.abcdefgh.tmp", 0)  # grace time
    mine = aged(tmp_path / f".d.json.{os.getpid()}.abcdefgh.tmp", 3600)
    not_ours = aged(tmp_path / ".notes.tmp", 10 * 24 * 3600)
    folder_like = tmp_path / f".e.json.{p.pid}.abcdefgh.tmp"
    folder_like.mkdir()  # not a regular file: never removed
    (tmp_path / "x.jpg").write_bytes(b"")
    listed: list[str] = []
    real_scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda *a: listed.append("scandir") or real_scandir(*a))
    idx = scan_folder(tmp_path)
    assert listed == []  # the folder was listed once, by the index
    assert idx.names == ["x.jpg"]
    assert not stale.exists()
    assert fresh_dead.exists() and mine.exists() and not_ours.exists() and folder_like.is_dir()


def test_labelled_means_a_label_file_is_listed_whatever_it_holds(tmp_path):
    """One rule, as before: ``<stem>.json`` beside the image. A file with no shapes counts
    (the GUI's check mark, ``export --labelled-only`` and the trackers agree); nothing is parsed."""
    names = ["a.jpg", "b.JPG", "c.png", "d.jpg", "e.jpg", "f.jpg"]
    for n in names:
        (tmp_path / n).write_bytes(b"")
    write_label_file(tmp_path / "a.json", new_annotation_for(tmp_path / "a.jpg", [], (4, 4)))  # no shapes
    (tmp_path / "b.json").write_text("{not json")  # broken: its image still has a label file
    (tmp_path / "c.json").write_bytes(b"")  # empty file
    (tmp_path / "orphan.json").write_text(json.dumps({"shapes": []}))  # no image beside it
    idx = scan_folder(tmp_path)
    assert idx.labelled == {"a.jpg", "b.JPG", "c.png"}
    assert idx.labelled_count == 3
    assert [idx.has_label(i) for i in range(len(idx))] == [True, True, True, False, False, False]


def test_index_of_by_binary_search_agrees_with_a_dictionary(tmp_path):
    rng = random.Random(3)
    names = sorted({f"{rng.choice(['img', 'IMG', 'frame_', 'b '])}{rng.randint(0, 3000)}{rng.choice(['.jpg', '.PNG'])}"
                    for _ in range(2000)}, key=natural_key)
    idx = FolderIndex(tmp_path, names, set())
    for i, n in enumerate(names):
        assert idx.index_of(n) == i and n in idx
    assert "missing.jpg" not in idx
    with pytest.raises(KeyError):
        idx.index_of("missing.jpg")
    unsorted = FolderIndex(tmp_path, ["b.jpg", "a.jpg", "c.jpg"], set())  # built by hand, any order
    assert [unsorted.index_of(n) for n in ("a.jpg", "b.jpg", "c.jpg")] == [1, 0, 2]


def test_name_search_matches_the_plain_substring_rule():
    rng = random.Random(7)
    alphabet = "aAbß_0192.é日x"
    names = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 10))) for _ in range(3000)]
    search = NameSearch(names)
    for text in ["", "a", "A", "_0", "ss", "ß", "é", "日x", "0192", "zz", "a" * 30, ".", "x."]:
        want = [i for i, n in enumerate(names) if text.casefold() in n.casefold()]
        got = search.matching(text)
        assert got.tolist() == want, text
    assert search.matching("a\0b").tolist() == []


def test_name_search_never_matches_across_two_names():
    search = NameSearch(["ab", "cd"])
    assert search.matching("bc").tolist() == []
    assert np.array_equal(search.matching("d"), [1])


def test_the_sort_of_frames_named_alike_is_the_natural_sort():
    from anylabel.core.folder_index import _uniform_order, sort_natural

    rng = random.Random(11)
    frames = [f"{rng.choice('aAbB')}{rng.choice('xX_')}{rng.randint(0, 99999):05d}_{rng.randint(0, 9)}.{rng.choice(['jpg', 'JPG', 'Jpg'])}"
              for _ in range(5000)]
    assert _uniform_order(frames) is not None  # the fast path is the one under test
    assert sort_natural(frames) == sorted(frames, key=natural_key)
    mixed = frames[:2000] + ["a_1.jpg", "frame_10.jpg", "frame_9.jpg", "ß_0001.jpg"]
    assert _uniform_order(mixed) is None  # other names: the plain natural sort
    assert sort_natural(mixed) == sorted(mixed, key=natural_key)
    shifted = [f"img{i}x{rng.randint(0, 9)}.jpg" for i in range(1000, 3000)] + ["imgx12345.jpg"]
    assert _uniform_order(shifted) is None  # digits elsewhere
