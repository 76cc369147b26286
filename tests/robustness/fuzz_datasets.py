"""Small valid inputs that the fuzz tests damage: a folder of two images with label files
(``good`` and ``bad``), and each format's dataset exported from it by the tool itself.

Built once per test session in a temporary folder; every example works on a copy.
"""
from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import strategies as st
from PIL import Image

from anylabel.formats.base import ExportOptions
from anylabel.formats.driver import export_dataset

W, H = 48, 32
POSE = {"cat": ["nose", "tail"]}
#: Every export format, with the options it needs.
EXPORT_FORMATS = ["yolo", "yolo-seg", "yolo-obb", "yolo-pose", "coco", "voc", "dota", "mot", "mask", "ppocr"]

_ROOT = Path(tempfile.mkdtemp(prefix="anylabel-fuzz-templates-"))
atexit.register(shutil.rmtree, _ROOT, True)


def options_for(fmt: str, **kw: Any) -> ExportOptions:
    return ExportOptions(pose_config=dict(POSE) if fmt in ("yolo-pose", "coco") else None, **kw)


def label_doc(image_name: str) -> dict[str, Any]:
    """A LabelMe-family label file with each kind of shape the formats carry."""
    return {
        "version": "5.0.1",
        "flags": {},
        "shapes": [
            {"label": "cat", "points": [[2, 3], [30, 25]], "group_id": 1, "shape_type": "rectangle",
             "flags": {}, "description": "hello", "difficult": False},
            {"label": "nose", "points": [[10, 10]], "group_id": 1, "shape_type": "point", "flags": {}},
            {"label": "dog", "points": [[5, 5], [40, 6], [38, 28], [6, 20]], "group_id": None,
             "shape_type": "polygon", "flags": {}, "description": "world"},
        ],
        "imagePath": image_name,
        "imageData": None,
        "imageHeight": H,
        "imageWidth": W,
    }


def label_patches() -> list:
    """Targeted damage of a label file: hostile points, declared sizes, labels, flags."""
    from fuzzkit import NASTY_STRINGS, declared_size, patch, points

    out = [patch(("imageWidth",), declared_size), patch(("imageHeight",), declared_size)]
    for i in range(3):
        out += [
            patch(("shapes", i, "points"), points),
            patch(("shapes", i, "label"), st.sampled_from(NASTY_STRINGS)),
            patch(("shapes", i, "difficult"), st.sampled_from(["false", "true", 1, None, 2.5])),
            patch(("shapes", i, "group_id"), st.sampled_from([[1], "1", 1.5, 2**70, -1, True])),
            patch(("shapes", i, "description"), st.sampled_from(NASTY_STRINGS)),
        ]
    return out


def _image(path: Path, seed: int) -> None:
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 255, (H, W, 3), dtype=np.uint8)).save(path)


def _labelled(folder: Path, stems: tuple[str, ...]) -> Path:
    folder.mkdir(parents=True)
    for i, stem in enumerate(stems):
        _image(folder / f"{stem}.png", i)
        (folder / f"{stem}.json").write_text(json.dumps(label_doc(f"{stem}.png")), encoding="utf-8")
    return folder


#: MOT frames are named <video>_<n>; frame 1 is the good one, frame 2 the bad one.
MOT_STEMS = ("clip_1", "clip_2")


def stems_for(fmt: str) -> tuple[str, str]:
    return MOT_STEMS if fmt == "mot" else ("good", "bad")


@lru_cache(maxsize=None)
def labelled_folder(fmt: str = "") -> Path:
    """``input/`` with good.png + good.json and bad.png + bad.json (MOT: clip_1, clip_2)."""
    return _labelled(_ROOT / f"labelled-{fmt or 'plain'}" / "input", stems_for(fmt))


def exported(fmt: str, split: bool = False) -> Path:
    return _exported(fmt, bool(split))


@lru_cache(maxsize=None)
def _exported(fmt: str, split: bool) -> Path:
    """A folder with ``images/`` (the two images, no label files) and ``source/`` (the dataset
    the tool exports from them): the valid input of an import."""
    base = _ROOT / f"exported-{fmt}{'-split' if split else ''}"
    src = labelled_folder(fmt)
    opts = options_for(fmt, split=(1.0, 0.0, 0.0) if split else None)
    summary = export_dataset(fmt, src, base / "source", options=opts)
    assert summary.ok, summary.lines()
    images = base / "images"
    images.mkdir()
    for p in src.glob("*.png"):
        shutil.copy(p, images / p.name)
    if split:  # the class names then come from data.yaml only
        (base / "source" / "classes.txt").unlink()
    return base
