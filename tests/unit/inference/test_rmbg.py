"""RMBG background removal (anylabel/inference/models/matting.py) on contract fixtures built by
scripts/build_dense_fixtures.py: the fixture's alpha is high where a pixel is saturated,
so coloured objects on grey are the foreground."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
import pytest
import yaml

from anylabel.cli.main import main
from anylabel.core.geometry import polygon_to_mask
from anylabel.core.label_file import read_label_file
from anylabel.inference import create_model
from anylabel.inference.config import ConfigError, config_from_dict, load_config

pytest.importorskip("onnx", reason="building the dense-output fixtures needs the onnx package (requirements-dev.txt)")
import build_dense_fixtures as fx  # noqa: E402

XAL_CONFIGS = Path("/work/xal-configs/anylabeling/configs/auto_labeling")


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dense_fixtures")
    fx.write_all(out)
    return out


def scene(base: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Grey (or a photo) with a red disc and a blue rectangle; returns image and their mask."""
    img = np.full((300, 450, 3), 128, np.uint8) if base is None else base.copy()
    mask = np.zeros(img.shape[:2], np.uint8)
    cv2.circle(mask, (120, 150), 70, 1, -1)
    cv2.rectangle(mask, (260, 60), (400, 240), 2, -1)
    img[mask == 1] = (230, 30, 30)
    img[mask == 2] = (20, 40, 220)
    return img, mask > 0


def make(fixtures: Path, version: str | None, **extra):
    data = {"type": "rmbg", "name": "rmbg", "model_path": str(fixtures / f"rmbg_v{(version or '1.4').replace('.', '')}.onnx"), **extra}
    if version:
        data["version"] = float(version)
    return create_model(config_from_dict(data, fixtures / "r.yaml"), device="cpu")


@pytest.mark.parametrize("version,norm", [("1.4", "half"), ("2.0", "imagenet")])
def test_raw_layout(fixtures: Path, version: str, norm: str) -> None:
    img, fg = scene()
    x = cv2.resize(img, (1024, 1024)).astype(np.float32) / 255
    x = (x - fx.IMAGENET_MEAN) / np.array(fx.IMAGENET_STD) if norm == "imagenet" else x - 0.5
    sess = ort.InferenceSession(str(fixtures / f"rmbg_v{version.replace('.', '')}.onnx"))
    (alpha,) = sess.run(["output"], {"input": x.transpose(2, 0, 1)[None].astype(np.float32)})
    assert alpha.shape == (1, 1, 1024, 1024)
    small = cv2.resize(fg.astype(np.uint8), (1024, 1024), interpolation=cv2.INTER_NEAREST).astype(bool)
    inner = cv2.erode(small.astype(np.uint8), np.ones((5, 5))).astype(bool)
    outer = ~cv2.dilate(small.astype(np.uint8), np.ones((5, 5))).astype(bool)
    assert alpha[0, 0][inner].min() > 0.99 and alpha[0, 0][outer].max() < 0.01


@pytest.mark.parametrize("version", [None, "1.4", "2.0"])
def test_foreground_polygons_cover_the_objects(fixtures: Path, version: str | None) -> None:
    img, fg = scene()
    shapes = make(fixtures, version).predict(img)
    assert len(shapes) == 2 and {s.shape_type for s in shapes} == {"polygon"}
    assert {s.label for s in shapes} == {"foreground"}
    drawn = np.zeros_like(fg)
    for s in shapes:
        drawn |= polygon_to_mask(s.points, *fg.shape)
    assert (drawn & fg).sum() / (drawn | fg).sum() > 0.97


def test_label_from_classes_and_bad_version(fixtures: Path) -> None:
    img, _ = scene()
    assert {s.label for s in make(fixtures, None, classes=["object"]).predict(img)} == {"object"}
    with pytest.raises(ConfigError, match=r"r\.yaml.*version"):
        make(fixtures, "3.0")


def test_flat_image_has_no_foreground(fixtures: Path) -> None:
    assert make(fixtures, None).predict(np.full((64, 64, 3), 128, np.uint8)) == []


def test_anylabel_predict_on_a_photo(fixtures: Path, tmp_path: Path, darknet_photo: Path) -> None:
    photo = cv2.imread(str(darknet_photo))[:, :, ::-1]
    grey = np.repeat(cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY)[:, :, None], 3, 2)  # a photo with no colour
    img, fg = scene(grey[:300, :450])
    folder = tmp_path / "images"
    folder.mkdir()
    cv2.imwrite(str(folder / "photo.png"), img[:, :, ::-1])
    cfg = tmp_path / "rmbg.yaml"
    cfg.write_text(yaml.safe_dump({"type": "rmbg", "name": "r", "model_path": str(fixtures / "rmbg_v14.onnx")}))
    assert main(["predict", "--model", str(cfg), "--input", str(folder), "--quiet"]) == 0
    shapes = read_label_file(folder / "photo.json").shapes
    drawn = np.zeros_like(fg)
    for s in shapes:
        drawn |= polygon_to_mask(s.points, *fg.shape)
    assert (drawn & fg).sum() / (drawn | fg).sum() > 0.97


XAL_RMBG = sorted(XAL_CONFIGS.glob("rmbg*.yaml")) if XAL_CONFIGS.is_dir() else []


@pytest.mark.skipif(not XAL_RMBG, reason=f"X-AnyLabeling's configs are not extracted at {XAL_CONFIGS}")
@pytest.mark.parametrize("path", XAL_RMBG, ids=lambda p: p.name)
def test_x_anylabeling_rmbg_configs_load(path: Path) -> None:
    assert load_config(path).type == "rmbg"
