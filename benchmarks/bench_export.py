"""Export time for N images x S shapes (default 10,000 x 20) to coco and yolo.

Usage: python benchmarks/bench_export.py [N] [S] [FORMAT ...]
BENCH_WORKERS=1 forces one process; BENCH_CLASSES=1 passes a class file; BENCH_ROUNDS=3
exports each format three times from the same folder (the spread shows the machine's noise).
The label files state the image size, so no image is decoded; the image files are
empty placeholders. Shapes: half rectangles, half 6-point polygons, 5 labels.
Prints the wall and CPU time of each export (reading the label files included) and the
load average: on a shared machine the CPU time is the steadier figure.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from anylabel.formats.base import ExportOptions
from anylabel.formats.driver import export_dataset


def make_folder(folder: Path, n: int, shapes_per_image: int) -> None:
    rng = np.random.default_rng(0)
    labels = ["person", "car", "dog", "猫", "bicycle"]
    for i in range(n):
        shapes = []
        for k in range(shapes_per_image):
            x, y = float(rng.uniform(10, 1500)), float(rng.uniform(0, 700))
            w, h = (float(v) for v in rng.uniform(10, 300, 2))
            if k % 2:
                pts = [[x, y], [x + w, y + h]]
                st = "rectangle"
            else:
                pts = [
                    [x, y],
                    [x + w, y],
                    [x + w, y + h / 2],
                    [x + w / 2, y + h],
                    [x, y + h],
                    [x - 5, y + h / 2],
                ]
                st = "polygon"
            shapes.append(
                {
                    "label": labels[k % 5],
                    "score": None,
                    "points": pts,
                    "group_id": None,
                    "description": "",
                    "difficult": False,
                    "shape_type": st,
                    "flags": {},
                    "attributes": {},
                    "kie_linking": [],
                }
            )
        doc = {
            "version": "0.1.0",
            "flags": {},
            "shapes": shapes,
            "imagePath": f"im_{i:05d}.jpg",
            "imageData": None,
            "imageHeight": 1080,
            "imageWidth": 1920,
        }
        (folder / f"im_{i:05d}.jpg").touch()
        (folder / f"im_{i:05d}.json").write_text(json.dumps(doc), encoding="utf-8")


def _children_cpu() -> float:
    """CPU seconds of finished worker processes (counted once they have exited)."""
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def main() -> None:
    args = sys.argv[1:]
    n = int(args.pop(0)) if args and args[0].isdigit() else 10_000
    s = int(args.pop(0)) if args and args[0].isdigit() else 20
    formats = args or ["coco", "yolo"]
    profile = os.environ.get("BENCH_PROFILE")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "images"
        src.mkdir()
        t0 = time.perf_counter()
        make_folder(src, n, s)
        print(f"generated {n} label files x {s} shapes in {time.perf_counter() - t0:.1f} s")
        rounds = int(os.environ.get("BENCH_ROUNDS", "1"))
        for fmt, r in ((f, r) for f in formats for r in range(rounds)):
            out = Path(tmp) / f"out_{fmt}_{r}"
            prof = cProfile.Profile() if profile else None
            t0, c0 = time.perf_counter(), time.process_time()
            k0 = _children_cpu()
            if prof:
                prof.enable()
            workers = int(os.environ.get("BENCH_WORKERS", "0"))
            classes = None
            if os.environ.get("BENCH_CLASSES"):
                classes = Path(tmp) / "classes.txt"
                classes.write_text("person\ncar\ndog\n猫\nbicycle\n", encoding="utf-8")
            summary = export_dataset(fmt, src, out, classes, options=ExportOptions(workers=workers))
            if prof:
                prof.disable()
            dt, cpu = time.perf_counter() - t0, time.process_time() - c0
            kids = _children_cpu() - k0
            assert summary.ok, summary.lines()[:5]
            print(
                f"export {fmt} (workers={workers or 'auto'}): {n} images x {s} shapes "
                f"({summary.shapes_written} shapes) in {dt:.2f} s wall, {cpu:.2f} s CPU in this process "
                f"+ {kids:.2f} s in workers "
                f"({n / dt:.0f} images/s); load average {os.getloadavg()[0]:.1f}"
            )
            if prof:
                pstats.Stats(prof).sort_stats("cumulative").print_stats(20)


if __name__ == "__main__":
    main()
