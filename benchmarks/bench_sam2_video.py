"""SAM 2 video propagation: time per frame through the engine against bare ``session.run``
calls of the same four parts with the same feeds.

Usage: python benchmarks/bench_sam2_video.py [--models DIR] [--prefix NAME] [--frames 12] [--objects 1]

``--models`` holds the parts ``scripts/export_sam2_video_onnx.py`` writes (default
/tmp/sam2t, the tiny SAM 2.1 architecture with random weights: the speed and interface of
the real model, not its masks). Per tracked frame the engine runs the encoder once and, for
each object, memory attention, the decoder and the memory encoder, plus its own work (frame
resize and normalisation, memory selection and stacking, mask choice, upsampling to the
frame). The reference runs exactly those sessions with feeds prepared beforehand (the same
memory counts), so the ratio is the engine's overhead. Goal: at most 1.2x.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from anylabel.inference.sam2_video.parts import INTERFACE, Sam2VideoParts, prepare_frame  # noqa: E402
from anylabel.inference.sam2_video.prompts import FramePrompt  # noqa: E402
from anylabel.inference.sam2_video.tracker import VideoTracker  # noqa: E402


def clip(n: int, w: int = 640, h: int = 480) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    bg = rng.integers(90, 140, (h, w, 3), dtype=np.uint8)
    frames = []
    for t in range(n):
        f = bg.copy()
        x, y = 80 + 12 * t, 200 + 3 * t
        f[y - 30:y + 30, x - 30:x + 30] = (220, 40, 40)
        frames.append(f)
    return frames


def engine_run(parts: Sam2VideoParts, frames: list[np.ndarray], objects: int) -> tuple[list[float], list]:
    tracker = VideoTracker(parts, lambda i: frames[i], len(frames), cache_frames=2)
    for o in range(objects):
        tracker.add_prompt(o + 1, FramePrompt(0, [(80.0 + 5 * o, 200.0)], [1]))
    times, plans = [], []
    real_attend = parts.attend

    def recording_attend(frame, memories, tpos, ptrs, ptr_tpos):
        plans[-1].append((len(memories), len(ptrs)))
        return real_attend(frame, memories, tpos, ptrs, ptr_tpos)

    parts.attend = recording_attend
    try:
        it = tracker.propagate("forward")
        next(it)   # the prompted frame
        while True:
            plans.append([])
            t0 = time.perf_counter()
            try:
                next(it)
            except StopIteration:
                plans.pop()
                break
            times.append(time.perf_counter() - t0)
    finally:
        parts.attend = real_attend
    return times, plans


def bare_run(parts: Sam2VideoParts, frames: list[np.ndarray], plans: list) -> list[float]:
    """The same session runs, feeds prepared outside the timing."""
    rng = np.random.default_rng(1)
    enc_feeds = [{"image": prepare_frame(f)} for f in frames[1:len(plans) + 1]]
    feat = {k: rng.standard_normal(s).astype(np.float32) for k, s in (
        ("vision_feats", (1, 256, 64, 64)), ("vision_pos_enc", (1, 256, 64, 64)),
        ("high_res_feats_0", (1, 32, 256, 256)), ("high_res_feats_1", (1, 64, 128, 128)))}
    dec = {"image_embed": feat["vision_feats"], "high_res_feats_0": feat["high_res_feats_0"],
           "high_res_feats_1": feat["high_res_feats_1"], "point_coords": np.zeros((1, 1, 2), np.float32),
           "point_labels": -np.ones((1, 1), np.float32), "mask_input": np.zeros((1, 1, 256, 256), np.float32),
           "has_mask_input": np.zeros(1, np.float32)}
    memenc = {"vision_feats": feat["vision_feats"], "mask_logits": np.zeros((1, 1, 256, 256), np.float32),
              "object_score_logits": np.ones((1, 1), np.float32)}
    times = []
    for feeds, plan in zip(enc_feeds, plans):
        att = [{"vision_feats": feat["vision_feats"], "vision_pos_enc": feat["vision_pos_enc"],
                "memory": rng.standard_normal((m, 64, 64, 64)).astype(np.float32),
                "memory_pos": rng.standard_normal((m, 64, 64, 64)).astype(np.float32),
                "memory_tpos": np.zeros(m, np.int64), "obj_ptrs": rng.standard_normal((p, 256)).astype(np.float32),
                "obj_ptr_tpos": np.zeros(p, np.float32)} for m, p in plan]
        t0 = time.perf_counter()
        parts.encoder.run(feeds, list(INTERFACE["encoder"][1]))
        for a in att:
            parts.memory_attention.run(a, ["image_embed"])
            parts.decoder.run(dec, list(INTERFACE["decoder"][1]))
            parts.memory_encoder.run(memenc, list(INTERFACE["memory_encoder"][1]))
        times.append(time.perf_counter() - t0)
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", type=Path, default=Path("/tmp/sam2t"))
    ap.add_argument("--prefix", default="sam2.1_hiera_tiny")
    ap.add_argument("--frames", type=int, default=6)
    ap.add_argument("--objects", type=int, default=1)
    args = ap.parse_args()
    files = [args.models / f"{args.prefix}.{p}.onnx" for p in
             ("video_encoder", "memory_attention", "memory_encoder", "video_decoder")]
    if not all(f.is_file() for f in files):
        print(f"{args.models}: no {args.prefix}.*.onnx; run scripts/export_sam2_video_onnx.py --out {args.models}")
        return 2
    parts = Sam2VideoParts.from_files(*map(str, files), device="cpu")
    frames = clip(args.frames + 1)
    engine_run(parts, frames[:2], args.objects)   # warm-up: one tracked frame
    eng, plans = engine_run(parts, frames, args.objects)
    bare = bare_run(parts, frames, plans)
    # Interleave a second round of each to even out load changes on a shared machine.
    eng2, _ = engine_run(parts, frames, args.objects)
    bare2 = bare_run(parts, frames, plans)
    e, b = statistics.median(eng + eng2), statistics.median(bare + bare2)
    print(f"{args.frames} tracked frames, {args.objects} object(s), 640x480, memories per frame "
          f"{plans[0][0][0]}..{plans[-1][0][0]}, pointers {plans[0][0][1]}..{plans[-1][0][1]}")
    print(f"engine  per frame: median {e * 1000:.0f} ms (p90 {np.percentile(eng + eng2, 90) * 1000:.0f} ms)")
    print(f"bare sessions    : median {b * 1000:.0f} ms (p90 {np.percentile(bare + bare2, 90) * 1000:.0f} ms)")
    print(f"ratio engine / bare: {e / b:.3f} (goal <= 1.2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
