"""``anylabel import`` writes the label files, and prints the summary, that the code before
the import speed-up (docs/adr/0020-import-workers.md, "Later") wrote, on random datasets
full of unusual entries: COCO annotations of every kind (boxes as corners in any order,
signed zeros, near-boxes that only rounding makes boxes, rotations, circles, keypoints,
RLE, several polygons, bad values), in one process and on workers, new files and merges;
YOLO and VOC exported from a random label folder.

The previous code is ``git archive`` of REFERENCE; without git history the test is skipped.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest

from anylabel.core.label_file import new_annotation_for, write_label_file
from anylabel.core.shape import Shape
from anylabel.formats.driver import export_dataset

REPO = Path(__file__).resolve().parents[3]
#: The last commit before COCO annotations were built and label files encoded the quicker way.
REFERENCE = "98f75b769e7ac2cbb8f94f919e16b06bd4ed0c2c"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="import workers are forked (Linux)")


@pytest.fixture(scope="module")
def previous_code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        data = subprocess.run(["git", "-C", str(REPO), "archive", REFERENCE, "anylabel"], check=True,
                              capture_output=True, timeout=120).stdout
    except (OSError, subprocess.SubprocessError):
        pytest.skip(f"the previous code ({REFERENCE[:10]}) is not in this checkout's git history")
    into = tmp_path_factory.mktemp("previous")
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def run_import(code: Path, fmt: str, source: Path, images: Path, *extra: str) -> tuple[int, str, str]:
    run = subprocess.run(
        [sys.executable, "-m", "anylabel", "import", "--format", fmt, "--source", str(source),
         "--output", str(images), "--quiet", *extra],
        capture_output=True, text=True, timeout=300, env=dict(os.environ, PYTHONPATH=str(code)),
        cwd=code,  # ``-m`` puts the working folder first on sys.path: it must be the code's
    )
    return run.returncode, run.stdout, run.stderr.replace(str(images), "IMAGES")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.json"))}


def image_folder(folder: Path, names: list[str], size: tuple[int, int] = (40, 30)) -> Path:
    """Hard links of one PNG (the importers read the headers of some)."""
    from PIL import Image

    folder.mkdir(parents=True)
    one = folder.parent / f"{folder.name}.png.src"
    Image.new("RGB", size, (30, 60, 90)).save(one, format="PNG")
    for n in names:
        os.link(one, folder / n)
    return folder


# ----------------------------------------------------------------------------- random COCO

def _corners(rng: np.random.Generator, x0: float, y0: float, x1: float, y1: float) -> list[float]:
    pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    k = int(rng.integers(4))
    pts = pts[k:] + pts[:k]
    if rng.random() < 0.5:
        pts.reverse()
    return [v for p in pts for v in p]


def random_annotation(rng: np.random.Generator, ann_id: int, image_id: int, w: int, h: int) -> dict:
    kind = int(rng.integers(14))
    if kind in (10, 11) and rng.random() < 0.8:  # a fault spoils its image: fewer of them
        kind = 13
    x, y = float(rng.uniform(0, w - 12)), float(rng.uniform(0, h - 12))
    bw, bh = float(rng.uniform(1, 10)), float(rng.uniform(1, 10))
    ann: dict = {"id": ann_id, "image_id": image_id, "category_id": int(rng.integers(1, 5)),
                 "bbox": [round(x, 3), round(y, 3), round(bw, 3), round(bh, 3)], "iscrowd": 0}
    attrs: dict = {}
    if kind == 0:  # a box as corners
        ann["segmentation"] = [_corners(rng, x, y, x + bw, y + bh)]
        attrs["shape_type"] = "rectangle"
    elif kind == 1:  # corners on the image's edges: zeros, some of them negative
        flat = _corners(rng, 0.0, 0.0, x + bw, y + bh)
        ann["segmentation"] = [[-v if v == 0 and rng.random() < 0.5 else v for v in flat]]
    elif kind == 2:  # corners that are a box only after rounding to 6 decimals, or not quite
        eps = [4e-7, 6e-7, 2e-6][int(rng.integers(3))]
        flat = _corners(rng, x, y, x + bw, y + bh)
        flat[int(rng.integers(8))] += eps
        ann["segmentation"] = [flat]
    elif kind == 3:  # no segmentation: the bbox (or none usable)
        ann["segmentation"] = [] if rng.random() < 0.5 else None
        if rng.random() < 0.15:
            ann["bbox"] = [x, y, 0, bh]
    elif kind == 4:  # a rotated box
        c, s = np.cos(0.3), np.sin(0.3)
        pts = [(x + 5 + dx * c - dy * s, y + 5 + dx * s + dy * c) for dx, dy in ((-4, -2), (4, -2), (4, 2), (-4, 2))]
        ann["segmentation"] = [[float(v) for p in pts for v in p]]
        attrs["shape_type"] = "rotation"
    elif kind == 5:  # a circle's outline
        t = np.linspace(0, 2 * np.pi, 12, endpoint=False)
        ann["segmentation"] = [[float(v) for a in t for v in (x + 5 + 4 * np.cos(a), y + 5 + 4 * np.sin(a))]]
        attrs["shape_type"] = "circle"
    elif kind == 6:  # several polygons: one group
        ann["segmentation"] = [rng.uniform(0, 30, 2 * int(rng.integers(3, 7))).tolist() for _ in range(2)]
    elif kind == 7:  # keypoints (some hidden) with a box
        ann["segmentation"] = [_corners(rng, x, y, x + bw, y + bh)]
        ann["keypoints"] = [v for j in range(3) for v in (x + j, y + j, int(rng.integers(3)))]
    elif kind == 8:  # an RLE region, sometimes of the wrong size
        size = [h, w] if rng.random() < 0.8 else [h + 1, w]
        ann["segmentation"] = {"size": size, "counts": [w * 3 + 2, 40, w * h - w * 3 - 42]}
        ann["iscrowd"] = 1
    elif kind == 9:  # integers and text that reads as numbers
        ann["segmentation"] = [[int(x), int(y), int(x + bw) + 1, int(y), int(x + bw) + 1, int(y + bh) + 1, "3", 4]]
    elif kind == 10:  # bad values: named, the rest of the image goes on
        ann["segmentation"] = [[1.0, 2.0, 3.0]] if rng.random() < 0.5 else [[1.0, "x", 2.0, 3.0, 4.0, 5.0]]
    elif kind == 11:  # an unknown category
        ann["segmentation"] = [_corners(rng, x, y, x + bw, y + bh)]
        ann["category_id"] = 99
    else:  # a polygon
        ann["segmentation"] = [rng.uniform(0, 30, 2 * int(rng.integers(3, 9))).tolist()]
    pick = int(rng.integers(8))
    if pick == 0:
        attrs["group_id"] = int(rng.integers(1, 4))
    elif pick == 1:
        attrs["group_id"] = 2.0
    elif pick == 2:
        attrs.update(difficult=True, description="a \"quoted\" 猫", occluded=bool(rng.integers(2)))
    elif pick == 3:
        attrs["colour"] = {"rgb": [1, 2, 3], "name": "ルビー"}
    if attrs or rng.random() < 0.5:
        ann["attributes"] = attrs
    return ann


def random_coco(rng: np.random.Generator, n_images: int, size: tuple[int, int] = (40, 30)) -> tuple[dict, list[str]]:
    w, h = size
    cats = [{"id": 1, "name": "person"}, {"id": 2, "name": "猫"}, {"id": 3, "name": "car"},
            {"id": 4, "name": "pose", "keypoints": ["nose", "eye"]}]
    images, anns, names = [], [], []
    for i in range(n_images):
        name = f"im_{i:05d}.png"
        names.append(name)
        entry: dict = {"id": i + 1, "file_name": name if i % 17 else name[:-4]}  # some matched by stem
        if i % 5:
            entry.update(width=w, height=h)
        images.append(entry)
        for _ in range(int(rng.integers(0, 7))):
            anns.append(random_annotation(rng, len(anns) + 1, i + 1, w, h))
    images.append({"id": n_images + 1, "file_name": "missing.png", "width": w, "height": h})
    anns.append(random_annotation(rng, len(anns) + 1, n_images + 1, w, h))
    return {"images": images, "annotations": anns, "categories": cats}, names


def existing_label_files(rng: np.random.Generator, folder: Path, names: list[str]) -> None:
    """Label files for some images already: what a merge adds to."""
    for name in names[::3]:
        img = folder / name
        shapes = [Shape("rectangle", [[1.0, 2.0], [9.5, 8.25]], label="car"),
                  Shape("polygon", rng.uniform(0, 30, (5, 2)), label="person")]
        write_label_file(img.with_suffix(".json"), new_annotation_for(img, shapes, (40, 30)))


@pytest.mark.parametrize("n_images, workers", [(300, "1"), (1300, "0")])
def test_coco_import_matches_the_previous_code(previous_code: Path, tmp_path: Path, n_images: int, workers: str):
    rng = np.random.default_rng(n_images)
    data, names = random_coco(rng, n_images)
    source = tmp_path / "instances.json"
    source.write_text(json.dumps(data, ensure_ascii=bool(n_images % 2)))
    for mode in ("refuse", "merge", "overwrite"):
        got = {}
        for which, code in (("previous", previous_code), ("new", REPO)):
            images = image_folder(tmp_path / f"{mode}_{which}", names)
            if mode != "refuse":
                existing_label_files(np.random.default_rng(1), images, names)
            extra = ["--workers", workers] + ([f"--{mode}"] if mode != "refuse" else [])
            got[which] = run_import(code, "coco", source, images, *extra), files_of(images)
        (rc, out, err), files = got["new"]
        assert rc == 1 and "not found" in err and "unknown category_id" in err, (out, err)  # the dataset's faults
        assert len(files) > n_images // 2, len(files)
        assert got["new"] == got["previous"], f"{mode}: the label files or the summary differ"


@pytest.mark.parametrize("fmt", ["yolo", "voc"])
def test_per_image_imports_match_the_previous_code(previous_code: Path, tmp_path: Path, fmt: str):
    rng = np.random.default_rng(3)
    labelled = tmp_path / "labelled"
    names = [f"im_{i:05d}.png" for i in range(1100)]
    image_folder(labelled, names, size=(64, 48))
    labels = ["person", "猫", "car"]
    for k, name in enumerate(names):
        shapes = []
        for j in range(int(rng.integers(0, 6))):
            x, y = rng.uniform(0, 50, 2)
            if (k + j) % 3:
                shapes.append(Shape("rectangle", [[x, y], [x + rng.uniform(1, 14), y + rng.uniform(1, 14)]],
                                    label=labels[j % 3], difficult=bool(j % 4 == 1)))
            else:
                shapes.append(Shape("polygon", rng.uniform(0, 48, (int(rng.integers(3, 8)), 2)), label=labels[j % 3]))
        write_label_file(labelled / f"im_{k:05d}.json", new_annotation_for(labelled / name, shapes, (64, 48)))
    dataset = tmp_path / "dataset"
    assert export_dataset(fmt, labelled, dataset).ok
    got = {}
    for which, code in (("previous", previous_code), ("new", REPO)):
        images = image_folder(tmp_path / f"im_{which}", names, size=(64, 48))
        got[which] = run_import(code, fmt, dataset, images), files_of(images)
    assert got["new"][0][0] == 0, got["new"][0]
    assert len(got["new"][1]) > 900
    assert got["new"] == got["previous"]
