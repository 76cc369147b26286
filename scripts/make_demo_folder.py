"""Make a small demo folder of images (and one label file) to try AnyLabel on.

Uses the real photos of Debian's darknet package when installed, otherwise
draws synthetic scenes, so it works offline on any machine.
Usage: python scripts/make_demo_folder.py OUT_DIR
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

DARKNET_PHOTOS = Path("/usr/share/darknet/data")


def synthetic_scene(seed: int, size: tuple[int, int] = (800, 600)) -> Image.Image:
    rng = np.random.default_rng(seed)
    w, h = size
    base = rng.integers(60, 200, size=3)
    noise = rng.normal(0, 12, size=(h, w, 3))
    arr = np.clip(base + noise, 0, 255).astype(np.uint8)
    img = Image.fromarray(arr)
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(3, 7))):
        color = tuple(int(c) for c in rng.integers(0, 255, size=3))
        x, y = int(rng.integers(0, w - 150)), int(rng.integers(0, h - 150))
        s = int(rng.integers(40, 150))
        kind = rng.integers(0, 3)
        if kind == 0:
            draw.rectangle([x, y, x + s, y + s * 0.7], fill=color)
        elif kind == 1:
            draw.ellipse([x, y, x + s, y + s], fill=color)
        else:
            draw.polygon([(x, y + s), (x + s // 2, y), (x + s, y + s)], fill=color)
    return img


def main(out: str) -> int:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        return 0  # keep whatever the user already labelled there
    photos = sorted(DARKNET_PHOTOS.glob("*.jpg")) if DARKNET_PHOTOS.is_dir() else []
    for p in photos[:8]:
        shutil.copy2(p, folder / p.name)
    for i in range(max(0, 6 - len(photos))):
        synthetic_scene(i).save(folder / f"scene_{i + 1:02d}.jpg", quality=92)
    print(f"demo folder ready: {folder} ({sum(1 for _ in folder.iterdir())} images)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "demo"))
