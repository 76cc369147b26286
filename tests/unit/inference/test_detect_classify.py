"""yolov5_resnet: X-AnyLabeling's detect-then-classify config, on the shapes fixtures (a
YOLOv5-layout detector and the shapes classifier)."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

from anylabel.inference import create_model
from anylabel.inference.config import load_config

from _accuracy import synthetic

FIXTURES = Path(__file__).resolve().parents[3] / "models" / "fixtures"


def test_each_box_is_labelled_by_the_classifier(tmp_path: Path) -> None:
    p = tmp_path / "v5_resnet.yaml"
    p.write_text(f"type: yolov5_resnet\nname: v5r\nmodel_path: {FIXTURES / 'shapes_det_v5layout.onnx'}\n"
                 f"cls_model_path: {FIXTURES / 'shapes_cls.onnx'}\nnms_threshold: 0.45\nconfidence_threshold: 0.4\n"
                 "mean: [0, 0, 0]\nstd: [1, 1, 1]\n"
                 "det_classes: [circle, rectangle, triangle]\ncls_classes: {0: Circle, 1: Rectangle, 2: Triangle}\n")
    model = create_model(load_config(p), device="cpu")
    cls = ort.InferenceSession(str(FIXTURES / "shapes_cls.onnx"), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(4)
    total = 0
    for _ in range(6):
        img, _ = synthetic().make_sample(rng, "det", 160, 160, min_size=30)
        for s in model.predict(img):
            x0, y0 = np.floor(s.points.min(0)).astype(int)
            x1, y1 = np.ceil(s.points.max(0)).astype(int)
            crop = cv2.resize(img[y0:y1, x0:x1], (64, 64), interpolation=cv2.INTER_LINEAR)
            p = cls.run(None, {"images": (crop.astype(np.float32) / 255).transpose(2, 0, 1)[None]})[0][0]
            assert s.label == ["Circle", "Rectangle", "Triangle"][int(np.argmax(p))]  # the classifier's word
            assert s.description in ("circle", "rectangle", "triangle")           # the detector's
            total += 1
    assert total >= 6  # (the shapes classifier was trained on whole images: on tight crops it is often wrong)
