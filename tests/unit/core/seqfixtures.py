"""Helpers to build small folders of frames with label files for the sequence tools' tests."""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np


def make_frames(folder: Path, n: int, size=(200, 120), stem: str = "v") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(1, n + 1):
        p = folder / f"{stem}_{i:06d}.jpg"
        cv2.imwrite(str(p), np.full((size[1], size[0], 3), 40, np.uint8))
        out.append(p)
    return out


def rect(x1, y1, x2, y2, label="car", gid=None, **extra):
    d = {"label": label, "points": [[x1, y1], [x2, y2]], "group_id": gid, "shape_type": "rectangle",
         "flags": {}, "description": ""}
    d.update(extra)
    return d


def write_labels(image: Path, shapes: list[dict], **top) -> Path:
    data = {"version": "0", "flags": {}, "shapes": shapes, "imagePath": image.name, "imageData": None,
            "imageHeight": 120, "imageWidth": 200}
    data.update(top)
    p = image.with_suffix(".json")
    p.write_text(json.dumps(data))
    return p


def read_shapes(image: Path) -> list[dict] | None:
    p = image.with_suffix(".json")
    return json.loads(p.read_text())["shapes"] if p.exists() else None
