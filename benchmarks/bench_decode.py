#!/usr/bin/env python3
"""Decode + NMS cost of each YOLO-family layout, against the bare ``session.run``.

For every contract fixture of ``scripts/build_yolo_family_fixtures.py`` (and the shipped
Ultralytics-layout fixtures) prints, on the same synthetic images:
- bare:     ``session.run`` alone on pre-processed inputs, one after another (the floor);
- decode:   milliseconds per image of ``postprocess`` (decode + NMS + shapes) alone;
- pipeline: ``run_pipeline`` (decode / pre-process, inference and post-process overlapped,
            as ``anylabel predict`` runs them) on the in-memory images;
and the ratio pipeline / bare throughput (goal >= 0.9x). Rounds alternate bare and
pipeline runs so that both see the same machine load.

    .venv/bin/python benchmarks/bench_decode.py [--images 200] [--rounds 3] [--conf 0.05]

Needs the onnx package (requirements-dev.txt) to build the fixtures.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

DET = ["circle", "rectangle", "triangle"]
#: label -> (fixture, XAL type, classes, synthetic task)
FAMILIES = {
    "yolov8 [1,4+nc,N]": ("models/fixtures/shapes_det.onnx", "yolov8", DET, "det"),
    "yolov5/6/7 [1,N,5+nc]": ("models/fixtures/shapes_det_v5layout.onnx", "yolov5", DET, "det"),
    "yolov10/yolo26 e2e": ("yolov10", "yolo26", DET, "det"),
    "yolox grid": ("yolox", "yolox", DET, "det"),
    "yolo_nas 2 outputs": ("yolo_nas", "yolo_nas", DET, "det"),
    "damo_yolo 2 outputs": ("damo_yolo", "damo_yolo", DET, "det"),
    "yolov8_seg": ("models/fixtures/shapes_seg.onnx", "yolov8_seg", DET, "seg"),
    "yolov5_seg": ("yolov5_seg", "yolov5_seg", DET, "seg"),
    "yolo26_seg e2e": ("yolo26_seg", "yolo26_seg", DET, "seg"),
    "yolo26_pose e2e": ("yolo26_pose", "yolo26_pose", ["arrow"], "pose"),
    "yolov5_obb csl": ("yolov5_obb", "yolov5_obb", ["bar", "plate"], "obb"),
    "yolo26_obb e2e": ("yolo26_obb", "yolo26_obb", ["bar", "plate"], "obb"),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--images", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--conf", type=float, default=0.05, help="low, so that NMS has work to do")
    args = ap.parse_args()

    import build_yolo_family_fixtures as fx
    import synthetic_shapes as syn

    from anylabel.inference import create_model
    from anylabel.inference.config import config_from_dict
    from anylabel.inference.pipeline import run_pipeline

    work = Path(tempfile.mkdtemp(prefix="bench_decode_"))
    built = fx.build(work)
    print(f"{'family':24s} {'bare img/s':>10s} {'decode ms':>9s} {'pipeline img/s':>14s} {'ratio':>12s}")
    for label, (src, xal_type, classes, task) in FAMILIES.items():
        path = REPO / src if src.endswith(".onnx") else built[src]
        cfg = config_from_dict({"type": xal_type, "name": label, "model_path": str(path),
                                "conf_threshold": args.conf, "iou_threshold": 0.5, "classes": classes,
                                **({"keypoints": ["apex", "base_a", "base_b"]} if task == "pose" else {})},
                               work / "x.yaml")
        model = create_model(cfg, device="cpu")
        model.pipelined = True
        rng = np.random.default_rng(1)
        imgs = [syn.make_sample(rng, task, h=120, w=160)[0] for _ in range(args.images)]
        prepped = [model.preprocess(im) for im in imgs]
        sess = model.session
        for feed, _ in prepped[:5]:
            sess.run(feed)
        outs = [sess.run(feed) for feed, _ in prepped[:50]]
        t0 = time.perf_counter()
        for o, (_, meta) in zip(outs, prepped):
            model.postprocess(o, meta)
        decode_ms = (time.perf_counter() - t0) / len(outs) * 1e3
        ratios, bares, pipes = [], [], []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            for feed, _ in prepped:
                sess.run(feed)
            bare = len(prepped) / (time.perf_counter() - t0)
            done = []
            t0 = time.perf_counter()
            run_pipeline(model, range(len(imgs)), lambda i: (imgs[i], None),
                         lambda i, pred, ctx, err: done.append(err))
            pipe = len(imgs) / (time.perf_counter() - t0)
            assert len(done) == len(imgs) and not any(done)
            bares.append(bare)
            pipes.append(pipe)
            ratios.append(pipe / bare)
        print(f"{label:24s} {statistics.median(bares):10.0f} {decode_ms:9.2f} {statistics.median(pipes):14.0f} "
              f"{statistics.median(ratios):6.2f}x ({min(ratios):.2f}-{max(ratios):.2f})")
        model.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
