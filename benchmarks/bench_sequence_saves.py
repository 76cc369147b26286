"""Time of a sequence tool that writes many frames: interpolating one track over N frames
(default 1,000), saving each frame atomically with fsync.

Prints the wall time with the saves in the background (the default) and one after another
(the same code with ``FrameFolder.saves_in_background`` turned off), so the gain of issuing
fsyncs together is measured on this disk.
Usage: python benchmarks/bench_sequence_saves.py [N]
"""
from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from anylabel.core import frame_folder
from anylabel.core.interpolation import interpolate_folder


def make_folder(folder: Path, n: int) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (1280, 720), (40, 40, 40)).save(buf, "JPEG")  # frames need a readable size
    for i in range(n):
        (folder / f"v_{i:06d}.jpg").write_bytes(buf.getvalue())
    for i, x in ((0, 0.0), (n - 1, float(n))):
        shape = {"label": "car", "points": [[x, 0.0], [x + 30, 20.0]], "group_id": 1, "shape_type": "rectangle"}
        doc = {"shapes": [shape], "imagePath": f"v_{i:06d}.jpg", "imageHeight": 720, "imageWidth": 1280}
        (folder / f"v_{i:06d}.json").write_text(json.dumps(doc))


def run(n: int, background: bool) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        make_folder(Path(tmp), n)
        real = frame_folder.FrameFolder.saves_in_background
        if not background:
            frame_folder.FrameFolder.saves_in_background = lambda self: contextlib.nullcontext()
        try:
            t0 = time.perf_counter()
            report = interpolate_folder(tmp)
            dt = time.perf_counter() - t0
        finally:
            frame_folder.FrameFolder.saves_in_background = real
        assert len(report.changed) == n - 2 and report.ok, report.lines()[:3]
        return dt


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    for background in (True, False, True, False):
        dt = run(n, background)
        how = "in the background" if background else "one after another"
        print(f"interpolate {n} frames, saves {how}: {dt:.2f} s ({1000 * dt / n:.2f} ms per frame)")


if __name__ == "__main__":
    main()
