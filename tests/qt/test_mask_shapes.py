"""LabelMe ``mask`` shapes (a base64 PNG bitmap inside a 2-point box) are drawn tinted with
the label colour, can be selected and moved in whole pixels, and are saved back intact."""
from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image
from qtpy.QtGui import QColor

from anylabel.core.label_file import label_path_for, new_annotation_for, read_label_file, shape_from_dict, write_label_file
from anylabel.qt.canvas.colors import key_color
from anylabel.qt.testing import click, drag

pytestmark = pytest.mark.gui

X1, Y1 = 100, 80          # inclusive top-left pixel of the mask box
W, H = 120, 90            # bitmap size: the box is X1..X1+W-1, Y1..Y1+H-1 (LabelMe's inclusive corners)


def _png_b64(bits: np.ndarray) -> str:
    buf = io.BytesIO()
    Image.fromarray(bits).save(buf, format="PNG")  # a 1-bit PNG, as LabelMe writes it
    return base64.b64encode(buf.getvalue()).decode("ascii")


@pytest.fixture
def mask_window(make_window, tmp_path):
    folder = tmp_path / "grey"
    folder.mkdir()
    img = folder / "grey.png"
    Image.fromarray(np.full((480, 640, 3), 128, np.uint8)).save(img)
    bits = np.zeros((H, W), bool)
    bits[:, : W // 2] = True                  # left half set, right half clear
    d = {"label": "tumour", "points": [[X1, Y1], [X1 + W - 1, Y1 + H - 1]], "group_id": None,
         "shape_type": "mask", "flags": {}, "mask": _png_b64(bits)}
    write_label_file(label_path_for(img), new_annotation_for(img, [shape_from_dict(d)], (640, 480)))
    w = make_window()
    w.open_folder(folder)
    w.canvas.wait_for_render()
    return w, img


def _pixel(w, x, y) -> QColor:
    w.canvas.wait_for_render()
    grab = w.canvas.grab().toImage()
    p = w.canvas.image_to_widget(x, y).toPoint()
    return QColor(grab.pixel(p))


def test_mask_bitmap_is_drawn_in_the_label_colour(mask_window):
    w, _ = mask_window
    color = key_color("tumour")
    inside = _pixel(w, X1 + W // 4, Y1 + H // 2)      # a set bit
    outside = _pixel(w, X1 + 3 * W // 4, Y1 + H // 2)  # a clear bit, inside the box
    far = _pixel(w, 500, 400)
    assert (far.red(), far.green(), far.blue()) == (128, 128, 128)
    assert (outside.red(), outside.green(), outside.blue()) == (128, 128, 128)
    # the set bits are tinted towards the label colour (alpha-blended over grey)
    for got, want in ((inside.red(), color.red()), (inside.green(), color.green()), (inside.blue(), color.blue())):
        assert abs(got - want) < abs(128 - want) * 0.6 + 2
    assert (inside.red(), inside.green(), inside.blue()) != (128, 128, 128)


def test_mask_selects_moves_in_whole_pixels_and_saves_intact(mask_window):
    w, img = mask_window
    text = w.current_shapes()[0].extra["mask"]
    click(w.canvas, X1 + 3 * W // 4, Y1 + H // 2)  # inside the box (a clear bit): still the shape
    assert w.canvas.selected_indices() == [0]
    assert "120 x 90" in w.selection_label.text()
    drag(w.canvas, X1 + 10, Y1 + 10, X1 + 40.4, Y1 + 25.3)
    pts = w.current_shapes()[0].points
    assert np.array_equal(pts, [[X1 + 30, Y1 + 15], [X1 + W - 1 + 30, Y1 + H - 1 + 15]])
    moved = _pixel(w, X1 + 30 + W // 4, Y1 + 15 + H - 5)
    assert (moved.red(), moved.green(), moved.blue()) != (128, 128, 128)
    assert w.save()
    saved = read_label_file(label_path_for(img)).shapes[0]
    assert saved.shape_type == "mask" and saved.extra["mask"] == text
    assert np.array_equal(saved.points, pts)


def test_a_mask_cannot_be_dragged_off_the_image(mask_window):
    w, _ = mask_window
    drag(w.canvas, X1 + 10, Y1 + 10, X1 + 10 + 1000, Y1 + 10 + 1000)
    x0, y0 = w.current_shapes()[0].points[0]
    x1, y1 = w.current_shapes()[0].points[1]
    assert (x1, y1) == (639, 479) and (x0, y0) == (640 - W, 480 - H)  # last pixel column/row of the image
