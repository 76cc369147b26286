"""Detector + SAM as one model: the shipped fixture YOLO detector finds the synthetic
shapes, the SAM-contract pair outlines them; polygons match the drawn shapes."""
from __future__ import annotations


import numpy as np
import pytest
import yaml

from anylabel.core.geometry import polygon_to_mask, shape_to_mask
from anylabel.core.shape import POLYGON
from anylabel.inference.config import shipped_config_dir
from anylabel.inference.registry import create_model



def _synthetic():
    """scripts/synthetic_shapes.py (the generator the demo models were trained on)."""
    import synthetic_shapes

    return synthetic_shapes


def test_detector_then_sam(tmp_path, contract_paths, iou_fn):
    det_yaml = shipped_config_dir() / "fixture_shapes_det.yaml"
    if not det_yaml.exists():
        pytest.skip("fixture detector not built (scripts/train_fixture_models.py)")
    enc, dec = contract_paths
    (tmp_path / "sam.yaml").write_text(yaml.safe_dump({
        "type": "segment_anything", "name": "sam-contract", "encoder_model_path": str(enc),
        "decoder_model_path": str(dec)}))
    (tmp_path / "combo.yaml").write_text(yaml.safe_dump({
        "type": "detector_sam", "name": "shapes+sam", "detector": str(det_yaml), "sam": "sam.yaml",
        "tolerance": 0.5}))
    model = create_model(tmp_path / "combo.yaml", device="cpu")
    syn = _synthetic()
    rng = np.random.default_rng(777)
    ious, found, total = [], 0, 0
    try:
        for _ in range(6):
            img, objs = syn.make_sample(rng, "det", 160, 160)
            shapes = model.predict(img)
            assert all(s.shape_type == POLYGON and s.label in ("circle", "rectangle", "triangle") for s in shapes)
            for o in objs:
                total += 1
                gt = polygon_to_mask(o.polygon, 160, 160)
                best = max((iou_fn(shape_to_mask(s, 160, 160), gt) for s in shapes), default=0.0)
                if best > 0.5:
                    found += 1
                    ious.append(best)
    finally:
        model.close()
    assert found >= 0.8 * total
    assert np.mean(ious) > 0.85, ious


def test_shipped_combo_config_names_existing_configs():
    from anylabel.inference.config import load_config
    from anylabel.inference.sam.detector_sam import _sub_config

    cfg = load_config(shipped_config_dir() / "mobile_sam_yolov8n.yaml")
    assert _sub_config(cfg, "detector").name == "yolov8n"
    sam = _sub_config(cfg, "sam")
    assert sam.type == "segment_anything" and sam.encoder_model_path.endswith("mobile_sam.encoder.onnx")


def test_combo_without_sam_key_is_a_clear_error(tmp_path):
    from anylabel.inference.config import ConfigError

    (tmp_path / "c.yaml").write_text("type: detector_sam\nname: x\ndetector: yolov8n\n")
    with pytest.raises(ConfigError, match="needs 'sam'"):
        create_model(tmp_path / "c.yaml", device="cpu")


def test_xanylabeling_yolov5_sam_one_file_form(tmp_path, contract_paths, iou_fn):
    """type: yolov5_sam names the detector's model_path and the SAM pair in one YAML."""
    from anylabel.inference.config import load_config

    enc, dec = contract_paths
    fixtures = shipped_config_dir().parent / "fixtures"
    (tmp_path / "combo.yaml").write_text(
        f"type: yolov5_sam\nname: v5sam\nencoder_model_path: {enc}\ndecoder_model_path: {dec}\n"
        f"target_size: 1024\nmax_width: 1024\nmax_height: 682\nmodel_path: {fixtures / 'shapes_det_v5layout.onnx'}\n"
        "nms_threshold: 0.45\nconfidence_threshold: 0.4\nclasses: [circle, rectangle, triangle]\n")
    cfg = load_config(tmp_path / "combo.yaml")
    model = create_model(cfg, device="cpu")
    assert model.sam.config.options == {"target_size": 1024} and model.detector.config.type == "yolov5"
    rng = np.random.default_rng(778)
    found = total = 0
    try:
        for _ in range(4):
            img, objs = _synthetic().make_sample(rng, "det", 160, 160)
            shapes = model.predict(img)
            assert all(s.shape_type == POLYGON for s in shapes)
            for o in objs:
                total += 1
                gt = polygon_to_mask(o.polygon, 160, 160)
                found += max((iou_fn(shape_to_mask(s, 160, 160), gt) for s in shapes), default=0.0) > 0.5
    finally:
        model.close()
    assert found >= 0.8 * total
