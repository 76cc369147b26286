"""Real PP-OCRv6 small (models shipped in the rapidocr 3.10 wheel) on text rendered with
Pillow; custom character dictionaries, drop_score and X-AnyLabeling's OCR keys."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import onnxruntime as ort
import pytest
import yaml

from anylabel.cli.main import main
from anylabel.core.label_file import read_label_file
from anylabel.inference import create_model
from anylabel.inference.config import ConfigError, config_from_dict, find_config, load_config
from anylabel.inference.download import resolve_model_file
from test_ppocr import render

XAL_CONFIGS = Path("/work/xal-configs/anylabeling/configs/auto_labeling")


@pytest.fixture(scope="module")
def shipped():
    if importlib.util.find_spec("rapidocr") is None:
        pytest.skip("the rapidocr 3.10 wheel (which ships PP-OCRv6) is not installed (scripts/bootstrap.sh dev)")
    return find_config("ppocr-v6")


@pytest.fixture(scope="module")
def ocr(shipped):
    return create_model(shipped, device="cpu")


def _config(shipped, tmp_path: Path, **extra):
    data = {k: getattr(shipped, k) for k in ("type", "name", "det_model_path", "rec_model_path", "cls_model_path")}
    return config_from_dict({**data, **extra}, tmp_path / "ocr.yaml")


def test_reads_rendered_text(ocr) -> None:
    shapes = ocr.predict(render([("AnyLabel 2026", (30, 40)), ("Invoice 4711", (30, 140))]))
    assert [s.description for s in shapes] == ["AnyLabel 2026", "Invoice 4711"]
    assert all(s.label == "text" and len(s.points) == 4 for s in shapes)


@pytest.mark.slow  # the classifier path is the one PP-OCRv4's tests cover in the default run
def test_upside_down_text_is_turned(ocr) -> None:
    img = render([("Invoice 4711", (30, 90))])[::-1, ::-1].copy()
    assert [s.description for s in ocr.predict(img)] == ["Invoice 4711"]


def test_a_custom_dictionary_decides_the_characters(shipped, tmp_path: Path) -> None:
    rec = resolve_model_file(shipped, "rec_model_path", None)
    chars = ort.InferenceSession(str(rec)).get_modelmeta().custom_metadata_map["character"].splitlines()
    # The same list with two characters swapped: every "4" reads as "7" and back.
    i4, i7 = chars.index("4"), chars.index("7")
    chars[i4], chars[i7] = chars[i7], chars[i4]
    (tmp_path / "my_dict.txt").write_text("\n".join(chars) + "\n", encoding="utf-8")
    model = create_model(_config(shipped, tmp_path, rec_char_dict_path="my_dict.txt"), device="cpu")
    assert [s.description for s in model.predict(render([("Invoice 4711", (30, 90))]))] == ["Invoice 7411"]


def test_dictionary_of_the_wrong_size_is_a_clear_error(shipped, tmp_path: Path) -> None:
    (tmp_path / "short.txt").write_text("a\nb\nc\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"ocr\.yaml.*18710 classes.*5"):
        create_model(_config(shipped, tmp_path, rec_char_dict_path="short.txt"), device="cpu")


def test_missing_dictionary_falls_back_and_xal_keys_are_used(shipped, tmp_path: Path) -> None:
    """X-AnyLabeling's v6 config form: a dictionary name bundled with it, DB keys, no classifier."""
    model = create_model(_config(shipped, tmp_path, rec_char_dict_path="ppocrv6_dict.txt", det_db_thresh=0.2,
                                 det_db_box_thresh=0.45, det_db_unclip_ratio=1.4, det_db_max_candidates=3000,
                                 use_angle_cls=False, drop_score=0.5), device="cpu")
    assert any("ppocrv6_dict.txt" in n for n in model.notes) and model.cls is None
    img = render([("AnyLabel 2026", (30, 90))])
    shapes = model.predict(img)
    assert [s.description for s in shapes] == ["AnyLabel 2026"]
    model.drop_score = min(1.0, shapes[0].score + 1e-3)  # just above what it read: dropped
    assert model.predict(img) == []


@pytest.mark.slow  # the CLI path is the same for every model type; PP-OCRv6 adds only its load time
def test_anylabel_predict_writes_the_text(shipped, tmp_path: Path) -> None:
    import cv2

    (tmp_path / "imgs").mkdir()
    cv2.imwrite(str(tmp_path / "imgs" / "doc.png"), render([("Invoice 4711", (30, 90))])[:, :, ::-1])
    assert main(["predict", "--model", "ppocr-v6", "--input", str(tmp_path / "imgs"), "--quiet"]) == 0
    assert [s.description for s in read_label_file(tmp_path / "imgs" / "doc.json").shapes] == ["Invoice 4711"]


XAL_OCR = sorted(XAL_CONFIGS.glob("*ppocr*.yaml")) if XAL_CONFIGS.is_dir() else []


@pytest.mark.skipif(not XAL_OCR, reason=f"X-AnyLabeling's configs are not extracted at {XAL_CONFIGS}")
@pytest.mark.parametrize("path", XAL_OCR, ids=lambda p: p.name)
def test_x_anylabeling_ocr_configs_load(path: Path) -> None:
    cfg = load_config(path)
    assert cfg.type.startswith("ppocr") and cfg.rec_model_path
    assert yaml.safe_load(path.read_text()).get("drop_score", 0.5) == cfg.options.get("drop_score", 0.5)


@pytest.mark.parametrize("mtype", ["ppocr_v5", "ppocr_v6"])
def test_every_ocr_alias_loads_an_x_anylabeling_style_config(mtype: str, tmp_path: Path) -> None:
    from anylabel.inference.models.ppocr import PPOCR
    from anylabel.inference.registry import get_model_type

    cfg = config_from_dict({"type": mtype, "name": "o", "det_model_path": "d.onnx", "rec_model_path": "r.onnx",
                            "cls_model_path": "c.onnx", "drop_score": 0.5, "lang": "ppocrv5_dict",
                            "use_angle_cls": True, "rec_char_dict_path": "ppocrv5_dict.txt",
                            "det_db_thresh": 0.2, "det_db_box_thresh": 0.45, "det_db_unclip_ratio": 1.4,
                            "det_db_max_candidates": 3000}, tmp_path / "o.yaml")
    assert get_model_type(mtype).cls is PPOCR and cfg.options["drop_score"] == 0.5 and "lang" in cfg.ignored
