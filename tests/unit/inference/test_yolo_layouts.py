"""Output layouts and pre-processing shared by the Ultralytics model types."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from anylabel.inference import create_model
from anylabel.inference.config import config_from_dict
from anylabel.inference.models._ultralytics import letterbox, names_from_metadata

from _accuracy import synthetic

FIXTURES = Path(__file__).resolve().parents[3] / "models" / "fixtures"


def test_yolov5_layout_decodes_like_v8() -> None:
    """shapes_det_v5layout.onnx is the detect fixture re-wired to [1, N, 5+nc] with objectness
    (scripts/train_fixture_models.py --v5-layout): both decoders must agree."""
    v8 = create_model("fixture_shapes_det", device="cpu")
    cfg = config_from_dict({"type": "yolov5", "name": "v5", "model_path": "shapes_det_v5layout.onnx",
                            "conf_threshold": 0.4, "iou_threshold": 0.5,
                            "classes": ["circle", "rectangle", "triangle"]}, FIXTURES / "v5.yaml")
    v5 = create_model(cfg, device="cpu")
    rng = np.random.default_rng(21)
    total = 0
    for _ in range(8):
        img, _ = synthetic().make_sample(rng, "det")
        a, b = v8.predict(img), v5.predict(img)
        assert [s.label for s in a] == [s.label for s in b]
        for s, t in zip(a, b):
            np.testing.assert_allclose(s.points, t.points, atol=1e-3)
            assert s.score == pytest.approx(t.score, abs=2e-4)
        total += len(a)
    assert total > 8


def test_letterbox_maps_back_exactly() -> None:
    img = np.zeros((300, 500, 3), np.uint8)
    blob, lb = letterbox(img, (160, 160))
    assert blob.shape == (1, 3, 160, 160) and blob.dtype == np.float32
    assert lb.scale == pytest.approx(160 / 500) and lb.left == 0 and lb.top == 32
    assert blob[0, :, 0, 0] == pytest.approx([114 / 255] * 3)  # padding is grey 114
    box = np.array([[0, 32, 160, 128]], float)  # the whole image area in the input frame
    np.testing.assert_allclose(lb.boxes_to_image(box), [[0, 0, 500, 300]], atol=1e-6)


def test_class_names_from_ultralytics_metadata() -> None:
    assert names_from_metadata({"names": "{0: 'person', 1: 'traffic light'}"}) == ["person", "traffic light"]
    assert names_from_metadata({"names": "not python"}) == []
    m = create_model(config_from_dict({"type": "yolov8", "name": "n", "model_path": "shapes_det.onnx"},
                                      FIXTURES / "n.yaml"), device="cpu")
    assert m.class_names == ["circle", "rectangle", "triangle"]


def test_output_type_conversion_on_real_detections() -> None:
    m = create_model("fixture_shapes_det", device="cpu")
    img, _ = synthetic().make_sample(np.random.default_rng(3), "det")
    boxes = m.predict(img)
    for kind in ("polygon", "rotation"):
        m.set_options(output_type=kind)
        conv = m.predict(img)
        assert [s.shape_type for s in conv] == [kind] * len(boxes)
        for a, b in zip(boxes, conv):
            np.testing.assert_allclose(b.points.min(0), a.points[0], atol=1e-3)
            np.testing.assert_allclose(b.points.max(0), a.points[1], atol=1e-3)
