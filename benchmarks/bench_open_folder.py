"""Opening a folder of N images (default 100,000) in the main window, and browsing it.

Every image is a hard link to one real 1280x720 JPEG (so each one can be shown), half
have a label file. Prints: time for open_folder (scan + file list + first image
shown), next-image time, jump-to-the-end time, filter time, and the process's memory.
Usage: QT_QPA_PLATFORM=offscreen python benchmarks/bench_open_folder.py [N]
"""
from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
from qtpy.QtWidgets import QApplication  # noqa: E402

from anylabel.core.label_file import new_annotation_for, write_label_file  # noqa: E402
from anylabel.core.shape import rectangle  # noqa: E402


def ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000.0


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "images"
        folder.mkdir()
        src = Path(tmp) / "src.jpg"
        rng = np.random.default_rng(0)
        Image.fromarray(rng.integers(0, 255, (720, 1280, 3), dtype=np.uint8)).save(src, quality=85)
        ann = new_annotation_for(src, [rectangle(10, 10, 200, 200, label="car")])
        label_src = Path(tmp) / "src.json"
        write_label_file(label_src, ann)
        t0 = time.perf_counter()
        import shutil

        for i in range(n):
            if i and i % 60_000 == 0:  # a file system allows ~65,000 links per file
                src, label_src = shutil.copy(src, Path(tmp) / f"src{i}.jpg"), shutil.copy(label_src, Path(tmp) / f"src{i}.json")
            os.link(src, folder / f"frame_{i:06d}.jpg")
            if i % 2 == 0:
                os.link(label_src, folder / f"frame_{i:06d}.json")
        print(f"made {n} images in {ms(t0) / 1000:.1f} s")

        from anylabel.core.folder_index import scan_folder

        t0 = time.perf_counter()
        scan_folder(folder)
        print(f"scan_folder alone (the core index, no GUI): {ms(t0):.0f} ms")
        app = QApplication.instance() or QApplication(sys.argv[:1])
        from anylabel.qt.app import create_main_window

        w = create_main_window(Path(tmp) / "rc.yaml", install_extensions=False)
        w.show_error_dialogs = False
        w.resize(1280, 800)
        w.show()
        app.processEvents()
        t0 = time.perf_counter()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats
            cProfile.runctx("w.open_folder(folder); app.processEvents()", globals(), locals(), "/tmp/open.prof")
            pstats.Stats("/tmp/open.prof").sort_stats("cumtime").print_stats(25)
        else:
            w.open_folder(folder)
            app.processEvents()
        print(f"open_folder({n} images): {ms(t0):.0f} ms until the first image and its labels are shown "
              f"(file list rows: {w.file_dock.model.rowCount()})")
        nxt = []
        for _ in range(20):
            t0 = time.perf_counter()
            w.next_image()
            app.processEvents()
            nxt.append(ms(t0))
        print(f"next image (D), pressed back to back: median {statistics.median(nxt):.1f} ms, worst {max(nxt):.1f} ms")
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats
            cProfile.runctx("for _ in range(10): w.next_image(); app.processEvents()", globals(), locals(), "/tmp/n.prof")
            pstats.Stats("/tmp/n.prof").sort_stats("tottime").print_stats(15)
        nxt = []
        for _ in range(20):
            time.sleep(0.15)  # a person looks at the image before pressing D; the next one is decoded meanwhile
            app.processEvents()
            t0 = time.perf_counter()
            w.next_image()
            app.processEvents()
            nxt.append(ms(t0))
        print(f"next image (D) after 150 ms on each image: median {statistics.median(nxt):.1f} ms, worst {max(nxt):.1f} ms")
        t0 = time.perf_counter()
        w.open_image(n - 1)
        app.processEvents()
        print(f"jump to image {n}: {ms(t0):.1f} ms (file list scrolled to it)")
        t0 = time.perf_counter()
        w.file_dock.search.setText("_0999")
        app.processEvents()
        print(f"filter file names: {ms(t0):.1f} ms -> {w.file_dock.model.rowCount()} rows")
        w.file_dock.search.setText("")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory of the process: {rss:.0f} MB")
        w.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
