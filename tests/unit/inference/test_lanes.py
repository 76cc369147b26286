"""CLRNet (anylabel/inference/models/lanes.py) on the contract fixture of
scripts/build_lane_fixtures.py: vertical stripes of pure colour are the lanes."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
import pytest
import yaml

from anylabel.cli.main import main
from anylabel.core.label_file import read_label_file
from anylabel.inference import create_model
from anylabel.inference.config import ConfigError, config_from_dict, load_config

pytest.importorskip("onnx", reason="building the lane fixture needs the onnx package (requirements-dev.txt)")
import build_lane_fixtures as fx  # noqa: E402

XAL = Path("/work/xal-configs/anylabeling/configs/auto_labeling/clrnet_tusimple_r18.yaml")
KEYS = {"input_width": 800, "input_height": 320, "image_width": 1280, "image_height": 720, "nms_threshold": 50,
        "conf_threshold": 0.4, "n_offsets": 72, "max_lanes": 5, "cut_height": 160}


@pytest.fixture(scope="module")
def fixture(tmp_path_factory) -> Path:
    return fx.write_all(tmp_path_factory.mktemp("lane"))["clrnet.onnx"]


def road(h: int = 720, w: int = 1280, base: np.ndarray | None = None) -> tuple[np.ndarray, list[float]]:
    """Grey (or a photo) with a red, a green and a blue stripe; returns image and centres (x)."""
    img = np.full((h, w, 3), 90, np.uint8) if base is None else cv2.resize(base, (w, h))
    centres = []
    for k, (x0, colour) in enumerate(((0.2, (255, 0, 0)), (0.5, (0, 255, 0)), (0.75, (0, 0, 255)))):
        a, b = int(x0 * w), int(x0 * w) + max(8, w // 60)
        img[:, a:b] = colour
        centres.append((a + b) / 2)
    return img, centres


def make(fixture: Path, **extra):
    return create_model(config_from_dict({"type": "clrnet", "name": "c", "model_path": str(fixture), **KEYS, **extra},
                                         fixture.parent / "c.yaml"), device="cpu")


def test_raw_layout(fixture: Path) -> None:
    img, centres = road()
    x = cv2.resize(img[160:, :, ::-1], (800, 320), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
    (out,) = ort.InferenceSession(str(fixture)).run(None, {"input": x.transpose(2, 0, 1)[None]})
    assert out.shape == (1, 192, 78)
    p = np.exp(out[0, :, 1]) / np.exp(out[0, :, :2]).sum(1)
    lanes = out[0][p > 0.4]
    assert len(lanes) == 6  # three lanes, each also as a weaker shifted duplicate
    found = sorted(float(r[6]) * 1280 for r in lanes if np.exp(r[1]) / np.exp(r[:2]).sum() > 0.99)
    np.testing.assert_allclose(found, centres, atol=2.5)


@pytest.mark.parametrize("hw", [(720, 1280), (480, 640), (1080, 1920)])
def test_lanes_are_line_strips_on_the_stripes(fixture: Path, hw) -> None:
    img, centres = road(*hw)
    shapes = make(fixture).predict(img)
    assert [s.label for s in shapes] == ["lane1", "lane2", "lane3"]  # duplicates removed, left to right
    h, w = hw
    for s, cx in zip(shapes, centres):
        # length 1 = 71 strips: start + 71 - 1, i.e. rows 0..70 of the 72 (CLRNet's convention)
        assert s.shape_type == "linestrip" and len(s.points) == 71
        np.testing.assert_allclose(s.points[:, 0], cx, atol=2.5 * w / 1280)
        top = ((1 - 70 / 71) * (720 - 160) + 160) / 720 * h
        assert s.points[0, 1] == pytest.approx(h) and s.points[-1, 1] == pytest.approx(top)


def test_nms_threshold_and_max_lanes(fixture: Path) -> None:
    img, _ = road()
    assert len(make(fixture, nms_threshold=1).predict(img)) == 5  # 5 px apart is no duplicate at 1 px; max 5
    assert len(make(fixture, max_lanes=2).predict(img)) == 2
    with pytest.raises(ConfigError, match="cut_height"):
        make(fixture, cut_height=720)


def test_anylabel_predict_on_a_photo(fixture: Path, tmp_path: Path, darknet_photo: Path) -> None:
    photo = cv2.imread(str(darknet_photo))[:, :, ::-1]
    grey = np.repeat(cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY)[:, :, None], 3, 2)
    img, centres = road(*photo.shape[:2], base=grey)
    (tmp_path / "imgs").mkdir()
    cv2.imwrite(str(tmp_path / "imgs" / "road.png"), img[:, :, ::-1])
    cfg = tmp_path / "clrnet.yaml"
    cfg.write_text(yaml.safe_dump({"type": "clrnet", "name": "c", "model_path": str(fixture), **KEYS}))
    assert main(["predict", "--model", str(cfg), "--input", str(tmp_path / "imgs"), "--quiet"]) == 0
    shapes = read_label_file(tmp_path / "imgs" / "road.json").shapes
    assert len(shapes) == 3
    for s, cx in zip(shapes, centres):
        np.testing.assert_allclose(s.points[:, 0], cx, atol=2.5 * photo.shape[1] / 1280)


@pytest.mark.skipif(not XAL.exists(), reason=f"X-AnyLabeling's configs are not extracted at {XAL.parent}")
def test_x_anylabeling_clrnet_config_loads() -> None:
    cfg = load_config(XAL)
    assert cfg.options["nms_threshold"] == 50 and cfg.options["cut_height"] == 160
