"""Folder-index time for a folder of N images (default 100,000), half of them labelled.

Usage: python benchmarks/bench_folder_index.py [N]
Prints the median of 5 scans. No JSON is parsed and no image decoded.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from anylabel.core import scan_folder


def main(n: int = 100_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(n):
            (folder / f"frame_{i}.jpg").touch()
            if i % 2 == 0:
                (folder / f"frame_{i}.json").touch()
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            idx = scan_folder(folder)
            times.append(time.perf_counter() - t0)
        assert len(idx) == n
        print(f"folder index: {n} images ({idx.labelled_count} labelled): "
              f"median {statistics.median(times) * 1000:.0f} ms, best {min(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
