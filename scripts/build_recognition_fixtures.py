#!/usr/bin/env python3
"""Build contract fixtures for the image-recognition types (PULC attributes, InternImage
classifier, RAM tags): the exports' exact tensors, outputs computed from the image.

All three take the image stretched to the input, RGB / 255 then ImageNet mean/std; the
graphs undo that and use the mean R, G and B of the image (m0, m1, m2, in 0..1):

- ``pulc_attribute.onnx``: input ``x`` [1,3,256,192] -> ``sigmoid_2.tmp_0`` [1,26]; score j is
  m(j mod 3).
- ``internimage_cls.onnx``: input ``input`` [1,3,384,384] -> ``output`` [1,1000] logits:
  10 x m0, m1, m2 for classes 0..2, 0 for the others.
- ``ram.onnx``: input ``img`` [1,3,384,384] -> ``targets`` [1,4585] (1 = tag present, the
  export thresholds in the graph): tag c < 3 when m_c > 0.5; ``bs`` [1] int64 = 1.

Needs ``onnx`` (requirements-dev.txt). ``python scripts/build_recognition_fixtures.py OUT_DIR``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from build_detr_family_fixtures import IMAGENET_MEAN, IMAGENET_STD, _Graph, _tensor
from onnx_fixture_files import run_cli, save_models

PULC_OUTPUTS = 26
IMAGENET_CLASSES = 1000
RAM_TAGS = 4585


def _channel_means(g: _Graph, x: str) -> str:
    """[1,3] mean of each de-normalised channel."""
    std = g.const(np.array(IMAGENET_STD, np.float32).reshape(1, 3, 1, 1))
    mean = g.const(np.array(IMAGENET_MEAN, np.float32).reshape(1, 3, 1, 1))
    rgb = g.op("Add", [g.op("Mul", [x, std]), mean])
    return g.op("ReduceMean", [rgb, g.const([2, 3], np.int64)], keepdims=0)


def build_pulc():
    from onnx import TensorProto as T

    g = _Graph()
    m = _channel_means(g, "x")
    tiled = g.op("Tile", [m, g.const([1, 9], np.int64)])  # [1,27]
    g.op("Slice", [tiled, g.const([0], np.int64), g.const([PULC_OUTPUTS], np.int64), g.const([1], np.int64)],
         out=["sigmoid_2.tmp_0"])
    return g.model([_tensor("x", T.FLOAT, ["batch", 3, 256, 192])], [_tensor("sigmoid_2.tmp_0", T.FLOAT, ["batch", PULC_OUTPUTS])])


def build_internimage():
    from onnx import TensorProto as T

    g = _Graph()
    m = g.op("Mul", [_channel_means(g, "input"), g.const(10.0)])
    g.op("Concat", [m, g.const(np.zeros((1, IMAGENET_CLASSES - 3)))], axis=1, out=["output"])
    return g.model([_tensor("input", T.FLOAT, [1, 3, 384, 384])], [_tensor("output", T.FLOAT, [1, IMAGENET_CLASSES])])


def build_ram():
    from onnx import TensorProto as T

    g = _Graph()
    on = g.op("Cast", [g.op("Greater", [_channel_means(g, "img"), g.const(0.5)])], to=1)
    g.op("Concat", [on, g.const(np.zeros((1, RAM_TAGS - 3)))], axis=1, out=["targets"])
    g.op("Identity", [g.const([1], np.int64)], out=["bs"])
    return g.model([_tensor("img", T.FLOAT, [1, 3, 384, 384])],
                   [_tensor("targets", T.FLOAT, [1, RAM_TAGS]), _tensor("bs", T.INT64, [1])])


FIXTURES = {"pulc_attribute.onnx": build_pulc, "internimage_cls.onnx": build_internimage, "ram.onnx": build_ram}


def write_all(out_dir: Path) -> dict[str, Path]:
    return save_models(out_dir, FIXTURES)


def main() -> None:
    run_cli(__doc__, write_all)


if __name__ == "__main__":
    main()
