"""Folder-index time for a folder of N images (default 100,000), half of them labelled,
beside a reference run in the same invocation.

Usage: python benchmarks/bench_folder_index.py [N] [--folder DIR] [--reference-code DIR]
Prints the median of 5 scans and the peak memory of one scan, each in a fresh process: this
code, then (``--reference-code``) another checkout on the same folder. Without ``--folder``
the folder is made of empty files; ``benchmarks/make_big_folder.py`` makes a real one. No
JSON is parsed and no image decoded.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def child(folder: Path) -> None:
    import resource
    import statistics
    import time

    from anylabel.core.folder_index import scan_folder

    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        idx = scan_folder(folder)
        times.append(time.perf_counter() - t0)
        if not times[1:]:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps({"images": len(idx), "labelled": idx.labelled_count, "median_ms": statistics.median(times) * 1000,
                                  "best_ms": min(times) * 1000, "peak_mb": peak}))


def run(code: Path, folder: Path) -> dict:
    p = subprocess.run([sys.executable, __file__, "--child", str(folder)], env=dict(os.environ, PYTHONPATH=str(code)),
                       cwd=str(code), capture_output=True, text=True)
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise SystemExit(f"run with {code} failed:\n{p.stdout}\n{p.stderr}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, nargs="?", default=100_000)
    ap.add_argument("--folder", type=Path)
    ap.add_argument("--reference-code", type=Path)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = a.folder
        if folder is None:
            folder = Path(tmp)
            for i in range(a.n):
                (folder / f"frame_{i:07d}.jpg").touch()
                if i % 2 == 0:
                    (folder / f"frame_{i:07d}.json").touch()
        runs = [("this code", REPO)] + ([(f"code at {a.reference_code}", a.reference_code.resolve())] if a.reference_code else [])
        for name, code in runs:
            r = run(code, folder)
            print(f"folder index, {name}: {r['images']} images ({r['labelled']} labelled): median {r['median_ms']:.0f} ms, "
                  f"best {r['best_ms']:.0f} ms, peak memory after one scan {r['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
