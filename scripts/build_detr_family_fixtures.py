#!/usr/bin/env python3
"""Build DETR-family contract fixtures: ONNX graphs with each export's exact input and
output names, shapes, dtypes and conventions, whose outputs are computed from the image.

What every fixture computes (its "detector"): for class k the pixels of pure colour k
(class 0 red, 1 green, 2 blue: that channel > 0.9, the other two < 0.1), opened with a
3x3 min then max filter so isolated pixels of a photo do not count; the box is the
bounding box of what is left (one object per class and image), its score 0.9 when the
class is present, else 0. Boxes are pixel-corner boxes of the network input frame
(a square drawn over columns 10..19 gives x1 = 10, x2 = 20). Masks are the class pixels
averaged over 4 x 4 blocks (quarter resolution, as the seg exports' masks are).

Every layout then re-expresses these detections exactly as the export does (see
docs/models.md, "DETR family", for each layout and its public source):

- ``postprocessed`` (RT-DETRv2, D-FINE, DEIM/DEIMv2): inputs ``images`` [1,3,H,W] and
  ``orig_target_sizes`` [1,2] int64 (w, h); outputs ``labels`` [1,Q] int64, ``boxes``
  [1,Q,4] x1 y1 x2 y2 = normalised corners * (w, h, w, h), ``scores`` [1,Q] probabilities.
- ``rotated`` (RiO-DETR): same inputs with (h, w) of the image; ``boxes`` [1,Q,5]
  cx cy w h angle, normalised to the bottom-right padded square input and multiplied by
  max(h, w) (one scale, as rotated boxes need).
- ``query_table`` (Paddle RT-DETR ``image`` -> ``outputs``; Ultralytics RT-DETR
  ``images`` -> ``output0``): [1,Q,4+nc], normalised cx cy w h then class logits (Paddle)
  or probabilities (Ultralytics).
- ``rfdetr`` (+ ``rfdetr_seg``): input ``input`` (ImageNet mean/std normalised); ``dets``
  [1,Q,4] normalised cx cy w h, ``labels`` [1,Q,C] logits whose column is the class *id*
  (COCO ids with gaps in the real models; here ids 1, 3, 5 of C = 7), plus mask logits
  [1,Q,H/4,W/4] for seg.
- ``dfine_seg``: input ``input``; ``labels``, ``boxes`` (input pixels), ``scores``, ``masks``
  [1,Q,H/4,W/4] probabilities; each detection also appears a second time shifted by 2 px
  with 0.8 x its score, as an un-suppressed duplicate the decoder's NMS must remove.

Needs the ``onnx`` package (requirements-dev.txt). Usage:
``python scripts/build_detr_family_fixtures.py OUT_DIR`` writes one file per layout.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

OPSET = 18
N_CLASSES = 3
QUERIES = 300
SCORE = 0.9
#: rfdetr fixture: class k is logit column RF_IDS[k] (ids with gaps, as COCO's are).
RF_IDS = (1, 3, 5)
RF_COLUMNS = 7
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class _Graph:
    """A small helper around onnx.helper: named constants, nodes, then a model."""

    def __init__(self) -> None:
        self.nodes: list[Any] = []
        self.inits: list[Any] = []
        self._n = 0

    def const(self, value: Any, dtype: Any = np.float32) -> str:
        from onnx import numpy_helper

        self._n += 1
        name = f"c{self._n}"
        self.inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def op(self, op_type: str, inputs: list[str], n_out: int = 1, out: list[str] | None = None, **attrs: Any):
        from onnx import helper

        if out is None:
            self._n += 1
            out = [f"t{self._n}_{i}" for i in range(n_out)]
        self.nodes.append(helper.make_node(op_type, inputs, out, **attrs))
        return out[0] if len(out) == 1 else out

    def model(self, inputs: list[Any], outputs: list[Any]):
        from onnx import helper

        graph = helper.make_graph(self.nodes, "detr_contract", inputs, outputs, self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
        m.ir_version = 9
        return m


def _detect(g: _Graph, x: str, size_hw: tuple[int, int]) -> dict[str, str]:
    """The colour detector: boxes [1,K,4] (input pixels), present [1,K], masks [1,K,H,W]."""
    h, w = size_hw
    r, gr, b = g.op("Split", [x, g.const([1, 1, 1], np.int64)], n_out=3, axis=1)
    chans = [r, gr, b]
    hi = [g.op("Greater", [c, g.const(0.9)]) for c in chans]
    lo = [g.op("Less", [c, g.const(0.1)]) for c in chans]
    masks = []
    for k in range(N_CLASSES):
        others = [lo[j] for j in range(3) if j != k]
        m = g.op("And", [hi[k], g.op("And", others)])
        masks.append(g.op("Cast", [m], to=1))
    mk = g.op("Concat", masks, axis=1)  # [1,K,H,W]
    neg = g.op("Neg", [mk])
    eroded = g.op("Neg", [g.op("MaxPool", [neg], kernel_shape=[3, 3], pads=[1, 1, 1, 1])])
    opened = g.op("MaxPool", [eroded], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    col = g.op("ReduceMax", [opened, g.const([2], np.int64)], keepdims=0)  # [1,K,W]
    row = g.op("ReduceMax", [opened, g.const([3], np.int64)], keepdims=0)  # [1,K,H]
    present = g.op("ReduceMax", [col, g.const([2], np.int64)], keepdims=0)  # [1,K]

    def first_last(profile: str, n: int) -> tuple[str, str]:
        first = g.op("ArgMax", [profile], axis=2, keepdims=0)
        rev = g.op("Slice", [profile, g.const([-1], np.int64), g.const([-(2 ** 62)], np.int64),
                             g.const([2], np.int64), g.const([-1], np.int64)])
        last_rev = g.op("ArgMax", [rev], axis=2, keepdims=0)
        end = g.op("Sub", [g.const(n, np.int64), last_rev])
        return g.op("Cast", [first], to=1), g.op("Cast", [end], to=1)

    x1, x2 = first_last(col, w)
    y1, y2 = first_last(row, h)
    axis2 = g.const([2], np.int64)
    parts = [g.op("Unsqueeze", [v, axis2]) for v in (x1, y1, x2, y2)]
    boxes = g.op("Mul", [g.op("Concat", parts, axis=2), g.op("Unsqueeze", [present, axis2])])
    small = g.op("AveragePool", [mk], kernel_shape=[4, 4], strides=[4, 4])
    return {"boxes": boxes, "present": present, "masks": small}


def _busy(g: _Graph, x: str, layers: int, channels: int = 16) -> str:
    """``x`` unchanged, after ``layers`` 3x3 convolutions whose result is added times zero:
    the run then costs about what a real backbone does, for benchmarks (outputs are the same)."""
    rng = np.random.default_rng(0)
    t, c_in = x, 3
    for _ in range(layers):
        w = g.const(rng.normal(0, 0.1, (channels, c_in, 3, 3)).astype(np.float32))
        t = g.op("Relu", [g.op("Conv", [t, w], pads=[1, 1, 1, 1])])
        c_in = channels
    zero = g.op("Mul", [g.op("ReduceMean", [t, g.const([1], np.int64)], keepdims=1), g.const(0.0)])
    return g.op("Add", [x, zero])


def _pad_queries(g: _Graph, t: str, tail: tuple[int, ...], fill: float = 0.0, dtype: Any = np.float32,
                 queries: int = QUERIES, have: int = N_CLASSES) -> str:
    """Concatenate padding queries so axis 1 has ``queries`` entries."""
    pad = g.const(np.full((1, queries - have, *tail), fill), dtype)
    return g.op("Concat", [t, pad], axis=1)


def _normalise_xyxy(g: _Graph, boxes: str, size_hw: tuple[int, int]) -> str:
    h, w = size_hw
    return g.op("Div", [boxes, g.const([[[w, h, w, h]]])])


def _cxcywh(g: _Graph, xyxy: str) -> str:
    """[1,K,4] corners -> centre and size."""
    p1 = g.op("Slice", [xyxy, g.const([0], np.int64), g.const([2], np.int64), g.const([2], np.int64)])
    p2 = g.op("Slice", [xyxy, g.const([2], np.int64), g.const([4], np.int64), g.const([2], np.int64)])
    centre = g.op("Mul", [g.op("Add", [p1, p2]), g.const(0.5)])
    return g.op("Concat", [centre, g.op("Sub", [p2, p1])], axis=2)


def _one_hot_rows(g: _Graph, present: str, columns: int, cols_of_class: tuple[int, ...],
                  on: float, off: float) -> str:
    """[1,K,columns]: ``on`` at each class's column when present, else ``off``."""
    hot = np.zeros((1, N_CLASSES, columns), np.float32)
    for k, c in enumerate(cols_of_class):
        hot[0, k, c] = 1.0
    p = g.op("Unsqueeze", [present, g.const([2], np.int64)])
    return g.op("Add", [g.op("Mul", [g.op("Mul", [p, g.const(hot)]), g.const(on - off)]), g.const(off)])


def _tensor(name: str, elem: int, shape: list[Any]):
    from onnx import helper

    return helper.make_tensor_value_info(name, elem, shape)


def build(layout: str, size_hw: tuple[int, int] = (320, 320), dynamic: bool = False, variant: str = "",
          busy: int = 0):
    """The ONNX model of ``layout`` (see the module docstring) for a fixed input size.

    ``dynamic`` declares the spatial input axes as symbolic (the graph still needs
    ``size_hw``), as RF-DETR exports with dynamic axes do. ``variant`` picks the
    query-table flavour: "paddle" (logits, input ``image``) or "ultralytics". ``busy``
    adds that many do-nothing convolutions in front (``postprocessed`` only; benchmarks).
    """
    from onnx import TensorProto as T

    g = _Graph()
    h, w = size_hw
    hw: list[Any] = ["height", "width"] if dynamic else [h, w]
    if layout in ("postprocessed", "rotated"):
        det = _detect(g, _busy(g, "images", busy) if busy else "images", size_hw)
        sizes = g.op("Cast", ["orig_target_sizes"], to=1)  # [1,2]
        if layout == "postprocessed":
            scale = g.op("Unsqueeze", [g.op("Concat", [sizes, sizes], axis=1), g.const([1], np.int64)])
            boxes = g.op("Mul", [_normalise_xyxy(g, det["boxes"], size_hw), scale])
            width = 4
        else:
            big = g.op("ReduceMax", [sizes, g.const([1], np.int64)], keepdims=1)  # [1,1] = max(h, w)
            cxcywh = g.op("Mul", [_cxcywh(g, _normalise_xyxy(g, det["boxes"], size_hw)),
                                  g.op("Unsqueeze", [big, g.const([2], np.int64)])])
            angle = g.const(np.zeros((1, N_CLASSES, 1)))
            boxes = g.op("Concat", [cxcywh, angle], axis=2)
            width = 5
        g.op("Identity", [_pad_queries(g, boxes, (width,))], out=["boxes"])
        g.op("Identity", [_pad_queries(g, g.op("Mul", [det["present"], g.const(SCORE)]), ())], out=["scores"])
        ids = np.concatenate([np.arange(N_CLASSES), np.zeros(QUERIES - N_CLASSES)])[None]
        g.op("Identity", [g.const(ids, np.int64)], out=["labels"])
        inputs = [_tensor("images", T.FLOAT, [1, 3, *hw]), _tensor("orig_target_sizes", T.INT64, [1, 2])]
        outputs = [_tensor("labels", T.INT64, [1, QUERIES]), _tensor("boxes", T.FLOAT, [1, QUERIES, width]),
                   _tensor("scores", T.FLOAT, [1, QUERIES])]
    elif layout == "query_table":
        paddle = variant == "paddle"
        in_name, out_name = ("image", "outputs") if paddle else ("images", "output0")
        det = _detect(g, in_name, size_hw)
        boxes = _cxcywh(g, _normalise_xyxy(g, det["boxes"], size_hw))
        on, off = (8.0, -8.0) if paddle else (SCORE, 0.0)
        cls = _one_hot_rows(g, det["present"], N_CLASSES, tuple(range(N_CLASSES)), on, off)
        rows = g.op("Concat", [boxes, cls], axis=2)
        pad = np.zeros((1, QUERIES - N_CLASSES, 4 + N_CLASSES), np.float32)
        pad[..., 4:] = off
        g.op("Concat", [rows, g.const(pad)], axis=1, out=[out_name])
        inputs = [_tensor(in_name, T.FLOAT, [1, 3, *hw])]
        outputs = [_tensor(out_name, T.FLOAT, [1, QUERIES, 4 + N_CLASSES])]
    elif layout in ("rfdetr", "rfdetr_seg"):
        mean = g.const(np.array(IMAGENET_MEAN, np.float32).reshape(1, 3, 1, 1))
        std = g.const(np.array(IMAGENET_STD, np.float32).reshape(1, 3, 1, 1))
        x = g.op("Add", [g.op("Mul", ["input", std]), mean])  # undo the normalisation
        det = _detect(g, x, size_hw)
        q = 200 if layout == "rfdetr_seg" else QUERIES
        boxes = _cxcywh(g, _normalise_xyxy(g, det["boxes"], size_hw))
        g.op("Identity", [_pad_queries(g, boxes, (4,), 0.0, queries=q)], out=["dets"])
        logits = _one_hot_rows(g, det["present"], RF_COLUMNS, RF_IDS, 8.0, -8.0)
        g.op("Identity", [_pad_queries(g, logits, (RF_COLUMNS,), -8.0, queries=q)], out=["labels"])
        inputs = [_tensor("input", T.FLOAT, [1, 3, *hw])]
        outputs = [_tensor("dets", T.FLOAT, [1, q, 4]), _tensor("labels", T.FLOAT, [1, q, RF_COLUMNS])]
        if layout == "rfdetr_seg":
            mlog = g.op("Mul", [g.op("Sub", [det["masks"], g.const(0.5)]), g.const(16.0)])
            g.op("Identity", [_pad_queries(g, mlog, (h // 4, w // 4), -8.0, queries=q)], out=["masks"])
            outputs.append(_tensor("masks", T.FLOAT, [1, q, h // 4, w // 4]))
    elif layout == "dfine_seg":
        det = _detect(g, "input", size_hw)
        shifted = g.op("Add", [det["boxes"], g.const([[[2.0, 2.0, 2.0, 2.0]]])])
        shifted = g.op("Mul", [shifted, g.op("Unsqueeze", [det["present"], g.const([2], np.int64)])])
        boxes = g.op("Concat", [det["boxes"], shifted], axis=1)
        score = g.op("Mul", [det["present"], g.const(SCORE)])
        scores = g.op("Concat", [score, g.op("Mul", [score, g.const(0.8)])], axis=1)
        masks = g.op("Concat", [det["masks"], det["masks"]], axis=1)
        have = 2 * N_CLASSES
        g.op("Identity", [_pad_queries(g, boxes, (4,), have=have)], out=["boxes"])
        g.op("Identity", [_pad_queries(g, scores, (), have=have)], out=["scores"])
        g.op("Identity", [_pad_queries(g, masks, (h // 4, w // 4), have=have)], out=["masks"])
        ids = np.zeros((1, QUERIES), np.int64)
        ids[0, :have] = list(range(N_CLASSES)) * 2
        g.op("Identity", [g.const(ids, np.int64)], out=["labels"])
        inputs = [_tensor("input", T.FLOAT, [1, 3, *hw])]
        outputs = [_tensor("labels", T.INT64, [1, QUERIES]), _tensor("boxes", T.FLOAT, [1, QUERIES, 4]),
                   _tensor("scores", T.FLOAT, [1, QUERIES]),
                   _tensor("masks", T.FLOAT, [1, QUERIES, h // 4, w // 4])]
    else:
        raise ValueError(f"unknown layout {layout!r}")
    return g.model(inputs, outputs)


#: File name -> build arguments; one fixture per X-AnyLabeling layout.
FIXTURES: dict[str, dict[str, Any]] = {
    "detr_postprocessed.onnx": dict(layout="postprocessed"),
    "detr_rotated.onnx": dict(layout="rotated", size_hw=(256, 256)),
    "detr_query_table_paddle.onnx": dict(layout="query_table", variant="paddle"),
    "detr_query_table_ultralytics.onnx": dict(layout="query_table", variant="ultralytics"),
    "detr_rfdetr.onnx": dict(layout="rfdetr", size_hw=(224, 224), dynamic=True),
    "detr_rfdetr_seg.onnx": dict(layout="rfdetr_seg", size_hw=(224, 224)),
    "detr_dfine_seg.onnx": dict(layout="dfine_seg"),
}


def write_all(out_dir: Path) -> dict[str, Path]:
    from onnx_fixture_files import save_models

    return save_models(out_dir, {name: (lambda kw=kw: build(**kw)) for name, kw in FIXTURES.items()})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--busy", type=int, default=0, metavar="N",
                    help="also write detr_postprocessed_busy.onnx: 640 x 640 with N do-nothing 3x3 "
                         "convolutions in front, a run as costly as a real model's (for benchmarks)")
    args = ap.parse_args()
    for p in write_all(args.out_dir).values():
        print(p)
    if args.busy:
        import onnx

        path = args.out_dir / "detr_postprocessed_busy.onnx"
        onnx.save(build("postprocessed", (640, 640), busy=args.busy), str(path))
        print(path)


if __name__ == "__main__":
    main()
