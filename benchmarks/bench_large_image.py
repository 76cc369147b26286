"""Opening huge images: time to first view, pan frames and peak memory, with 2,000 polygons.

Images: a SIDE x SIDE JPEG and PNG (20000 by default) and a TIFF_SIDE x TIFF_SIDE tiled TIFF
(40000 by default, JPEG-compressed 256 px tiles, as aerial tiles are). Each open is measured
in a fresh process (peak RSS is per process); the images are written first by separate
processes so their creation does not count. Images above ``max_display_pixels`` open as
tiles (``anylabel/core/tiled_image.py``); each is opened twice, with an empty tile cache
("cold": the pyramid is built meanwhile) and again ("warm": read from the cache).
"first view" is open_path until the window has painted the image at its true size (the
preview fills in from the top while the pyramid is built); "all levels" is until the
pyramid is complete. ``--reference DIR`` runs the same opens with the package found in DIR
(an older checkout) first on the path, for the figures beside these.
Usage: QT_QPA_PLATFORM=offscreen python benchmarks/bench_large_image.py [SIDE [TIFF_SIDE]] [--reference DIR]
       [--only png,tif,jpg]
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

MAKE = """
import sys, numpy as np
from PIL import Image
Image.MAX_IMAGE_PIXELS = None
side = int(sys.argv[2])
# a gradient (not flat) so the encoder has real work; built row block by row block
img = Image.new("RGB", (side, side))
block = 1000
x = (np.arange(side) * 255 // side).astype(np.uint8)
for y0 in range(0, side, block):
    h = min(block, side - y0)
    y = (np.arange(y0, y0 + h) * 255 // side).astype(np.uint8)
    arr = np.stack([np.broadcast_to(x, (h, side)), np.broadcast_to(y[:, None], (h, side)),
                    np.broadcast_to(((x[None, :].astype(int) + y[:, None]) % 256).astype(np.uint8), (h, side))], 2)
    img.paste(Image.fromarray(np.ascontiguousarray(arr)), (0, y0))
kw = {"quality": 85} if sys.argv[1].endswith(".jpg") else {"compress_level": 1}
img.save(sys.argv[1], **kw)
"""

# The tiled TIFF is made by libvips from a formula, tile by tile: it never exists in memory.
MAKE_TIFF = """
import sys, pyvips
side = int(sys.argv[2])
xy = pyvips.Image.xyz(side, side)
x, y = xy[0] * (255.0 / side), xy[1] * (255.0 / side)
img = x.bandjoin([y, (x + y) % 256]).cast("uchar").copy(interpretation="srgb")
img.tiffsave(sys.argv[1], tile=True, tile_width=256, tile_height=256, compression="jpeg", Q=85, bigtiff=True)
"""

OPEN = """
import os, resource, sys, time
import numpy as np
from pathlib import Path
from qtpy.QtWidgets import QApplication
app = QApplication([])
from anylabel.qt.app import create_main_window
from anylabel.core.shape import Shape
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
path = Path(sys.argv[1])
w = create_main_window(path.parent / "rc.yaml", install_extensions=False)
w.show_error_dialogs = False
w.resize(1600, 900); w.show(); app.processEvents()
t0 = time.perf_counter()
w.open_path(path); app.processEvents(); w.canvas.repaint()
t_open = (time.perf_counter() - t0) * 1000
w.canvas.wait_for_render()
t_all = (time.perf_counter() - t0) * 1000
tiled = getattr(w.canvas.image_layer, "tiled", None)
errors = list(getattr(w, "error_messages", []))
if w.canvas.image_width == 0:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{path.suffix}: not shown ({t_open:.0f} ms): {errors[-1] if errors else '?'}; peak RSS {peak:.0f} MB")
    sys.exit(0)
rng = np.random.default_rng(0)
t = np.linspace(0, 2 * np.pi, 50, endpoint=False)
shapes = []
side = w.canvas.image_width
for i in range(2000):
    cx, cy, r = rng.uniform(200, side - 200), rng.uniform(200, side - 200), rng.uniform(40, 150)
    shapes.append(Shape("polygon", np.stack([cx + r * np.cos(t), cy + r * np.sin(t)], 1), label=f"c{i % 9}"))
w.add_shapes(shapes); app.processEvents()
c = w.canvas
pans = {}
for zoom in (0.5, 1.0):
    frames = []
    for k in range(30):
        c.pan_by(-40, -25) if k else c.set_scale(zoom)
        t0 = time.perf_counter(); c.repaint(); frames.append((time.perf_counter() - t0) * 1000)
    pans[zoom] = (sorted(frames[1:])[len(frames) // 2], max(frames[1:]))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
how = ("as tiles, pyramid " + ("from the cache" if tiled.image.state.from_cache else "built now")) if tiled else \
    f"from a {w.current_image().shape[1]}x{w.current_image().shape[0]} level"
print(f"{path.suffix}: {c.image_width}x{c.image_height} {how}; first view {t_open:.0f} ms, all levels "
      f"{t_all:.0f} ms; pan frames at 50 % median {pans[0.5][0]:.1f} ms (worst {pans[0.5][1]:.1f}), at 100 % "
      f"median {pans[1.0][0]:.1f} ms (worst {pans[1.0][1]:.1f}); peak RSS {peak:.0f} MB (Qt app alone {base:.0f} MB)")
"""


def _open(path: Path, env: dict[str, str], label: str) -> None:
    r = subprocess.run([sys.executable, "-c", OPEN, str(path)], capture_output=True, text=True, env=env)
    print(f"  {label}: " + (r.stdout.strip() or r.stderr.strip()[-2000:]))


def main(side: int, tiff_side: int, reference: str | None, only: set[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for ext, make, n in ((".jpg", MAKE, side), (".png", MAKE, side), (".tif", MAKE_TIFF, tiff_side)):
            if ext[1:] not in only:
                continue
            path = Path(tmp) / f"huge{ext}"
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", make, str(path), str(n)], check=True)
            print(f"wrote {path.name} {n}x{n} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.0f} s")
            env = dict(os.environ, ANYLABEL_TILE_CACHE_DIR=str(Path(tmp) / "tile-cache"))
            _open(path, env, "cold cache")
            _open(path, env, "warm cache")
            if reference:
                ref_env = dict(env, PYTHONPATH=os.pathsep.join(filter(None, [reference, env.get("PYTHONPATH")])))
                _open(path, ref_env, f"reference {reference}")
            path.unlink()


if __name__ == "__main__":
    args = sys.argv[1:]
    ref = None
    only = {"jpg", "png", "tif"}
    if "--reference" in args:
        i = args.index("--reference")
        ref = args[i + 1]
        del args[i:i + 2]
    if "--only" in args:
        i = args.index("--only")
        only = set(args[i + 1].split(","))
        del args[i:i + 2]
    main(int(args[0]) if args else 20_000, int(args[1]) if len(args) > 1 else 40_000, ref, only)
