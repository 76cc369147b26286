#!/usr/bin/env python3
"""Build SAM-variant contract pairs from the SAM contract pair (models/fixtures/sam_contract_*,
see scripts/build_sam_contract_models.py) by wrapping its graphs in the variants' interfaces:

- ``raw_hwc`` (the samexporter ``--use-preprocess`` encoders X-AnyLabeling ships for SAM,
  MobileSAM, SAM-HQ and EfficientViT-SAM): encoder input ``input_image`` [h, w, 3] RGB
  0..255 (float32, or uint8 as EfficientViT-SAM's), the image already resized so its
  longest side is 1024; normalisation (SAM mean/std), NCHW and zero padding to 1024 happen
  in the graph, then the contract encoder runs.
- ``hq`` (SAM-HQ): the raw encoder also returns four intermediate embeddings
  ``interm_embeddings_0..3`` [1,64,64,8] (filled with 1, 2, 3, 4); the decoder takes them
  stacked as ``interm_embeddings`` [4,1,64,64,8] (X-AnyLabeling's ``sam_hq.py`` stacks the
  encoder outputs after the first). Its masks are the contract decoder's when the stack is
  in that order and negated otherwise, so a wrong stack gives the complement.
- ``med2d`` (SAM-Med2D): encoder ``images`` [1,3,256,256]; the image is stretched to the
  square (X-AnyLabeling's ``sam_med2d.py``), not resized by its longest side. Built by
  the contract builder for a 256 input (its embeddings stay [1,256,64,64]; the real
  model's are [1,256,16,16], which the runner does not depend on).

Needs ``onnx`` (requirements-dev.txt). ``python scripts/build_sam_variant_fixtures.py OUT_DIR``.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
CONTRACT = REPO / "models" / "fixtures"
SAM_MEAN = (123.675, 116.28, 103.53)
SAM_STD = (58.395, 57.12, 57.375)
N_INTERM = 4
INTERM_SHAPE = (1, 64, 64, 8)


def _load(part: str):
    import onnx

    return onnx.load(str(CONTRACT / f"sam_contract_{part}.onnx"))


def _init(name: str, value, dtype=np.float32):
    from onnx import numpy_helper

    return numpy_helper.from_array(np.asarray(value, dtype=dtype), name)


def raw_encoder(uint8: bool = False, hq: bool = False):
    """The contract encoder behind samexporter's in-graph pre-processing."""
    from onnx import TensorProto, helper

    enc = _load("encoder")
    g = enc.graph
    elem = TensorProto.UINT8 if uint8 else TensorProto.FLOAT
    pre = [
        helper.make_node("Cast", ["input_image"], ["pre_f"], to=TensorProto.FLOAT),
        helper.make_node("Sub", ["pre_f", "pre_mean"], ["pre_c"]),
        helper.make_node("Div", ["pre_c", "pre_std"], ["pre_n"]),
        helper.make_node("Transpose", ["pre_n"], ["pre_chw"], perm=[2, 0, 1]),
        helper.make_node("Unsqueeze", ["pre_chw", "pre_axis0"], ["pre_nchw"]),
        helper.make_node("Shape", ["pre_nchw"], ["pre_shape"]),
        helper.make_node("Slice", ["pre_shape", "pre_s2", "pre_s4"], ["pre_hw"]),
        helper.make_node("Sub", ["pre_side", "pre_hw"], ["pre_missing"]),
        helper.make_node("Concat", ["pre_zeros6", "pre_missing"], ["pre_pads"], axis=0),
        helper.make_node("Pad", ["pre_nchw", "pre_pads"], ["images"], mode="constant"),
    ]
    inits = [_init("pre_mean", SAM_MEAN), _init("pre_std", SAM_STD), _init("pre_axis0", [0], np.int64),
             _init("pre_s2", [2], np.int64), _init("pre_s4", [4], np.int64),
             _init("pre_side", [1024, 1024], np.int64), _init("pre_zeros6", [0] * 6, np.int64)]
    outputs = list(g.output)
    if hq:
        for k in range(N_INTERM):
            inits.append(_init(f"interm_embeddings_{k}", np.full(INTERM_SHAPE, k + 1.0)))
            pre.append(helper.make_node("Identity", [f"interm_embeddings_{k}"], [f"interm_out_{k}"]))
            outputs.append(helper.make_tensor_value_info(f"interm_out_{k}", TensorProto.FLOAT, list(INTERM_SHAPE)))
    graph = helper.make_graph(pre + list(g.node), "sam_variant_encoder",
                              [helper.make_tensor_value_info("input_image", elem, ["image_height", "image_width", 3])],
                              outputs, list(g.initializer) + inits)
    return _finish(graph, enc)


def hq_decoder():
    """The contract decoder with an ``interm_embeddings`` input that must be stacked in order."""
    from onnx import TensorProto, helper

    dec = _load("decoder")
    g = dec.graph
    renamed = {"masks": "hq_masks_raw", "low_res_masks": "hq_low_raw"}
    nodes = []
    for n in g.node:
        n.output[:] = [renamed.get(o, o) for o in n.output]
        n.input[:] = [renamed.get(i, i) for i in n.input]
        nodes.append(n)
    expected = np.arange(1, N_INTERM + 1, dtype=np.float32).reshape(N_INTERM, 1, 1, 1, 1)
    nodes += [
        helper.make_node("ReduceMean", ["interm_embeddings", "hq_axes"], ["hq_means"], keepdims=1),
        helper.make_node("Sub", ["hq_means", "hq_expected"], ["hq_diff"]),
        helper.make_node("Abs", ["hq_diff"], ["hq_abs"]),
        helper.make_node("ReduceMax", ["hq_abs"], ["hq_err"], keepdims=0),
        helper.make_node("Less", ["hq_err", "hq_tol"], ["hq_ok"]),
        helper.make_node("Cast", ["hq_ok"], ["hq_okf"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["hq_okf", "hq_two"], ["hq_okf2"]),
        helper.make_node("Sub", ["hq_okf2", "hq_one"], ["hq_sign"]),  # +1 in order, -1 otherwise
        helper.make_node("Mul", ["hq_masks_raw", "hq_sign"], ["masks"]),
        helper.make_node("Mul", ["hq_low_raw", "hq_sign"], ["low_res_masks"]),
    ]
    inits = [_init("hq_axes", [1, 2, 3, 4], np.int64), _init("hq_expected", expected), _init("hq_tol", 1e-3),
             _init("hq_two", 2.0), _init("hq_one", 1.0)]
    interm = helper.make_tensor_value_info("interm_embeddings", TensorProto.FLOAT, [N_INTERM, *INTERM_SHAPE])
    inputs = [g.input[0], interm, *g.input[1:]]
    graph = helper.make_graph(nodes, "sam_hq_decoder", inputs, list(g.output), list(g.initializer) + inits)
    return _finish(graph, dec)


def med2d_pair():
    """The contract pair built for a 256 input (the encoder's pooling becomes 1 x 1)."""
    import build_sam_contract_models as contract

    return contract.build_encoder("images", 256), contract.build_decoder(0.6, 1024, "sam", 256)


def _finish(graph, like):
    import onnx
    from onnx import helper

    model = helper.make_model(graph, opset_imports=list(like.opset_import), producer_name="anylabel")
    model.ir_version = like.ir_version
    onnx.checker.check_model(model)
    return model


#: file prefix -> (encoder builder, decoder builder or None for the contract decoder)
PAIRS = {
    "sam_raw": (lambda: raw_encoder(), None),
    "sam_raw_uint8": (lambda: raw_encoder(uint8=True), None),
    "sam_hq": (lambda: raw_encoder(hq=True), hq_decoder),
}


def write_all(out_dir: Path) -> dict[str, tuple[Path, Path]]:
    import onnx

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for prefix, (make_enc, make_dec) in PAIRS.items():
        enc_path, dec_path = out_dir / f"{prefix}_encoder.onnx", out_dir / f"{prefix}_decoder.onnx"
        onnx.save(make_enc(), str(enc_path))
        onnx.save(make_dec() if make_dec else _load("decoder"), str(dec_path))
        paths[prefix] = (enc_path, dec_path)
    enc, dec = med2d_pair()
    paths["sam_med2d"] = (out_dir / "sam_med2d_encoder.onnx", out_dir / "sam_med2d_decoder.onnx")
    onnx.save(enc, str(paths["sam_med2d"][0]))
    onnx.save(dec, str(paths["sam_med2d"][1]))
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    for enc, dec in write_all(ap.parse_args().out_dir).values():
        print(enc, dec)


if __name__ == "__main__":
    main()
