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


def test_background_run_is_aborted_when_the_user_jumps(shared_models, tmp_path, scene_factory):
    """A prefetch inside the real encoder is stopped (RunOptions.terminate) when another
    image is asked for, then queued again because it is still wanted."""
    import time

    import cv2

    cfg = config_from_dict({"type": "segment_anything", "name": "mobile_sam_random",
                            "encoder_model_path": str(shared_models / "mobile_sam.encoder.onnx"),
                            "decoder_model_path": str(shared_models / "mobile_sam.decoder.onnx")})
    model = create_model(cfg, device="cpu")
    store = model.store
    try:
        paths = []
        for i in range(2):
            p = tmp_path / f"im{i}.png"
            cv2.imwrite(str(p), scene_factory(320 + 40 * i, 240, seed=i).image)
            paths.append(p)
        store.prefetch([paths[0]])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # wait until the prefetch is inside the encoder
            busy = store._busy
            if busy is not None and busy.run_options is not None:
                break
            time.sleep(0.005)
        time.sleep(0.05)
        emb = store.embedding(paths[1], timeout=60)
        assert emb.frame.orig_w == 360
        assert store.stats.aborted == 1
        assert store.wait_idle(60)
        assert store.peek(paths[0]) is not None       # queued again and done
        assert store.stats.encoder_calls == 3
    finally:
        model.close()
