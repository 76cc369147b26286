#!/usr/bin/env python3
"""Throughput of batch auto-labeling against its floor, the bare ``session.run`` time.

Prints images/second for
- floor:      ``session.run`` alone on a pre-processed input (nothing else);
- sequential: decode -> predict -> merge -> write, one image after another;
- pipeline:   ``anylabel predict`` on the folder (decode / pre / post / write overlap inference);
and the ratio pipeline / floor.

Default model: an untrained YOLOv8n-shaped detector exported at 320 px by
``scripts/train_fixture_models.py --bench-model`` (speed does not depend on the weights).
Its scores are tiny, so ``--conf`` defaults to 1e-4, which lets ~20 boxes per image
through NMS and into the label files, like a real run.

    .venv/bin/python benchmarks/bench_predict.py [--model PATH.onnx|CONFIG] [--images 150]
"""
from __future__ import annotations

import argparse
import contextlib
import io
import re
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

DEFAULT_MODEL = Path(os.environ.get("FIXTURE_WORK", "/tmp/anylabel_fixture_training")) / "yolov8n_320_untrained.onnx"


def make_images(folder: Path, n: int, size=(480, 640)) -> list[Path]:
    from synthetic_shapes import make_sample

    rng = np.random.default_rng(0)
    paths = []
    for i in range(n):
        img, _ = make_sample(rng, "det", size[0], size[1], max_objects=6, min_size=30, max_size=120)
        p = folder / f"img{i:05d}.jpg"
        cv2.imwrite(str(p), img[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 90])
        paths.append(p)
    return paths


def config_for(model: str, conf: float, tmp: Path) -> Path:
    if model.endswith((".yaml", ".yml")):
        return Path(model)
    cfg = tmp / "bench.yaml"
    cfg.write_text(f"type: yolov8\nname: bench\nmodel_path: {Path(model).resolve()}\nconf_threshold: {conf}\n"
                   "classes: coco80\n")
    return cfg


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(DEFAULT_MODEL))
    ap.add_argument("--images", type=int, default=150)
    ap.add_argument("--conf", type=float, default=1e-4)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if not args.model.endswith((".yaml", ".yml")) and not Path(args.model).exists():
        print(f"{args.model} is missing: run 'python scripts/train_fixture_models.py --bench-model' first")
        return 2
    from anylabel.cli.main import main as cli
    from anylabel.core.image_io import read_image_rgb
    from anylabel.core.label_file import label_path_for, new_annotation_for, write_label_file
    from anylabel.inference import create_model
    from anylabel.inference.apply import apply_prediction

    tmp = Path(tempfile.mkdtemp(prefix="anylabel_bench_"))
    try:
        folder = tmp / "images"
        folder.mkdir()
        paths = make_images(folder, args.images)
        cfg = config_for(args.model, args.conf, tmp)
        model = create_model(cfg, device="cpu")
        print(f"model {args.model} input {model.input_hw}, {os.cpu_count()} cores, {args.images} images 640x480 JPEG")

        feeds, _ = model.preprocess(read_image_rgb(paths[0]))
        for _ in range(5):
            model.infer(feeds)

        def floor_run() -> float:
            t0 = time.perf_counter()
            for _ in range(args.images):
                model.infer(feeds)
            return args.images / (time.perf_counter() - t0)

        def sequential_run() -> float:
            t0 = time.perf_counter()
            for p in paths:
                pred = model.predict_result(read_image_rgb(p))
                ann = new_annotation_for(p, [], None)
                if apply_prediction(ann, pred):
                    write_label_file(label_path_for(p), ann)
            return args.images / (time.perf_counter() - t0)

        def pipeline_run() -> float:
            for j in folder.glob("*.json"):
                j.unlink()
            err = io.StringIO()
            with contextlib.redirect_stderr(err):  # the CLI reports its own rate (model loading excluded)
                rc = cli(["predict", "--model", str(cfg), "--input", str(folder), "--device", "cpu", "--quiet"])
            assert rc == 0 and len(list(folder.glob("*.json"))) == args.images, err.getvalue()
            return float(re.search(r"\(([0-9.]+)/s\)", err.getvalue()).group(1))

        # The machine may be shared: every pipeline/sequential run sits between two floor runs
        # and is compared with their mean (paired ratios); best and median are reported.
        res: dict[str, list[float]] = {"floor": [], "sequential": [], "pipeline": []}
        ratios: dict[str, list[float]] = {"sequential": [], "pipeline": []}
        prev_floor = floor_run()
        res["floor"].append(prev_floor)
        for _ in range(args.rounds):
            for key, fn in (("sequential", sequential_run), ("pipeline", pipeline_run)):
                for j in folder.glob("*.json"):
                    j.unlink()
                ips = fn()
                nxt = floor_run()
                res[key].append(ips)
                res["floor"].append(nxt)
                ratios[key].append(ips / ((prev_floor + nxt) / 2))
                prev_floor = nxt
        print(f"{'':30s} {'best':>8s} {'median':>8s} images/s   paired ratio to floor: median (min-max)")
        for k, title in (("floor", "floor (session.run only)"), ("sequential", "sequential decode+run+write"),
                         ("pipeline", "anylabel predict (pipeline)")):
            line = f"{title:30s} {max(res[k]):8.2f} {float(np.median(res[k])):8.2f}"
            if k in ratios:
                r = ratios[k]
                line += f"   {float(np.median(r)):.2f} ({min(r):.2f}-{max(r):.2f})"
            print(line)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
