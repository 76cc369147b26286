#!/usr/bin/env python3
"""Build contract fixtures for the dense-output model types: ONNX graphs with the exports'
exact tensors whose outputs are computed from the image, so they are known.

- ``depth_anything_v1.onnx``: input ``image`` [1,3,h,w] (dynamic), output ``depth``
  [1,1,h,w]; ``depth_anything_v2.onnx``: input ``l_x_`` [1,3,518,518], output
  ``select_36`` [1,518,518]. The "depth" is the mean of the de-normalised R, G, B values
  (the input is ImageNet mean/std normalised), so a brighter pixel is "nearer".
- ``rmbg_v14.onnx`` / ``rmbg_v20.onnx``: input ``input`` [1,3,1024,1024], output ``output``
  [1,1,1024,1024] = sigmoid(40 * (saturation - 0.3)) with saturation = max - min of the
  de-normalised R, G, B (v1.4: x - 0.5; v2.0: ImageNet mean/std): coloured objects on a
  grey background are the foreground.

Needs the ``onnx`` package (requirements-dev.txt). ``python scripts/build_dense_fixtures.py OUT_DIR``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from build_detr_family_fixtures import IMAGENET_MEAN, IMAGENET_STD, _Graph, _tensor
from onnx_fixture_files import run_cli, save_models


def _denormalise(g: _Graph, x: str, style: str) -> str:
    if style == "imagenet":
        std = g.const(np.array(IMAGENET_STD, np.float32).reshape(1, 3, 1, 1))
        mean = g.const(np.array(IMAGENET_MEAN, np.float32).reshape(1, 3, 1, 1))
        return g.op("Add", [g.op("Mul", [x, std]), mean])
    return g.op("Add", [x, g.const(0.5)])  # RMBG 1.4: x = rgb - 0.5


def build_depth(version: int):
    from onnx import TensorProto as T

    g = _Graph()
    in_name, out_name = ("image", "depth") if version == 1 else ("l_x_", "select_36")
    rgb = _denormalise(g, in_name, "imagenet")
    mean = g.op("ReduceMean", [rgb, g.const([1], np.int64)], keepdims=1)  # [1,1,h,w]
    if version == 1:
        g.op("Identity", [mean], out=[out_name])
        return g.model([_tensor(in_name, T.FLOAT, [1, 3, "height", "width"])],
                       [_tensor(out_name, T.FLOAT, [1, 1, "height", "width"])])
    g.op("Squeeze", [mean, g.const([1], np.int64)], out=[out_name])
    return g.model([_tensor(in_name, T.FLOAT, [1, 3, 518, 518])], [_tensor(out_name, T.FLOAT, [1, 518, 518])])


def build_rmbg(version: str):
    from onnx import TensorProto as T

    g = _Graph()
    rgb = _denormalise(g, "input", "imagenet" if version == "2.0" else "half")
    axis = g.const([1], np.int64)
    sat = g.op("Sub", [g.op("ReduceMax", [rgb, axis], keepdims=1), g.op("ReduceMin", [rgb, axis], keepdims=1)])
    g.op("Sigmoid", [g.op("Mul", [g.op("Sub", [sat, g.const(0.3)]), g.const(40.0)])], out=["output"])
    return g.model([_tensor("input", T.FLOAT, ["batch_size", 3, 1024, 1024])],
                   [_tensor("output", T.FLOAT, ["batch_size", 1, 1024, 1024])])


FIXTURES = {
    "depth_anything_v1.onnx": lambda: build_depth(1),
    "depth_anything_v2.onnx": lambda: build_depth(2),
    "rmbg_v14.onnx": lambda: build_rmbg("1.4"),
    "rmbg_v20.onnx": lambda: build_rmbg("2.0"),
}


def write_all(out_dir: Path) -> dict[str, Path]:
    return save_models(out_dir, FIXTURES)


def main() -> None:
    run_cli(__doc__, write_all)


if __name__ == "__main__":
    main()
