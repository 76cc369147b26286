"""Other SAM-family export layouts, read from the files rather than assumed: an
EdgeSAM-like pair (encoder input ``image``, decoder without mask input returning four
low-resolution masks with scores) and an EfficientViT-SAM-like pair (512 input)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from anylabel.inference.config import config_from_dict
from anylabel.inference.registry import create_model
from anylabel.inference.sam import Prompt
from anylabel.inference.sam.session import PromptSession

FIXTURES = Path(__file__).resolve().parents[4] / "models" / "fixtures"


def _model(prefix: str, type_name: str):
    cfg = config_from_dict({"type": type_name, "name": prefix,
                            "encoder_model_path": str(FIXTURES / f"{prefix}_encoder.onnx"),
                            "decoder_model_path": str(FIXTURES / f"{prefix}_decoder.onnx"),
                            "input_size": 1024})
    return create_model(cfg, device="cpu")


@pytest.mark.parametrize("prefix,type_name,size,feedback", [
    ("sam_contract_edge", "edge_sam", 1024, False),
    ("sam_contract_512", "efficientvit_sam", 512, True),
])
def test_export_layout_is_read_and_segments(prefix, type_name, size, feedback, scene_factory, iou_fn):
    model = _model(prefix, type_name)
    try:
        spec = model.spec
        assert spec.input_size == size                    # from the encoder, not the config's 1024
        assert spec.accepts_mask_feedback is feedback
        for w, h in ((640, 480), (300, 1000)):
            scene = scene_factory(w, h)
            emb = model.embed(scene.image)
            for obj, pt in zip(scene.objects, scene.inside):
                session = PromptSession(model, emb)
                pred = session.add_point(*pt)
                assert pred.mask.shape == (h, w)
                assert iou_fn(pred.mask, obj) > 0.9, (prefix, w, h, pt)
            ys, xs = np.nonzero(scene.objects[3])
            pred = model.segment(emb, Prompt(box=(xs.min() - 4, ys.min() - 4, xs.max() + 5, ys.max() + 5)))
            assert iou_fn(pred.mask, scene.objects[3]) > 0.9
    finally:
        model.close()


def test_unmatched_decoder_is_a_clear_error(tmp_path):
    from anylabel.inference.runtime import ModelLoadError

    cfg = config_from_dict({"type": "segment_anything", "name": "wrong",
                            "encoder_model_path": str(FIXTURES / "sam_contract_encoder.onnx"),
                            "decoder_model_path": str(FIXTURES / "sam_contract_encoder.onnx")})
    with pytest.raises(ModelLoadError, match="not a SAM-style decoder"):
        create_model(cfg, device="cpu")
