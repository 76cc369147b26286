"""Depth Anything v1/v2 (anylabel/inference/models/depth.py) on contract fixtures built by
scripts/build_dense_fixtures.py: the fixture's "depth" is the brightness of the
de-normalised input, so a horizontal grey ramp must come back as the same ramp."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
import pytest
import yaml

from anylabel.cli.main import main
from anylabel.core.folder_index import scan_folder
from anylabel.core.label_file import new_annotation_for, read_label_file, write_label_file
from anylabel.core.shape import rectangle
from anylabel.inference import create_model
from anylabel.inference.config import ConfigError, config_from_dict, load_config

pytest.importorskip("onnx", reason="building the dense-output fixtures needs the onnx package (requirements-dev.txt)")
import build_dense_fixtures as fx  # noqa: E402

XAL_CONFIGS = Path("/work/xal-configs/anylabeling/configs/auto_labeling")
MODELS = {"depth_anything": "depth_anything_v1.onnx", "depth_anything_v2": "depth_anything_v2.onnx"}


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dense_fixtures")
    fx.write_all(out)
    return out


def ramp(h: int = 240, w: int = 400) -> np.ndarray:
    x = np.linspace(0, 255, w)[None, :, None]
    return np.repeat(np.repeat(x, h, 0), 3, 2).astype(np.uint8)


def make(fixtures: Path, mtype: str, **extra):
    return create_model(config_from_dict({"type": mtype, "name": mtype, "model_path": str(fixtures / MODELS[mtype]),
                                          **extra}, fixtures / "d.yaml"), device="cpu")


@pytest.mark.parametrize("name,inp,shape", [("depth_anything_v1.onnx", "image", (1, 1, 518, 518)),
                                            ("depth_anything_v2.onnx", "l_x_", (1, 518, 518))])
def test_raw_layout(fixtures: Path, name: str, inp: str, shape: tuple) -> None:
    img = cv2.resize(ramp(), (518, 518)).astype(np.float32) / 255
    blob = ((img - fx.IMAGENET_MEAN) / np.array(fx.IMAGENET_STD)).transpose(2, 0, 1)[None].astype(np.float32)
    sess = ort.InferenceSession(str(fixtures / name))
    assert sess.get_inputs()[0].name == inp
    (out,) = sess.run(None, {inp: blob})
    assert out.shape == shape
    np.testing.assert_allclose(out.reshape(518, 518), img.mean(2), atol=1e-5)


@pytest.mark.parametrize("mtype", sorted(MODELS))
def test_grey_depth_is_the_ramp_at_image_size(fixtures: Path, mtype: str) -> None:
    pred = make(fixtures, mtype, render_mode="gray").predict_result(ramp())
    assert pred.shapes == [] and set(pred.layers) == {"depth"}
    depth = pred.layers["depth"]
    assert depth.shape == (240, 400) and depth.dtype == np.uint8
    expected = np.linspace(0, 255, 400)
    assert np.abs(depth[120, 5:-5].astype(float) - expected[5:-5]).max() < 4
    assert depth.min() == 0 and depth.max() == 255  # min-max scaled


def test_colour_mode_is_inferno(fixtures: Path) -> None:
    grey = make(fixtures, "depth_anything", render_mode="gray").predict_result(ramp()).layers["depth"]
    colour = make(fixtures, "depth_anything").predict_result(ramp()).layers["depth"]  # default "color"
    assert colour.shape == (240, 400, 3)
    np.testing.assert_array_equal(colour, cv2.applyColorMap(grey, cv2.COLORMAP_INFERNO)[:, :, ::-1])


def test_bad_render_mode_names_the_file(fixtures: Path) -> None:
    with pytest.raises(ConfigError, match=r"d\.yaml.*render_mode"):
        make(fixtures, "depth_anything", render_mode="rainbow")


def test_anylabel_predict_saves_depth_beside_the_image(fixtures: Path, tmp_path: Path, darknet_photo: Path) -> None:
    folder = tmp_path / "images"
    folder.mkdir()
    cv2.imwrite(str(folder / "ramp.png"), ramp())
    photo = cv2.imread(str(darknet_photo))
    cv2.imwrite(str(folder / "photo.jpg"), photo)
    write_label_file(folder / "ramp.json", new_annotation_for(folder / "ramp.png", [rectangle(1, 1, 9, 9, "manual")]))
    cfg = tmp_path / "depth.yaml"
    cfg.write_text(yaml.safe_dump({"type": "depth_anything_v2", "name": "d", "render_mode": "gray",
                                   "model_path": str(fixtures / MODELS["depth_anything_v2"])}))
    args = ["predict", "--model", str(cfg), "--input", str(folder), "--replace", "--quiet"]
    assert main(args) == 0
    for stem, (h, w) in {"ramp": (240, 400), "photo": photo.shape[:2]}.items():
        ann = read_label_file(folder / f"{stem}.json")
        assert ann.extra["layers"] == {"depth": f"anylabel_depth/{stem}.png"}
        saved = cv2.imread(str(folder / "anylabel_depth" / f"{stem}.png"), cv2.IMREAD_UNCHANGED)
        assert saved.shape == (h, w)
    # A depth map has nothing to put in place of the shapes: --replace keeps the manual box.
    assert [s.label for s in read_label_file(folder / "ramp.json").shapes] == ["manual"]
    mtimes = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    assert main(args) == 0  # a second run changes nothing
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()} == mtimes
    # The layer folder is not one more image of the folder.
    assert sorted(scan_folder(folder).names) == ["photo.jpg", "ramp.png"]


XAL_DEPTH = sorted(p for p in XAL_CONFIGS.glob("depth_anything*.yaml")) if XAL_CONFIGS.is_dir() else []


@pytest.mark.skipif(not XAL_DEPTH, reason=f"X-AnyLabeling's configs are not extracted at {XAL_CONFIGS}")
@pytest.mark.parametrize("path", XAL_DEPTH, ids=lambda p: p.name)
def test_x_anylabeling_depth_configs_load(path: Path) -> None:
    cfg = load_config(path)
    assert cfg.type in MODELS and cfg.options["render_mode"] in ("color", "gray")
