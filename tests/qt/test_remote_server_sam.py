"""Segment Anything in the main window with a SAM model served by ``anylabel serve``: Q click,
preview, F adds the polygon, rectangles become segments; the clicks run on the server."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest
from qtpy.QtCore import Qt

from anylabel.core.geometry import shape_to_mask
from anylabel.core.shape import POLYGON, rectangle

pytestmark = pytest.mark.gui

FIXTURES = Path(__file__).resolve().parents[2] / "models" / "fixtures"
DISC = ((200, 160), 90)


def _scene(w: int = 640, h: int = 420) -> tuple[np.ndarray, np.ndarray]:
    img = np.full((h, w, 3), (70, 150, 80), np.uint8)
    cv2.circle(img, DISC[0], DISC[1], (220, 40, 40), -1)
    img[80:300, 380:580] = (40, 40, 220)
    disc = np.zeros((h, w), np.uint8)
    cv2.circle(disc, DISC[0], DISC[1], 1, -1)
    return img, disc.astype(bool)


@pytest.fixture
def remote_sam(make_window, tmp_path, qtbot):
    from anylabel.inference.config import config_from_dict
    from anylabel.inference.registry import create_model
    from anylabel.qt.extensions import sam
    from anylabel.serve.api import InferenceApi
    from anylabel.serve.http_runner import ApiServer

    served = create_model(config_from_dict({
        "type": "segment_anything", "name": "sam-contract",
        "encoder_model_path": str(FIXTURES / "sam_contract_encoder.onnx"),
        "decoder_model_path": str(FIXTURES / "sam_contract_decoder.onnx")}), device="cpu")
    srv = ApiServer(InferenceApi({"sam-contract": served}), "127.0.0.1", 0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    folder = tmp_path / "photos"
    folder.mkdir()
    img, _ = _scene()
    cv2.imwrite(str(folder / "p0.png"), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    w = make_window()
    sam.install(w)
    w.open_folder(str(folder))
    ctl = w.sam
    ctl.load_model(config_from_dict({"type": "remote_server", "name": "gpu-sam", "display_name": "SAM on the GPU box",
                                     "remote_server_settings": {"server_url": srv.url}}))
    qtbot.waitUntil(lambda: ctl.model is not None, timeout=10000)
    yield w, ctl
    ctl.close()
    srv.shutdown()
    srv.server_close()
    served.close()


def test_click_finish_and_boxes_on_the_server(remote_sam, qtbot) -> None:
    from anylabel.qt.testing import click, key

    w, ctl = remote_sam
    assert ctl.model.type_name == "remote_server"
    key(w.canvas, Qt.Key_Q)
    click(w.canvas, *DISC[0])
    qtbot.waitUntil(lambda: ctl.session is not None and ctl.session.prediction is not None, timeout=10000)
    _, disc = _scene()
    mask = ctl.session.mask
    assert np.logical_and(mask, disc).sum() / np.logical_or(mask, disc).sum() > 0.9
    if os.environ.get("ANYLABEL_SHOT_DIR"):
        w.resize(1200, 800)
        qtbot.wait(50)
        w.grab().save(os.path.join(os.environ["ANYLABEL_SHOT_DIR"], "remote_server_sam.png"))
    w.labels.push("disc")
    key(w.canvas, Qt.Key_F)
    polys = [s for s in w.current_shapes() if s.shape_type == POLYGON]
    assert len(polys) == 1 and polys[0].label == "disc"
    w.set_shapes([*w.current_shapes(), rectangle(370, 70, 590, 310, "box")])
    ctl.boxes_to_segments_here()
    qtbot.waitUntil(lambda: all(s.shape_type == POLYGON for s in w.current_shapes()), timeout=10000)
    labels = sorted(s.label for s in w.current_shapes())
    assert labels == ["box", "disc"]
    assert shape_to_mask(polys[0], 420, 640).sum() > 0
