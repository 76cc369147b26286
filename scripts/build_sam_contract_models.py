#!/usr/bin/env python3
"""Build the SAM-contract ONNX pair: tiny models with SAM's exact tensor interface and
a behaviour we can state, so the whole SAM path (pre-processing, coordinate transforms,
embedding cache, decoder feeds, mask feedback, post-processing, polygons) is tested for
real without weights.

Behaviour (documented in docs/sam.md):
- Encoder ``images`` [1,3,1024,1024] -> ``image_embeddings`` [1,256,64,64]: the normalised
  image averaged over 4x4 pixel blocks (a 256 x 256 colour image), folded into the first
  48 channels with SpaceToDepth(4); the other 208 channels are zero.
- Decoder (inputs/outputs named and shaped as the SAM/MobileSAM export): for each prompt
  point (label 1 positive, 0 negative, 2/3 box corners, -1 padding) the region of cells
  whose colour is within ``--threshold`` (normalised units, max over channels) of the
  colour under the point and connected to it (gated 3x3 dilations until nothing
  changes, at most ``--steps``). The mask
  is the union of positive regions, plus the previous mask when ``has_mask_input`` is 1,
  minus the negative regions. A box (labels 2 and 3) adds its centre as a positive point
  and clips the mask to the box. ``low_res_masks`` are +-8 logits on the 256 grid;
  ``masks`` are those upsampled to 1024, cropped to the resized image and resized to
  ``orig_im_size`` exactly as SAM's export does. ``iou_predictions`` is 1 when the mask is
  not empty, else 0.

Two variants with other exports' layouts are built too (``STYLES``): an EdgeSAM-like
pair (encoder input ``image``; decoder without mask input returning four low-resolution
``masks`` and their ``scores``) and an EfficientViT-SAM-like pair with a 512 input.

The SAM 2 contract pair (``sam2_contract_*``: three encoder outputs, batched prompt rows,
three candidate masks) is described in ``scripts/sam2_contract_graphs.py``.

Needs the ``onnx`` package (not a runtime dependency): with no argument the script uses
/work/venvs/sam-build or creates it, e.g. ``python scripts/build_sam_contract_models.py``.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "models" / "fixtures"
BUILD_VENV = Path(os.environ.get("ANYLABEL_BUILD_VENV", "/work/venvs/sam-build"))
OPSET = 18
GRID = 256      # colour grid kept in the embedding (1024 / 4)
BLOCK = 4       # grid cells folded into one embedding position (256 / 64)
COLOUR_CH = 3 * BLOCK * BLOCK  # 48 channels carry the colour grid

#: Variants: the SAM/MobileSAM export, and two layouts other SAM-family exports use, so the
#: runner's reading of names, input size, multi-mask and low-resolution outputs is tested.
STYLES = {
    # file prefix: (encoder input name, input size, decoder style)
    "sam_contract": ("images", 1024, "sam"),
    "sam_contract_edge": ("image", 1024, "edge"),       # EdgeSAM-like: no mask input, 4 low-res masks + scores
    "sam_contract_512": ("input_image", 512, "sam"),    # EfficientViT-SAM-like: 512 input
}


def _ensure_onnx() -> None:
    """Re-run this script in a venv that has ``onnx`` when the current one lacks it."""
    try:
        import onnx  # noqa: F401
        return
    except ImportError:
        pass
    py = BUILD_VENV / "bin" / "python"
    if not py.exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(BUILD_VENV)])
        subprocess.check_call([str(py), "-m", "pip", "install", "-q", "onnx", "numpy"])
    os.execv(str(py), [str(py), __file__, *sys.argv[1:]])


def build_encoder(input_name: str = "images", size: int = 1024):
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    pool = size // GRID
    nodes = [
        helper.make_node("AveragePool", [input_name], ["grid"], kernel_shape=[pool, pool], strides=[pool, pool]),
        helper.make_node("SpaceToDepth", ["grid"], ["folded"], blocksize=BLOCK),
        helper.make_node("Pad", ["folded", "pads"], ["image_embeddings"], mode="constant"),
    ]
    pads = numpy_helper.from_array(np.array([0, 0, 0, 0, 0, 256 - COLOUR_CH, 0, 0], np.int64), "pads")
    graph = helper.make_graph(
        nodes, "sam_contract_encoder",
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, [1, 3, size, size])],
        [helper.make_tensor_value_info("image_embeddings", TensorProto.FLOAT, [1, 256, 64, 64])],
        [pads])
    return _model(graph, "encoder")


def build_decoder(threshold: float, steps: int, style: str = "sam", size: int = 1024):
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    inits = []
    nodes = []

    def const(name: str, value) -> str:
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(op: str, ins: list[str], out: str, **attrs) -> str:
        nodes.append(helper.make_node(op, ins, [out], **attrs))
        return out

    f = np.float32
    i64 = np.int64
    # Colour grid back out of the embedding.
    node("Slice", ["image_embeddings", const("c0", np.array([0], i64)), const("c48", np.array([COLOUR_CH], i64)),
                   const("ax1", np.array([1], i64))], "folded")
    img = node("DepthToSpace", ["folded"], "img", blocksize=BLOCK, mode="DCR")  # [1,3,G,G]

    # Box corners: at most one box; its centre becomes an extra positive point.
    is_tl = node("Cast", [node("Equal", ["point_labels", const("two", np.array(2, f))], "eq_tl")], "is_tl", to=TensorProto.FLOAT)
    is_br = node("Cast", [node("Equal", ["point_labels", const("three", np.array(3, f))], "eq_br")], "is_br", to=TensorProto.FLOAT)
    ax2 = const("ax2", np.array([2], i64))
    tl = node("ReduceSum", [node("Mul", ["point_coords", node("Unsqueeze", [is_tl, ax2], "is_tl3")], "tl_w"),
                            const("ax1b", np.array([1], i64))], "tl", keepdims=1)  # [1,1,2]
    br = node("ReduceSum", [node("Mul", ["point_coords", node("Unsqueeze", [is_br, ax2], "is_br3")], "br_w"), "ax1b"], "br", keepdims=1)
    has_box = node("ReduceMax", [is_tl, "ax1b"], "has_box", keepdims=1)  # [1,1]
    centre = node("Mul", [node("Add", [tl, br], "tlbr"), const("half", np.array(0.5, f))], "centre")
    coords = node("Concat", ["point_coords", centre], "coords", axis=1)  # [1,m,2]
    box_label = node("Sub", [node("Mul", [has_box, "two"], "hb2"), const("one", np.array(1, f))], "box_label")  # 1 or -1
    labels = node("Concat", ["point_labels", box_label], "labels", axis=1)  # [1,m]

    # One-hot seed map per point on the grid.
    cell = node("Clip", [node("Floor", [node("Div", [coords, const("block", np.array(size / GRID, f))], "cdiv")], "cfloor"),
                         const("zero", np.array(0, f)), const("gmax", np.array(GRID - 1, f))], "cell")
    cell2 = node("Squeeze", [cell, const("ax0", np.array([0], i64))], "cell2")  # [m,2]
    gx = node("Slice", [cell2, "c0", const("c1", np.array([1], i64)), "ax1"], "gx")  # [m,1]
    gy = node("Slice", [cell2, "c1", const("c2", np.array([2], i64)), "ax1"], "gy")
    ar = const("ar", np.arange(GRID, dtype=f)[None, :])  # [1,G]
    ohx = node("Cast", [node("Equal", [gx, ar], "eqx")], "ohx", to=TensorProto.FLOAT)  # [m,G]
    ohy = node("Cast", [node("Equal", [gy, ar], "eqy")], "ohy", to=TensorProto.FLOAT)
    seed = node("Mul", [node("Unsqueeze", [ohy, const("ax12", np.array([1, 3], i64))], "ohy4"),
                        node("Unsqueeze", [ohx, const("ax12b", np.array([1, 2], i64))], "ohx4")], "seed")  # [m,1,G,G]
    colour = node("ReduceSum", [node("Mul", [img, seed], "img_seed"), const("ax23", np.array([2, 3], i64))],
                  "colour", keepdims=1)  # [m,3,1,1]
    diff = node("ReduceMax", [node("Abs", [node("Sub", [img, colour], "dcol")], "adcol"), "ax1"], "diff", keepdims=1)
    gate = node("Cast", [node("Less", [diff, const("thr", np.array(threshold, f))], "lt")], "gate", to=TensorProto.FLOAT)
    lab4 = node("Unsqueeze", [node("Squeeze", [labels, "ax0"], "lab1"), const("ax123", np.array([1, 2, 3], i64))], "lab4")
    # Only positive and negative points grow regions (box corners and padding points do not).
    grows = node("Cast", [node("Or", [node("Equal", [lab4, "one"], "is_pos"), node("Equal", [lab4, "zero"], "is_neg")],
                               "grows_b")], "grows", to=TensorProto.FLOAT)
    region0 = node("Mul", [node("Mul", [seed, grows], "seed_g"), gate], "region0")
    # Region growing: dilate by one cell and keep only similar colour, until nothing changes
    # (at most ``steps`` times). A Loop with early exit keeps the decoder fast.
    body_nodes = [
        helper.make_node("MaxPool", ["r_in"], ["r_grown"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("Mul", ["r_grown", gate], ["r_out"]),
        helper.make_node("Sub", ["r_out", "r_in"], ["r_delta"]),
        helper.make_node("ReduceMax", ["r_delta"], ["r_change"], keepdims=0),
        helper.make_node("Greater", ["r_change", "zero"], ["cond_out"]),
    ]
    body = helper.make_graph(
        body_nodes, "grow_body",
        [helper.make_tensor_value_info("iter", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("r_in", TensorProto.FLOAT, None)],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("r_out", TensorProto.FLOAT, None)])
    nodes.append(helper.make_node("Loop", [const("max_steps", np.array(steps, i64)), const("true", np.array(True)), region0],
                                  ["region"], body=body))
    region = "region"

    pos_w = node("Cast", [node("Equal", [lab4, "one"], "eqpos")], "pos_w", to=TensorProto.FLOAT)
    neg_w = node("Cast", [node("Equal", [lab4, "zero"], "eqneg")], "neg_w", to=TensorProto.FLOAT)
    pos = node("ReduceMax", [node("Mul", [region, pos_w], "rpos"), "ax0"], "pos", keepdims=1)  # [1,1,G,G]
    neg = node("ReduceMax", [node("Mul", [region, neg_w], "rneg"), "ax0"], "neg", keepdims=1)
    prev = node("Mul", [node("Cast", [node("Greater", ["mask_input", "zero"], "gtprev")], "prevb", to=TensorProto.FLOAT),
                        "has_mask_input"], "prev")
    union = node("Max", [pos, prev], "union")
    kept = node("Mul", [union, node("Sub", ["one", neg], "notneg")], "kept")

    # Box clip on the grid (whole grid when there is no box).
    tlg = node("Floor", [node("Div", [tl, "block"], "tldiv")], "tlg")  # [1,1,2]
    brg = node("Floor", [node("Div", [br, "block"], "brdiv")], "brg")
    arc = const("arc", np.arange(GRID, dtype=f))  # [G]

    def axis_in(idx: int, name: str) -> str:
        lo = node("Squeeze", [node("Slice", [tlg, const(f"s{idx}", np.array([idx], i64)), const(f"e{idx}", np.array([idx + 1], i64)), ax2],
                                   f"{name}_lo3"), const(f"sq{idx}", np.array([0, 1], i64))], f"{name}_lo")  # [1]
        hi = node("Squeeze", [node("Slice", [brg, f"s{idx}", f"e{idx}", ax2], f"{name}_hi3"), f"sq{idx}"], f"{name}_hi")
        ge = node("Not", [node("Less", [arc, lo], f"{name}_ltlo")], f"{name}_ge")
        le = node("Not", [node("Greater", [arc, hi], f"{name}_gthi")], f"{name}_le")
        return node("Cast", [node("And", [ge, le], f"{name}_in_b")], f"{name}_in", to=TensorProto.FLOAT)  # [G]

    inx = axis_in(0, "bx")
    iny = axis_in(1, "by")
    boxmask = node("Mul", [node("Unsqueeze", [iny, "ax1"], "iny2"), node("Unsqueeze", [inx, "ax0"], "inx2")], "boxmask")  # [G,G]
    hb = node("Squeeze", [has_box, "ax0"], "hb1")  # [1]
    box_gate = node("Add", [node("Mul", [boxmask, hb], "bm_hb"), node("Sub", ["one", hb], "nohb")], "box_gate")
    result = node("Mul", [kept, box_gate], "result")

    node("Mul", [node("Sub", [node("Mul", [result, "two"], "r2"), "one"], "r2m1"), const("gain", np.array(8, f))], "low_res_masks")
    node("Reshape", [node("ReduceMax", [result, const("ax0123", np.array([0, 1, 2, 3], i64))], "anymask", keepdims=0),
                     const("shape11", np.array([1, 1], i64))], "iou_predictions")

    F = TensorProto.FLOAT
    prompt_inputs = [helper.make_tensor_value_info("image_embeddings", F, [1, 256, 64, 64]),
                     helper.make_tensor_value_info("point_coords", F, [1, "num_points", 2]),
                     helper.make_tensor_value_info("point_labels", F, [1, "num_points"])]
    if style == "edge":
        # No mask input (constant zeros) and four low-resolution masks with scores; the
        # real one is third, best scored, the others empty.
        nodes.insert(0, helper.make_node("ConstantOfShape", [const("mask_shape", np.array([1, 1, GRID, GRID], i64))],
                                         ["mask_input"], value=numpy_helper.from_array(np.zeros(1, f))))
        const("has_mask_input", np.zeros((1,), f))
        empty = node("Sub", [node("Mul", ["low_res_masks", "zero"], "zeros_lr"), "gain"], "empty_lr")
        node("Concat", [empty, empty, "low_res_masks", empty], "masks", axis=1)
        node("Concat", [const("s01", np.array([[0.1, 0.2]], f)),
                        node("Add", [node("Mul", ["iou_predictions", "half"], "iou_half"), "half"], "best_score"),
                        const("s3", np.array([[0.3]], f))], "scores", axis=1)
        graph = helper.make_graph(
            nodes, "sam_contract_edge_decoder", prompt_inputs,
            [helper.make_tensor_value_info("scores", F, [1, 4]),
             helper.make_tensor_value_info("masks", F, [1, 4, GRID, GRID])], inits)
        return _model(graph, "decoder", threshold=threshold, steps=steps, style=style)

    # Post-processing as in SAM's export: upscale to the input size, crop the padding,
    # resize to the original.
    up = node("Resize", ["low_res_masks", "", "", const("size_in", np.array([1, 1, size, size], i64))], "up_in",
              mode="linear", coordinate_transformation_mode="half_pixel")
    longest = node("ReduceMax", ["orig_im_size", "ax0"], "longest", keepdims=1)
    scale = node("Div", [const("f_in", np.array(size, f)), longest], "scale")
    resized = node("Floor", [node("Add", [node("Mul", ["orig_im_size", scale], "scaled"), "half"], "scaled_r")], "resized_f")
    ends = node("Cast", [resized], "resized", to=TensorProto.INT64)
    cropped = node("Slice", [up, const("zz", np.array([0, 0], i64)), ends, const("ax23b", np.array([2, 3], i64))], "cropped")
    orig_i = node("Cast", ["orig_im_size"], "orig_i", to=TensorProto.INT64)
    sizes = node("Concat", [const("one1", np.array([1, 1], i64)), orig_i], "orig_sizes", axis=0)
    node("Resize", [cropped, "", "", sizes], "masks", mode="linear", coordinate_transformation_mode="half_pixel")

    graph = helper.make_graph(
        nodes, "sam_contract_decoder",
        prompt_inputs + [
         helper.make_tensor_value_info("mask_input", F, [1, 1, 256, 256]),
         helper.make_tensor_value_info("has_mask_input", F, [1]),
         helper.make_tensor_value_info("orig_im_size", F, [2])],
        [helper.make_tensor_value_info("masks", F, [1, 1, "h", "w"]),
         helper.make_tensor_value_info("iou_predictions", F, [1, 1]),
         helper.make_tensor_value_info("low_res_masks", F, [1, 1, 256, 256])],
        inits)
    return _model(graph, "decoder", threshold=threshold, steps=steps)


def _model(graph, part: str, **meta):
    import onnx
    from onnx import helper

    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="anylabel")
    model.ir_version = 8
    props = {"anylabel_contract": f"sam-{part}", **{k: str(v) for k, v in meta.items()}}
    helper.set_model_props(model, props)
    onnx.checker.check_model(model, full_check=True)
    return model


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument("--threshold", type=float, default=0.6,
                    help="colour distance (normalised units, max over RGB) that still counts as the same region")
    ap.add_argument("--steps", type=int, default=1024,
                    help="most region-growing steps (cells on the 256 grid); growing stops when nothing changes")
    args = ap.parse_args(argv)
    _ensure_onnx()
    import onnx

    args.out.mkdir(parents=True, exist_ok=True)
    pairs = [((f"{prefix}_encoder.onnx", build_encoder(input_name, size)),
              (f"{prefix}_decoder.onnx", build_decoder(args.threshold, args.steps, style, size)))
             for prefix, (input_name, size, style) in STYLES.items()]
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from sam2_contract_graphs import build_sam2_decoder, build_sam2_encoder

    pairs.append((("sam2_contract_encoder.onnx", _model(build_sam2_encoder(), "encoder", family="sam2")),
                  ("sam2_contract_decoder.onnx", _model(build_sam2_decoder(args.threshold, args.steps), "decoder",
                                                        family="sam2", threshold=args.threshold, steps=args.steps))))
    for name, model in (item for pair in pairs for item in pair):
        path = args.out / name
        onnx.save(model, str(path))
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
