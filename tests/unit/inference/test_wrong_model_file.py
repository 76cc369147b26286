"""A config naming an ONNX file of another layout is refused at load with one message that
names the file, the type and what it expected (not an index error on the first image)."""
from __future__ import annotations

from pathlib import Path

import pytest

from anylabel.inference import create_model
from anylabel.inference.config import config_from_dict
from anylabel.inference.runtime import ModelLoadError

pytest.importorskip("onnx", reason="building the contract fixtures needs the onnx package (requirements-dev.txt)")
import build_dense_fixtures  # noqa: E402
import build_detr_family_fixtures  # noqa: E402
import build_recognition_fixtures  # noqa: E402

DEMO = Path(__file__).resolve().parents[3] / "models" / "fixtures"


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("wrong")
    paths = {"yolov8": DEMO / "shapes_det.onnx"}
    for mod in (build_detr_family_fixtures, build_dense_fixtures, build_recognition_fixtures):
        paths.update({k.removesuffix(".onnx"): v for k, v in mod.write_all(out).items()})
    return paths


@pytest.mark.parametrize("mtype,wrong,expected", [
    ("rtdetrv2", "yolov8", "labels"),
    ("dfine_seg", "yolov8", "labels"),
    ("rfdetr", "detr_postprocessed", "dets"),
    ("rtdetr", "detr_postprocessed", "one \\[1,Q,4\\+nc\\] output"),
    ("depth_anything", "internimage_cls", "depth map"),
    ("rmbg", "depth_anything_v2", "alpha map"),
    ("pulc_attribute", "rmbg_v14", "scores"),
    ("yolov6_face", "internimage_cls", "landmarks"),
    ("clrnet", "ram", "lane rows"),
])
def test_wrong_layout_is_a_clear_load_error(files: dict, mtype: str, wrong: str, expected: str) -> None:
    extra = {"attributes": {"A": [["y", "n"], 0.5]}} if mtype == "pulc_attribute" else {}
    cfg = config_from_dict({"type": mtype, "name": "w", "model_path": str(files[wrong]), **extra})
    with pytest.raises(ModelLoadError, match=rf"{files[wrong].name}: not a {mtype} export: expected .*{expected}"):
        create_model(cfg, device="cpu")
