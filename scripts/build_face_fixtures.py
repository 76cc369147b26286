#!/usr/bin/env python3
"""Build face-detector contract fixtures (SCRFD, YOLOv6-face): ONNX graphs with the exports'
exact tensors whose outputs are computed from the image.

The "faces" are the pure-colour squares the DETR fixtures find (scripts/
build_detr_family_fixtures.py: one per colour, red, green and blue), all of class
``face``; each face's five landmarks sit at fixed places in its box (``LANDMARKS``, as
fractions of the box: eyes, nose tip, mouth corners).

- ``scrfd.onnx`` (InsightFace SCRFD with key points, e.g. ``scrfd_10g_bnkps``): input
  ``input.1`` [1,3,S,S] = (RGB - 127.5) / 128, the image aspect-kept in the top-left
  corner; outputs ``score_8/16/32`` [1,N,1], ``bbox_8/16/32`` [1,N,4] and ``kps_8/16/32``
  [1,N,10], in that order, with N = (S/stride)^2 x 2 anchors (two per cell, x fastest).
  A face is positive (0.9) at both anchors of the cell holding its centre, at every
  stride; boxes are distances (left, top, right, bottom) from the anchor centre and key
  points offsets from it, all divided by the stride.
- ``yolov6_face.onnx`` (YOLOv6-face): input ``images`` [1,3,S,S] letterboxed RGB / 255;
  output ``outputs`` [1,N,16] = cx cy w h, 5 x (x, y) landmarks, objectness, class score,
  in input pixels. Each face appears twice (the second shifted 2 px with objectness 0.7)
  and the decoder's NMS must keep one.

Needs ``onnx`` (requirements-dev.txt). ``python scripts/build_face_fixtures.py OUT_DIR``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from build_detr_family_fixtures import N_CLASSES, SCORE, _detect, _Graph, _tensor
from onnx_fixture_files import run_cli, save_models

LANDMARKS = ((0.3, 0.35), (0.7, 0.35), (0.5, 0.55), (0.35, 0.78), (0.65, 0.78))
STRIDES = (8, 16, 32)
YOLO_ROWS = 100


def _box_to_landmarks() -> np.ndarray:
    """[4, 10] matrix: (x1, y1, x2, y2) @ M = the five (x, y) landmarks."""
    m = np.zeros((4, 10), np.float32)
    for j, (fx, fy) in enumerate(LANDMARKS):
        m[0, 2 * j], m[2, 2 * j] = 1 - fx, fx
        m[1, 2 * j + 1], m[3, 2 * j + 1] = 1 - fy, fy
    return m


def build_scrfd(size: int = 320):
    from onnx import TensorProto as T

    g = _Graph()
    x = g.op("Div", [g.op("Add", [g.op("Mul", ["input.1", g.const(128.0)]), g.const(127.5)]), g.const(255.0)])
    det = _detect(g, x, (size, size))
    boxes = g.op("Squeeze", [det["boxes"], g.const([0], np.int64)])          # [K,4]
    present = g.op("Squeeze", [det["present"], g.const([0], np.int64)])      # [K]
    kps = g.op("MatMul", [boxes, g.const(_box_to_landmarks())])              # [K,10]
    col = lambda t, i: g.op("Slice", [t, g.const([i], np.int64), g.const([i + 1], np.int64), g.const([1], np.int64)])
    cx = g.op("Mul", [g.op("Add", [col(boxes, 0), col(boxes, 2)]), g.const(0.5)])  # [K,1]
    cy = g.op("Mul", [g.op("Add", [col(boxes, 1), col(boxes, 3)]), g.const(0.5)])
    outs = {"score": [], "bbox": [], "kps": []}
    for s in STRIDES:
        side = size // s
        loc = np.repeat(np.arange(side * side), 2)
        ax = ((loc % side) * s).astype(np.float32)[:, None]
        ay = ((loc // side) * s).astype(np.float32)[:, None]
        n = len(loc)
        cell_x = g.op("Mul", [g.op("Floor", [g.op("Div", [cx, g.const(float(s))])]), g.const(float(s))])
        cell_y = g.op("Mul", [g.op("Floor", [g.op("Div", [cy, g.const(float(s))])]), g.const(float(s))])
        in_x = g.op("Equal", [g.const(ax), g.op("Transpose", [cell_x], perm=[1, 0])])   # [N,K]
        in_y = g.op("Equal", [g.const(ay), g.op("Transpose", [cell_y], perm=[1, 0])])
        hit = g.op("Mul", [g.op("Cast", [g.op("And", [in_x, in_y])], to=1), present])  # [N,K]
        score = g.op("ReduceMax", [g.op("Mul", [hit, g.const(SCORE)]), g.const([1], np.int64)], keepdims=1)
        own = g.op("MatMul", [hit, boxes])  # [N,4] the box of the face at this anchor
        dist = g.op("Concat", [g.op("Sub", [g.const(ax), col(own, 0)]), g.op("Sub", [g.const(ay), col(own, 1)]),
                               g.op("Sub", [col(own, 2), g.const(ax)]), g.op("Sub", [col(own, 3), g.const(ay)])], axis=1)
        anchors10 = np.tile(np.concatenate([ax, ay], axis=1), (1, 5))
        offs = g.op("Sub", [g.op("MatMul", [hit, kps]), g.const(anchors10)])
        for key, t, w in (("score", score, 1), ("bbox", dist, 4), ("kps", offs, 10)):
            scaled = t if key == "score" else g.op("Div", [t, g.const(float(s))])
            name = f"{key}_{s}"
            g.op("Unsqueeze", [scaled, g.const([0], np.int64)], out=[name])
            outs[key].append(_tensor(name, T.FLOAT, [1, n, w]))
    return g.model([_tensor("input.1", T.FLOAT, [1, 3, size, size])], outs["score"] + outs["bbox"] + outs["kps"])


def build_yolov6_face(size: int = 320):
    from onnx import TensorProto as T

    g = _Graph()
    det = _detect(g, "images", (size, size))
    xyxy = det["boxes"]  # [1,K,4]
    p1 = g.op("Slice", [xyxy, g.const([0], np.int64), g.const([2], np.int64), g.const([2], np.int64)])
    p2 = g.op("Slice", [xyxy, g.const([2], np.int64), g.const([4], np.int64), g.const([2], np.int64)])
    cxcywh = g.op("Concat", [g.op("Mul", [g.op("Add", [p1, p2]), g.const(0.5)]), g.op("Sub", [p2, p1])], axis=2)
    kps = g.op("MatMul", [xyxy, g.const(_box_to_landmarks())])  # [1,K,10]
    present = g.op("Unsqueeze", [det["present"], g.const([2], np.int64)])  # [1,K,1]
    rows = g.op("Concat", [cxcywh, kps, g.op("Mul", [present, g.const(SCORE)]), present], axis=2)  # [1,K,16]
    shift = np.zeros((1, 1, 16), np.float32)
    shift[..., :2] = 2.0
    dup = g.op("Mul", [g.op("Add", [rows, g.const(shift)]), present])
    dup = g.op("Mul", [dup, g.const(np.r_[np.ones(14), 0.7 / SCORE, 1.0].astype(np.float32))])
    pad = g.const(np.zeros((1, YOLO_ROWS - 2 * N_CLASSES, 16), np.float32))
    g.op("Concat", [rows, dup, pad], axis=1, out=["outputs"])
    return g.model([_tensor("images", T.FLOAT, [1, 3, size, size])], [_tensor("outputs", T.FLOAT, [1, YOLO_ROWS, 16])])


FIXTURES = {"scrfd.onnx": build_scrfd, "yolov6_face.onnx": build_yolov6_face}


def write_all(out_dir: Path) -> dict[str, Path]:
    return save_models(out_dir, FIXTURES)


def main() -> None:
    run_cli(__doc__, write_all)


if __name__ == "__main__":
    main()
