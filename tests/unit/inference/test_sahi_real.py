"""Sliced inference with the real detect fixture: small objects in a large image are found
when tiled and mostly missed when the whole image is shrunk to the 160 px input."""
from __future__ import annotations

import numpy as np

from anylabel.core.geometry import bounding_box
from anylabel.inference import create_model

from _accuracy import box_overlap, synthetic


def mosaic(seed: int = 11, tiles: int = 4):
    """A 640 x 640 image made of 4 x 4 synthetic 160 px scenes (objects 18-50 px)."""
    rng = np.random.default_rng(seed)
    big = np.zeros((160 * tiles, 160 * tiles, 3), np.uint8)
    gts = []
    for r in range(tiles):
        for c in range(tiles):
            img, objs = synthetic().make_sample(rng, "det", 160, 160, max_objects=2)
            big[r * 160:(r + 1) * 160, c * 160:(c + 1) * 160] = img
            gts += [(o.cls, o.box + [c * 160, r * 160, c * 160, r * 160]) for o in objs]
    return big, gts


def recall(shapes, gts, names) -> float:
    hit = 0
    for cls, box in gts:
        hit += any(s.label == names[cls] and box_overlap(bounding_box(s), box) >= 0.5 for s in shapes)
    return hit / len(gts)


def test_sliced_inference_finds_small_objects() -> None:
    names = synthetic().CLASSES["det"]
    big, gts = mosaic()
    model = create_model("fixture_shapes_det", device="cpu")
    whole = recall(model.predict(big), gts, names)
    model.set_options(sahi=True, slice_height=160, slice_width=160, overlap_height_ratio=0.2, overlap_width_ratio=0.2)
    shapes = model.predict(big)
    sliced = recall(shapes, gts, names)
    print(f"recall whole image {whole:.2f}, sliced {sliced:.2f}")
    assert sliced > 0.8 and sliced > whole + 0.2
    # No object is reported twice by overlapping tiles.
    boxes = [bounding_box(s) for s in shapes]
    dups = sum(box_overlap(a, b) > 0.7 and shapes[i].label == shapes[j].label
               for i, a in enumerate(boxes) for j, b in enumerate(boxes) if i < j)
    assert dups == 0
