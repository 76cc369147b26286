"""Opening a 20000 x 20000 image: time and peak memory, with 2,000 polygons drawn on it.

Each format is measured in a fresh process (peak RSS is per process). The image is
written first by a separate process so its creation does not count.
Usage: QT_QPA_PLATFORM=offscreen python benchmarks/bench_large_image.py [SIDE]
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
w.open_path(path); app.processEvents()
t_open = (time.perf_counter() - t0) * 1000
rng = np.random.default_rng(0)
t = np.linspace(0, 2 * np.pi, 50, endpoint=False)
shapes = []
side = w.canvas.image_width
for i in range(2000):
    cx, cy, r = rng.uniform(200, side - 200), rng.uniform(200, side - 200), rng.uniform(40, 150)
    shapes.append(Shape("polygon", np.stack([cx + r * np.cos(t), cy + r * np.sin(t)], 1), label=f"c{i % 9}"))
w.add_shapes(shapes); app.processEvents()
c = w.canvas
frames = []
for k in range(30):
    c.pan_by(-40, -25) if k else c.set_scale(0.5)
    t0 = time.perf_counter(); c.repaint(); frames.append((time.perf_counter() - t0) * 1000)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{path.suffix}: {c.image_width}x{c.image_height}, shown from a {w.current_image().shape[1]}x"
      f"{w.current_image().shape[0]} level; open {t_open:.0f} ms; pan at 50% zoom median "
      f"{sorted(frames[1:])[len(frames) // 2]:.1f} ms; peak RSS {peak:.0f} MB (Qt app alone {base:.0f} MB)")
"""


def main(side: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for ext in (".jpg", ".png"):
            path = Path(tmp) / f"huge{ext}"
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", MAKE, str(path), str(side)], check=True)
            print(f"wrote {path.name} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.0f} s")
            r = subprocess.run([sys.executable, "-c", OPEN, str(path)], capture_output=True, text=True)
            print(r.stdout.strip() or r.stderr.strip()[-2000:])
            path.unlink()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
