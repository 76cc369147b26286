#!/usr/bin/env python3
"""A folder of synthetic images with their AnyLabel label files, for training tests and demos.

Each image holds shapes drawn by ``synthetic_shapes`` (circles, rectangles, triangles; bars
and plates for OBB; triangles with keypoints for pose), labelled as an annotator would:
rectangles for detect, polygons for segment, rotated boxes for OBB, a box plus three
linked points for pose, and one image flag (the shape's class) for classify.

    python scripts/synthetic_label_folder.py OUT_DIR --task detect [--count 12] [--size 96]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from synthetic_shapes import CLASSES, KEYPOINTS, make_sample  # noqa: E402

from anylabel.core.label_file import label_path_for, new_annotation_for, write_label_file  # noqa: E402
from anylabel.core.shape import Shape  # noqa: E402

SHORT = {"detect": "det", "segment": "seg", "obb": "obb", "pose": "pose", "classify": "det"}


def make_label_folder(out: Path, task: str, count: int = 12, size: int = 96, seed: int = 0) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    short = SHORT[task]
    names = CLASSES[short]
    for i in range(count):
        if task == "classify":
            img, objs = make_sample(rng, short, size, size, max_objects=1, min_size=size / 4, max_size=size / 2)
        else:
            img, objs = make_sample(rng, short, size, size, max_objects=3, min_size=size / 6, max_size=size / 3)
        path = out / f"img_{i:03d}.png"
        cv2.imwrite(str(path), img[:, :, ::-1])
        shapes: list[Shape] = []
        flags: dict[str, bool] = {}
        for j, o in enumerate(objs):
            label = names[o.cls]
            if task == "detect":
                x0, y0, x1, y1 = o.box
                shapes.append(Shape("rectangle", np.array([[x0, y0], [x1, y1]]), label=label))
            elif task == "segment":
                shapes.append(Shape("polygon", o.polygon.astype(float), label=label))
            elif task == "obb":
                shapes.append(Shape("rotation", o.polygon.astype(float), label=label))
            elif task == "pose":
                x0, y0, x1, y1 = o.box
                shapes.append(Shape("rectangle", np.array([[x0, y0], [x1, y1]]), label=label, group_id=j + 1))
                for name, kp in zip(KEYPOINTS, o.keypoints):
                    shapes.append(Shape("point", np.array([kp], dtype=float), label=name, group_id=j + 1))
            else:
                flags = {n: n == label for n in names}
        ann = new_annotation_for(path, shapes, (size, size))
        ann.flags = flags
        write_label_file(label_path_for(path), ann)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--task", default="detect", choices=list(SHORT))
    ap.add_argument("--count", type=int, default=12)
    ap.add_argument("--size", type=int, default=96)
    a = ap.parse_args()
    print(make_label_folder(a.out, a.task, a.count, a.size))
