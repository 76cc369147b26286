"""Tracking time per frame with 50 objects (the detector excluded), and MOT scores.

Usage: python benchmarks/bench_tracking.py [FRAMES] [--reid MODEL.onnx]
Prints, per tracker: milliseconds per frame for 50 objects (synthetic 'many'
sequence, noisy detections), then MOTA / IDF1 / id switches / FP / misses on the
'easy', 'crowded' and 'occlusion' synthetic sequences (two seeds each). With --reid, the
appearance tracker is also timed with that embedder (its crops and inference count).
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from anylabel.inference.trackers import create_tracker
from anylabel.inference.trackers.evaluation import make_sequence, noisy_detections, run_tracker, score


def time_tracker(name: str, cfg: dict | None, dets, frames=None) -> float:
    tr = create_tracker(name, cfg)
    run_tracker(tr, dets[:10], frames[:10] if frames is not None else None)   # warm-up
    t0 = time.perf_counter()
    run_tracker(tr, dets, frames)
    return (time.perf_counter() - t0) * 1000 / len(dets)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("frames", nargs="?", type=int, default=200)
    ap.add_argument("--reid", help="ONNX embedder for the appearance tracker timing")
    args = ap.parse_args()

    many = make_sequence("many", args.frames, seed=0)
    dets = noisy_detections(many, seed=0)
    n_dets = np.mean([len(d) for d in dets])
    print(f"50 objects, {args.frames} frames, {n_dets:.1f} detections/frame on average")
    for name in ("bytetrack", "ocsort", "botsort"):
        print(f"  {name:10s} {time_tracker(name, None, dets):7.2f} ms/frame (motion only)")
    if args.reid:
        rng = np.random.default_rng(0)
        frames = [rng.integers(0, 255, (many.height, many.width, 3), dtype=np.uint8)] * args.frames
        ms = time_tracker("botsort", {"reid_model": args.reid}, dets, frames)
        print(f"  {'botsort':10s} {ms:7.2f} ms/frame with the embedder ({args.reid})")

    # Camera motion compensation: its own cost per frame (1280 x 720, a shifting textured image).
    import cv2

    from anylabel.inference.trackers.gmc import CameraMotion

    rng = np.random.default_rng(0)
    base = cv2.GaussianBlur(rng.integers(0, 255, (720, 1400, 3), dtype=np.uint8), (7, 7), 0)
    cam = CameraMotion()
    cam.estimate(base[:, :1280])
    t0 = time.perf_counter()
    for i in range(1, 31):
        cam.estimate(np.ascontiguousarray(base[:, 3 * i:3 * i + 1280]))
    print(f"  camera motion (gmc_method: sparseOptFlow) {(time.perf_counter() - t0) * 1000 / 30:7.2f} ms/frame at 1280x720")

    print("\nMOT scores (py-motmetrics), seeds 0 and 1, 120 frames (occlusion: 150)")
    print(f"  {'sequence':9s} {'tracker':10s} {'MOTA':>6s} {'IDF1':>6s} {'IDsw':>5s} {'FP':>5s} {'miss':>5s}")
    for kind in ("easy", "crowded", "occlusion"):
        hidden = (560, 660) if kind == "occlusion" else None
        for name in ("bytetrack", "ocsort", "botsort"):
            rows = []
            for seed in (0, 1):
                seq = make_sequence(kind, 150 if kind == "occlusion" else 120, seed=seed)
                dets = noisy_detections(seq, seed=seed, hidden_x=hidden)
                rows.append(score(seq, run_tracker(create_tracker(name), dets)))
            m = {k: np.mean([r[k] for r in rows]) for k in rows[0]}
            print(f"  {kind:9s} {name:10s} {m['mota']:6.3f} {m['idf1']:6.3f} {m['num_switches']:5.1f} "
                  f"{m['num_false_positives']:5.1f} {m['num_misses']:5.1f}")


if __name__ == "__main__":
    main()
