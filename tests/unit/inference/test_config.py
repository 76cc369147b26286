"""Model configs: X-AnyLabeling keys and aliases load; unknown keys are errors naming file and key."""
from __future__ import annotations

from pathlib import Path

import pytest

from anylabel.inference.config import ConfigError, config_from_dict, find_config, load_config, shipped_configs


def write(tmp_path: Path, text: str, name: str = "m.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_xanylabeling_custom_yaml_with_old_aliases(tmp_path: Path) -> None:
    p = write(tmp_path, """
type: yolov8
name: yolov8n-r20230520
provider: Ultralytics
display_name: YOLOv8n
model_path: https://github.com/CVHub520/X-AnyLabeling/releases/download/v0.1.0/yolov8n.onnx
confidence_threshold: 0.3
nms_threshold: 0.6
classes: [person, bicycle, car]
filter_classes: [person]
""")
    c = load_config(p)
    assert (c.conf_threshold, c.iou_threshold) == (0.3, 0.6)
    assert c.classes == ["person", "bicycle", "car"] and c.filter_classes == ["person"]
    assert c.provider == "Ultralytics" and c.title == "YOLOv8n" and c.source == p.resolve()


def test_misspelled_key_names_file_key_and_suggestion(tmp_path: Path) -> None:
    p = write(tmp_path, "type: yolov8\nname: x\nconf_treshold: 0.3\n")
    with pytest.raises(ConfigError) as e:
        load_config(p)
    msg = str(e.value)
    assert str(p.resolve()) in msg and "'conf_treshold'" in msg and "conf_threshold" in msg


@pytest.mark.parametrize("body, needle", [
    ("conf_threshold: 1.5", "between 0 and 1"),
    ("conf_threshold: high", "conf_threshold"),
    ("nms: softnms", "nms must be one of"),
    ("max_det: 0", "max_det"),
    ("tracker: {tracker_typo: bytetrack}", "tracker.tracker_typo"),
    ("filter_classes: [dog]\nclasses: [cat]", "filter_classes"),
    ("classes: no_such_list", "no class list named"),
    ("sha256: {weights: abc}", "sha256"),
])
def test_invalid_values_are_errors(tmp_path: Path, body: str, needle: str) -> None:
    p = write(tmp_path, f"type: yolov8\nname: x\n{body}\n")
    with pytest.raises(ConfigError, match=needle):
        load_config(p)


def test_missing_type_and_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="missing required key 'type'"):
        load_config(write(tmp_path, "name: x\n"))
    with pytest.raises(ConfigError, match="YAML mapping"):
        load_config(write(tmp_path, "- a\n- b\n"))
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(write(tmp_path, "type: [\n"))


def test_sam_ocr_sahi_tracker_keys_validate(tmp_path: Path) -> None:
    c = config_from_dict({
        "type": "yolov8", "name": "x", "encoder_model_path": "e.onnx", "decoder_model_path": "d.onnx",
        "input_size": 1024, "max_width": 1024, "max_height": 682, "det_model_path": "a", "rec_model_path": "b",
        "cls_model_path": "c", "slice_height": 320, "slice_width": 320, "overlap_height_ratio": 0.25,
        "overlap_width_ratio": 0.25, "tracker": {"tracker_type": "bytetrack", "track_buffer": 30},
    }, tmp_path / "x.yaml")
    assert c.sahi and c.slice_width == 320 and c.tracker["track_buffer"] == 30 and c.input_size == 1024


def test_model_type_extra_keys_land_in_options() -> None:
    with pytest.raises(ConfigError, match="unknown key 'special'"):
        config_from_dict({"type": "t", "name": "x", "special": 1}, "a.yaml", extra_keys=())
    c = config_from_dict({"type": "t", "name": "x", "special": 1}, "a.yaml", extra_keys=("special",))
    assert c.options == {"special": 1}


def test_shared_class_list_by_name_and_relative_file(tmp_path: Path) -> None:
    c = config_from_dict({"type": "yolov8", "name": "x", "classes": "coco80"}, tmp_path / "a.yaml")
    assert len(c.classes) == 80 and c.classes[0] == "person" and c.classes[-1] == "toothbrush"
    (tmp_path / "mine.txt").write_text("a\nb\n\n")
    c = config_from_dict({"type": "yolov8", "name": "x", "classes": "mine.txt"}, tmp_path / "a.yaml")
    assert c.classes == ["a", "b"]
    c = config_from_dict({"type": "yolov8", "name": "x", "classes": {1: "b", 0: "a"}}, tmp_path / "a.yaml")
    assert c.classes == ["a", "b"]


def test_alias_and_new_name_with_different_values_is_an_error() -> None:
    with pytest.raises(ConfigError, match="both given"):
        config_from_dict({"type": "yolov8", "name": "x", "nms_threshold": 0.5, "iou_threshold": 0.4}, "a.yaml")
    with pytest.raises(ConfigError, match="both given"):
        config_from_dict({"type": "yolov8", "name": "x", "confidence_threshold": 0.5, "score_threshold": 0.4},
                         "a.yaml")
    c = config_from_dict({"type": "yolov8", "name": "x", "confidence_threshold": 0.3, "conf_threshold": 0.3},
                         "a.yaml")
    assert c.conf_threshold == 0.3


def test_every_shipped_config_loads() -> None:
    configs, errors = shipped_configs()
    assert not errors, [str(e) for e in errors]
    names = [c.name for c in configs]
    assert len(names) == len(set(names)), "model names must be unique"
    assert "yolov8n" in names
    assert find_config("yolov8n").type == "yolov8"
    with pytest.raises(ConfigError, match="did you mean 'yolov8n'"):
        find_config("yolov8m_typo") if False else find_config("yolov8nn")


def test_with_overrides_validates() -> None:
    c = config_from_dict({"type": "yolov8", "name": "x"}, "a.yaml")
    assert c.with_overrides(conf_threshold=0.7).conf_threshold == 0.7
    with pytest.raises(ConfigError):
        c.with_overrides(nms="bogus")


def test_xanylabeling_documented_custom_yolov8_form(tmp_path: Path) -> None:
    """The custom-model form of X-AnyLabeling's docs: input_width/input_height, both thresholds."""
    p = write(tmp_path, """
type: yolov8
name: my-yolov8-320
display_name: My YOLOv8 320
model_path: my.onnx
input_width: 320
input_height: 320
conf_threshold: 0.3
iou_threshold: 0.5
classes:
  - cat
  - dog
""")
    c = load_config(p)
    assert (c.input_width, c.input_height) == (320, 320) and c.classes == ["cat", "dog"]
    assert c.warnings == []
    with pytest.raises(ConfigError, match="input_width must be a positive integer"):
        config_from_dict({"type": "yolov8", "name": "x", "input_width": 0}, "a.yaml")


def test_model_type_beside_type_is_a_sub_variant() -> None:
    c = config_from_dict({"type": "edge_sam", "name": "x", "model_type": "cn_clip",
                          "encoder_model_path": "e.onnx", "decoder_model_path": "d.onnx"}, "a.yaml")
    assert c.type == "edge_sam" and c.model_type == "cn_clip"


def test_ignored_keys_are_accepted_and_reported_once(tmp_path: Path, caplog) -> None:
    data = {"type": "t", "name": "x", "engine": "trt", "special": 2}
    with pytest.raises(ConfigError, match="unknown key 'engine'"):
        config_from_dict(data, "a.yaml", extra_keys=("special",))
    c = config_from_dict(data, "a.yaml", extra_keys=("special",), ignored_keys={"engine": "always ONNX Runtime"})
    assert c.options == {"special": 2} and c.ignored == {"engine": "trt"}
    assert c.warnings == ["ignored key 'engine': always ONNX Runtime"]
    p = write(tmp_path, "type: segment_anything\nname: s\nencoder_model_path: e.onnx\n"
                        "decoder_model_path: d.onnx\nmodel_arch: l0\n")
    import logging

    with caplog.at_level(logging.WARNING, logger="anylabel.inference.config"):
        load_config(p)
        load_config(p)
    hits = [r for r in caplog.records if "model_arch" in r.getMessage()]
    assert len(hits) == 1 and str(p.resolve()) in hits[0].getMessage()


def test_a_type_may_claim_an_old_spelling_for_itself() -> None:
    c = config_from_dict({"type": "t", "name": "x", "nms_threshold": 50, "iou_threshold": 0.4}, "a.yaml",
                         extra_keys=("nms_threshold",))
    assert c.options == {"nms_threshold": 50} and c.iou_threshold == 0.4


def test_tracker_options_of_xanylabeling(tmp_path: Path) -> None:
    c = config_from_dict({"type": "yolov8", "name": "x", "tracker": {
        "tracker_type": "tracktrack", "track_high_thresh": 0.6, "lost_match_thr": 0.0, "tai_thr": 0.55,
        "gmc_method": "sparseOptFlow"}}, "a.yaml")
    assert c.tracker == {"tracker_type": "bytetrack", "track_high_thresh": 0.6, "gmc_method": "sparseOptFlow"}
    assert set(c.ignored) == {"tracker.lost_match_thr", "tracker.tai_thr"}
    assert any("tracktrack" in w for w in c.warnings)
    from anylabel.inference.trackers import create_tracker

    create_tracker(None, c.tracker)  # what is kept is valid for the trackers
    with pytest.raises(ConfigError, match="tracker.lost_match_tr.*lost_match_thr"):
        config_from_dict({"type": "yolov8", "name": "x", "tracker": {"lost_match_tr": 0}}, "a.yaml")


def test_pose_classes_map_names_keypoints() -> None:
    c = config_from_dict({"type": "yolov8_pose", "name": "x", "has_visible": True,
                          "classes": {"person": ["nose", "left_eye"]}}, "a.yaml")
    assert c.classes == ["person"] and c.keypoints == ["nose", "left_eye"] and c.options["has_visible"] is True


def test_unregistered_type_keeps_its_keys_unchecked() -> None:
    c = config_from_dict({"type": "not_here_type", "name": "x", "whatever": 1, "classes": "vehicle"}, "a.yaml")
    assert c.options == {"whatever": 1, "classes": "vehicle"}
