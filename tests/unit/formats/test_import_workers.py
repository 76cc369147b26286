"""Imports shared out among forked workers (formats/import_workers.py) write the same label
files and report the same summary as the one-process path, failures and merges included."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from anylabel.formats import import_workers
from anylabel.formats.base import ExportOptions
from anylabel.formats.driver import export_dataset
from anylabel.formats.import_driver import import_dataset

sys.path.insert(0, str(Path(__file__).parent))  # run as a script by in_a_fresh_process
from formats_helpers import make_dataset, make_image, poly, rect

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="import workers are forked (Linux)")

N = 40


REPO = Path(__file__).resolve().parents[3]


def few_entries_are_enough() -> None:
    import_workers.PARALLEL_MIN_ENTRIES = 10
    import_workers.MIN_ENTRIES_PER_WORKER = 5


def in_a_fresh_process(scenario: str, tmp_path: Path, *args: str) -> None:
    """Run ``scenario`` of this file in a process of its own, as the command line runs: no
    Qt, no ONNX Runtime threads, so the workers are forked for real (forking this test
    process, which has loaded both, could hang a worker)."""
    run = subprocess.run([sys.executable, __file__, scenario, str(tmp_path), *args], capture_output=True,
                         text=True, timeout=300, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().endswith("workers used")


def workers_were_used(fn):
    """Count the ranges the parent received from workers while ``fn`` runs."""
    seen: list[int] = []
    real = import_workers.staged_in_workers

    def spy(*args, **kwargs):
        for results in real(*args, **kwargs):
            seen.append(len(results))
            yield results

    import_workers.staged_in_workers = spy
    try:
        fn()
    finally:
        import_workers.staged_in_workers = real
    return bool(seen)


def labelled(tmp_path):
    per_image = {
        f"im_{i:03d}.png": [rect(1 + i % 7, 2, 30, 20 + i % 5, label="cat"),
                            poly([[1, 1], [40, 3], [20, 30 + i % 9]], label="猫" if i % 2 else "dog")]
        for i in range(N)
    }
    return make_dataset(tmp_path / "src", per_image)


def images_like(src, dest, keep=()):
    dest.mkdir()
    for p in sorted(src.glob("*.png")):
        shutil.copy(p, dest / p.name)
    for name in keep:
        shutil.copy(src / name, dest / name)
    return dest


def digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.json"))}


def both(tmp_path, fmt, source, src, on_exists="refuse", keep=()):
    out = {}
    for workers in (1, 2):
        images = images_like(src, tmp_path / f"im_{fmt}_{on_exists}_{workers}", keep)
        summary = import_dataset(fmt, source, images, options=ExportOptions(workers=workers), on_exists=on_exists)
        summary.failures = [(str(f).replace(str(images), "IMAGES"), why.replace(str(images), "IMAGES"))
                            for f, why in summary.failures]
        out[workers] = (summary, digests(images))
    return out


def same(out):
    (s1, d1), (s2, d2) = out[1], out[2]
    assert d1 == d2
    assert (s1.images, s1.files_written, s1.shapes_written) == (s2.images, s2.files_written, s2.shapes_written)
    assert s1.failures == s2.failures and s1.notes == s2.notes
    return s1, d1


def test_workers_write_the_files_of_one_process(tmp_path):
    in_a_fresh_process("same_files", tmp_path)


def same_files(tmp_path):
    src = labelled(tmp_path)
    for fmt in ("coco", "yolo", "voc"):
        assert export_dataset(fmt, src, tmp_path / f"ds_{fmt}").ok
        source = tmp_path / "ds_coco" / "annotations.json" if fmt == "coco" else tmp_path / f"ds_{fmt}"
        summary, files = same(both(tmp_path, fmt, source, src))
        assert summary.ok and summary.files_written == N and len(files) == N, fmt


def test_failures_refusals_and_merges_are_reported_alike(tmp_path):
    in_a_fresh_process("same_failures", tmp_path)


def same_failures(tmp_path):
    src = labelled(tmp_path)
    assert export_dataset("coco", src, tmp_path / "ds").ok
    path = tmp_path / "ds" / "annotations.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["annotations"][3]["segmentation"] = [[1, 2, "x", 4, 5, 6]]  # one bad entry among many
    data["annotations"][7]["category_id"] = 99
    data["images"].append({"id": 999, "file_name": "missing.png", "width": 64, "height": 48})
    data["annotations"].append({"id": 999, "image_id": 999, "category_id": 1, "bbox": [1, 1, 5, 5]})
    path.write_text(json.dumps(data), encoding="utf-8")
    existing = ("im_001.json", "im_020.json")
    for on_exists in ("refuse", "merge", "overwrite"):
        summary, files = same(both(tmp_path, "coco", path, src, on_exists, keep=existing))
        problems = " ".join(why for _, why in summary.failures)
        assert "not a list of numbers" in problems or "must be a list of numbers" in problems
        assert "unknown category_id 99" in problems and "'missing.png'" in problems
        assert ("already exists" in problems) == (on_exists == "refuse")
        assert len(files) == N - 1  # the image whose category is unknown gets none


def test_two_entries_for_one_image_are_imported_in_one_process(tmp_path):
    few_entries_are_enough()
    used = workers_were_used(lambda: two_entries(tmp_path))
    assert not used  # the second entry must see the file the first wrote


def two_entries(tmp_path):
    images = tmp_path / "imgs"
    for i in range(20):
        make_image(images / f"im_{i:03d}.png")
    coco = {
        "images": [{"id": i, "file_name": f"im_{i % 20:03d}.png", "width": 64, "height": 48} for i in range(1, 25)],
        "annotations": [{"id": i, "image_id": i, "category_id": 1, "bbox": [1, 1, 5 + i, 5]} for i in range(1, 25)],
        "categories": [{"id": 1, "name": "cat"}],
    }
    path = tmp_path / "dup.json"
    path.write_text(json.dumps(coco), encoding="utf-8")
    summary = import_dataset("coco", path, images, options=ExportOptions(workers=2), on_exists="merge")
    assert summary.ok, summary.lines()
    assert len(json.loads((images / "im_001.json").read_text())["shapes"]) == 2


def test_cancelling_leaves_no_temp_file(tmp_path):
    in_a_fresh_process("cancelled", tmp_path)


def cancelled_run(tmp_path):
    src = labelled(tmp_path)
    assert export_dataset("coco", src, tmp_path / "ds").ok
    images = images_like(src, tmp_path / "imgs")
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 3

    summary = import_dataset("coco", tmp_path / "ds" / "annotations.json", images,
                             options=ExportOptions(workers=2), cancelled=cancelled)
    assert summary.cancelled
    assert not [p for p in images.iterdir() if p.name.endswith(".tmp")]
    assert summary.files_written == len(list(images.glob("*.json"))) < N


if __name__ == "__main__":
    scenario, folder, *rest = sys.argv[1:]
    few_entries_are_enough()
    run = {"same_files": same_files, "same_failures": same_failures, "cancelled": cancelled_run}[scenario]
    assert workers_were_used(lambda: run(Path(folder), *rest)), "the workers did not run"
    print("workers used")
