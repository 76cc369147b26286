"""The real MobileSAM export (random weights, from ../shared/models): the tensor
interface is read from the files and the whole path runs. Mask quality is not judged."""
from __future__ import annotations

import numpy as np

from anylabel.inference.config import config_from_dict
from anylabel.inference.registry import create_model
from anylabel.inference.sam import Prompt


def test_mobile_sam_pair_runs(shared_models, scene_factory):
    cfg = config_from_dict({"type": "segment_anything", "name": "mobile_sam_random",
                            "encoder_model_path": str(shared_models / "mobile_sam.encoder.onnx"),
                            "decoder_model_path": str(shared_models / "mobile_sam.decoder.onnx")})
    model = create_model(cfg, device="cpu")
    try:
        spec = model.spec
        assert spec.encoder_input == "images" and spec.input_size == 1024
        assert spec.embeddings == (("image_embeddings", "image_embeddings"),)
        assert (spec.mask_input, spec.has_mask_input, spec.orig_size_input) == ("mask_input", "has_mask_input", "orig_im_size")
        assert (spec.masks_output, spec.scores_output, spec.low_res_output) == ("masks", "iou_predictions", "low_res_masks")
        scene = scene_factory(500, 300)
        emb = model.embed(scene.image)
        first = model.segment(emb, Prompt([scene.inside[0]], [1]))
        assert first.mask.shape == (300, 500) and first.mask.dtype == bool
        assert first.low_res.shape == (1, 1, 256, 256)
        again = model.segment(emb, Prompt([scene.inside[0], (10.0, 10.0)], [1, 0], box=(5, 5, 200, 150)),
                              first.low_res)
        assert again.mask.shape == (300, 500) and np.isfinite(again.score)
    finally:
        model.close()
