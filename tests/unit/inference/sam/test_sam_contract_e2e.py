"""End to end with the SAM-contract pair: clicks and boxes on drawn objects, in images of
many sizes and aspect ratios, come back as polygons that cover the objects (IoU > 0.9).

The contract decoder returns the colour region connected to a positive point; if the
pre-processing, the coordinate transform to the 1024 frame, the padding crop or the
post-processing were off, the polygons would miss the objects.
"""
from __future__ import annotations

import numpy as np
import pytest

from anylabel.core.geometry import polygon_to_mask, shape_to_mask
from anylabel.core.shape import POLYGON, RECTANGLE, ROTATION, Shape, rectangle
from anylabel.inference.sam import Prompt
from anylabel.inference.sam.session import PromptSession

SIZES = [(640, 480), (1200, 300), (300, 1100), (1024, 1024), (2000, 1500), (97, 61), (1023, 1025)]


def _polys_mask(shapes: list[Shape], h: int, w: int) -> np.ndarray:
    m = np.zeros((h, w), bool)
    for s in shapes:
        m |= shape_to_mask(s, h, w)
    return m


@pytest.mark.parametrize("w,h", SIZES)
def test_click_gives_object_polygon(contract_model, scene_factory, iou_fn, w, h):
    scene = scene_factory(w, h)
    emb = contract_model.embed(scene.image)
    assert emb.frame.orig_h == h and emb.frame.orig_w == w
    for obj, (x, y) in zip(scene.objects, scene.inside):
        session = PromptSession(contract_model, emb)
        pred = session.add_point(x, y, positive=True)
        assert pred is not None and pred.mask.shape == (h, w)
        assert iou_fn(pred.mask, obj) > 0.9
        shapes = session.finish(label="thing")
        assert shapes and all(s.shape_type == POLYGON and s.label == "thing" for s in shapes)
        assert iou_fn(_polys_mask(shapes, h, w), obj) > 0.9, (w, h, x, y)


@pytest.mark.parametrize("w,h", SIZES)
def test_box_prompt_gives_object(contract_model, scene_factory, iou_fn, w, h):
    scene = scene_factory(w, h, seed=1)
    emb = contract_model.embed(scene.image)
    for obj in scene.objects:
        ys, xs = np.nonzero(obj)
        pad = max(2, 0.02 * max(w, h))
        box = (xs.min() - pad, ys.min() - pad, xs.max() + 1 + pad, ys.max() + 1 + pad)
        pred = contract_model.segment(emb, Prompt(box=box))
        assert iou_fn(pred.mask, obj) > 0.9, (w, h, box)


def test_negative_point_removes_a_region(contract_model, scene_factory, iou_fn):
    # Two objects selected, then a negative click on the second takes it out again
    # (also from the fed-back previous mask).
    scene = scene_factory(640, 480)
    session = PromptSession(contract_model, contract_model.embed(scene.image))
    session.add_point(*scene.inside[0])
    both = session.add_point(*scene.inside[1]).mask
    assert iou_fn(both, scene.objects[0] | scene.objects[1]) > 0.9
    after = session.add_point(*scene.inside[1], positive=False).mask
    assert iou_fn(after, scene.objects[0]) > 0.9


def test_previous_mask_is_fed_back(contract_model, scene_factory):
    scene = scene_factory(800, 600)
    emb = contract_model.embed(scene.image)
    session = PromptSession(contract_model, emb)
    first = session.add_point(*scene.inside[0])
    assert first.low_res is not None and first.low_res.shape == (1, 1, 256, 256)
    # The decoder gets the low-res mask of the first click: decoding only the second
    # click with that mask keeps the first object.
    second_only = contract_model.segment(emb, Prompt([scene.inside[1]], [1]), first.low_res)
    assert second_only.mask[scene.objects[0]].mean() > 0.9
    assert second_only.mask[scene.objects[1]].mean() > 0.9
    fresh = contract_model.segment(emb, Prompt([scene.inside[1]], [1]))
    assert fresh.mask[scene.objects[0]].mean() < 0.05


def test_negatives_alone_select_nothing(contract_model, scene_factory):
    scene = scene_factory(300, 200)
    session = PromptSession(contract_model, contract_model.embed(scene.image))
    assert session.add_point(*scene.inside[0], positive=False) is None
    assert session.finish("x") == []


@pytest.mark.parametrize("mode,kind", [("rectangle", RECTANGLE), ("rotation", ROTATION)])
def test_other_outputs(contract_model, scene_factory, iou_fn, mode, kind):
    scene = scene_factory(700, 500)
    emb = contract_model.embed(scene.image)
    obj = scene.objects[1]  # the axis-aligned rectangle
    pred = contract_model.segment(emb, Prompt([scene.inside[1]], [1]))
    shapes = contract_model.to_shapes(pred.mask, "box", mode=mode)
    assert len(shapes) == 1 and shapes[0].shape_type == kind
    assert iou_fn(shape_to_mask(shapes[0], 500, 700), obj) > 0.9


def test_box_to_segment_keeps_labels_and_groups(contract_model, scene_factory, iou_fn):
    scene = scene_factory(640, 480, seed=3)
    shapes = []
    for i, obj in enumerate(scene.objects):
        ys, xs = np.nonzero(obj)
        shapes.append(rectangle(xs.min() - 4, ys.min() - 4, xs.max() + 5, ys.max() + 5, label=f"c{i}",
                                group_id=10 + i, flags={"checked": True}, attributes={"k": i}))
    point = Shape("point", np.array([[5.0, 5.0]]), label="keep-me")
    out = contract_model.predict_with_annotation(scene.image, [*shapes, point]).shapes
    assert out[-1] is point
    polys = [s for s in out if s.shape_type == POLYGON]
    assert {s.label for s in polys} == {f"c{i}" for i in range(4)}
    for i, obj in enumerate(scene.objects):
        mine = [s for s in polys if s.label == f"c{i}"]
        assert all(s.group_id == 10 + i and s.flags == {"checked": True} and s.attributes == {"k": i} for s in mine)
        assert iou_fn(_polys_mask(mine, 480, 640), obj) > 0.9


def test_polygon_parts_and_tolerance(contract_model):
    # An object cut in two by a thin bar of another colour: one click selects one part;
    # with the mask output both parts in one mask give two polygons sharing a group.
    from anylabel.inference.sam.mask_output import mask_to_shapes

    m = np.zeros((200, 300), bool)
    m[20:180, 20:120] = True
    m[20:180, 160:280] = True
    m[100:102, 200:202] = False  # a hole: filled in polygon output
    shapes = mask_to_shapes(m, "polygon", "obj", tolerance=1.0, group_id=7)
    assert len(shapes) == 2 and all(s.group_id == 7 for s in shapes)
    filled = polygon_to_mask(shapes[0].points, 200, 300) | polygon_to_mask(shapes[1].points, 200, 300)
    assert filled.sum() == 160 * 100 + 160 * 120
    coarse = mask_to_shapes(np.pad(np.ones((50, 50), bool), 10), "polygon", tolerance=0)
    assert len(coarse[0].points) >= 4
    mask_shape = mask_to_shapes(m, "mask", "obj")[0]
    assert mask_shape.shape_type == "mask"
    # LabelMe's convention: inclusive first/last pixel, PNG of the crop (holes kept).
    import base64

    import cv2

    assert mask_shape.points.tolist() == [[20, 20], [279, 179]]
    png = cv2.imdecode(np.frombuffer(base64.b64decode(mask_shape.extra["mask"]), np.uint8), cv2.IMREAD_GRAYSCALE)
    assert png.shape == (160, 260)
    assert np.array_equal(png > 0, m[20:180, 20:280])


@pytest.mark.parametrize("mode", ["polygon", "rectangle", "rotation", "mask"])
def test_huge_images_get_smaller_masks_and_full_size_shapes(contract_paths, scene_factory, iou_fn, mode):
    """Masks of big images are computed at most max_width x max_height (default 2048) and
    the shapes are scaled back to image pixels."""
    from anylabel.inference.config import config_from_dict
    from anylabel.inference.registry import create_model

    enc, dec = contract_paths
    model = create_model(config_from_dict({
        "type": "segment_anything", "name": "limited", "encoder_model_path": str(enc),
        "decoder_model_path": str(dec), "max_width": 800, "max_height": 800}), device="cpu")
    try:
        scene = scene_factory(2400, 1500, seed=5)
        emb = model.embed(scene.image)
        k = 1 if mode in ("rectangle", "rotation") else 0   # the box-shaped object for box outputs
        pred = model.segment(emb, Prompt([scene.inside[k]], [1]))
        assert pred.mask.shape == (500, 800) and pred.scale == (3.0, 3.0)
        assert iou_fn(pred.full_mask(), scene.objects[k]) > 0.9
        shapes = model.to_shapes(pred, "o", mode=mode)
        if mode == "mask":
            import base64

            import cv2

            png = cv2.imdecode(np.frombuffer(base64.b64decode(shapes[0].extra["mask"]), np.uint8), 0)
            full = np.zeros((1500, 2400), bool)
            (x0, y0), (x1, y1) = shapes[0].points.astype(int)
            full[y0:y1 + 1, x0:x1 + 1] = png > 0
            assert iou_fn(full, scene.objects[k]) > 0.9
        else:
            assert iou_fn(_polys_mask(shapes, 1500, 2400), scene.objects[k]) > 0.9
    finally:
        model.close()
