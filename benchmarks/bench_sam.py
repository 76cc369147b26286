"""SAM latency figures with the MobileSAM pair (../shared/models, random weights: the
speed and tensor interface of the real export, not its masks).

Usage: python benchmarks/bench_sam.py [--models DIR] [--clicks 40] [--images 7]

Prints:
1. click latency against the bare decoder ``session.run`` with the same feeds, p50/p95,
   on a cached image: click -> preview (decoder with the fed-back mask + the overlay)
   and click -> polygon (decoder + mask -> polygon), and mask -> polygon alone; and the
   same right after an image opens while the store has the next images queued (with and
   without the GUI's pause);
2. "next image" -> embedding ready, when the user dwelt at least one encoder time on
   the previous image (prefetch on), and without prefetch for comparison;
3. encoder calls per image while browsing forward, back and forward again;
4. click latency on a 6000 x 4500 photo with masks limited to 2048 px and at full size.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from anylabel.core.image_io import read_image_rgb  # noqa: E402
from anylabel.inference.config import config_from_dict  # noqa: E402
from anylabel.inference.registry import create_model  # noqa: E402
from anylabel.inference.sam import Prompt  # noqa: E402
from anylabel.inference.sam.session import PromptSession  # noqa: E402

PHOTOS = Path("/usr/share/darknet/data")


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def fmt(values: list[float]) -> str:
    return f"p50 {pct(values, 50) * 1000:6.1f} ms  p95 {pct(values, 95) * 1000:6.1f} ms"


def click_points(image: np.ndarray, n: int, seed: int = 0) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    h, w = image.shape[:2]
    return [(float(rng.uniform(0.1, 0.9) * w), float(rng.uniform(0.1, 0.9) * h)) for _ in range(n)]


def bench_clicks(model, image: np.ndarray, emb, n: int, pause: float = 0.0) -> dict[str, list[float]]:
    """Alternate a bare session.run and the full click path with identical prompts.

    ``preview``: click -> mask -> overlay the GUI shows; ``polygon``: click -> mask ->
    polygon shapes. ``pause`` > 0 does what the GUI does on each click (hold new
    background encodings for that many seconds).
    """
    from anylabel.qt.sam.overlay import render_overlay  # numpy + OpenCV only, no Qt

    out: dict[str, list[float]] = {"bare": [], "preview": [], "polygon": [], "to_shapes": []}
    pts = click_points(image, n)
    h, w = image.shape[:2]
    session = PromptSession(model, emb)
    for i, (x, y) in enumerate(pts):
        if i % 3 == 0:
            session.clear()  # objects of 1..3 clicks, like a user
        prompt = session.prompt
        nxt = type(prompt)(list(prompt.points) + [(x, y)], list(prompt.labels) + [1], prompt.box)
        prev = session.prediction.low_res if session.prediction is not None else None
        feeds = model.decoder.feeds(emb, nxt, prev)  # built outside the timer
        t0 = time.perf_counter()
        model.decoder.session.session.run(None, feeds)
        out["bare"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        if pause:
            model.store.pause_prefetch(pause)
        session.add_point(x, y, True)
        td = time.perf_counter()
        render_overlay(session.prediction.mask, session.prompt, (w, h))
        t1 = time.perf_counter()
        model.to_shapes(session.prediction.mask, "obj")
        t2 = time.perf_counter()
        out["preview"].append(t1 - t0)               # decode + overlay
        out["polygon"].append((td - t0) + (t2 - t1))  # decode + polygon
        out["to_shapes"].append(t2 - t1)              # mask -> polygon alone
    return out


def report(title: str, r: dict[str, list[float]]) -> None:
    bare = r["bare"]
    print(f"{title} bare decoder:     {fmt(bare)}")
    for key in ("preview", "polygon"):
        v = r[key]
        print(f"{title} click->{key:8s} {fmt(v)}   ratio p50 {pct(v, 50) / pct(bare, 50):.2f}x  "
              f"p95 {pct(v, 95) / pct(bare, 95):.2f}x")
    print(f"{title} mask->polygon alone: {fmt(r['to_shapes'])}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", type=Path, default=REPO.parent / "shared" / "models")
    ap.add_argument("--clicks", type=int, default=40)
    ap.add_argument("--images", type=int, default=7)
    args = ap.parse_args()
    enc_path, dec_path = args.models / "mobile_sam.encoder.onnx", args.models / "mobile_sam.decoder.onnx"
    if not enc_path.exists():
        print(f"skipped: {enc_path} not found")
        return 0
    photos = sorted(PHOTOS.glob("*.jpg"))[: args.images]
    if len(photos) < 3:
        print("skipped: needs the darknet photos (scripts/bootstrap.sh dev)")
        return 0
    cfg_dict = {"type": "segment_anything", "name": "mobile_sam_bench",
                "encoder_model_path": str(enc_path), "decoder_model_path": str(dec_path)}
    cfg = config_from_dict(cfg_dict)
    model = create_model(cfg, device="cpu")
    store = model.store
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = []
        for i, p in enumerate(photos):
            dst = folder / f"{i:02d}_{p.name}"
            shutil.copy(p, dst)
            paths.append(dst)
        images = {p: read_image_rgb(p) for p in paths}

        # Encoder time (for the dwell) and warm-up.
        t0 = time.perf_counter()
        model.encoder.encode(images[paths[0]])
        enc_time = time.perf_counter() - t0
        t0 = time.perf_counter()
        model.encoder.encode(images[paths[0]])
        enc_time = min(enc_time, time.perf_counter() - t0)
        print(f"encoder: {enc_time * 1000:.0f} ms per image ({paths[0].name}, "
              f"{images[paths[0]].shape[1]}x{images[paths[0]].shape[0]})")

        # 1. Clicks on a cached image (nothing else running).
        emb = store.embedding(paths[0], images[paths[0]])
        bench_clicks(model, images[paths[0]], emb, 5)  # warm-up
        report("click idle ", bench_clicks(model, images[paths[0]], emb, args.clicks))
        # ... and right after opening an image, while the next ones are queued for encoding,
        # with and without the pause the GUI asks for on each click.
        for pause in (0.0, 1.0):
            store.clear()
            emb = store.embedding(paths[0], images[paths[0]])
            store.prefetch(paths[1:])
            r = bench_clicks(model, images[paths[0]], emb, min(args.clicks, 20), pause)
            store.wait_idle()
            report(f"click busy (pause {pause:.0f} s)", r)

        # 2. Next image ready: show image i, prefetch i+1.., dwell >= one encoder time, go next.
        for prefetch in (True, False):
            store.clear()
            waits, dwells = [], []
            store.embedding(paths[0], images[paths[0]])
            for i in range(len(paths) - 1):
                if prefetch:
                    store.prefetch(paths[i + 1: i + 1 + model.prefetch_count])
                # The user looks at image i for a bit more than one encoder run. The machine's
                # load changes while the benchmark runs (other jobs), so "one encoder run" is
                # the slowest of the last three runs.
                dwell = 1.1 * max([enc_time] + store.stats.recent_encode_seconds[-3:])
                dwells.append(dwell)
                time.sleep(dwell)
                t0 = time.perf_counter()
                store.get(paths[i + 1], images[paths[i + 1]]).result()
                waits.append(time.perf_counter() - t0)
            store.wait_idle()
            label = "with prefetch   " if prefetch else "without prefetch"
            print(f"next image ready {label}: {fmt(waits)}  max {max(waits) * 1000:.1f} ms  "
                  f"(dwell {min(dwells) * 1000:.0f}-{max(dwells) * 1000:.0f} ms)")

        # 2b. The user jumps to a far image while a prefetch is inside the encoder: the
        # background run is aborted, so the wait is about one encoder run, not two.
        jumps = []
        for k in range(3):
            store.clear()
            store.prefetch([paths[1 + k]])
            while store._busy is None or store._busy.run_options is None:
                time.sleep(0.002)
            time.sleep(enc_time * 0.3)  # well inside the run
            t0 = time.perf_counter()
            store.get(paths[-1 - k], images[paths[-1 - k]]).result()
            jumps.append(time.perf_counter() - t0)
            store.wait_idle()
        print(f"jump elsewhere during a background run: {fmt(jumps)}  "
              f"(encoder runs meanwhile {1000 * statistics.median(store.stats.recent_encode_seconds[-6:]):.0f} ms, "
              f"{store.stats.aborted} runs aborted)")

        # 3. Browsing back and forth: encoder calls per distinct image.
        store.clear()
        calls0 = store.stats.encoder_calls
        order = list(range(len(paths))) + list(range(len(paths) - 2, -1, -1)) + list(range(1, len(paths)))
        for i in order:
            store.get(paths[i], images[paths[i]]).result()
            nxt = [paths[j] for j in (i + 1, i + 2, i - 1) if 0 <= j < len(paths)]
            store.prefetch(nxt)
            time.sleep(enc_time * 0.3)  # quick browsing: less than an encoder time per image
        store.wait_idle()
        calls = store.stats.encoder_calls - calls0
        print(f"browse {len(order)} views of {len(paths)} images (capacity {store.capacity}): "
              f"{calls} encoder calls = {calls / len(paths):.2f} per image")
    model.close()

    # 4. A 6000 x 4500 photo: masks at most 2048 px (default) against full size.
    import cv2

    big = cv2.resize(read_image_rgb(photos[0]), (6000, 4500), interpolation=cv2.INTER_LINEAR)
    for title, extra in (("mask limit 2048", {}), ("full-size masks", {"max_width": 10 ** 6, "max_height": 10 ** 6})):
        m = create_model(config_from_dict({**cfg_dict, **extra}), device="cpu")
        emb = m.embed(big)
        dec, poly = [], []
        for i, (x, y) in enumerate(click_points(big, 8, seed=3)):
            t0 = time.perf_counter()
            pred = m.segment(emb, Prompt([(x, y)], [1]))
            t1 = time.perf_counter()
            m.to_shapes(pred, "obj")
            dec.append(t1 - t0)
            poly.append(time.perf_counter() - t0)
        print(f"6000x4500 image, {title}: click->mask {fmt(dec)}; click->polygon {fmt(poly)}")
        m.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
