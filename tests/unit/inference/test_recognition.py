"""PULC attributes, InternImage classifier and RAM tags (anylabel/inference/models/recognition.py)
on contract fixtures built by scripts/build_recognition_fixtures.py: their outputs are the
image's mean R, G, B, so a colour decides the expected attributes, class and tags."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
import pytest
import yaml

from anylabel.cli.main import main
from anylabel.core.label_file import new_annotation_for, read_label_file, write_label_file
from anylabel.core.shape import rectangle
from anylabel.inference import create_model
from anylabel.inference.config import ConfigError, config_from_dict, load_config

pytest.importorskip("onnx", reason="building the recognition fixtures needs the onnx package (requirements-dev.txt)")
import build_recognition_fixtures as fx  # noqa: E402

XAL_CONFIGS = Path("/work/xal-configs/anylabeling/configs/auto_labeling")
RGB = ["red", "green", "blue"]


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("recognition_fixtures")
    fx.write_all(out)
    return out


def pulc_attributes() -> dict:
    """26 scores read as 21 attributes, the way X-AnyLabeling's person config does."""
    attrs = {f"A{i}": [["Yes", "No"], 0.5] for i in range(20)}
    attrs["Pick"] = [["first", "second", "third", "fourth", "fifth", "sixth"], -1]
    return attrs


def make(fixtures: Path, mtype: str, **extra):
    data = {"type": mtype, "name": mtype, "model_path": str(fixtures / f"{mtype}.onnx"), **extra}
    return create_model(config_from_dict(data, fixtures / "r.yaml"), device="cpu")


def test_pulc_raw_layout(fixtures: Path) -> None:
    sess = ort.InferenceSession(str(fixtures / "pulc_attribute.onnx"))
    assert sess.get_inputs()[0].shape[1:] == [3, 256, 192] and sess.get_outputs()[0].name == "sigmoid_2.tmp_0"
    x = ((np.full((256, 192, 3), (200, 20, 100), np.float32) / 255 - fx.IMAGENET_MEAN) / np.array(fx.IMAGENET_STD))
    (out,) = sess.run(None, {"x": x.transpose(2, 0, 1)[None].astype(np.float32)})
    np.testing.assert_allclose(out[0, :4], [200 / 255, 20 / 255, 100 / 255, 200 / 255], atol=1e-4)


def test_pulc_writes_attributes_of_the_image(fixtures: Path) -> None:
    model = make(fixtures, "pulc_attribute", classes="person", attributes=pulc_attributes())
    img = np.full((300, 120, 3), (230, 40, 150), np.uint8)  # channel means 0.90, 0.16, 0.59
    (shape,) = model.predict(img)
    assert shape.label == "person" and shape.shape_type == "rectangle"
    np.testing.assert_allclose(shape.points, [[0, 0], [120, 300]])
    expected = {f"A{i}": "Yes" if [0.90, 0.16, 0.59][i % 3] > 0.5 else "No" for i in range(20)}
    expected["Pick"] = ["first", "second", "third", "fourth", "fifth", "sixth"][int(np.argmax([0.59, 0.90, 0.16, 0.59, 0.90, 0.16]))]
    assert shape.attributes == expected
    assert model.choices()["Pick"][0] == "first"


def test_pulc_attribute_errors_name_the_key(fixtures: Path) -> None:
    with pytest.raises(ConfigError, match=r"attributes\.Hat"):
        make(fixtures, "pulc_attribute", classes="person", attributes={"Hat": ["Yes", 0.5]})
    with pytest.raises(ConfigError, match="read 3 scores but pulc_attribute.onnx gives 26"):
        make(fixtures, "pulc_attribute", classes="person", attributes={"Hat": [["Y", "N"], 0.5], "Age": [["a", "b"], -1]})


def test_internimage_top_class_is_the_flag(fixtures: Path) -> None:
    model = make(fixtures, "internimage_cls", classes=RGB + [f"c{i}" for i in range(997)], conf_threshold=0.0)
    pred = model.predict_result(np.full((200, 300, 3), (10, 240, 30), np.uint8))
    assert [k for k, v in pred.flags.items() if v] == ["green"] and pred.description.startswith("green ")
    assert pred.shapes == []


def test_ram_tags_become_flags_and_description(fixtures: Path, tmp_path: Path) -> None:
    (tmp_path / "tags.txt").write_text("\n".join(["reddish", "greenish", "bluish"] + [f"t{i}" for i in range(4582)]))
    cfg = config_from_dict({"type": "ram", "name": "ram", "model_path": str(fixtures / "ram.onnx"),
                            "tag_list_path": "tags.txt"}, tmp_path / "ram.yaml")
    model = create_model(cfg, device="cpu")
    pred = model.predict_result(np.full((100, 100, 3), (250, 20, 200), np.uint8))
    assert pred.flags == {"reddish": True, "bluish": True} and pred.description == "reddish, bluish"
    model.drop = {"bluish"}
    assert model.predict_result(np.full((100, 100, 3), (250, 20, 200), np.uint8)).flags == {"reddish": True}
    with pytest.raises(ConfigError, match="tag_list_path"):
        create_model(config_from_dict({"type": "ram", "name": "ram", "model_path": str(fixtures / "ram.onnx"),
                                       "tag_list_path": "missing.txt"}, tmp_path / "ram.yaml"), device="cpu")


def test_anylabel_predict_keeps_shapes_for_image_level_results(fixtures: Path, tmp_path: Path, darknet_photo: Path) -> None:
    folder = tmp_path / "imgs"
    folder.mkdir()
    cv2.imwrite(str(folder / "photo.jpg"), cv2.imread(str(darknet_photo)))
    cv2.imwrite(str(folder / "dark.png"), np.zeros((64, 64, 3), np.uint8))  # RAM finds no tag
    for stem, ext in (("photo", "jpg"), ("dark", "png")):
        write_label_file(folder / f"{stem}.json", new_annotation_for(folder / f"{stem}.{ext}", [rectangle(1, 1, 9, 9, "manual")]))
    cfg = tmp_path / "ram.yaml"
    cfg.write_text(yaml.safe_dump({"type": "ram", "name": "r", "model_path": str(fixtures / "ram.onnx")}))
    assert main(["predict", "--model", str(cfg), "--input", str(folder), "--replace", "--quiet"]) == 0
    for stem in ("photo", "dark"):
        assert [s.label for s in read_label_file(folder / f"{stem}.json").shapes] == ["manual"]
    cfg.write_text(yaml.safe_dump({"type": "pulc_attribute", "name": "p", "classes": "person",
                                   "model_path": str(fixtures / "pulc_attribute.onnx"), "attributes": pulc_attributes()}))
    assert main(["predict", "--model", str(cfg), "--input", str(folder / "photo.jpg"), "--quiet"]) == 0
    shapes = read_label_file(folder / "photo.json").shapes
    assert [s.label for s in shapes] == ["manual", "person"] and set(shapes[1].attributes) == set(pulc_attributes())


XAL_REC = sorted(p for p in XAL_CONFIGS.glob("*.yaml") if p.name.startswith(("pulc_", "ram_", "internimage"))) \
    if XAL_CONFIGS.is_dir() else []


@pytest.mark.skipif(not XAL_REC, reason=f"X-AnyLabeling's configs are not extracted at {XAL_CONFIGS}")
@pytest.mark.parametrize("path", XAL_REC, ids=lambda p: p.name)
def test_x_anylabeling_recognition_configs_load(path: Path) -> None:
    cfg = load_config(path)
    if cfg.type == "pulc_attribute":
        from anylabel.inference.models.recognition import parse_attributes

        assert cfg.options["classes"] in ("person", "vehicle") and parse_attributes(cfg)
