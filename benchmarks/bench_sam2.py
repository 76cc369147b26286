"""SAM 2 image latency with the tiny SAM 2.1 export (random weights, made by
``scripts/export_sam2_onnx.py``: the real tensor interface and cost, not its masks).

Usage: python benchmarks/bench_sam2.py [--export DIR] [--clicks 40] [--grid 16]

Prints, on a darknet photo:
1. the encoder time per image;
2. click latency against the bare decoder ``session.run`` with the same feeds (three
   tensors from the encoder, the fed-back mask), p50/p95: click -> preview and click ->
   polygon, as ``bench_sam.py`` does for SAM 1;
3. "segment everything" on a ``--grid`` x ``--grid`` point grid against the bare batched
   decoder runs of the same grid (what the scores, stability, NMS and polygons add).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_sam import PHOTOS, bench_clicks, report  # noqa: E402

from anylabel.core.image_io import read_image_rgb  # noqa: E402
from anylabel.inference.config import config_from_dict  # noqa: E402
from anylabel.inference.registry import create_model  # noqa: E402
from anylabel.inference.sam.auto_masks import batch_limit, point_grid  # noqa: E402
from anylabel.inference.sam.decoder import Prompt  # noqa: E402

DEFAULT_EXPORT = Path(os.environ.get("ANYLABEL_SAM2_EXPORT", "~/.cache/anylabel/sam2")).expanduser()


def bench_everything(model, emb, grid: int, rounds: int) -> tuple[list[float], list[float], int]:
    """(bare batched decoder seconds, segment_everything seconds, objects) per round."""
    dec = model.decoder
    s = model.auto_settings
    pts = point_grid(grid, emb.frame.orig_w, emb.frame.orig_h)
    step = max(1, min(s.points_per_batch, batch_limit(dec)))
    bare, full, found = [], [], 0
    for _ in range(rounds):
        t = 0.0
        for start in range(0, len(pts), step):
            chunk = pts[start:start + step]
            # The same feeds decode_points builds, made outside the timer.
            rows = [dec.feeds(emb, Prompt([(float(x), float(y))], [1]), None) for x, y in chunk]
            feeds = dict(rows[0])
            for name in (dec.spec.coords_input, dec.spec.labels_input, dec.spec.mask_input, dec.spec.has_mask_input):
                if name is not None:
                    feeds[name] = np.concatenate([r[name] for r in rows])
            t0 = time.perf_counter()
            dec.session.session.run(None, feeds)
            t += time.perf_counter() - t0
        bare.append(t)
        t0 = time.perf_counter()
        shapes = model.segment_everything(emb)
        full.append(time.perf_counter() - t0)
        found = len({sh.group_id for sh in shapes})
    return bare, full, found


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--export", type=Path, default=DEFAULT_EXPORT)
    ap.add_argument("--clicks", type=int, default=40)
    ap.add_argument("--grid", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    enc = args.export / "sam2.1_hiera_tiny.encoder.onnx"
    dec = args.export / "sam2.1_hiera_tiny.decoder.onnx"
    if not (enc.is_file() and dec.is_file()):
        print(f"skipped: no SAM 2 export in {args.export} (run scripts/export_sam2_onnx.py)")
        return 0
    photos = sorted(PHOTOS.glob("*.jpg"))
    if not photos:
        print("skipped: needs the darknet photos (scripts/bootstrap.sh dev)")
        return 0
    # Random weights score every candidate low: keep all of them so the whole path runs.
    model = create_model(config_from_dict({
        "type": "segment_anything_2", "name": "sam2_tiny_bench", "encoder_model_path": str(enc),
        "decoder_model_path": str(dec), "epsilon": 0.001, "amg_pred_iou_thresh": 0.0,
        "amg_stability_score_thresh": 0.0, "amg_min_area": 100}), device="cpu")
    image = read_image_rgb(photos[0])
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        model.encoder.encode(image)
        times.append(time.perf_counter() - t0)
    print(f"encoder: {min(times) * 1000:.0f} ms per image ({photos[0].name}, {image.shape[1]}x{image.shape[0]})")
    emb = model.embed(image)
    bench_clicks(model, image, emb, 5)  # warm-up
    report("sam2 click", bench_clicks(model, image, emb, args.clicks))
    bare, full, found = bench_everything(model, emb, args.grid, args.rounds)
    b, f = sorted(bare)[len(bare) // 2], sorted(full)[len(full) // 2]
    print(f"segment everything {args.grid}x{args.grid} grid: bare decoder runs {b * 1000:.0f} ms, "
          f"segment_everything {f * 1000:.0f} ms, ratio {f / b:.2f}x ({found} objects, medians of {args.rounds})")
    model.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
