"""A ``remote_server`` model in the auto-labeling panel: loaded from its YAML, controls from the
server's capabilities, a run on the image on screen adds the shapes the local model finds."""
from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest

pytestmark = pytest.mark.gui

MODEL = "fixture_shapes_det"


@pytest.fixture
def server():
    from serve_helpers import serving

    from anylabel.serve.api import InferenceApi, load_models

    with serving(InferenceApi(load_models([MODEL], device="cpu"), token="tok")) as srv:
        yield srv


def test_remote_model_in_the_panel(qtbot, make_window, server, tmp_path: Path) -> None:
    import synthetic_shapes

    from anylabel.inference.config import load_config
    from anylabel.inference.registry import create_model
    from anylabel.qt.extensions import autolabel

    folder = tmp_path / "imgs"
    folder.mkdir()
    img, _ = synthetic_shapes.make_sample(np.random.default_rng(7), "det", 160, 160, max_objects=3, min_size=30)
    cv2.imwrite(str(folder / "a.png"), img[:, :, ::-1])
    yaml = tmp_path / "gpu-box.yaml"
    yaml.write_text(f"type: remote_server\nname: gpu-box\ndisplay_name: Shapes on the GPU box\n"
                    f"remote_server_settings:\n  server_url: {server.url}\n  api_key: tok\n")
    window = make_window()
    autolabel.install(window)
    panel = window.autolabel_panel
    panel.show()
    window.open_folder(folder)
    window.open_image(0)
    with qtbot.waitSignal(panel.model_loaded, timeout=30000):
        panel.load_config(load_config(yaml))
    assert "REMOTE" in panel.status.text() and "remote_server" in panel.status.text()
    assert panel.control_visible("conf") and panel.control_visible("iou")
    assert panel.conf.value() == pytest.approx(0.4)  # the served model's threshold
    with qtbot.waitSignal(panel.prediction_applied, timeout=30000) as sig:
        panel.run_current()
    want = create_model(MODEL, device="cpu").predict(img)
    assert sig.args[0] == len(want) > 0
    assert sorted(s.label for s in window.current_shapes()) == sorted(s.label for s in want)
    if os.environ.get("ANYLABEL_SHOT_DIR"):
        window.resize(1200, 800)
        qtbot.wait(50)
        window.grab().save(os.path.join(os.environ["ANYLABEL_SHOT_DIR"], "remote_server_panel.png"))
