"""SAM 2 in the main window with the SAM 2 contract pair: a click through the canvas's
prompt interaction previews and F adds the polygon; "Segment Everything" adds every object
of the image as one undoable edit; the prompt interaction hands drags to the handler as
boxes and right clicks as clicks."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from qtpy.QtCore import Qt

from anylabel.core.geometry import shape_to_mask
from anylabel.core.shape import POLYGON

pytestmark = pytest.mark.gui

FIXTURES = Path(__file__).resolve().parents[2] / "models" / "fixtures"
W, H = 640, 420


def _scene():
    img = np.full((H, W, 3), (70, 150, 80), np.uint8)
    cv2.circle(img, (200, 160), 90, (220, 40, 40), -1)
    img[80:300, 380:580] = (40, 40, 220)
    disc = np.zeros((H, W), np.uint8)
    cv2.circle(disc, (200, 160), 90, 1, -1)
    box = np.zeros((H, W), bool)
    box[80:300, 380:580] = True
    return img, [disc.astype(bool), box]


def _iou(a, b):
    return np.logical_and(a, b).sum() / np.logical_or(a, b).sum()


@pytest.fixture
def sam2_window(make_window, tmp_path, qtbot):
    from anylabel.inference.config import config_from_dict
    from anylabel.qt.extensions import sam

    folder = tmp_path / "photos"
    folder.mkdir()
    img, _ = _scene()
    for i in range(2):
        cv2.imwrite(str(folder / f"p{i}.png"), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    w = make_window()
    sam.install(w)
    cfg = config_from_dict({"type": "segment_anything_2", "name": "sam2-contract",
                            "encoder_model_path": str(FIXTURES / "sam2_contract_encoder.onnx"),
                            "decoder_model_path": str(FIXTURES / "sam2_contract_decoder.onnx"),
                            "amg_points_per_side": 5, "amg_min_area": 100})
    w.open_folder(str(folder))
    ctl = w.sam
    ctl.load_model(cfg)
    qtbot.waitUntil(lambda: ctl.model is not None, timeout=10000)
    yield w, ctl
    ctl.close()


def test_sam2_click_and_finish(sam2_window, qtbot):
    from anylabel.qt.testing import click, key

    w, ctl = sam2_window
    key(w.canvas, Qt.Key_Q)
    click(w.canvas, 200, 160)
    qtbot.waitUntil(lambda: ctl.session is not None and ctl.session.prediction is not None, timeout=10000)
    _, (disc, _) = _scene()
    assert _iou(ctl.session.mask, disc) > 0.9 and w.canvas.overlay_image is not None
    w.labels.push("disc")
    key(w.canvas, Qt.Key_F)
    polys = [s for s in w.current_shapes() if s.shape_type == POLYGON and s.label == "disc"]
    assert polys and _iou(shape_to_mask(polys[0], H, W), disc) > 0.9


def test_segment_everything_action(sam2_window, qtbot):
    w, ctl = sam2_window
    act = next(a for a in w.findChildren(type(w.actions_by_name["edit_mode"]))
               if a.text().replace("&", "").startswith("Segment Everything"))
    before = len(w.current_shapes())
    act.trigger()
    qtbot.waitUntil(lambda: len(w.current_shapes()) > before, timeout=20000)
    shapes = w.current_shapes()
    _, objects = _scene()
    for obj in objects:
        assert max(_iou(shape_to_mask(s, H, W), obj) for s in shapes) > 0.85
    assert "objects found" in w.statusBar().currentMessage()
    w.undo()
    assert len(w.current_shapes()) == before  # one undoable edit


def test_prompt_interaction_routes_clicks_and_boxes(make_window, image_folder, qtbot):
    from anylabel.qt.testing import click, drag

    w = make_window()
    w.open_folder(str(image_folder))
    got = []

    class Rec:
        def on_click(self, x, y, button, modifiers=None):
            got.append(("click", round(x), round(y), button))

        def on_box(self, *box):
            got.append(("box",) + tuple(round(v) for v in box))

    c = w.canvas
    c.set_prompt_handler(Rec())
    n_shapes = len(c.shapes)
    click(c, 20, 30, button=Qt.RightButton)
    drag(c, 60, 50, 10, 15)
    assert got[0] == ("click", 20, 30, Qt.RightButton)
    assert got[1] == ("box", 10, 15, 60, 50)        # normalised, clamped to the image
    assert len(c.shapes) == n_shapes and c.rubber_band is None  # nothing drawn or edited
    c.set_prompt_handler(None)  # back to editing: clicks no longer reach the handler
    click(c, 20, 30)
    assert len(got) == 2


def test_segment_everything_that_fails_names_the_image(sam2_window, qtbot):
    w, ctl = sam2_window

    def broken(*args):
        raise MemoryError("the point grid needs more memory")

    ctl.model.segment_everything = broken
    qtbot.waitUntil(lambda: ctl.session is not None, timeout=10000)
    ctl.segment_everything_here()
    qtbot.waitUntil(lambda: any("point grid" in m for m in w.error_messages), timeout=10000)
    message = next(m for m in w.error_messages if "point grid" in m)
    assert message == f"Segment Anything: {w.current_image_path()}: the point grid needs more memory"
