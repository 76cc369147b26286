#!/usr/bin/env python3
"""Decode cost of the DETR, face, depth, RMBG and SAM-variant model types against the bare
``session.run`` on their contract fixtures (scripts/build_*_fixtures.py).

Per model type, on the same synthetic 480 x 640 images:
- bare:     ``session.run`` alone on pre-computed inputs (the floor);
- pipeline: ``run_pipeline`` (pre-processing, run, decode overlapped, as ``anylabel predict``);
- decode:   milliseconds per image in ``postprocess`` alone;
and pipeline / bare (median and lowest of the rounds). The fixtures' graphs are far
cheaper than real networks (a few ms instead of tens to hundreds), so the ratio here is a
pessimistic bound: the same pre-processing and decode next to a real model's run is a
much smaller share.

With ``--busy N`` it measures instead the whole ``anylabel predict`` pipeline (decode,
pre-processing, run, decode, label files, overlapped) against the bare run on an RT-DETRv2
fixture made as costly as a real model (640 x 640, N do-nothing convolutions in front).

    .venv/bin/python benchmarks/bench_decode_dense.py [--images 40] [--rounds 3] [--busy 1]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "tests" / "unit" / "inference"))


def configs(fx_dir: Path) -> dict[str, dict]:
    import build_dense_fixtures
    import build_detr_family_fixtures
    import build_face_fixtures

    d = {}
    for mod, sub in ((build_detr_family_fixtures, "detr"), (build_face_fixtures, "faces"), (build_dense_fixtures, "dense")):
        mod.write_all(fx_dir / sub)
    classes = ["red", "green", "blue"]
    for t, f in {"rtdetrv2": "detr_postprocessed", "dfine": "detr_postprocessed", "rio_detr": "detr_rotated",
                 "rtdetr": "detr_query_table_paddle", "u_rtdetr": "detr_query_table_ultralytics",
                 "dfine_seg": "detr_dfine_seg", "rfdetr_seg": "detr_rfdetr_seg"}.items():
        d[t] = {"type": t, "model_path": str(fx_dir / "detr" / f"{f}.onnx"), "conf_threshold": 0.5, "classes": classes}
    d["rfdetr"] = {"type": "rfdetr", "model_path": str(fx_dir / "detr" / "detr_rfdetr.onnx"), "conf_threshold": 0.5,
                   "input_width": 224, "input_height": 224, "classes": {1: "red", 3: "green", 5: "blue"}}
    d["rfdetr_seg"]["classes"] = {1: "red", 3: "green", 5: "blue"}
    kp = {"face": ["a", "b", "c", "d", "e"]}
    d["scrfd"] = {"type": "scrfd", "model_path": str(fx_dir / "faces" / "scrfd.onnx"), "classes": kp}
    d["yolov6_face"] = {"type": "yolov6_face", "model_path": str(fx_dir / "faces" / "yolov6_face.onnx"), "classes": kp}
    d["depth_anything_v2"] = {"type": "depth_anything_v2", "model_path": str(fx_dir / "dense" / "depth_anything_v2.onnx")}
    d["rmbg"] = {"type": "rmbg", "model_path": str(fx_dir / "dense" / "rmbg_v14.onnx")}
    return d


def bench(cfg_data: dict, images: list[np.ndarray], rounds: int) -> tuple[float, float, float, float, float]:
    """(bare img/s, pipeline img/s, median ratio, min ratio, decode ms): rounds alternate a
    bare run and ``run_pipeline`` (as ``anylabel predict`` overlaps the stages), both on
    the same in-memory images, so both see the same machine load."""
    import statistics

    from anylabel.inference import create_model
    from anylabel.inference.config import config_from_dict
    from anylabel.inference.pipeline import run_pipeline

    model = create_model(config_from_dict({"name": cfg_data["type"], **cfg_data}), device="cpu")
    prepped = [model.preprocess(im) for im in images]
    outs = [model.infer(p[0]) for p in prepped]
    t0 = time.perf_counter()
    for o, (_, meta) in zip(outs, prepped):
        model.postprocess(o, meta)
    decode = (time.perf_counter() - t0) / len(outs) * 1e3
    bares, pipes, ratios = [], [], []
    n = len(images)
    for _ in range(rounds):
        t0 = time.perf_counter()
        for feeds, _ in prepped:
            model.infer(feeds)
        bares.append(n / (time.perf_counter() - t0))
        done: list = []
        t0 = time.perf_counter()
        run_pipeline(model, range(n), lambda i: (images[i], None), lambda i, pred, ctx, err: done.append(err))
        pipes.append(n / (time.perf_counter() - t0))
        assert len(done) == n and not any(done), done
        ratios.append(pipes[-1] / bares[-1])
    model.close()
    return statistics.median(bares), statistics.median(pipes), statistics.median(ratios), min(ratios), decode


def pipeline_vs_floor(images: list[np.ndarray], busy: int, rounds: int) -> None:
    import contextlib
    import io

    import cv2
    import yaml

    import build_detr_family_fixtures as fx
    from anylabel.cli.main import main as cli
    from anylabel.core.image_io import read_image_rgb
    from anylabel.inference import create_model

    import onnx

    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        onnx.save(fx.build("postprocessed", (640, 640), busy=busy), str(t / "busy.onnx"))
        cfg = t / "rtdetrv2.yaml"
        cfg.write_text(yaml.safe_dump({"type": "rtdetrv2", "name": "bench", "model_path": "busy.onnx",
                                       "conf_threshold": 0.5, "classes": ["red", "green", "blue"]}))
        folder = t / "images"
        folder.mkdir()
        for i, im in enumerate(images):
            cv2.imwrite(str(folder / f"im{i:04d}.png"), im[:, :, ::-1])
        model = create_model(cfg, device="cpu")
        feeds, _ = model.preprocess(read_image_rgb(folder / "im0000.png"))
        model.infer(feeds)
        n = len(images)
        for r in range(rounds):
            t0 = time.perf_counter()
            for _ in range(n):
                model.infer(feeds)
            floor = n / (time.perf_counter() - t0)
            for p in folder.glob("*.json"):
                p.unlink()
            err = io.StringIO()
            t0 = time.perf_counter()
            with contextlib.redirect_stderr(err):
                rc = cli(["predict", "--model", str(cfg), "--input", str(folder), "--device", "cpu", "--quiet"])
            pipe = n / (time.perf_counter() - t0)
            assert rc == 0 and len(list(folder.glob("*.json"))) == n, err.getvalue()
            print(f"round {r + 1}: floor {floor:.2f} img/s, anylabel predict {pipe:.2f} img/s "
                  f"(model loading included), ratio {pipe / floor:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--images", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--types", nargs="*", help="only these model types")
    ap.add_argument("--busy", type=int, default=0, metavar="N",
                    help="measure the predict pipeline on a costly RT-DETRv2 fixture instead")
    args = ap.parse_args()
    from _squares import scene

    images = [scene(480, 640, seed=i)[0] for i in range(args.images)]
    if args.busy:
        pipeline_vs_floor(images, args.busy, args.rounds)
        return
    with tempfile.TemporaryDirectory() as tmp:
        cfgs = configs(Path(tmp))
        print(f"{'type':<20} {'bare img/s':>10} {'pipeline img/s':>14} {'ratio (min)':>12} {'decode ms':>10}")
        for name, data in cfgs.items():
            if args.types and name not in args.types:
                continue
            f, p, r, rmin, d = bench(data, images, args.rounds)
            print(f"{name:<20} {f:>10.1f} {p:>14.1f} {r:>6.2f} ({rmin:.2f}) {d:>10.2f}")


if __name__ == "__main__":
    main()
