#!/usr/bin/env python3
"""Build the SAM 2 video contract models: four tiny ONNX files with the tensor interface of
``scripts/export_sam2_video_onnx.py`` (names, shapes, dynamic memory and pointer counts) and
a behaviour that can be stated, so the whole video path (frame pre-processing, memory bank,
temporal slots, object pointers, mask choice, polygons, saves) is tested without weights.

Behaviour (docs/video.md, "Contract models"):

- ``video_encoder``: the normalised image averaged over 4x4 pixel blocks is a 256x256 colour
  grid. ``high_res_feats_0`` carries it in channels 0-2; ``vision_feats`` and ``image_embed``
  carry it folded into channels 0-47 (SpaceToDepth 4, like the SAM 1 contract) and nothing
  else (a frame without memory). ``vision_pos_enc`` and ``high_res_feats_1`` are zeros.
- ``memory_encoder``: the mean colour under the mask (``mask_logits`` > 0, eroded by one cell
  when that leaves anything) -> ``maskmem_features`` channels 0-2 at every position and channel
  3 = 1 when the object is present (``object_score_logits`` > 0 and a non-empty mask), else all
  zero. ``maskmem_pos_enc`` is zero.
- ``memory_attention``: the colour of the object pointer nearest in time (smallest
  ``|obj_ptr_tpos|``) among those that saw the object (pointer channels 0-2, presence in
  channel 3), i.e. the last sighting; when no pointer saw it, the presence-weighted mean colour
  of the spatial memories -> ``image_embed`` = ``vision_feats`` with that colour in channels
  48-50 and 1 in channel 51 when any memory holds the object.
- ``video_decoder``: the query colour is the mean colour under the positive points and the box
  centre when there are any, else the mean colour under ``mask_input`` > 0 when
  ``has_mask_input`` is 1, else the memory colour of ``image_embed`` (channels 48-51). The mask
  is every cell of the grid within ``--threshold`` (normalised units, max over RGB) of it,
  clipped to the box when there is one. All four ``low_res_masks`` are that mask as +-8
  logits; ``iou_predictions`` are 1 for a non-empty mask; ``object_score_logits`` is +10 / -10;
  ``obj_ptrs`` carry the colour in channels 0-2 and the presence in channel 3.

So the memory carries the object's colour from frame to frame and the decoder segments the
region of that colour: an object that vanishes behind another gets an empty mask (object
score < 0, a memory marked absent) and is found again as soon as its colour is visible.

Needs the ``onnx`` package (in requirements-dev.txt):
``python scripts/build_sam2_video_contract_models.py`` writes models/fixtures/sam2_video_contract.*.onnx.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
OUT_DIR = REPO / "models" / "fixtures"
PREFIX = "sam2_video_contract"
OPSET = 18
GRID = 256
FOLD = 48      # channels of vision_feats carrying the colour grid (3 colours x 4 x 4 cells)
MEM_CH = 48    # first channel of image_embed carrying the memory colour; 51 = presence


class Graph:
    """A small builder: ``g.op("Add", [a, b])`` returns the output name."""

    def __init__(self) -> None:
        self.nodes: list = []
        self.inits: list = []
        self._n = 0

    def const(self, value, dtype=None) -> str:
        import numpy as np
        from onnx import numpy_helper

        self._n += 1
        name = f"k{self._n}"
        self.inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def op(self, op_type: str, inputs: list[str], n_out: int = 1, **attrs):
        from onnx import helper

        self._n += 1
        outs = [f"t{self._n}_{i}" for i in range(n_out)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, **attrs))
        return outs[0] if n_out == 1 else outs

    def name(self, value: str, out: str) -> None:
        self.nodes.append(__import__("onnx").helper.make_node("Identity", [value], [out]))

    def slice(self, x: str, start: int, end: int, axis: int) -> str:
        import numpy as np

        return self.op("Slice", [x, self.const([start], np.int64), self.const([end], np.int64),
                                 self.const([axis], np.int64)])

    def fl(self, v) -> str:
        import numpy as np

        return self.const(v, np.float32)

    def i64(self, v) -> str:
        import numpy as np

        return self.const(v, np.int64)

    def model(self, name: str, inputs: list, outputs: list):
        import onnx
        from onnx import helper

        graph = helper.make_graph(self.nodes, name, inputs, outputs, self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="anylabel")
        model.ir_version = 8
        helper.set_model_props(model, {"anylabel_contract": name})
        onnx.checker.check_model(model, full_check=True)
        return model


def _vi(name: str, shape: list, elem: str = "float"):
    from onnx import TensorProto, helper

    return helper.make_tensor_value_info(name, TensorProto.INT64 if elem == "int64" else TensorProto.FLOAT, shape)


def _safe_div(g: Graph, num: str, den: str) -> str:
    return g.op("Div", [num, g.op("Max", [den, g.fl(1e-6)])])


def build_encoder():
    g = Graph()
    grid = g.op("AveragePool", ["image"], kernel_shape=[4, 4], strides=[4, 4])          # [1,3,256,256]
    g.name(g.op("Pad", [grid, g.i64([0, 0, 0, 0, 0, 29, 0, 0])]), "high_res_feats_0")
    folded = g.op("SpaceToDepth", [grid], blocksize=4)                                  # [1,48,64,64]
    feats = g.op("Pad", [folded, g.i64([0, 0, 0, 0, 0, 256 - FOLD, 0, 0])])
    g.name(feats, "vision_feats")
    g.name(feats, "image_embed")
    g.name(g.op("ConstantOfShape", [g.i64([1, 64, 128, 128])]), "high_res_feats_1")
    g.name(g.op("ConstantOfShape", [g.i64([1, 256, 64, 64])]), "vision_pos_enc")
    return g.model(f"{PREFIX}_video_encoder", [_vi("image", [1, 3, 1024, 1024])], [
        _vi("image_embed", [1, 256, 64, 64]), _vi("high_res_feats_0", [1, 32, 256, 256]),
        _vi("high_res_feats_1", [1, 64, 128, 128]), _vi("vision_feats", [1, 256, 64, 64]),
        _vi("vision_pos_enc", [1, 256, 64, 64])])


def _grid_from_feats(g: Graph, feats: str) -> str:
    return g.op("DepthToSpace", [g.slice(feats, 0, FOLD, 1)], blocksize=4, mode="DCR")  # [1,3,256,256]


def build_memory_encoder():
    g = Graph()
    grid = _grid_from_feats(g, "vision_feats")
    m = g.op("Cast", [g.op("Greater", ["mask_logits", g.fl(0.0)])], to=1)               # [1,1,256,256]
    # Erode by one cell so the blended border cells do not shift the colour.
    core = g.op("Sub", [g.fl(1.0), g.op("MaxPool", [g.op("Sub", [g.fl(1.0), m])], kernel_shape=[3, 3],
                                          pads=[1, 1, 1, 1], strides=[1, 1])])
    ax = g.i64([2, 3])
    core_area = g.op("ReduceSum", [core, ax], keepdims=1)
    use = g.op("Where", [g.op("Greater", [core_area, g.fl(0.0)]), core, m])
    area = g.op("ReduceSum", [use, ax], keepdims=1)                                    # [1,1,1,1]
    colour = _safe_div(g, g.op("ReduceSum", [g.op("Mul", [grid, use]), ax], keepdims=1), area)  # [1,3,1,1]
    present = g.op("Mul", [g.op("Cast", [g.op("Greater", [area, g.fl(0.0)])], to=1),
                           g.op("Cast", [g.op("Greater", [g.op("Reshape", ["object_score_logits", g.i64([1, 1, 1, 1])]),
                                                           g.fl(0.0)])], to=1)])
    vec = g.op("Concat", [g.op("Mul", [colour, present]), present, g.op("ConstantOfShape", [g.i64([1, 60, 1, 1])])],
               axis=1)                                                                 # [1,64,1,1]
    g.name(g.op("Expand", [vec, g.i64([1, 64, 64, 64])]), "maskmem_features")
    g.name(g.op("ConstantOfShape", [g.i64([1, 64, 64, 64])]), "maskmem_pos_enc")
    return g.model(f"{PREFIX}_memory_encoder", [
        _vi("vision_feats", [1, 256, 64, 64]), _vi("mask_logits", [1, 1, 256, 256]),
        _vi("object_score_logits", [1, 1])],
        [_vi("maskmem_features", [1, 64, 64, 64]), _vi("maskmem_pos_enc", [1, 64, 64, 64])])


def build_memory_attention():
    g = Graph()
    # Object pointers: the colour of the nearest one in time (smallest |obj_ptr_tpos|) that
    # saw the object, i.e. the last sighting.
    ptr = g.slice("obj_ptrs", 0, 4, 1)                                                  # [P,4]
    ptr_pres = g.op("Squeeze", [g.slice(ptr, 3, 4, 1), g.i64([1])])                     # [P]
    score = g.op("Add", [g.op("Abs", ["obj_ptr_tpos"]),
                         g.op("Mul", [g.op("Sub", [g.fl(1.0), ptr_pres]), g.fl(1000.0)])])
    nearest = g.op("ArgMin", [score], axis=0, keepdims=1)                               # [1]
    ptr_colour = g.op("Gather", [g.slice(ptr, 0, 3, 1), nearest], axis=0)              # [1,3]
    has_ptr = g.op("Greater", [g.op("ReduceMax", [ptr_pres], keepdims=1), g.fl(0.0)])   # [1]
    # Spatial memories: their presence-weighted mean colour, used when no pointer saw it.
    mem = g.op("Squeeze", [g.slice(g.slice(g.slice("memory", 0, 4, 1), 0, 1, 2), 0, 1, 3), g.i64([2, 3])])  # [F,4]
    pres = g.slice(mem, 3, 4, 1)                                                         # [F,1]
    weighted = g.op("ReduceSum", [g.op("Mul", [g.slice(mem, 0, 3, 1), pres]), g.i64([0])], keepdims=1)  # [1,3]
    total = g.op("ReduceSum", [pres, g.i64([0])], keepdims=1)                           # [1,1]
    mem_colour = _safe_div(g, weighted, total)
    colour = g.op("Where", [g.op("Unsqueeze", [has_ptr, g.i64([1])]), ptr_colour, mem_colour])
    flag = g.op("Cast", [g.op("Or", [g.op("Unsqueeze", [has_ptr, g.i64([1])]),
                                     g.op("Greater", [total, g.fl(0.0)])])], to=1)     # [1,1]
    vec = g.op("Reshape", [g.op("Concat", [colour, flag], axis=1), g.i64([1, 4, 1, 1])])
    planes = g.op("Expand", [vec, g.i64([1, 4, 64, 64])])
    out = g.op("Concat", [g.slice("vision_feats", 0, MEM_CH, 1), planes, g.slice("vision_feats", MEM_CH + 4, 256, 1)],
               axis=1)
    g.name(out, "image_embed")
    return g.model(f"{PREFIX}_memory_attention", [
        _vi("vision_feats", [1, 256, 64, 64]), _vi("vision_pos_enc", [1, 256, 64, 64]),
        _vi("memory", ["frames", 64, 64, 64]), _vi("memory_pos", ["frames", 64, 64, 64]),
        _vi("memory_tpos", ["frames"], "int64"), _vi("obj_ptrs", ["pointers", 256]),
        _vi("obj_ptr_tpos", ["pointers"])], [_vi("image_embed", [1, 256, 64, 64])])


def build_decoder(threshold: float):
    g = Graph()
    grid = g.slice("high_res_feats_0", 0, 3, 1)                                          # [1,3,256,256]
    labels = g.op("Squeeze", ["point_labels", g.i64([0])])                               # [N]
    coords = g.op("Squeeze", ["point_coords", g.i64([0])])                               # [N,2]
    is_pos = g.op("Cast", [g.op("Equal", [labels, g.fl(1.0)])], to=1)
    is_tl = g.op("Cast", [g.op("Equal", [labels, g.fl(2.0)])], to=1)
    is_br = g.op("Cast", [g.op("Equal", [labels, g.fl(3.0)])], to=1)
    ax0 = g.i64([0])
    tl = g.op("ReduceSum", [g.op("Mul", [coords, g.op("Unsqueeze", [is_tl, g.i64([1])])]), ax0], keepdims=1)  # [1,2]
    br = g.op("ReduceSum", [g.op("Mul", [coords, g.op("Unsqueeze", [is_br, g.i64([1])])]), ax0], keepdims=1)
    has_box = g.op("ReduceMax", [is_tl], keepdims=1)                                     # [1]
    centre = g.op("Mul", [g.op("Add", [tl, br]), g.fl(0.5)])
    seeds = g.op("Concat", [coords, centre], axis=0)                                     # [N+1,2]
    weights = g.op("Concat", [is_pos, has_box], axis=0)                                  # [N+1]
    cell = g.op("Clip", [g.op("Floor", [g.op("Div", [seeds, g.fl(1024.0 / GRID)])]), g.fl(0.0), g.fl(GRID - 1.0)])
    ar = g.fl(__import__("numpy").arange(GRID, dtype="float32")[None, :])
    ohx = g.op("Cast", [g.op("Equal", [g.slice(cell, 0, 1, 1), ar])], to=1)              # [N+1,G]
    ohy = g.op("Cast", [g.op("Equal", [g.slice(cell, 1, 2, 1), ar])], to=1)
    seed_map = g.op("Mul", [g.op("Unsqueeze", [ohy, g.i64([1, 3])]), g.op("Unsqueeze", [ohx, g.i64([1, 2])])])  # [N+1,1,G,G]
    seed_map = g.op("Mul", [seed_map, g.op("Unsqueeze", [weights, g.i64([1, 2, 3])])])
    point_sum = g.op("ReduceSum", [g.op("Mul", [grid, seed_map]), g.i64([0, 2, 3])], keepdims=1)  # [1,3,1,1]
    n_seeds = g.op("ReduceSum", [weights], keepdims=1)
    point_colour = _safe_div(g, point_sum, n_seeds)
    # Mask prompt colour.
    mk = g.op("Mul", [g.op("Cast", [g.op("Greater", ["mask_input", g.fl(0.0)])], to=1),
                      g.op("Reshape", ["has_mask_input", g.i64([1, 1, 1, 1])])])
    mk_area = g.op("ReduceSum", [mk, g.i64([2, 3])], keepdims=1)
    mask_colour = _safe_div(g, g.op("ReduceSum", [g.op("Mul", [grid, mk]), g.i64([2, 3])], keepdims=1), mk_area)
    # Memory colour and presence from the conditioned features.
    mem = g.slice(g.slice(g.slice("image_embed", MEM_CH, MEM_CH + 4, 1), 0, 1, 2), 0, 1, 3)  # [1,4,1,1]
    mem_colour, mem_flag = g.slice(mem, 0, 3, 1), g.slice(mem, 3, 4, 1)
    use_pts = g.op("Greater", [g.op("Reshape", [n_seeds, g.i64([1, 1, 1, 1])]), g.fl(0.0)])
    use_mask = g.op("Greater", [mk_area, g.fl(0.0)])
    use_mem = g.op("Greater", [mem_flag, g.fl(0.5)])
    colour = g.op("Where", [use_pts, point_colour, g.op("Where", [use_mask, mask_colour, mem_colour])])
    valid = g.op("Cast", [g.op("Or", [use_pts, g.op("Or", [use_mask, use_mem])])], to=1)
    diff = g.op("ReduceMax", [g.op("Abs", [g.op("Sub", [grid, colour])]), g.i64([1])], keepdims=1)
    mask = g.op("Mul", [g.op("Cast", [g.op("Less", [diff, g.fl(threshold)])], to=1), valid])  # [1,1,G,G]
    # Box clip: cells whose centre lies inside the box.
    centres = g.fl(((__import__("numpy").arange(GRID, dtype="float32") + 0.5) * (1024.0 / GRID)))
    x0, y0 = g.slice(tl, 0, 1, 1), g.slice(tl, 1, 2, 1)
    x1, y1 = g.slice(br, 0, 1, 1), g.slice(br, 1, 2, 1)
    inx = g.op("Cast", [g.op("And", [g.op("GreaterOrEqual", [centres, x0]), g.op("LessOrEqual", [centres, x1])])], to=1)
    iny = g.op("Cast", [g.op("And", [g.op("GreaterOrEqual", [centres, y0]), g.op("LessOrEqual", [centres, y1])])], to=1)
    inbox = g.op("Mul", [g.op("Reshape", [iny, g.i64([1, 1, GRID, 1])]), g.op("Reshape", [inx, g.i64([1, 1, 1, GRID])])])
    hb = g.op("Reshape", [has_box, g.i64([1, 1, 1, 1])])
    clip = g.op("Add", [g.op("Mul", [inbox, hb]), g.op("Sub", [g.fl(1.0), hb])])
    mask = g.op("Mul", [mask, clip])
    logits = g.op("Sub", [g.op("Mul", [mask, g.fl(16.0)]), g.fl(8.0)])
    g.name(g.op("Expand", [logits, g.i64([1, 4, GRID, GRID])]), "low_res_masks")
    present = g.op("Cast", [g.op("Greater", [g.op("ReduceSum", [mask, g.i64([1, 2, 3])], keepdims=0), g.fl(0.0)])],
                   to=1)                                                                  # [1]
    g.name(g.op("Expand", [g.op("Reshape", [present, g.i64([1, 1])]), g.i64([1, 4])]), "iou_predictions")
    g.name(g.op("Reshape", [g.op("Sub", [g.op("Mul", [present, g.fl(20.0)]), g.fl(10.0)]), g.i64([1, 1])]),
           "object_score_logits")
    pres4 = g.op("Reshape", [present, g.i64([1, 1, 1, 1])])
    ptr = g.op("Concat", [g.op("Mul", [colour, pres4]), pres4, g.op("ConstantOfShape", [g.i64([1, 252, 1, 1])])], axis=1)
    g.name(g.op("Expand", [g.op("Reshape", [ptr, g.i64([1, 1, 256])]), g.i64([1, 4, 256])]), "obj_ptrs")
    return g.model(f"{PREFIX}_video_decoder", [
        _vi("image_embed", [1, 256, 64, 64]), _vi("high_res_feats_0", [1, 32, 256, 256]),
        _vi("high_res_feats_1", [1, 64, 128, 128]), _vi("point_coords", [1, "points", 2]),
        _vi("point_labels", [1, "points"]), _vi("mask_input", [1, 1, 256, 256]), _vi("has_mask_input", [1])],
        [_vi("low_res_masks", [1, 4, GRID, GRID]), _vi("iou_predictions", [1, 4]), _vi("obj_ptrs", [1, 4, 256]),
         _vi("object_score_logits", [1, 1])])


def write_all(out_dir: Path, threshold: float = 0.5) -> dict[str, Path]:
    from onnx_fixture_files import save_models

    return save_models(out_dir, {
        f"{PREFIX}.video_encoder.onnx": build_encoder,
        f"{PREFIX}.memory_encoder.onnx": build_memory_encoder,
        f"{PREFIX}.memory_attention.onnx": build_memory_attention,
        f"{PREFIX}.video_decoder.onnx": lambda: build_decoder(threshold),
    })


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument("--threshold", type=float, default=0.5,
                    help="colour distance (normalised units, max over RGB) that still counts as the object's colour")
    args = ap.parse_args(argv)
    for p in write_all(args.out, args.threshold).values():
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
