"""Make a folder of N images (default 1,000,000), every second one with a label file.

The images are hard links to a few small real JPEGs and the label files hard links to a
few real label files, so a million-image folder costs one directory of names, not a
million files' worth of disk. A file system allows about 65,000 links per file, so each
source is copied again every 60,000 names. Run it once, point the benchmarks at it with
``--folder``, delete it afterwards (``rm -rf DIR``).

Usage: python benchmarks/make_big_folder.py DIR [N] [--jpeg-dir /usr/share/darknet/data]
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from anylabel.core.image_io import image_size
from anylabel.core.label_file import new_annotation_for, write_label_file
from anylabel.core.shape import rectangle

LINKS_PER_SOURCE = 60_000


def make(out: Path, n: int, jpegs: list[Path]) -> None:
    images = out / "images"
    images.mkdir(parents=True, exist_ok=False)
    sources = out / "sources"
    sources.mkdir()
    t0 = time.perf_counter()
    src_jpg = src_json = None
    for i in range(n):
        if i % LINKS_PER_SOURCE == 0:
            k = i // LINKS_PER_SOURCE
            jpg = jpegs[k % len(jpegs)]
            src_jpg = sources / f"src{k}{jpg.suffix}"
            shutil.copyfile(jpg, src_jpg)
            w, h = image_size(src_jpg)
            src_json = sources / f"src{k}.json"
            write_label_file(src_json, new_annotation_for(src_jpg, [rectangle(10, 10, w // 3, h // 3, label="car")], (w, h)))
        os.link(src_jpg, images / f"frame_{i:07d}.jpg")
        if i % 2 == 0:
            os.link(src_json, images / f"frame_{i:07d}.json")
    print(f"made {n} images ({(n + 1) // 2} labelled) in {images} in {time.perf_counter() - t0:.0f} s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("n", type=int, nargs="?", default=1_000_000)
    ap.add_argument("--jpeg-dir", type=Path, default=Path("/usr/share/darknet/data"))
    a = ap.parse_args(argv)
    jpegs = sorted(p for p in a.jpeg_dir.glob("*.jpg") if p.stat().st_size < 400_000)
    if not jpegs:
        print(f"{a.jpeg_dir}: no JPEG under 400 kB to link to", file=sys.stderr)
        return 2
    make(a.dir, a.n, jpegs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
