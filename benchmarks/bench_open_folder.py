"""Opening a folder of N images (default 100,000) in the main window, and browsing it.

Each run is a fresh process (so its peak memory is its own) and prints: scan_folder alone,
open_folder until the first image and its labels are shown, next image (back to back and
after 150 ms on each), jump to the last image, the file filter per keystroke, the labelled
count, and the process's peak memory. Every figure is printed beside a reference run made
in the same invocation:

- ``--reference-n M`` (default 100,000 when N is larger): the same code on M images;
- ``--reference-code DIR``: another checkout (e.g. the code before a change) on the same
  folder, run with ``PYTHONPATH=DIR``.

Without ``--folder`` the images are made in a temporary folder (hard links to one real
1280x720 JPEG, half with a label file); a million-image folder is better made once with
``benchmarks/make_big_folder.py`` and passed as ``--folder DIR/images``.

Usage: QT_QPA_PLATFORM=offscreen python benchmarks/bench_open_folder.py [N] [--folder DIR]
       [--reference-n M] [--reference-code DIR] [--screenshot PNG]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FILTER_KEYS = "_00999"  # typed one key at a time; the last matches 100 names (frame_00999xx)


def ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000.0


# ---------------------------------------------------------------------------- one measured run
def child(folder: Path, screenshot: str | None) -> None:
    import resource
    import statistics

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qtpy.QtWidgets import QApplication

    from anylabel.core.folder_index import scan_folder

    out: dict[str, float | int | str] = {}
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from anylabel.qt.app import create_main_window

    tmp = tempfile.mkdtemp()
    w = create_main_window(Path(tmp) / "rc.yaml", install_extensions=False)
    w.show_error_dialogs = False
    w.resize(1280, 800)
    w.show()
    app.processEvents()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    w.open_folder(folder)
    app.processEvents()
    out["open_ms"] = ms(t0)
    n = len(w.folder_index)
    out["images"] = n
    out["labelled"] = w.folder_index.labelled_count
    out["rows"] = w.file_dock.model.rowCount()
    nxt = []
    for _ in range(20):
        t0 = time.perf_counter()
        w.next_image()
        app.processEvents()
        nxt.append(ms(t0))
    out["next_b2b_median_ms"], out["next_b2b_worst_ms"] = statistics.median(nxt), max(nxt)
    nxt = []
    for k in range(20):
        time.sleep(0.15)  # a person looks at the image first; the next one is decoded meanwhile
        app.processEvents()
        t0 = time.perf_counter()
        (w.prev_image if k % 4 == 3 else w.next_image)()
        app.processEvents()
        nxt.append(ms(t0))
    out["next_median_ms"], out["next_worst_ms"] = statistics.median(nxt), max(nxt)
    t0 = time.perf_counter()
    w.open_image(n - 1)
    app.processEvents()
    out["jump_end_ms"] = ms(t0)
    keys = []
    for k in range(1, len(FILTER_KEYS) + 1):
        t0 = time.perf_counter()
        w.file_dock.search.setText(FILTER_KEYS[:k])
        app.processEvents()
        keys.append(ms(t0))
    out["filter_rows"] = w.file_dock.model.rowCount()
    t0 = time.perf_counter()
    w.file_dock.search.setText(FILTER_KEYS[:-1])  # backspace
    app.processEvents()
    keys.append(ms(t0))
    t0 = time.perf_counter()
    w.file_dock.search.setText("")  # clear: every row back
    app.processEvents()
    keys.append(ms(t0))
    out["filter_worst_ms"] = max(keys)
    out["filter_keys_ms"] = " ".join(f"{k:.0f}" for k in keys)
    if screenshot:
        w.open_image(n // 2)
        w.file_dock.search.setText("frame_05")
        app.processEvents()
        w.grab().save(screenshot)
    out["rss_start_mb"] = rss_before
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    scan_folder(folder)  # after the peak was read: a second index would count twice
    out["scan_ms"] = ms(t0)
    print("RESULT " + json.dumps(out), flush=True)
    os._exit(0)  # tearing down a million-row window only costs time here


# ---------------------------------------------------------------------------- folders and runs
def make_folder(root: Path, n: int) -> Path:
    import numpy as np
    from PIL import Image

    sys.path.insert(0, str(REPO))
    from anylabel.core.label_file import new_annotation_for, write_label_file
    from anylabel.core.shape import rectangle

    folder = root / f"images{n}"
    folder.mkdir()
    rng = np.random.default_rng(0)
    src = root / f"src{n}.jpg"
    Image.fromarray(rng.integers(0, 255, (720, 1280, 3), dtype=np.uint8)).save(src, quality=85)
    label = root / f"src{n}.json"
    write_label_file(label, new_annotation_for(src, [rectangle(10, 10, 200, 200, label="car")]))
    srcs = (src, label)
    for i in range(n):
        if i and i % 60_000 == 0:  # a file system allows ~65,000 links per file
            srcs = tuple(Path(__import__("shutil").copy(s, root / f"{s.stem}_{i}{s.suffix}")) for s in (src, label))
        os.link(srcs[0], folder / f"frame_{i:07d}.jpg")
        if i % 2 == 0:
            os.link(srcs[1], folder / f"frame_{i:07d}.json")
    return folder


def run(code: Path, folder: Path, screenshot: str | None = None) -> dict:
    env = dict(os.environ, PYTHONPATH=str(code), QT_QPA_PLATFORM="offscreen")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(folder)]
    if screenshot:
        cmd += ["--screenshot", screenshot]
    p = subprocess.run(cmd, env=env, cwd=str(code), capture_output=True, text=True)
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise SystemExit(f"run with {code} on {folder} failed:\n{p.stdout}\n{p.stderr}")


ROWS = [  # key, what, unit
    ("scan_ms", "scan_folder alone (core index)", "ms"),
    ("open_ms", "open_folder: window with the first image", "ms"),
    ("next_median_ms", "next/previous after 150 ms on each, median", "ms"),
    ("next_worst_ms", "next/previous after 150 ms on each, worst", "ms"),
    ("next_b2b_median_ms", "next pressed back to back, median", "ms"),
    ("next_b2b_worst_ms", "next pressed back to back, worst", "ms"),
    ("jump_end_ms", "jump to the last image", "ms"),
    ("filter_worst_ms", f"filter, worst keystroke ('{FILTER_KEYS}', backspace, clear)", "ms"),
    ("filter_keys_ms", "filter, each keystroke", "ms"),
    ("filter_rows", f"rows matching '{FILTER_KEYS}'", ""),
    ("labelled", "labelled count", ""),
    ("rss_start_mb", "memory before opening (empty window)", "MB"),
    ("peak_mb", "peak memory of the process", "MB"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, nargs="?", default=100_000)
    ap.add_argument("--folder", type=Path, help="an existing folder of images (N is then its size)")
    ap.add_argument("--reference-n", type=int, help="reference run: this code on a made folder of M images")
    ap.add_argument("--reference-code", type=Path, help="reference run: another checkout on the same folder")
    ap.add_argument("--screenshot", help="save the window (middle image, filter 'frame_05') as this PNG")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child, a.screenshot)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = a.folder or make_folder(Path(tmp), a.n)
        runs = [("this code", REPO, folder)]
        if a.reference_code:
            runs.append((f"code at {a.reference_code}", a.reference_code.resolve(), folder))
        ref_n = a.reference_n if a.reference_n is not None else (100_000 if (a.folder or a.n > 100_000) else 0)
        if ref_n:
            runs.append((f"this code, {ref_n} images", REPO, make_folder(Path(tmp), ref_n)))
        results = []
        for k, (name, code, f) in enumerate(runs):
            results.append(run(code, f, a.screenshot if k == 0 else None))
        heads = [f"{name}, {r['images']} images" if "images" not in name else name for (name, _, _), r in zip(runs, results)]
        print(f"{'figure':<62}" + "".join(f"{h:>34}" for h in heads))
        for key, what, unit in ROWS:
            cells = []
            for r in results:
                v = r.get(key, "-")
                cells.append(f"{v:.1f} {unit}" if isinstance(v, float) else f"{v} {unit}")
            print(f"{what:<62}" + "".join(f"{c:>34}" for c in cells))
        if a.screenshot:
            print(f"screenshot: {a.screenshot}")


if __name__ == "__main__":
    main()
