"""`anylabel predict` on a huge PNG: peak memory, time and where the objects land.

The image is a SIDE x SIDE PNG (20000 by default): a 160 px synthetic scene of the detect
fixture's shapes blown up SIDE / 160 times, with per-pixel noise so that it compresses as
a photograph does (a flat image would be refused as a decompression bomb). Each run is a
fresh process (peak RSS is per process), in rounds, interleaved:

- reference: the image decoded whole, as before (ANYLABEL_MAX_IMAGE_PIXELS raised above it);
- copy: the streamed copy shrunk by a power of two (the default now);
- sahi cold / warm: slice_height/slice_width 640, tiles read from level 0 of the pyramid,
  built into an empty tile cache / found there.

For each: median seconds and peak RSS, their ratio to the reference, and the IoU of each
object's box (mapped back to full-image pixels) with its true box.
Usage: python benchmarks/bench_huge_predict.py [SIDE] [--rounds N]
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

MAKE = """
import json, sys
import numpy as np
from PIL import Image
sys.path.insert(0, sys.argv[3])
import synthetic_shapes as ss
Image.MAX_IMAGE_PIXELS = None
side = int(sys.argv[2])
rng = np.random.default_rng(5)
scene, objs = ss.make_sample(rng, "det", 160, 160, max_objects=3)
zoom = side / 160
img = Image.new("RGB", (side, side))
cols = (np.arange(side) * 160) // side
for y0 in range(0, side, 500):
    h = min(500, side - y0)
    rows = (np.arange(y0, y0 + h) * 160) // side
    block = scene[rows][:, cols].astype(np.int16) + rng.integers(-6, 7, size=(h, side, 3), dtype=np.int16)
    img.paste(Image.fromarray(np.clip(block, 0, 255).astype(np.uint8)), (0, y0))
img.save(sys.argv[1], compress_level=1)
print(json.dumps([[ss.CLASSES["det"][o.cls], (o.box * zoom).tolist()] for o in objs]))
"""

PREDICT = """
import json, resource, sys, time
from pathlib import Path
from anylabel.cli.main import main
path, model = Path(sys.argv[1]), sys.argv[2]
t0 = time.perf_counter()
rc = main(["predict", "--model", model, "--input", str(path), "--quiet"])
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
label = path.with_suffix(".json")
shapes = json.loads(label.read_text())["shapes"] if label.exists() else []
print(json.dumps({"rc": rc, "seconds": seconds, "peak": peak,
                  "boxes": [[s["label"], s["points"]] for s in shapes]}))
"""


def iou(a: list[float], b: list[float]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def box(points: list[list[float]]) -> list[float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return [min(xs), min(ys), max(xs), max(ys)]


def run(path: Path, model: str, env: dict[str, str]) -> dict:
    path.with_suffix(".json").unlink(missing_ok=True)
    r = subprocess.run([sys.executable, "-c", PREDICT, str(path), model], capture_output=True, text=True,
                       env=env, cwd=REPO)
    if r.returncode != 0 and not r.stdout.strip():
        raise SystemExit(f"predict failed: {r.stderr[-2000:]}")
    out = json.loads(r.stdout.strip().splitlines()[-1])
    out["stderr"] = r.stderr.strip()[-500:]
    return out


def main(side: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "huge.png"
        t0 = time.perf_counter()
        made = subprocess.run([sys.executable, "-c", MAKE, str(path), str(side), str(REPO / "scripts")],
                              check=True, capture_output=True, text=True)
        truth = json.loads(made.stdout)
        print(f"wrote {path.name} {side}x{side} ({path.stat().st_size / 1e6:.0f} MB, "
              f"{side * side / path.stat().st_size:.1f} pixels a byte) in {time.perf_counter() - t0:.0f} s")
        cache = Path(tmp) / "tile-cache"
        base = dict(os.environ, ANYLABEL_TILE_CACHE_DIR=str(cache),
                    PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
        sliced = Path(tmp) / "sliced.yaml"
        sliced.write_text((REPO / "models/configs/fixture_shapes_det.yaml").read_text()
                          .replace("../fixtures/", str(REPO / "models/fixtures") + "/")
                          .replace("name: fixture_shapes_det", "name: sliced_shapes_det")
                          + "slice_height: 640\nslice_width: 640\n")
        variants = {
            "reference (whole decode)": ("fixture_shapes_det", dict(base, ANYLABEL_MAX_IMAGE_PIXELS=str(side * side + 1))),
            "copy (streamed)": ("fixture_shapes_det", base),
            "sahi 640, cold cache": (str(sliced), base),
            "sahi 640, warm cache": (str(sliced), base),
        }
        results: dict[str, list[dict]] = {k: [] for k in variants}
        for _ in range(rounds):
            for name, (model, env) in variants.items():
                if name.endswith("cold cache"):
                    shutil.rmtree(cache, ignore_errors=True)
                results[name].append(run(path, model, env))
        ref = results["reference (whole decode)"]
        ref_s = statistics.median(r["seconds"] for r in ref)
        ref_mb = statistics.median(r["peak"] for r in ref)
        for name, rs in results.items():
            s = statistics.median(r["seconds"] for r in rs)
            mb = statistics.median(r["peak"] for r in rs)
            last = rs[-1]
            found = [max((iou(box(p), b) for lb, p in last["boxes"] if lb == label), default=0.0)
                     for label, b in truth]
            print(f"{name}: rc {last['rc']}, {s:.1f} s ({s / ref_s:.2f} x reference), peak RSS {mb:.0f} MB "
                  f"({mb / ref_mb:.2f} x reference), {len(last['boxes'])} shapes, best IoU per object "
                  f"{', '.join(f'{v:.2f}' for v in found)}")
            if last["rc"] != 0:
                print(f"  {last['stderr']}")
    print(f"{rounds} round(s), medians; load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    args = sys.argv[1:]
    rounds = 1
    if "--rounds" in args:
        i = args.index("--rounds")
        rounds = int(args[i + 1])
        del args[i:i + 2]
    main(int(args[0]) if args else 20_000, rounds)
