#!/usr/bin/env python3
"""Throughput of ``anylabel predict --engine ray`` against the local engine and the floor.

Prints images/second for
- floor:        ``session.run`` alone on a pre-processed input (nothing else);
- local:        the batch engine on this machine (``--engine local``, the default);
- ray N:        the same job on a local Ray with N actors (``--engine ray --workers N``);
and the Ray overhead per image against the local engine (goal: under 10 % at 1 worker).
Model loading and Ray start-up (actors loading the model) are excluded from every rate:
they are paid once per job, not per image. Each engine run sits between two floor runs and
is compared with their mean (paired ratios: the machine may be shared).

Needs Ray (``scripts/test_ray.sh`` makes .venv-ray with it):

    .venv-ray/bin/python benchmarks/bench_scale.py [--model PATH.onnx|CONFIG] [--images 300] [--rounds 3]

Default model: the untrained 320 px YOLOv8n of ``scripts/train_fixture_models.py --bench-model``
(as ``bench_predict.py``); ``--model models/configs/fixture_shapes_det.yaml`` works anywhere.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "scripts"))

from bench_predict import DEFAULT_MODEL, config_for, make_images  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(DEFAULT_MODEL))
    ap.add_argument("--images", type=int, default=300)
    ap.add_argument("--conf", type=float, default=1e-4)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=32, help="images per Ray batch")
    ap.add_argument("--ray-niceness", type=int, default=0, help="niceness of the Ray workers (Ray's default: 15)")
    args = ap.parse_args()
    if not args.model.endswith((".yaml", ".yml")) and not Path(args.model).exists():
        print(f"{args.model} is missing: run 'python scripts/train_fixture_models.py --bench-model' first")
        return 2
    try:
        import ray
    except ImportError:
        print("Ray is not installed here: run scripts/test_ray.sh once, then use .venv-ray/bin/python")
        return 2
    from anylabel.core.image_io import read_image_rgb
    from anylabel.inference import create_model
    from anylabel.inference.batch import BatchJob
    from anylabel.inference.engines.local import LocalEngine
    from anylabel.inference.engines.ray_engine import RAY_NICENESS_ENV, RayEngine

    tmp = Path(tempfile.mkdtemp(prefix="anylabel_bench_scale_"))
    try:
        folder = tmp / "images"
        folder.mkdir()
        paths = make_images(folder, args.images)
        cfg = config_for(args.model, args.conf, tmp)
        model = create_model(cfg, device="cpu")
        cores = os.cpu_count()
        print(f"model {args.model} input {model.input_hw}, {cores} cores, {args.images} images 640x480 JPEG, "
              f"Ray {ray.__version__}, batch {args.batch_size}")
        # One local Ray for all runs (the engine leaves a Ray it did not start running), with
        # its workers at the priority the engine gives its own local Ray (--ray-niceness 15:
        # Ray's default, as the figures before that change).
        os.environ.setdefault(RAY_NICENESS_ENV, str(args.ray_niceness))
        print(f"Ray workers at niceness {os.environ[RAY_NICENESS_ENV]}")
        ray.init(address="local", num_cpus=max(2, cores or 1), include_dashboard=False, log_to_driver=False,
                 logging_level="ERROR")

        feeds, _ = model.preprocess(read_image_rgb(paths[0]))
        for _ in range(5):
            model.infer(feeds)

        def floor_run() -> float:
            t0 = time.perf_counter()
            for _ in range(args.images):
                model.infer(feeds)
            return args.images / (time.perf_counter() - t0)

        def clear() -> None:
            for j in folder.glob("*.json"):
                j.unlink()

        finish_seconds: dict[str, list[float]] = {}
        startup: dict[str, list[float]] = {}

        def engine_run(key: str, make) -> float:  # type: ignore[no-untyped-def]
            clear()
            engine = make()
            job = BatchJob(model, paths)
            spent = [0.0]
            finish = job.finish

            def timed_finish(*a) -> None:  # type: ignore[no-untyped-def]
                t = time.perf_counter()
                finish(*a)
                spent[0] += time.perf_counter() - t

            job.finish = timed_finish  # type: ignore[method-assign]
            summary = job.run(engine)
            assert summary.processed == args.images and not summary.failed, summary.line()
            seconds = summary.seconds - getattr(engine, "startup_seconds", 0.0)
            finish_seconds.setdefault(key, []).append(spent[0] / args.images)
            startup.setdefault(key, []).append(getattr(engine, "startup_seconds", 0.0))
            return args.images / seconds

        runs = {
            "local": lambda: LocalEngine(),
            "ray 1 worker": lambda: RayEngine(workers=1, batch_size=args.batch_size),
            "ray 2 workers": lambda: RayEngine(workers=2, batch_size=args.batch_size),
        }
        res: dict[str, list[float]] = {"floor": [], **{k: [] for k in runs}}
        ratios: dict[str, list[float]] = {k: [] for k in runs}
        prev = floor_run()
        res["floor"].append(prev)
        for _ in range(args.rounds):
            for key, make in runs.items():
                ips = engine_run(key, make)
                nxt = floor_run()
                res[key].append(ips)
                res["floor"].append(nxt)
                ratios[key].append(ips / ((prev + nxt) / 2))
                prev = nxt
        print(f"{'':26s} {'best':>8s} {'median':>8s} images/s   paired ratio to floor: median (min-max)")
        for key in res:
            line = f"{key:26s} {max(res[key]):8.2f} {float(np.median(res[key])):8.2f}"
            if key in ratios:
                r = ratios[key]
                line += f"   {float(np.median(r)):.2f} ({min(r):.2f}-{max(r):.2f})"
            print(line)
        local = float(np.median(ratios["local"]))
        for key in ("ray 1 worker", "ray 2 workers"):
            # Per-image time against the local engine's, from the paired ratios.
            overhead = local / float(np.median(ratios[key])) - 1.0
            print(f"{key}: {100 * overhead:+.1f} % time per image against the local engine")
        for key in runs:
            per_image = 1000 * float(np.median(finish_seconds[key]))
            print(f"{key}: merge+write on the driver {per_image:.2f} ms/image, "
                  f"start-up (Ray, actors loading the model) {float(np.median(startup[key])):.2f} s per job")
        ray.shutdown()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
