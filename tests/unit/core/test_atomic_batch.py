"""AtomicBatch: label files saved in batches (write all, fsync together, rename, fsync folders)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from anylabel.core import atomic, bulk
from anylabel.core.bulk import AtomicBatch
from anylabel.core.label_file import read_label_file
from anylabel.formats.import_driver import import_dataset


def text_of(value: str):
    def make(save):
        save(make.path, value)
    return make


def submit_text(batch: AtomicBatch, path: Path, value: str) -> list:
    make = text_of(value)
    make.path = path
    return batch.submit(path.name, path, make)


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_outcomes_come_back_in_order_and_files_appear_only_at_commit(tmp_path):
    (tmp_path / "f1.json").write_text("old")
    got = []
    with AtomicBatch(batch_size=3) as batch:
        for i in range(2):
            got += submit_text(batch, tmp_path / f"f{i}.json", f"new{i}")
        # staged, not committed: the targets are as they were, the temp files wait beside them
        assert not (tmp_path / "f0.json").exists() and (tmp_path / "f1.json").read_text() == "old"
        assert len(temps(tmp_path)) == 2
        for i in range(2, 7):
            got += submit_text(batch, tmp_path / f"f{i}.json", f"new{i}")
        got += batch.finish()
    assert [tag for tag, _ in got] == [f"f{i}.json" for i in range(7)]
    assert all(err is None for _, err in got)
    assert [(tmp_path / f"f{i}.json").read_text() for i in range(7)] == [f"new{i}" for i in range(7)]
    assert temps(tmp_path) == []


def test_a_failure_in_the_middle_keeps_the_old_file_and_the_others_are_committed(tmp_path, monkeypatch):
    for i in range(5):
        (tmp_path / f"f{i}.json").write_text(f"old{i}")
    real_fsync = atomic.fsync_path

    def failing_fsync(path):
        if ".f2.json." in os.fspath(path):
            raise OSError(5, "Input/output error")
        real_fsync(path)

    monkeypatch.setattr(bulk, "fsync_path", failing_fsync)

    def broken(save):
        raise ValueError("cannot encode")

    got = []
    with AtomicBatch(batch_size=2) as batch:
        for i in range(5):
            if i == 3:
                got += batch.submit("f3.json", tmp_path / "f3.json", broken)
            else:
                got += submit_text(batch, tmp_path / f"f{i}.json", f"new{i}")
        got += batch.finish()
    assert [tag for tag, _ in got] == [f"f{i}.json" for i in range(5)]
    errors = {tag: err for tag, err in got if err is not None}
    assert set(errors) == {"f2.json", "f3.json"}
    assert isinstance(errors["f2.json"], OSError) and errors["f2.json"].filename == str(tmp_path / "f2.json")
    assert isinstance(errors["f3.json"], ValueError)
    assert [(tmp_path / f"f{i}.json").read_text() for i in range(5)] == ["new0", "new1", "old2", "old3", "new4"]
    assert temps(tmp_path) == []


def test_settle_commits_a_pending_file_before_it_is_read_again(tmp_path):
    target = tmp_path / "a.json"
    with AtomicBatch(batch_size=100) as batch:
        assert submit_text(batch, target, "first") == []
        assert not target.exists()
        assert batch.settle(tmp_path / "other.json") == []  # not pending: nothing committed
        assert not target.exists()
        assert batch.settle(target) == [("a.json", None)]
        assert target.read_text() == "first"
        assert batch.finish() == []


def test_settle_waits_for_a_batch_committing_in_the_background(tmp_path):
    with AtomicBatch(batch_size=2) as batch:
        got = submit_text(batch, tmp_path / "a.json", "a") + submit_text(batch, tmp_path / "b.json", "b")
        assert got == []  # the batch of two commits in the background
        got += batch.settle(tmp_path / "a.json")
        assert (tmp_path / "a.json").read_text() == "a" and [t for t, _ in got] == ["a.json", "b.json"]
        assert batch.finish() == []


def test_an_exception_in_the_caller_leaves_staged_targets_old_and_no_temp_file(tmp_path):
    (tmp_path / "a.json").write_text("old")
    with pytest.raises(KeyError):
        with AtomicBatch(batch_size=10) as batch:
            submit_text(batch, tmp_path / "a.json", "new")
            raise KeyError("the caller failed")
    assert (tmp_path / "a.json").read_text() == "old"
    assert temps(tmp_path) == []


def test_permissions_of_an_existing_file_are_kept(tmp_path):
    target = tmp_path / "a.json"
    target.write_text("old")
    os.chmod(target, 0o640)
    with AtomicBatch() as batch:
        submit_text(batch, target, "new")
        assert batch.finish() == [("a.json", None)]
    assert target.read_text() == "new" and target.stat().st_mode & 0o777 == 0o640


def test_durability_order_fsync_all_then_rename_then_each_folder_once(tmp_path, monkeypatch):
    events = []
    monkeypatch.setattr(bulk, "fsync_path", lambda p: events.append(("fsync", Path(p).parent.name)))
    monkeypatch.setattr(bulk, "fsync_folder", lambda f: events.append(("folder", Path(f).name)))
    real_replace = os.replace
    monkeypatch.setattr(bulk.os, "replace", lambda a, b: (events.append(("rename", Path(b).parent.name)),
                                                          real_replace(a, b)))
    for d in ("x", "y"):
        (tmp_path / d).mkdir()
    with AtomicBatch(batch_size=100) as batch:
        for i in range(3):
            for d in ("x", "y"):
                submit_text(batch, tmp_path / d / f"{i}.json", "v")
        batch.finish()
    kinds = [k for k, _ in events]
    assert kinds == ["fsync"] * 6 + ["rename"] * 6 + ["folder"] * 2
    assert sorted(f for k, f in events if k == "folder") == ["x", "y"]


def _image(folder: Path, name: str) -> Path:
    from PIL import Image

    p = folder / name
    Image.new("RGB", (40, 30)).save(p)
    return p


def test_import_of_one_image_listed_twice_merges_both_entries(tmp_path):
    """A COCO file that lists the same image twice: the second entry sees the first's file."""
    import json

    images = tmp_path / "images"
    images.mkdir()
    _image(images, "a.png")
    _image(images, "b.png")
    coco = {
        "images": [{"id": 1, "file_name": "a.png", "width": 40, "height": 30},
                   {"id": 2, "file_name": "b.png", "width": 40, "height": 30},
                   {"id": 3, "file_name": "a.png", "width": 40, "height": 30}],
        "categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 5, 5], "iscrowd": 0},
                        {"id": 2, "image_id": 2, "category_id": 1, "bbox": [2, 2, 5, 5], "iscrowd": 0},
                        {"id": 3, "image_id": 3, "category_id": 2, "bbox": [3, 3, 5, 5], "iscrowd": 0}],
    }
    src = tmp_path / "coco.json"
    src.write_text(json.dumps(coco))
    summary = import_dataset("coco", src, images, on_exists="merge")
    assert summary.ok, summary.lines()
    assert sorted(s.label for s in read_label_file(images / "a.json").shapes) == ["cat", "dog"]
    assert [s.label for s in read_label_file(images / "b.json").shapes] == ["cat"]
    refused = import_dataset("coco", src, images, on_exists="refuse")
    assert refused.files_written == 0 and len(refused.failures) == 3


def test_import_names_a_label_file_whose_commit_fails_and_writes_the_others(tmp_path, monkeypatch):
    import json

    images = tmp_path / "images"
    images.mkdir()
    coco = {"images": [], "annotations": [], "categories": [{"id": 1, "name": "cat"}]}
    for i in range(5):
        _image(images, f"i{i}.png")
        coco["images"].append({"id": i, "file_name": f"i{i}.png", "width": 40, "height": 30})
        coco["annotations"].append({"id": i, "image_id": i, "category_id": 1, "bbox": [1, 1, 5, 5], "iscrowd": 0})
    src = tmp_path / "coco.json"
    src.write_text(json.dumps(coco))
    real_replace = os.replace

    def replace(a, b):
        if Path(b).name == "i2.json":
            raise OSError(28, "No space left on device")
        real_replace(a, b)

    monkeypatch.setattr(bulk.os, "replace", replace)
    summary = import_dataset("coco", src, images)
    assert summary.files_written == 4
    assert [(str(f[0]), f[1]) for f in summary.failures] == [
        (str(images / "i2.json"), "cannot be written (No space left on device)")]
    assert sorted(p.name for p in images.glob("*.json")) == ["i0.json", "i1.json", "i3.json", "i4.json"]
    assert temps(images) == []


def test_a_missing_folder_is_made_and_every_file_of_a_big_batch_is_synced(tmp_path, monkeypatch):
    synced = []
    real = bulk.fsync_path
    monkeypatch.setattr(bulk, "fsync_path", lambda p: (synced.append(Path(p).name), real(p)))
    targets = [tmp_path / "new" / "deeper" / f"f{i:03d}.json" for i in range(37)]
    with AtomicBatch(batch_size=1000, sync_threads=5) as batch:
        for i, t in enumerate(targets):
            assert submit_text(batch, t, f"v{i}") == []
        outcomes = batch.finish()
    assert [err for _, err in outcomes] == [None] * 37
    assert len(synced) == len(set(synced)) == 37  # each temp file once, shared among the threads
    assert [t.read_text() for t in targets] == [f"v{i}" for i in range(37)]
    assert temps(tmp_path / "new" / "deeper") == []
