#!/usr/bin/env python3
"""Contract fixtures of the YOLO family: the trained tiny shapes models re-wrapped, with
ONNX ops, into every other family's input and output conventions.

Each fixture is a real model (its outputs are computed from the input image by the
trained network), only its interface changes:

- input side: the family's channel order and value range (BGR, 0-255) are undone in the
  graph before the trained network, which expects RGB / 255;
- output side: the trained network's ``[1, 4+nc(+extra), N]`` Ultralytics output is
  rewritten into the family's layout: objectness columns (YOLOv5-seg), YOLOX raw grid
  offsets and log sizes, YOLO-NAS / DAMO-YOLO separate boxes and scores, YOLOv5-OBB
  long/short sides with 180 angle classes, and the NMS-free ``[1, 300, 6+...]`` rows of
  YOLOv10 / YOLO26 (NMS done in the graph by ONNX ``NonMaxSuppression``).

Needs the ``onnx`` package (requirements-dev.txt). Builds in well under a second:
    python scripts/build_yolo_family_fixtures.py OUT_DIR [LAYOUT...]
Tests build them into a temporary folder (tests/unit/inference/test_yolo_family.py).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

import numpy as np

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "models" / "fixtures"
NC = 3            # circle, rectangle, triangle
NC_OBB = 2        # bar, plate
SIZE = 160        # the shapes models' input
STRIDES = (8, 16, 32)
TOPK = 300        # rows of the NMS-free layouts (YOLOv10 / YOLO26 export max_det)


def _helpers():  # imported lazily so that importing this module never needs onnx
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    return onnx, TensorProto, helper, numpy_helper


class Wrapper:
    """Edits one copy of a trained model: new input conventions, new outputs."""

    def __init__(self, source: str, prefix: str) -> None:
        onnx, self.T, self.h, self.nh = _helpers()
        self.onnx = onnx
        self.model = onnx.load(str(FIXTURES / source))
        self.g = self.model.graph
        self.p = prefix
        self.n = 0
        self.pre: list = []
        self.post: list = []
        # The trained network's outputs get private names: the public ones are the family's.
        renames = {o.name: f"{prefix}_inner_{o.name}" for o in self.g.output}
        for nd in self.g.node:
            for i, x in enumerate(nd.output):
                nd.output[i] = renames.get(x, x)
            for i, x in enumerate(nd.input):
                nd.input[i] = renames.get(x, x)
        for o in self.g.output:
            o.name = renames[o.name]

    def name(self, what: str) -> str:
        self.n += 1
        return f"{self.p}_{what}_{self.n}"

    def const(self, array: np.ndarray, what: str = "c") -> str:
        name = self.name(what)
        self.g.initializer.append(self.nh.from_array(np.asarray(array), name))
        return name

    def node(self, op: str, inputs: list[str], what: str = "t", n_out: int = 1, **attrs) -> str | list[str]:
        outs = [self.name(what) for _ in range(n_out)]
        self.post.append(self.h.make_node(op, inputs, outs, **attrs))
        return outs[0] if n_out == 1 else outs

    def bgr_255_input(self) -> None:
        """The graph input takes BGR 0-255 (YOLOX, DAMO-YOLO) or BGR / 255 (YOLO-NAS)."""
        old = self.g.input[0].name
        inner = f"{self.p}_inner_images"
        for nd in self.g.node:
            for i, x in enumerate(nd.input):
                if x == old:
                    nd.input[i] = inner
        idx = self.const(np.array([2, 1, 0], np.int64), "rgb")
        swapped = f"{self.p}_rgb"
        self.pre.append(self.h.make_node("Gather", [old, idx], [swapped], axis=1))
        self._swapped = (swapped, inner)

    def scale_input(self, factor: float) -> None:
        swapped, inner = self._swapped
        k = self.const(np.array(factor, np.float32), "scale")
        self.pre.append(self.h.make_node("Mul", [swapped, k], [inner]))

    def identity_input(self) -> None:
        swapped, inner = self._swapped
        self.pre.append(self.h.make_node("Identity", [swapped], [inner]))

    def output(self, index: int) -> str:
        return self.g.output[index].name

    def finish(self, outputs: list[tuple[str, str, list]], metadata: dict[str, str] | None = None) -> bytes:
        """Replace the graph outputs by ``(tensor, public name, shape)``."""
        for tensor, public, _shape in outputs:
            self.post.append(self.h.make_node("Identity", [tensor], [public]))
        nodes = self.pre + list(self.g.node) + self.post
        del self.g.node[:]
        self.g.node.extend(nodes)
        del self.g.output[:]
        for _tensor, public, shape in outputs:
            self.g.output.append(self.h.make_tensor_value_info(public, self.T.FLOAT, shape))
        if metadata:
            for k, v in metadata.items():
                found = [p for p in self.model.metadata_props if p.key == k]
                if found:
                    found[0].value = v
                else:
                    self.model.metadata_props.append(self.onnx.StringStringEntryProto(key=k, value=v))
        self.onnx.checker.check_model(self.model)
        return self.model.SerializeToString()

    # -- pieces shared by several layouts ---------------------------------------------------
    def rows(self, out: str) -> str:
        """[1, C, N] -> [1, N, C]."""
        return self.node("Transpose", [out], "rows", perm=[0, 2, 1])

    def split(self, rows: str, sizes: list[int]) -> list[str]:
        return self.node("Split", [rows, self.const(np.array(sizes, np.int64), "sz")], "part",
                         n_out=len(sizes), axis=2)

    def objectness(self, cls: str) -> tuple[str, str]:
        """(objectness = best class score, class scores / objectness): their product is the
        original score, as YOLOv5-style decoders compute it."""
        obj = self.node("ReduceMax", [cls], "obj", axes=[2], keepdims=1)
        den = self.node("Add", [obj, self.const(np.array(1e-9, np.float32))], "den")
        return obj, self.node("Div", [cls, den], "clsn")

    def xyxy(self, box: str) -> str:
        """cx cy w h -> x1 y1 x2 y2 on the last axis."""
        c, wh = self.node("Split", [box, self.const(np.array([2, 2], np.int64))], "cw", n_out=2, axis=2)
        half = self.node("Mul", [wh, self.const(np.array(0.5, np.float32))], "half")
        return self.node("Concat", [self.node("Sub", [c, half]), self.node("Add", [c, half])], "xyxy", axis=2)

    def end2end(self, box_cxcywh: str, cls: str, extra: str | None, keep_box: str) -> str:
        """NMS in the graph, then [1, TOPK, 6 (+extra)] rows: keep_box, score, class, extra."""
        scores_t = self.node("Transpose", [cls], "st", perm=[0, 2, 1])                      # [1, nc, N]
        sel = self.node("NonMaxSuppression", [box_cxcywh, scores_t,
                                              self.const(np.array([TOPK], np.int64)),
                                              self.const(np.array([0.5], np.float32)),
                                              self.const(np.array([0.01], np.float32))], "sel",
                        center_point_box=1)                                                   # [K, 3]
        cls_idx = self.node("Gather", [sel, self.const(np.array(1, np.int64))], "ci", axis=1)  # [K]
        box_idx = self.node("Gather", [sel, self.const(np.array(2, np.int64))], "bi", axis=1)
        rows_cls = self.node("Gather", [self.node("Squeeze", [cls, self.const(np.array([0], np.int64))]), box_idx],
                             "rc", axis=0)                                                    # [K, nc]
        score = self.node("GatherElements", [rows_cls, self.node("Unsqueeze", [cls_idx,
                                                                                self.const(np.array([1], np.int64))])],
                          "sc", axis=1)                                                       # [K, 1]
        kb = self.node("Gather", [self.node("Squeeze", [keep_box, self.const(np.array([0], np.int64))]), box_idx],
                       "kb", axis=0)
        cf = self.node("Cast", [self.node("Unsqueeze", [cls_idx, self.const(np.array([1], np.int64))])], "cf",
                       to=self.T.FLOAT)
        parts = [kb, score, cf]
        if extra is not None:
            parts.append(self.node("Gather", [self.node("Squeeze", [extra, self.const(np.array([0], np.int64))]),
                                              box_idx], "ex", axis=0))
        rows = self.node("Concat", parts, "r", axis=1)                                       # [K, F]
        pad = self.node("Concat", [self.const(np.array([0, 0], np.int64)),
                                   self.node("Sub", [self.const(np.array([TOPK], np.int64)),
                                                     self.node("Slice", [self.node("Shape", [rows]),
                                                                         self.const(np.array([0], np.int64)),
                                                                         self.const(np.array([1], np.int64))])]),
                                   self.const(np.array([0], np.int64))], "pads", axis=0)
        padded = self.node("Pad", [rows, pad], "pd")                                          # [TOPK, F], zero rows
        return self.node("Unsqueeze", [padded, self.const(np.array([0], np.int64))], "out")


def grid_and_strides() -> tuple[np.ndarray, np.ndarray]:
    cells, steps = [], []
    for s in STRIDES:
        g = SIZE // s
        yv, xv = np.mgrid[0:g, 0:g]
        cells.append(np.stack([xv.ravel(), yv.ravel()], 1))
        steps.append(np.full((g * g, 1), s))
    return (np.concatenate(cells)[None].astype(np.float32), np.concatenate(steps)[None].astype(np.float32))


# -- the layouts ---------------------------------------------------------------------------------
def yolov10() -> bytes:
    """YOLOv10 / YOLO26 / DocLayout-YOLO detect: output0 [1, 300, 6] x1 y1 x2 y2 score class."""
    w = Wrapper("shapes_det.onnx", "e2e")
    box, cls = w.split(w.rows(w.output(0)), [4, NC])
    return w.finish([(w.end2end(box, cls, None, w.xyxy(box)), "output0", [1, TOPK, 6])])


def yolo26_seg() -> bytes:
    """output0 [1, 300, 6+32] and output1 prototypes [1, 32, 40, 40]."""
    w = Wrapper("shapes_seg.onnx", "e2es")
    box, cls, coef = w.split(w.rows(w.output(0)), [4, NC, 32])
    protos = w.node("Identity", [w.output(1)], "pr")
    return w.finish([(w.end2end(box, cls, coef, w.xyxy(box)), "output0", [1, TOPK, 38]),
                     (protos, "output1", [1, 32, SIZE // 4, SIZE // 4])])


def yolo26_pose() -> bytes:
    """output0 [1, 300, 6+3*3] (3 keypoints x, y, visibility)."""
    w = Wrapper("shapes_pose.onnx", "e2ep")
    box, cls, kpt = w.split(w.rows(w.output(0)), [4, 1, 9])
    return w.finish([(w.end2end(box, cls, kpt, w.xyxy(box)), "output0", [1, TOPK, 15])], {"kpt_shape": "[3, 3]"})


def yolo26_obb() -> bytes:
    """output0 [1, 300, 7] cx cy w h score class angle (NMS here on the upright boxes)."""
    w = Wrapper("shapes_obb.onnx", "e2eo")
    box, cls, ang = w.split(w.rows(w.output(0)), [4, NC_OBB, 1])
    return w.finish([(w.end2end(box, cls, ang, box), "output0", [1, TOPK, 7])])


def yolov5_seg() -> bytes:
    """output0 [1, N, 5+nc+32] (objectness) and output1 prototypes."""
    w = Wrapper("shapes_seg.onnx", "v5s")
    box, cls, coef = w.split(w.rows(w.output(0)), [4, NC, 32])
    obj, clsn = w.objectness(cls)
    out = w.node("Concat", [box, obj, clsn, coef], "o", axis=2)
    return w.finish([(out, "output0", [1, 525, 5 + NC + 32]),
                     (w.node("Identity", [w.output(1)], "pr"), "output1", [1, 32, SIZE // 4, SIZE // 4])])


def yolox() -> bytes:
    """input BGR 0-255; output [1, N, 5+nc]: raw offsets, log sizes, objectness, class scores."""
    w = Wrapper("shapes_det.onnx", "yx")
    w.bgr_255_input()
    w.scale_input(1 / 255.0)
    box, cls = w.split(w.rows(w.output(0)), [4, NC])
    xy, wh = w.node("Split", [box, w.const(np.array([2, 2], np.int64))], "xw", n_out=2, axis=2)
    cells, steps = grid_and_strides()
    off = w.node("Sub", [w.node("Div", [xy, w.const(steps)]), w.const(cells)], "off")
    logwh = w.node("Log", [w.node("Max", [w.node("Div", [wh, w.const(steps)]), w.const(np.array(1e-6, np.float32))])])
    obj, clsn = w.objectness(cls)
    return w.finish([(w.node("Concat", [off, logwh, obj, clsn], "o", axis=2), "output", [1, 525, 5 + NC])])


def yolo_nas() -> bytes:
    """input BGR / 255; outputs boxes [1, N, 4] x1 y1 x2 y2 and scores [1, N, nc]."""
    w = Wrapper("shapes_det.onnx", "nas")
    w.bgr_255_input()
    w.identity_input()
    box, cls = w.split(w.rows(w.output(0)), [4, NC])
    return w.finish([(w.xyxy(box), "boxes", [1, 525, 4]), (w.node("Identity", [cls]), "scores", [1, 525, NC])])


def damo_yolo() -> bytes:
    """input BGR 0-255; outputs scores [1, N, nc] then boxes [1, N, 4] x1 y1 x2 y2."""
    w = Wrapper("shapes_det.onnx", "damo")
    w.bgr_255_input()
    w.scale_input(1 / 255.0)
    box, cls = w.split(w.rows(w.output(0)), [4, NC])
    return w.finish([(w.node("Identity", [cls]), "scores", [1, 525, NC]), (w.xyxy(box), "boxes", [1, 525, 4])])


def yolov5_obb() -> bytes:
    """output [1, N, 5+nc+180]: cx cy long short objectness, class scores, angle classes."""
    w = Wrapper("shapes_obb.onnx", "v5o")
    box, cls, ang = w.split(w.rows(w.output(0)), [4, NC_OBB, 1])
    c, bw, bh = w.node("Split", [box, w.const(np.array([2, 1, 1], np.int64))], "cwh", n_out=3, axis=2)
    wide = w.node("Cast", [w.node("GreaterOrEqual", [bw, bh])], "wide", to=w.T.FLOAT)
    tall = w.node("Sub", [w.const(np.array(1.0, np.float32)), wide])
    long_ = w.node("Max", [bw, bh])
    short = w.node("Min", [bw, bh])
    # The long side's direction: the angle, plus 90 degrees when h is the long side.
    theta = w.node("Add", [ang, w.node("Mul", [tall, w.const(np.array(np.pi / 2, np.float32))])])
    deg = w.node("Mul", [theta, w.const(np.array(180 / np.pi, np.float32))])
    # Wrapped into [-90, 90) and binned: bin = round(deg) + 90.
    wrapped = w.node("Sub", [w.node("Mod", [w.node("Add", [deg, w.const(np.array(90.0, np.float32))]),
                                            w.const(np.array(180.0, np.float32))], fmod=1),
                             w.const(np.array(90.0, np.float32))])
    wrapped = w.node("Add", [wrapped, w.node("Mul", [w.node("Cast", [w.node("Less", [wrapped,
                                                                               w.const(np.array(-90.0, np.float32))])],
                                                            to=w.T.FLOAT), w.const(np.array(180.0, np.float32))])])
    bins = w.node("Mod", [w.node("Add", [w.node("Round", [wrapped]), w.const(np.array(90.0, np.float32))]),
                          w.const(np.array(180.0, np.float32))], fmod=1)
    onehot = w.node("Cast", [w.node("Equal", [bins, w.const(np.arange(180, dtype=np.float32)[None, None])])],
                    "oh", to=w.T.FLOAT)
    obj, clsn = w.objectness(cls)
    out = w.node("Concat", [c, long_, short, obj, clsn, onehot], "o", axis=2)
    return w.finish([(out, "output", [1, 525, 5 + NC_OBB + 180])])


def yolov8_dynamic() -> bytes:
    """A detect model with a dynamic input size (``images [1, 3, H, W]``, as an export with
    ``dynamic=True``): the graph resizes to the trained 160 px and scales the boxes back,
    so the output [1, 4+nc, N] is in the pixels of whatever input size the config chose."""
    w = Wrapper("shapes_det.onnx", "dyn")
    old = w.g.input[0].name
    dims = w.g.input[0].type.tensor_type.shape.dim
    dims[2].dim_param, dims[3].dim_param = "height", "width"
    inner = f"{w.p}_inner_images"
    for nd in w.g.node:
        for i, x in enumerate(nd.input):
            if x == old:
                nd.input[i] = inner
    w.pre.append(w.h.make_node("Resize", [old, "", "", w.const(np.array([1, 3, SIZE, SIZE], np.int64), "rs")],
                               [inner], mode="linear"))
    hw = w.node("Cast", [w.node("Slice", [w.node("Shape", [old]), w.const(np.array([2], np.int64)),
                                          w.const(np.array([4], np.int64))])], "hw", to=w.T.FLOAT)
    h, wd = w.node("Split", [hw, w.const(np.array([1, 1], np.int64))], "s", n_out=2, axis=0)
    gain = w.node("Div", [w.node("Concat", [wd, h, wd, h], "g", axis=0), w.const(np.array(SIZE, np.float32))])
    gain = w.node("Reshape", [gain, w.const(np.array([1, 4, 1], np.int64))], "g4")
    box, cls = w.node("Split", [w.output(0), w.const(np.array([4, NC], np.int64))], "bc", n_out=2, axis=1)
    out = w.node("Concat", [w.node("Mul", [box, gain]), cls], "o", axis=1)
    return w.finish([(out, "output0", [1, 4 + NC, 525])])


LAYOUTS: dict[str, Callable[[], bytes]] = {
    "yolov8_dynamic": yolov8_dynamic,
    "yolov10": yolov10, "yolo26_seg": yolo26_seg, "yolo26_pose": yolo26_pose, "yolo26_obb": yolo26_obb,
    "yolov5_seg": yolov5_seg, "yolox": yolox, "yolo_nas": yolo_nas, "damo_yolo": damo_yolo,
    "yolov5_obb": yolov5_obb,
}


def build(out_dir: Path, layouts: list[str] | None = None) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    made = {}
    for name in layouts or list(LAYOUTS):
        path = out_dir / f"shapes_{name}.onnx"
        path.write_bytes(LAYOUTS[name]())
        made[name] = path
    return made


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    for name, path in build(Path(argv[0]), argv[1:] or None).items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
