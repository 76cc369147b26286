"""Frame extraction speed (frames/s) from a generated MJPG video.

Usage: python benchmarks/bench_frame_extraction.py [FRAMES] [WIDTH] [HEIGHT]
Writes a video of FRAMES frames (default 300 at 1280x720) with cv2.VideoWriter in a
temporary folder, then extracts every frame, every 5th frame, and every frame again
(all already there: nothing rewritten), printing frames/s for each.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from anylabel.core.video_frames import extract_frames


def make_video(path: Path, n: int, w: int, h: int) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (w, h))
    rng = np.random.default_rng(0)
    base = cv2.GaussianBlur(rng.integers(0, 255, (h, w, 3), dtype=np.uint8), (9, 9), 0)
    for i in range(n):
        frame = np.roll(base, 4 * i, axis=1)
        cv2.putText(frame, str(i + 1), (40, 120), cv2.FONT_HERSHEY_SIMPLEX, 3, (255, 255, 255), 6)
        writer.write(frame)
    writer.release()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    w = int(sys.argv[2]) if len(sys.argv) > 2 else 1280
    h = int(sys.argv[3]) if len(sys.argv) > 3 else 720
    with tempfile.TemporaryDirectory() as tmp:
        video = Path(tmp) / "clip.avi"
        make_video(video, n, w, h)
        print(f"video: {n} frames {w}x{h} MJPG, {video.stat().st_size / 1e6:.1f} MB")
        for label, kwargs in (("every frame", {}), ("every 5th frame", {"interval": 5, "out_dir": Path(tmp) / "i5"}),
                              ("again, all present", {})):
            t0 = time.perf_counter()
            r = extract_frames(video, **kwargs)
            dt = time.perf_counter() - t0
            frames = r.frame_count
            print(f"  {label:20s} {frames:5d} frames in {dt:6.2f} s = {frames / dt:7.1f} frames/s "
                  f"({len(r.written)} written)")


if __name__ == "__main__":
    main()
