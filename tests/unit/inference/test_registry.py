"""Registry: types register once, are discovered lazily, and carry capabilities."""
from __future__ import annotations

import pytest

from anylabel.inference import registry
from anylabel.inference.base import Model
from anylabel.inference.config import ConfigError, config_from_dict


def test_builtin_types_are_discovered_with_capabilities() -> None:
    types = registry.model_types()
    for name in ("yolov8", "yolo11", "yolov5", "yolov8_seg", "yolov8_obb", "yolov8_pose"):
        assert name in types, name
    caps = registry.capabilities_of("yolov8")
    assert caps.conf and caps.iou and caps.batch and not caps.point_prompts
    assert registry.capabilities_of("yolov8_obb").output_types[0] == "rotation"


def test_register_custom_type_and_create_model(tmp_path) -> None:
    @registry.register("unit_test_echo", capabilities=registry.Capabilities(conf=False), config_keys=("echo",))
    class Echo(Model):
        def infer(self, inputs):
            from anylabel.inference.base import Prediction

            return Prediction(description=str(self.config.options["echo"]))

    cfg = config_from_dict({"type": "unit_test_echo", "name": "e", "echo": "hi"}, tmp_path / "e.yaml")
    model = registry.create_model(cfg)
    assert isinstance(model, Echo) and model.capabilities.conf is False
    import numpy as np

    assert model.predict_result(np.zeros((4, 4, 3), np.uint8)).description == "hi"


def test_unknown_type_lists_known_types() -> None:
    cfg = config_from_dict({"type": "yolov99", "name": "x"}, "a.yaml")
    with pytest.raises(ConfigError, match="unknown model type 'yolov99'.*yolov8"):
        registry.create_model(cfg)


def test_double_registration_from_another_module_is_refused() -> None:
    class A:
        pass

    A.__module__ = "somewhere.else"
    with pytest.raises(ValueError, match="registered twice"):
        registry.register("yolov8")(A)


def test_types_by_capability_replace_hand_kept_lists() -> None:
    prompted = registry.types_with(point_prompts=True)
    for n in ("segment_anything", "mobile_sam", "edge_sam", "efficientvit_sam"):
        assert n in prompted
    assert "yolov8" not in prompted and "yolov8_det_track" in registry.types_with(tracking=True)
