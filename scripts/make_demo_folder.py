"""Make a small demo folder of images, some of them labelled, to try AnyLabel on.

Uses the real photos of Debian's darknet package when installed, otherwise draws
synthetic scenes, so it works offline on any machine. Labelled: the dog, person and horses
photos (outlined by hand for this demo) and the first synthetic scenes (their
shapes are known exactly: they were drawn from them). The other images are left for the
user, or for the demo models of the auto-labelling panel.
Usage: python scripts/make_demo_folder.py OUT_DIR
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from anylabel.core.label_file import label_path_for, new_annotation_for, write_label_file  # noqa: E402
from anylabel.core.shape import Shape  # noqa: E402

DARKNET_PHOTOS = Path("/usr/share/darknet/data")
#: Synthetic scenes written with their label files (the rest are unlabelled).
LABELLED_SCENES = 3

#: dog.jpg (768x576) outlined by hand: what the README screenshot shows.
DOG_SHAPES = (
    ("rectangle", "dog", [[125, 215], [325, 545]]),
    ("polygon", "bicycle", [[125, 335], [175, 255], [265, 205], [330, 230], [455, 250], [520, 245], [560, 280],
                            [690, 330], [690, 380], [600, 440], [480, 430], [390, 440], [300, 460], [200, 450],
                            [140, 420]]),
    ("rectangle", "truck", [[470, 75], [690, 170]]),
)
#: person.jpg (640x424) and horses.jpg (773x512), boxed by hand.
PHOTO_SHAPES = {
    "dog.jpg": DOG_SHAPES,
    "person.jpg": (("rectangle", "person", [[190, 100], [275, 375]]), ("rectangle", "dog", [[65, 262], [202, 345]]),
                   ("rectangle", "horse", [[405, 138], [602, 345]])),
    "horses.jpg": (("rectangle", "horse", [[0, 195], [315, 410]]), ("rectangle", "horse", [[230, 195], [418, 362]]),
                   ("rectangle", "horse", [[435, 210], [597, 350]]), ("rectangle", "horse", [[370, 205], [455, 322]]),
                   ("rectangle", "horse", [[0, 185], [153, 270]])),
}


def synthetic_scene(seed: int, size: tuple[int, int] = (800, 600)) -> tuple[Image.Image, list[Shape]]:
    """A noisy background with 3-6 filled shapes, and those shapes as labels."""
    rng = np.random.default_rng(seed)
    w, h = size
    base = rng.integers(60, 200, size=3)
    noise = rng.normal(0, 12, size=(h, w, 3))
    arr = np.clip(base + noise, 0, 255).astype(np.uint8)
    img = Image.fromarray(arr)
    draw = ImageDraw.Draw(img)
    shapes: list[Shape] = []
    for _ in range(int(rng.integers(3, 7))):
        color = tuple(int(c) for c in rng.integers(0, 255, size=3))
        x, y = int(rng.integers(0, w - 150)), int(rng.integers(0, h - 150))
        s = int(rng.integers(40, 150))
        kind = rng.integers(0, 3)
        if kind == 0:
            box = [x, y, x + s, y + s * 0.7]
            draw.rectangle(box, fill=color)
            shapes.append(Shape("rectangle", [[box[0], box[1]], [box[2], box[3]]], label="rectangle"))
        elif kind == 1:
            draw.ellipse([x, y, x + s, y + s], fill=color)
            c = x + s / 2
            shapes.append(Shape("circle", [[c, y + s / 2], [c + s / 2, y + s / 2]], label="circle"))
        else:
            tri = [(x, y + s), (x + s // 2, y), (x + s, y + s)]
            draw.polygon(tri, fill=color)
            shapes.append(Shape("polygon", [list(p) for p in tri], label="triangle"))
    return img, shapes


def _label(image: Path, shapes: list[Shape], size: tuple[int, int]) -> None:
    write_label_file(label_path_for(image), new_annotation_for(image, shapes, size))


def main(out: str) -> int:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        return 0  # keep whatever the user already labelled there
    photos = sorted(DARKNET_PHOTOS.glob("*.jpg")) if DARKNET_PHOTOS.is_dir() else []
    for p in photos[:8]:
        shutil.copy2(p, folder / p.name)
    for name, shapes in PHOTO_SHAPES.items():
        photo = folder / name
        if photo.exists():
            with Image.open(photo) as im:
                size = im.size
            _label(photo, [Shape(t, pts, label=label) for t, label, pts in shapes], size)
    for i in range(max(0, 6 - len(photos))):
        img, shapes = synthetic_scene(i)
        path = folder / f"scene_{i + 1:02d}.jpg"
        img.save(path, quality=92)
        if i < LABELLED_SCENES:
            _label(path, shapes, img.size)
    images = sum(1 for p in folder.iterdir() if p.suffix == ".jpg")
    labelled = sum(1 for _ in folder.glob("*.json"))
    print(f"demo folder ready: {folder} ({images} images, {labelled} labelled)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "demo"))
