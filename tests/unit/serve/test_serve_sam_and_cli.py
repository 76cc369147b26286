"""SAM prompts (X-AnyLabeling's ``marks``) and box-to-segment through the server give what the
local model gives; ``anylabel serve`` starts, answers and refuses bad options; Qt-free."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from anylabel.core.shape import rectangle
from anylabel.inference.config import config_from_dict
from anylabel.inference.registry import create_model
from anylabel.inference.sam.decoder import Prompt
from anylabel.serve.api import InferenceApi
from anylabel.serve.http_runner import ApiServer

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "models" / "fixtures"


def _scene() -> np.ndarray:
    import cv2

    img = np.full((240, 320, 3), (70, 150, 80), np.uint8)
    cv2.circle(img, (90, 120), 40, (220, 40, 40), -1)
    cv2.rectangle(img, (180, 60), (280, 160), (40, 40, 220), -1)
    return img


@pytest.fixture(scope="module")
def sam_server():
    enc, dec = FIXTURES / "sam_contract_encoder.onnx", FIXTURES / "sam_contract_decoder.onnx"
    if not (enc.is_file() and dec.is_file()):
        pytest.skip("SAM contract fixtures missing: run scripts/build_sam_contract_models.py")
    cfg = config_from_dict({"type": "segment_anything", "name": "sam-contract", "input_size": 1024,
                            "encoder_model_path": str(enc), "decoder_model_path": str(dec)})
    local = create_model(cfg, device="cpu")
    served = create_model(cfg, device="cpu")
    srv = ApiServer(InferenceApi({"sam-contract": served}), "127.0.0.1", 0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    rem = create_model(config_from_dict({"type": "remote_server", "name": "r",
                                         "remote_server_settings": {"server_url": srv.url}}))
    yield local, rem
    srv.shutdown()
    srv.server_close()
    local.close()
    served.close()


def test_point_and_box_prompts_equal_local(sam_server) -> None:
    local, rem = sam_server
    assert rem.capabilities.point_prompts and rem.capabilities.box_prompts and rem.capabilities.uses_annotation
    img = _scene()
    emb = local.embed(img)
    cases = [dict(points=[(90.0, 120.0)], labels=[1]),
             dict(points=[(230.0, 110.0), (90.0, 120.0)], labels=[1, 0]),
             dict(points=[], labels=[], box=(170.0, 50.0, 290.0, 170.0))]
    for case in cases:
        want = local.to_shapes(local.segment(emb, Prompt(**case)), label="obj")
        got = rem.segment_prompts(img, case["points"], case["labels"], case.get("box"), label="obj")
        assert len(got) == len(want) >= 1, case
        for a, b in zip(want, got):
            assert a.shape_type == b.shape_type == "polygon" and a.label == b.label == "obj"
            assert np.allclose(a.points, b.points)
    boxes = rem.segment_prompts(img, [(90.0, 120.0)], [1], mode="rectangle")
    assert boxes and boxes[0].shape_type == "rectangle"


def test_box_to_segment_equals_local(sam_server) -> None:
    local, rem = sam_server
    img = _scene()
    shapes = [rectangle(40, 70, 140, 170, "ball", group_id=3), rectangle(170, 50, 290, 170, "box")]
    want = local.predict_with_annotation(img, shapes).shapes
    got = rem.predict_with_annotation(img, shapes)
    assert got.keep_group_ids
    assert [(s.label, s.group_id, s.shape_type) for s in got.shapes] == [(s.label, s.group_id, s.shape_type) for s in want]
    assert all(np.allclose(a.points, b.points) for a, b in zip(want, got.shapes))


def test_serve_command_starts_answers_and_stops(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "anylabel", "serve", "--model", "fixture_shapes_det",
                             "--port", "0", "--token", "t0k"], stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        line = proc.stderr.readline()
        assert "Serving fixture_shapes_det on http://127.0.0.1:" in line, line
        url = line.split(" on ", 1)[1].split(" ", 1)[0]
        req = urllib.request.Request(url + "/v1/models", headers={"Token": "t0k"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            data = json.loads(resp.read())
        meta = data["data"]["fixture_shapes_det"]
        assert meta["classes"] == ["circle", "rectangle", "triangle"]
        assert {"name": "edit_conf", "value": 0.4} in meta["widgets"]
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_command_errors(capsys) -> None:
    from anylabel.cli.main import main

    assert main(["serve", "--model", "no_such_model"]) == 2
    assert "no_such_model" in capsys.readouterr().err
    assert main(["serve", "--model", "fixture_shapes_det", "--max-request-mb", "0"]) == 2


def test_ray_engine_without_ray_says_how_to_install(monkeypatch, capsys) -> None:
    import builtins

    real = builtins.__import__

    def no_ray(name, *a, **kw):
        if name == "ray" or name.startswith("ray."):
            raise ImportError(f"No module named {name!r}")
        return real(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    from anylabel.cli.main import main

    assert main(["serve", "--model", "fixture_shapes_det", "--engine", "ray"]) == 2
    assert "pip install anylabel[ray]" in capsys.readouterr().err


def test_serve_is_qt_free() -> None:
    code = ("import sys, anylabel.serve.api, anylabel.serve.http_runner, anylabel.serve.ray_runner, "
            "anylabel.inference.models.remote_server\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PyQt5', 'PyQt6', 'PySide2', 'PySide6', 'qtpy')]\n"
            "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_the_app_prompt_session_works_on_the_remote_model(sam_server) -> None:
    """The GUI's SAM tools drive a PromptSession over model.store / segment / to_shapes."""
    from anylabel.inference.sam.session import PromptSession

    local, rem = sam_server
    img = _scene()
    rem.set_options(output_mode="polygon", tolerance=1.0)
    rem.store.capacity = 3
    emb = rem.store.get("unused.png", img).result()
    assert emb.model_id == rem.model_id
    sessions = [PromptSession(local, local.embed(img)), PromptSession(rem, emb)]
    preds = [s.add_point(90.0, 120.0) for s in sessions]
    assert preds[0].score == pytest.approx(preds[1].score, abs=1e-5)
    assert np.array_equal(preds[0].full_mask(), preds[1].full_mask()) and preds[1].mask.any()
    want, got = (s.finish("ball") for s in sessions)
    assert len(want) == len(got) >= 1 and all(np.allclose(a.points, b.points) for a, b in zip(want, got))
    with pytest.raises(ValueError, match="output_mode"):
        rem.set_options(output_mode="blob")


def test_x_anylabeling_server_metadata_and_polygon_answers(sam_server, monkeypatch) -> None:
    """X-AnyLabeling-Server describes models by their app widgets and sends SAM results as
    polygons: the client reads the abilities from the widgets and fills the polygons into the mask."""
    from anylabel.inference.models.remote_server import _capabilities

    sam_widgets = [{"name": n, "value": None} for n in ("button_add_point", "button_remove_point",
                                                          "button_add_rect", "button_clear")]
    caps = _capabilities({}, sam_widgets)
    assert caps.point_prompts and caps.box_prompts and not caps.conf
    det = _capabilities({}, [{"name": "button_run"}, {"name": "edit_conf", "value": 0.25}])
    assert det.conf and not det.iou and not det.point_prompts

    local, rem = sam_server
    img = _scene()
    real = rem.segment_prompts
    monkeypatch.setattr(rem, "segment_prompts", lambda *a, mode=None, **kw: real(*a, mode="polygon", **kw))
    got = rem.segment(rem.embed(img), Prompt(points=[(90.0, 120.0)], labels=[1]))
    want = local.segment(local.embed(img), Prompt(points=[(90.0, 120.0)], labels=[1])).full_mask()
    inter, union = np.logical_and(got.mask, want).sum(), np.logical_or(got.mask, want).sum()
    assert union > 0 and inter / union > 0.95
