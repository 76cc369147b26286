"""Exported datasets judged by the tools that consume them (slow; scripts/test_consumers.sh).

- Ultralytics trains a tiny model built from its yaml (no weights) for one epoch on the
  yolo, yolo-seg, yolo-obb and yolo-pose exports, and its label cache must hold every
  label we wrote: nothing missing, nothing corrupt, no instance dropped.
- supervision's dataset loaders read the yolo, coco and voc exports with the same boxes.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from anylabel.core.label_file import label_path_for, new_annotation_for, write_label_file
from anylabel.core.shape import Shape
from anylabel.formats.base import ExportOptions
from anylabel.formats.driver import export_dataset

pytestmark = pytest.mark.slow

ultralytics = pytest.importorskip("ultralytics")
SIZE = (128, 96)
POSE = {"person": ["head", "left", "right"]}
FONTS = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")]


def _rot(cx, cy, w, h, deg):
    a = np.radians(deg)
    u, v = np.array([np.cos(a), np.sin(a)]) * w / 2, np.array([-np.sin(a), np.cos(a)]) * h / 2
    c = np.array([cx, cy])
    return np.array([c - u - v, c + u - v, c + u + v, c - u + v])


def make_source(folder: Path, n: int = 12) -> Path:
    """Images with drawn objects and matching shapes of every kind (names have spaces and é)."""
    folder.mkdir(parents=True)
    rng = np.random.default_rng(7)
    for i in range(n):
        img = Image.fromarray(rng.integers(0, 60, (SIZE[1], SIZE[0], 3), dtype=np.uint8))
        d = ImageDraw.Draw(img)
        x, y = rng.uniform(5, 50, 2)
        box = Shape("rectangle", np.array([[x, y], [x + 40, y + 30]]), label="person", group_id=1)
        d.rectangle([x, y, x + 40, y + 30], outline=(250, 40, 40), width=2)
        tri = np.array([[70, 10], [120, 20], [95, 60]], dtype=float) + rng.uniform(-5, 5, 2)
        d.polygon([tuple(p) for p in tri], fill=(40, 200, 40))
        rot = _rot(90 + rng.uniform(-5, 5), 70, 30, 14, rng.uniform(0, 90))
        d.polygon([tuple(p) for p in rot], fill=(40, 40, 220))
        shapes = [
            box,
            Shape("point", np.array([[x + 20, y + 5]]), label="head", group_id=1),
            Shape("point", np.array([[x + 5, y + 20]]), label="left", group_id=1, difficult=True),
            Shape("polygon", tri, label="leaf é"),
            Shape("rotation", rot, label="car"),
            Shape("circle", np.array([[20, 80], [28, 80]]), label="ball"),
            Shape("line", np.array([[0, 0], [10, 10]]), label="edge"),
        ]
        p = folder / f"frame {i}.png"
        img.save(p)
        write_label_file(label_path_for(p), new_annotation_for(p, shapes, SIZE))
    return folder


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    return make_source(tmp_path_factory.mktemp("src") / "my images")


@pytest.fixture(scope="module", autouse=True)
def offline_ultralytics(tmp_path_factory):
    """No network: settings sync off, and the font Ultralytics looks for is already there
    (a DejaVu copy), so check_font() never tries to fetch Arial."""
    cfg = Path(os.environ.get("YOLO_CONFIG_DIR") or tmp_path_factory.mktemp("yolo_cfg"))
    os.environ["YOLO_CONFIG_DIR"] = str(cfg)
    os.environ["YOLO_OFFLINE"] = "1"
    from ultralytics.utils import USER_CONFIG_DIR, SETTINGS

    SETTINGS.update({"sync": False})
    for font in FONTS:
        if font.exists():
            for name in ("Arial.ttf", "Arial.Unicode.ttf"):
                target = Path(USER_CONFIG_DIR) / name
                if not target.exists():
                    shutil.copyfile(font, target)


def _written_instances(out: Path, subset: str) -> int:
    return sum(
        len([ln for ln in p.read_text().splitlines() if ln.strip()])
        for p in (out / "labels" / subset).glob("*.txt")
    )


@pytest.mark.parametrize(
    "fmt, model_yaml, options",
    [
        ("yolo", "yolov8n.yaml", {}),
        ("yolo-seg", "yolov8n-seg.yaml", {}),
        ("yolo-obb", "yolov8n-obb.yaml", {}),
        ("yolo-pose", "yolov8n-pose.yaml", {"pose_config": POSE}),
    ],
)
def test_ultralytics_trains_one_epoch_without_dropping_labels(source, tmp_path, fmt, model_yaml, options):
    from ultralytics import YOLO
    from ultralytics.data.utils import load_dataset_cache_file

    out = tmp_path / f"{fmt} ds"
    summary = export_dataset(
        fmt, source, out, options=ExportOptions(split=(0.75, 0.25, 0.0), seed=0, **options)
    )
    assert summary.ok, summary.lines()
    model = YOLO(model_yaml)
    model.train(
        data=str(out / "data.yaml"),
        epochs=1,
        imgsz=64,
        batch=4,
        workers=0,
        device="cpu",
        plots=False,
        amp=False,
        project=str(tmp_path / "runs"),
        name=fmt,
        exist_ok=True,
        verbose=False,
        pretrained=False,
        val=True,
        seed=0,
        deterministic=True,
    )
    for subset in ("train", "val"):
        cache = load_dataset_cache_file(out / "labels" / f"{subset}.cache")
        nf, nm, ne, nc, n = cache["results"]
        assert (nm, nc) == (0, 0), f"{subset}: {nm} missing, {nc} corrupt label files"
        assert nf == n == len(list((out / "images" / subset).iterdir()))
        kept = sum(len(lb["cls"]) for lb in cache["labels"])
        assert kept == _written_instances(out, subset) > 0
    assert (tmp_path / "runs" / fmt / "weights" / "last.pt").exists()


def _boxes_by_image(ds) -> dict[str, np.ndarray]:
    out = {}
    for path, _image, det in ds:
        out[Path(path).name] = det.xyxy[np.lexsort((det.xyxy[:, 1], det.xyxy[:, 0]))]
    return out


def test_supervision_reads_yolo_coco_and_voc_with_the_same_boxes(source, tmp_path):
    sv = pytest.importorskip("supervision")
    for fmt in ("yolo", "coco", "voc"):
        assert export_dataset(fmt, source, tmp_path / fmt).ok
    yolo_dir = tmp_path / "yolo"
    (yolo_dir / "data.yaml").write_text(
        "names:\n"
        + "".join(f"  - {n}\n" for n in (yolo_dir / "classes.txt").read_text(encoding="utf-8").splitlines()),
        encoding="utf-8",
    )
    y = sv.DetectionDataset.from_yolo(str(source), str(yolo_dir), str(yolo_dir / "data.yaml"))
    c = sv.DetectionDataset.from_coco(str(source), str(tmp_path / "coco" / "annotations.json"))
    v = sv.DetectionDataset.from_pascal_voc(str(source), str(tmp_path / "voc"))
    assert len(y) == len(c) == len(v) == 12
    by, bc, bv = _boxes_by_image(y), _boxes_by_image(c), _boxes_by_image(v)
    assert by.keys() == bc.keys() == bv.keys()
    for name in by:
        assert len(by[name]) == len(bc[name]) == len(bv[name]) == 4  # box, triangle, rotation, circle
        assert np.allclose(by[name], bc[name], atol=0.1)
        # VOC stores whole pixels (1-based xmin/ymin, which supervision shifts back): match each
        # COCO box to its nearest VOC box, which must be within rounding.
        gaps = np.abs(bc[name][:, None, :] - bv[name][None, :, :]).max(axis=2)
        assert gaps.min(axis=1).max() <= 0.51 and len(set(gaps.argmin(axis=1))) == 4
    assert sorted(c.classes) == sorted(["ball", "car", "leaf é", "person"])
