"""Synthetic label folders with known perturbations; the expected counts follow by construction.

Reference shapes sit on a grid with 60 px gaps, so no perturbation below reaches a neighbour.
"""
from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np

from anylabel.core.geometry import RotatedBox, rotated_box_corners
from anylabel.core.label_file import ImageAnnotation, write_label_file
from anylabel.core.shape import Shape, rectangle

SLOT = 100      # grid pitch
SIZE = 40       # box side
# perturbation -> (tp, fn, fp) it adds for the reference label; a relabel also adds fp to the other label.
BOX_CASES = ("same", "small_shift", "big_shift", "drop", "relabel", "extra")
OTHER = {"cat": "dog", "dog": "cat", "car": "truck"}


class Expected:
    def __init__(self) -> None:
        self.tp, self.fp, self.fn = Counter(), Counter(), Counter()
        self.confusion = Counter()

    def add(self, label: str, case: str, cand_label: str | None = None) -> None:
        if case in ("same", "small_shift", "rot_small", "poly_small", "point_near"):
            self.tp[label] += 1
            self.confusion[(label, label)] += 1
        elif case in ("big_shift", "rot_big", "poly_big", "point_far"):
            self.fn[label] += 1
            self.fp[label] += 1
            self.confusion[(label, "(missing)")] += 1
            self.confusion[("(extra)", label)] += 1
        elif case == "drop":
            self.fn[label] += 1
            self.confusion[(label, "(missing)")] += 1
        elif case == "relabel":
            self.fn[label] += 1
            self.fp[cand_label] += 1
            self.confusion[(label, cand_label)] += 1
        elif case == "extra":
            self.fp[label] += 1
            self.confusion[("(extra)", label)] += 1


def _slot(k: int) -> tuple[float, float]:
    return 20.0 + SLOT * (k % 6), 20.0 + SLOT * (k // 6)


def box_pair(k: int, label: str, case: str, score: float | None) -> tuple[list[Shape], list[Shape]]:
    x, y = _slot(k)
    ref = [rectangle(x, y, x + SIZE, y + SIZE, label)]
    if case == "extra":
        return [], [rectangle(x, y, x + SIZE, y + SIZE, label, score=score)]
    if case == "drop":
        return ref, []
    dx = {"same": 0.0, "small_shift": 8.0, "big_shift": 20.0, "relabel": 0.0}[case]
    cand_label = OTHER[label] if case == "relabel" else label
    return ref, [rectangle(x + dx, y, x + dx + SIZE, y + SIZE, cand_label, score=score)]


def rotation_pair(k: int, label: str, case: str) -> tuple[list[Shape], list[Shape]]:
    x, y = _slot(k)
    cx, cy = x + 30, y + 30
    ref = Shape("rotation", rotated_box_corners(RotatedBox(cx, cy, 60, 20, math.radians(30))), label)
    turn = {"rot_small": 5.0, "rot_big": 90.0}[case]  # 90 degrees: IoU = 400 / 2000 = 0.2
    cand = Shape("rotation", rotated_box_corners(RotatedBox(cx, cy, 60, 20, math.radians(30 + turn))), label)
    return [ref], [cand]


def polygon_pair(k: int, label: str, case: str) -> tuple[list[Shape], list[Shape]]:
    x, y = _slot(k)
    pts = np.array([[x, y], [x + 50, y + 5], [x + 40, y + 45], [x + 5, y + 35]], dtype=np.float64)
    shift = {"poly_small": 4.0, "poly_big": 30.0}[case]
    return [Shape("polygon", pts, label)], [Shape("polygon", pts + [shift, 0.0], label)]


def point_pair(k: int, label: str, case: str) -> tuple[list[Shape], list[Shape]]:
    x, y = _slot(k)
    d = {"point_near": 5.0, "point_far": 30.0}[case]
    return [Shape("point", np.array([[x, y]]), label)], [Shape("point", np.array([[x + d * 0.6, y + d * 0.8]]), label)]


def write(folder: Path, name: str, shapes: list[Shape]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_label_file(folder / f"{name}.json", ImageAnnotation(shapes=shapes, image_path=f"{name}.png",
                                                              image_width=640, image_height=480))


def make_box_folders(root: Path, images: int = 10, seed: int = 0, scores: bool = True) -> Expected:
    """Rectangles only (what COCOeval can check): every perturbation in every image, mixed up."""
    rng = np.random.default_rng(seed)
    expected = Expected()
    for n in range(images):
        ref, cand = [], []
        cases = list(BOX_CASES) * 2
        rng.shuffle(cases)
        for k, case in enumerate(cases):
            label = "cat" if rng.random() < 0.5 else "dog"
            score = float(rng.uniform(0.3, 1.0)) if scores else None
            r, c = box_pair(k, label, case, score)
            ref += r
            cand += c
            expected.add(label, case, OTHER[label] if case == "relabel" else None)
        # file order of the candidate is not the reference's
        order = rng.permutation(len(cand))
        write(root / "ref", f"img_{n:03d}", ref)
        write(root / "cand", f"img_{n:03d}", [cand[i] for i in order])
    return expected


def make_mixed_folders(root: Path) -> Expected:
    """Boxes, rotated boxes, polygons and points in one image each."""
    expected = Expected()
    groups = [
        ("boxes", [(case, box_pair) for case in BOX_CASES]),
        ("rotated", [("rot_small", rotation_pair), ("rot_big", rotation_pair)] * 2),
        ("polygons", [("poly_small", polygon_pair), ("poly_big", polygon_pair), ("poly_small", polygon_pair)]),
        ("points", [("point_near", point_pair), ("point_far", point_pair)]),
    ]
    for name, cases in groups:
        ref, cand = [], []
        for k, (case, make) in enumerate(cases):
            label = {"boxes": "car", "rotated": "ship", "polygons": "field", "points": "nose"}[name]
            if make is box_pair:
                r, c = box_pair(k, label, case, None)
                expected.add(label, case, "truck" if case == "relabel" else None)
            else:
                r, c = make(k, label, case)
                expected.add(label, case)
            ref += r
            cand += c
        write(root / "ref", name, ref)
        write(root / "cand", name, cand)
    return expected
