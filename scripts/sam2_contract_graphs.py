"""The SAM 2 contract pair: ONNX graphs with the tensor interface of the SAM 2 image export
(``scripts/export_sam2_onnx.py``, the layout X-AnyLabeling's ``segment_anything_2`` reads)
and a behaviour we can state. Built by ``scripts/build_sam_contract_models.py``.

Encoder ``image`` [1,3,1024,1024] (normalised RGB, stretched to the square) ->
  ``high_res_feats_0`` [1,32,256,256]: the image averaged over 4x4 blocks in channels 0-2
  (the 256 x 256 colour grid), other channels zero;
  ``high_res_feats_1`` [1,64,128,128] and ``image_embed`` [1,256,64,64]: the same at 8x8
  and 16x16 blocks (kept so the three tensors are really produced and fed by name).

Decoder (``image_embed``, ``high_res_feats_0``, ``high_res_feats_1``, ``point_coords``
[n,p,2], ``point_labels`` [n,p], ``mask_input`` [n,1,256,256], ``has_mask_input`` [n]),
each of the n prompt rows on its own, as the SAM 1 contract decoder does for its one row:
the union of the colour regions grown from the positive points (cells within the
threshold of the colour under the point, connected to it), plus the previous mask when
``has_mask_input`` is 1, minus the regions of the negative points; a box (labels 2/3)
adds its centre as a positive point and clips the mask to the box; labels -1 (padding)
do nothing. ``masks`` [n,3,256,256] are +-8 logits: candidate 0 is empty (score 0.2),
candidate 1 is that mask (score 1 when not empty, else 0.5), candidate 2 is the whole
box or image (score 0.3), so a runner that does not keep the best-scored candidate
fails the tests. ``iou_predictions`` [n,3].
"""
from __future__ import annotations

GRID = 256


def build_sam2_encoder(size: int = 1024):
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    inits, nodes, outs = [], [], []
    for name, block, channels in (("high_res_feats_0", 4, 32), ("high_res_feats_1", 8, 64), ("image_embed", 16, 256)):
        pool = size // (1024 // block)
        nodes.append(helper.make_node("AveragePool", ["image"], [f"{name}_c"], kernel_shape=[pool, pool],
                                      strides=[pool, pool]))
        inits.append(numpy_helper.from_array(np.array([0, 0, 0, 0, 0, channels - 3, 0, 0], np.int64), f"{name}_pads"))
        nodes.append(helper.make_node("Pad", [f"{name}_c", f"{name}_pads"], [name], mode="constant"))
        side = 1024 // block
        outs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, channels, side, side]))
    graph = helper.make_graph(nodes, "sam2_contract_encoder",
                              [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, size, size])],
                              outs, inits)
    return graph


def build_sam2_decoder(threshold: float, steps: int, size: int = 1024):
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    inits, nodes = [], []
    f, i64, F = np.float32, np.int64, TensorProto.FLOAT

    def const(name: str, value) -> str:
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(op: str, ins: list[str], out: str, **attrs) -> str:
        nodes.append(helper.make_node(op, ins, [out], **attrs))
        return out

    def flt(x: str, out: str) -> str:
        return node("Cast", [x], out, to=F)

    zero, one, two, half = const("zero", np.array(0, f)), const("one", np.array(1, f)), const("two", np.array(2, f)), \
        const("half", np.array(0.5, f))
    ax0, ax1, ax2 = const("ax0", np.array([0], i64)), const("ax1", np.array([1], i64)), const("ax2", np.array([2], i64))
    img = node("Slice", ["high_res_feats_0", const("c0", np.array([0], i64)), const("c3", np.array([3], i64)), ax1], "img")
    n = node("Slice", [node("Shape", ["point_coords"], "pc_shape"), ax0, ax1], "n")  # [1]

    # Box corners (at most one box per row); the box centre joins as a positive point.
    is_tl = flt(node("Equal", ["point_labels", two], "eq_tl"), "is_tl")                     # [n,p]
    is_br = flt(node("Equal", ["point_labels", const("three", np.array(3, f))], "eq_br"), "is_br")
    tl = node("ReduceSum", [node("Mul", ["point_coords", node("Unsqueeze", [is_tl, ax2], "tl3")], "tlw"), ax1], "tl",
              keepdims=1)                                                                        # [n,1,2]
    br = node("ReduceSum", [node("Mul", ["point_coords", node("Unsqueeze", [is_br, ax2], "br3")], "brw"), ax1], "br",
              keepdims=1)
    has_box = node("ReduceMax", [is_tl, ax1], "has_box", keepdims=1)                              # [n,1]
    centre = node("Mul", [node("Add", [tl, br], "tlbr"), half], "centre")
    coords = node("Concat", ["point_coords", centre], "coords", axis=1)                          # [n,p+1,2]
    labels = node("Concat", ["point_labels", node("Sub", [node("Mul", [has_box, two], "hb2"), one], "box_lab")],
                  "labels", axis=1)                                                              # [n,p+1]
    flat = node("Reshape", [coords, const("k2", np.array([-1, 2], i64))], "flat")              # [k,2]
    flat_lab = node("Reshape", [labels, const("k111", np.array([-1, 1, 1, 1], i64))], "lab4")   # [k,1,1,1]

    # One-hot seed per point on the colour grid; its colour; the cells of similar colour.
    block = const("block", np.array(size / GRID, f))
    cell = node("Clip", [node("Floor", [node("Div", [flat, block], "cdiv")], "cfl"), zero,
                         const("gmax", np.array(GRID - 1, f))], "cell")
    gx = node("Slice", [cell, "c0", const("c1", np.array([1], i64)), ax1], "gx")               # [k,1]
    gy = node("Slice", [cell, "c1", const("c2", np.array([2], i64)), ax1], "gy")
    ar = const("ar", np.arange(GRID, dtype=f)[None, :])
    ohx = flt(node("Equal", [gx, ar], "eqx"), "ohx")
    ohy = flt(node("Equal", [gy, ar], "eqy"), "ohy")
    seed = node("Mul", [node("Unsqueeze", [ohy, const("a13", np.array([1, 3], i64))], "ohy4"),
                        node("Unsqueeze", [ohx, const("a12", np.array([1, 2], i64))], "ohx4")], "seed")  # [k,1,G,G]
    colour = node("ReduceSum", [node("Mul", [img, seed], "imseed"), const("a23", np.array([2, 3], i64))], "colour",
                  keepdims=1)                                                                    # [k,3,1,1]
    diff = node("ReduceMax", [node("Abs", [node("Sub", [img, colour], "dc")], "adc"), ax1], "diff", keepdims=1)
    gate = flt(node("Less", [diff, const("thr", np.array(threshold, f))], "lt"), "gate")
    grows = flt(node("Or", [node("Equal", [flat_lab, one], "is_pos"), node("Equal", [flat_lab, zero], "is_neg")], "gb"),
                "grows")
    region0 = node("Mul", [node("Mul", [seed, grows], "sg"), gate], "region0")
    body = helper.make_graph(
        [helper.make_node("MaxPool", ["r_in"], ["r_grown"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
         helper.make_node("Mul", ["r_grown", gate], ["r_out"]),
         helper.make_node("Sub", ["r_out", "r_in"], ["r_delta"]),
         helper.make_node("ReduceMax", ["r_delta"], ["r_change"], keepdims=0),
         helper.make_node("Greater", ["r_change", zero], ["cond_out"])],
        "grow_body",
        [helper.make_tensor_value_info("iter", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("r_in", F, None)],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("r_out", F, None)])
    nodes.append(helper.make_node("Loop", [const("max_steps", np.array(steps, i64)), const("true", np.array(True)),
                                           region0], ["region"], body=body))

    # Back to rows: [k,1,G,G] -> [n,p+1,G,G], union of positives minus negatives per row.
    rows = node("Concat", [n, const("rest", np.array([-1, GRID, GRID], i64))], "rows_shape", axis=0)
    pos = node("ReduceMax", [node("Reshape", [node("Mul", ["region", flt(node("Equal", [flat_lab, one], "ep"), "pw")],
                                                   "rp"), rows], "rp_rows"), ax1], "pos", keepdims=1)  # [n,1,G,G]
    neg = node("ReduceMax", [node("Reshape", [node("Mul", ["region", flt(node("Equal", [flat_lab, zero], "en"), "nw")],
                                                   "rn"), rows], "rn_rows"), ax1], "neg", keepdims=1)
    has_prev = node("Reshape", ["has_mask_input", const("n111", np.array([-1, 1, 1, 1], i64))], "has_prev")
    prev = node("Mul", [flt(node("Greater", ["mask_input", zero], "gtp"), "prevb"), has_prev], "prev")
    kept = node("Mul", [node("Max", [pos, prev], "union"), node("Sub", [one, neg], "notneg")], "kept")

    # Box clip per row (the whole grid for rows without a box).
    tlg = node("Floor", [node("Div", [tl, block], "tld")], "tlg")   # [n,1,2]
    brg = node("Floor", [node("Div", [br, block], "brd")], "brg")

    def inside(idx: int, name: str) -> str:
        s, e = const(f"s{idx}", np.array([idx], i64)), const(f"e{idx}", np.array([idx + 1], i64))
        lo = node("Squeeze", [node("Slice", [tlg, s, e, ax2], f"{name}lo3"), ax2], f"{name}lo")  # [n,1]
        hi = node("Squeeze", [node("Slice", [brg, s, e, ax2], f"{name}hi3"), ax2], f"{name}hi")
        ge = node("Not", [node("Less", [ar, lo], f"{name}ltlo")], f"{name}ge")                  # [n,G]
        le = node("Not", [node("Greater", [ar, hi], f"{name}gthi")], f"{name}le")
        return flt(node("And", [ge, le], f"{name}inb"), f"{name}in")

    boxmask = node("Mul", [node("Unsqueeze", [inside(1, "by"), "a13"], "iny4"),
                           node("Unsqueeze", [inside(0, "bx"), "a12"], "inx4")], "boxmask")       # [n,1,G,G]
    hb = node("Reshape", [has_box, "n111"], "hb4")
    box_gate = node("Add", [node("Mul", [boxmask, hb], "bmhb"), node("Sub", [one, hb], "nohb")], "box_gate")
    result = node("Mul", [kept, box_gate], "result")

    gain = const("gain", np.array(8, f))
    real = node("Mul", [node("Sub", [node("Mul", [result, two], "r2"), one], "r2m1"), gain], "real")
    empty = node("Sub", [node("Mul", [real, zero], "zr"), gain], "empty")
    whole = node("Mul", [node("Sub", [node("Mul", [box_gate, two], "bg2"), one], "bg2m1"), gain], "whole")
    node("Concat", [empty, real, whole], "masks", axis=1)
    anym = node("ReduceMax", [result, const("a123", np.array([1, 2, 3], i64))], "anym", keepdims=0)   # [n]
    any2 = node("Unsqueeze", [anym, ax1], "any2")                                                     # [n,1]
    ones = node("Add", [node("Mul", [any2, zero], "z2"), one], "ones")
    node("Concat", [node("Mul", [ones, const("score_empty", np.array(0.2, f))], "sc0"),
                    node("Add", [node("Mul", [any2, half], "ah"), half], "sc1"),
                    node("Mul", [ones, const("score_whole", np.array(0.3, f))], "sc2")], "iou_predictions", axis=1)

    inputs = [helper.make_tensor_value_info("image_embed", F, [1, 256, 64, 64]),
              helper.make_tensor_value_info("high_res_feats_0", F, [1, 32, 256, 256]),
              helper.make_tensor_value_info("high_res_feats_1", F, [1, 64, 128, 128]),
              helper.make_tensor_value_info("point_coords", F, ["num_labels", "num_points", 2]),
              helper.make_tensor_value_info("point_labels", F, ["num_labels", "num_points"]),
              helper.make_tensor_value_info("mask_input", F, ["num_labels", 1, GRID, GRID]),
              helper.make_tensor_value_info("has_mask_input", F, ["num_labels"])]
    outputs = [helper.make_tensor_value_info("masks", F, ["num_labels", 3, GRID, GRID]),
               helper.make_tensor_value_info("iou_predictions", F, ["num_labels", 3])]
    return helper.make_graph(nodes, "sam2_contract_decoder", inputs, outputs, inits)
