#!/usr/bin/env python3
"""Build the CLRNet contract fixture: the TuSimple export's tensors, lanes computed from the image.

``clrnet.onnx``: input ``input`` [1,3,320,800] (BGR / 255 of the image's rows below
``cut_height``, stretched); output ``output`` [1,N,6+72], one row per lane prior:
two class logits (lane / no lane), start y (0 = bottom row), start x, theta, length
(fraction of the 71 strips) and 72 x positions (fractions of the width) at the rows
``linspace(1, 0, 72)`` of the input (bottom to top).

The "lanes" are vertical stripes of pure colour (B, G, R channel > 0.9, the others
< 0.1): prior k is the stripe of channel k, present when any column holds it, with
logits (-8, 8), start y 0, length 1 and x = the stripe's centre column at every row.
Priors 3..5 repeat them 5 input pixels to the right with logits (-2, 2) (a weaker
duplicate that lane NMS must remove); the others are absent (logits (8, -8)).

Needs ``onnx`` (requirements-dev.txt). ``python scripts/build_lane_fixtures.py OUT_DIR``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from build_detr_family_fixtures import _Graph, _tensor
from onnx_fixture_files import run_cli, save_models

N_OFFSETS = 72
PRIORS = 192
SIZE_HW = (320, 800)


def build_clrnet():
    from onnx import TensorProto as T

    g = _Graph()
    h, w = SIZE_HW
    chans = g.op("Split", ["input", g.const([1, 1, 1], np.int64)], n_out=3, axis=1)
    hi = [g.op("Greater", [c, g.const(0.9)]) for c in chans]
    lo = [g.op("Less", [c, g.const(0.1)]) for c in chans]
    masks = [g.op("Cast", [g.op("And", [hi[k], g.op("And", [lo[j] for j in range(3) if j != k])])], to=1)
             for k in range(3)]
    m = g.op("Concat", masks, axis=1)                                      # [1,3,H,W]
    col = g.op("ReduceSum", [m, g.const([2], np.int64)], keepdims=0)       # [1,3,W]
    total = g.op("ReduceSum", [col, g.const([2], np.int64)], keepdims=0)   # [1,3]
    xs_idx = g.const((np.arange(w, dtype=np.float32) + 0.5)[None, None])
    centre = g.op("Div", [g.op("ReduceSum", [g.op("Mul", [col, xs_idx]), g.const([2], np.int64)], keepdims=0),
                          g.op("Max", [total, g.const(1e-6)])])              # [1,3] input px
    present = g.op("Cast", [g.op("Greater", [total, g.const(0.0)])], to=1)  # [1,3]

    def rows(shift_px: float, strength: float) -> str:
        x = g.op("Div", [g.op("Add", [centre, g.const(shift_px)]), g.const(float(w))])
        xs = g.op("Mul", [g.op("Unsqueeze", [x, g.const([2], np.int64)]), g.const(np.ones((1, 1, N_OFFSETS)))])
        p = g.op("Unsqueeze", [present, g.const([2], np.int64)])             # [1,3,1]
        logit = g.op("Sub", [g.op("Mul", [p, g.const(2 * strength)]), g.const(strength)])  # +s present, -s absent
        head = g.op("Concat", [g.op("Neg", [logit]), logit, g.const(np.zeros((1, 3, 1))),
                               g.op("Unsqueeze", [x, g.const([2], np.int64)]), g.const(np.zeros((1, 3, 1))),
                               g.const(np.ones((1, 3, 1)))], axis=2)
        return g.op("Concat", [head, xs], axis=2)                           # [1,3,6+72]

    absent = np.zeros((1, PRIORS - 6, 6 + N_OFFSETS), np.float32)
    absent[..., 0], absent[..., 1] = 8.0, -8.0
    g.op("Concat", [rows(0.0, 8.0), rows(5.0, 2.0), g.const(absent)], axis=1, out=["output"])
    return g.model([_tensor("input", T.FLOAT, [1, 3, h, w])], [_tensor("output", T.FLOAT, [1, PRIORS, 6 + N_OFFSETS])])


FIXTURES = {"clrnet.onnx": build_clrnet}


def write_all(out_dir: Path) -> dict[str, Path]:
    return save_models(out_dir, FIXTURES)


def main() -> None:
    run_cli(__doc__, write_all)


if __name__ == "__main__":
    main()
