"""The runner on the real tiny SAM 2.1 export (random weights, ``scripts/export_sam2_onnx.py``):
the layout is read from the files and a click, a box, mask feedback and "segment
everything" run through them. Random weights say nothing about mask quality (the contract
pair does that); this checks the real tensor interface."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from anylabel.inference.config import config_from_dict
from anylabel.inference.registry import create_model
from anylabel.inference.sam import Prompt
from anylabel.inference.sam.session import PromptSession

pytestmark = pytest.mark.slow

EXPORT = Path(os.environ.get("ANYLABEL_SAM2_EXPORT", "~/.cache/anylabel/sam2")).expanduser()
ENC, DEC = EXPORT / "sam2.1_hiera_tiny.encoder.onnx", EXPORT / "sam2.1_hiera_tiny.decoder.onnx"


@pytest.fixture(scope="module")
def real_model():
    if not (ENC.is_file() and DEC.is_file()):
        pytest.skip(f"no SAM 2 export in {EXPORT}: run /work/venvs/sam2/bin/python scripts/export_sam2_onnx.py")
    model = create_model(config_from_dict({"type": "segment_anything_2", "name": "sam2-tiny-random",
                                           "encoder_model_path": str(ENC), "decoder_model_path": str(DEC),
                                           "epsilon": 0.001, "amg_points_per_side": 4, "amg_pred_iou_thresh": 0,
                                           "amg_stability_score_thresh": 0, "amg_min_area": 0}), device="cpu")
    yield model
    model.close()


def test_real_export_layout_and_prompts(real_model):
    s = real_model.spec
    assert s.encoder_input == "image" and s.input_size == 1024 and not s.pad_point and s.stretch
    assert {e for e, _ in s.embeddings} == {"image_embed", "high_res_feats_0", "high_res_feats_1"}
    rng = np.random.default_rng(0)
    img = rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)
    emb = real_model.embed(img)
    assert emb.tensors["high_res_feats_0"].shape == (1, 32, 256, 256)
    session = PromptSession(real_model, emb)
    first = session.add_point(320, 240)
    assert first.mask.shape == (480, 640) and first.low_res.shape == (1, 1, 256, 256)
    session.add_point(100, 100, positive=False)  # fed back with the previous mask
    box = real_model.segment(emb, Prompt(box=(50, 60, 300, 400)))
    assert box.mask.shape == (480, 640)


def test_real_export_segment_everything_batches(real_model):
    from anylabel.inference.sam.auto_masks import batch_limit, decode_points, point_grid

    emb = real_model.embed(np.full((300, 400, 3), 128, np.uint8))
    assert batch_limit(real_model.decoder) > 1  # the export's prompt batch is dynamic
    logits, scores = decode_points(real_model.decoder, emb, point_grid(3, 400, 300))
    assert logits.shape == (9, 3, 256, 256) and scores.shape == (9, 3)
    shapes = real_model.segment_everything(emb)
    assert all(s.shape_type == "polygon" and s.group_id for s in shapes)
