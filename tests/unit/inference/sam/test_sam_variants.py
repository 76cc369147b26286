"""SAM variants X-AnyLabeling ships, on pairs built at test time by
scripts/build_sam_variant_fixtures.py from the SAM contract pair: encoders with in-graph
pre-processing (a [h, w, 3] RGB input, float32 or uint8), SAM-HQ (intermediate embeddings
stacked into the decoder's ``interm_embeddings``) and SAM-Med2D (256 input, stretched)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from anylabel.inference.config import config_from_dict, load_config
from anylabel.inference.registry import create_model, get_model_type
from anylabel.inference.sam import Prompt
from anylabel.inference.sam.session import PromptSession

pytest.importorskip("onnx", reason="building the SAM variant fixtures needs the onnx package (requirements-dev.txt)")
import build_sam_variant_fixtures as fx  # noqa: E402

CONTRACT = Path(__file__).resolve().parents[4] / "models" / "fixtures"
XAL_CONFIGS = Path("/work/xal-configs/anylabeling/configs/auto_labeling")


@pytest.fixture(scope="module")
def pairs(tmp_path_factory) -> dict:
    return fx.write_all(tmp_path_factory.mktemp("sam_variants"))


def _model(pairs: dict, prefix: str, mtype: str, **extra):
    enc, dec = pairs[prefix] if prefix in pairs else (CONTRACT / f"{prefix}_encoder.onnx",
                                                      CONTRACT / f"{prefix}_decoder.onnx")
    return create_model(config_from_dict({"type": mtype, "name": prefix, "encoder_model_path": str(enc),
                                          "decoder_model_path": str(dec), **extra}), device="cpu")


def _segments_every_object(model, scene_factory, iou_fn, sizes=((640, 480), (300, 1000))) -> None:
    for w, h in sizes:
        scene = scene_factory(w, h, seed=w)
        emb = model.embed(scene.image)
        for obj, pt in zip(scene.objects, scene.inside):
            pred = PromptSession(model, emb).add_point(*pt)
            assert pred.mask.shape == (h, w)
            assert iou_fn(pred.mask, obj) > 0.9, (model.config.name, w, h, pt)
        ys, xs = np.nonzero(scene.objects[1])
        pred = model.segment(emb, Prompt(box=(xs.min() - 3, ys.min() - 3, xs.max() + 4, ys.max() + 4)))
        assert iou_fn(pred.mask, scene.objects[1]) > 0.9


@pytest.mark.parametrize("prefix,mtype,dtype", [("sam_raw", "segment_anything", np.float32),
                                                ("sam_raw_uint8", "efficientvit_sam", np.uint8)])
def test_preprocessing_encoder_gets_the_resized_image(pairs, scene_factory, iou_fn, prefix, mtype, dtype) -> None:
    model = _model(pairs, prefix, mtype, target_size=1024)
    try:
        assert model.spec.raw_image and model.spec.input_size == 1024
        scene = scene_factory(500, 300)
        sess = ort.InferenceSession(str(pairs[prefix][0]))
        fed = []
        real_run = model.encoder.session.session.run

        def spy(names, feeds, opts=None):
            fed.append(next(iter(feeds.values())))
            return real_run(names, feeds, opts)

        model.encoder.session.session.run = spy  # type: ignore[method-assign]
        emb = model.embed(scene.image)
        assert fed[0].shape == (614, 1024, 3) and fed[0].dtype == dtype  # longest side 1024, no padding
        # The same embedding as the 4-D contract encoder fed SAM's normalised, padded tensor.
        contract = _model(pairs, "sam_contract", "segment_anything")
        try:
            ref = contract.embed(scene.image).tensors["image_embeddings"]
        finally:
            contract.close()
        np.testing.assert_allclose(emb.tensors["image_embeddings"], ref, atol=2e-2 if dtype == np.uint8 else 1e-4)
        assert sess.get_inputs()[0].shape == ["image_height", "image_width", 3]
        _segments_every_object(model, scene_factory, iou_fn)
    finally:
        model.close()


def test_sam_hq_stacks_the_intermediate_embeddings_in_order(pairs, scene_factory, iou_fn) -> None:
    model = _model(pairs, "sam_hq", "sam_hq", input_size=1024)
    try:
        assert model.spec.stacked == ("interm_embeddings", tuple(f"interm_out_{k}" for k in range(4)))
        emb = model.embed(scene_factory(320, 240).image)
        assert emb.tensors["interm_embeddings"].shape == (4, 1, 64, 64, 8)
        _segments_every_object(model, scene_factory, iou_fn)
        # The fixture's own check: stacked in another order, every mask is the complement.
        feeds = model.decoder.feeds(emb, Prompt(points=[(160, 120)], labels=[1]), None)
        dec = ort.InferenceSession(str(pairs["sam_hq"][1]))
        good = dec.run(["masks"], feeds)[0]
        feeds["interm_embeddings"] = feeds["interm_embeddings"][::-1].copy()
        np.testing.assert_array_equal(dec.run(["masks"], feeds)[0], -good)
    finally:
        model.close()


def test_sam_med2d_stretches_to_256(pairs, scene_factory, iou_fn) -> None:
    model = _model(pairs, "sam_med2d", "sam_med2d", input_size=256)
    try:
        assert model.spec.input_size == 256 and model.spec.stretch
        emb = model.embed(scene_factory(300, 1000).image)
        assert (emb.frame.resized_w, emb.frame.resized_h) == (256, 256)
        np.testing.assert_allclose(emb.frame.to_model([[300, 1000]]), [[256, 256]])
        _segments_every_object(model, scene_factory, iou_fn)
    finally:
        model.close()


def test_bad_resize_mode_is_a_config_error(pairs) -> None:
    with pytest.raises(Exception, match="resize must be one of"):
        _model(pairs, "sam_med2d", "sam_med2d", resize="crop")


@pytest.mark.parametrize("mtype", ["sam_hq", "sam_med2d", "edge_sam", "efficientvit_sam"])
def test_variant_types_are_registered_in_the_sam_package(mtype: str) -> None:
    assert get_model_type(mtype).module == "anylabel.inference.sam.model"


XAL_SAM = sorted(p for p in XAL_CONFIGS.glob("*.yaml") if p.name.startswith(("sam_hq", "sam_med2d", "efficientvit_sam"))
                 or p.name == "edge_sam.yaml") if XAL_CONFIGS.is_dir() else []


@pytest.mark.skipif(not XAL_SAM, reason=f"X-AnyLabeling's configs are not extracted at {XAL_CONFIGS}")
@pytest.mark.parametrize("path", XAL_SAM, ids=lambda p: p.name)
def test_x_anylabeling_sam_variant_configs_load(path: Path) -> None:
    cfg = load_config(path)
    assert cfg.encoder_model_path and cfg.decoder_model_path
