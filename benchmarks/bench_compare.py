"""Speed of ``compare`` on boxes, against pycocotools' COCOeval on the same folders.

Writes two label folders of N images with K boxes each (the candidate's boxes shifted,
some dropped, some added), then times, in this process:
- ours: compare_folders (reading the label files, matching, counting) and write_report
  without HTML, and the HTML report with its thumbnails separately;
- reference: COCOeval.evaluate + accumulate at one IoU threshold on the same boxes (given
  in memory, so reading files is not in its time), the usual tool for the same counts.
Prints seconds and the ratio ours / reference. Usage: python benchmarks/bench_compare.py [N] [K]
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from anylabel.core.agreement import MatchOptions
from anylabel.core.label_file import ImageAnnotation, write_label_file
from anylabel.core.shape import rectangle
from anylabel.review.folders import compare_folders
from anylabel.review.report import write_report


def make(root: Path, n: int, k: int) -> tuple[list, list]:
    rng = np.random.default_rng(0)
    gts, dts = [], []
    for i in range(n):
        ref, cand = [], []
        for j in range(k):
            x, y = (j % 8) * 120.0 + rng.uniform(0, 20), (j // 8) * 120.0 + rng.uniform(0, 20)
            w, h = rng.uniform(30, 90), rng.uniform(30, 90)
            label = "abcde"[j % 5]
            ref.append(rectangle(x, y, x + w, y + h, label))
            gts.append((i, label, [x, y, w, h]))
            if rng.random() < 0.9:
                dx, dy = rng.normal(0, 6, 2)
                s = float(rng.uniform(0.2, 1))
                cand.append(rectangle(x + dx, y + dy, x + dx + w, y + dy + h, label, score=s))
                dts.append((i, label, [x + dx, y + dy, w, h], s))
        write_label_file(root / "ref" / f"{i:05d}.json", ImageAnnotation(shapes=ref, image_width=1000, image_height=800))
        write_label_file(root / "cand" / f"{i:05d}.json", ImageAnnotation(shapes=cand, image_width=1000, image_height=800))
    return gts, dts


def coco(gts: list, dts: list, n: int) -> float:
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    cats = {c: i + 1 for i, c in enumerate("abcde")}
    gt = COCO()
    gt.dataset = {"images": [{"id": i} for i in range(n)], "categories": [{"id": v} for v in cats.values()],
                  "annotations": [{"id": a + 1, "image_id": i, "category_id": cats[c], "bbox": b,
                                   "area": b[2] * b[3], "iscrowd": 0} for a, (i, c, b) in enumerate(gts)]}
    gt.createIndex()
    dt = gt.loadRes([{"image_id": i, "category_id": cats[c], "bbox": b, "score": s} for i, c, b, s in dts])
    t = time.perf_counter()
    ev = COCOeval(gt, dt, "bbox")
    ev.params.iouThrs = np.array([0.5])
    ev.evaluate()
    ev.accumulate()
    return time.perf_counter() - t


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "ref").mkdir()
        (root / "cand").mkdir()
        gts, dts = make(root, n, k)
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):  # COCOeval prints its progress
            t_ref = coco(gts, dts, n)
        t = time.perf_counter()
        result = compare_folders(root / "ref", root / "cand", MatchOptions())
        write_report(result, root / "out", html=False)
        t_ours = time.perf_counter() - t
        t = time.perf_counter()
        write_report(result, root / "out", worst=12, html=True)
        t_html = time.perf_counter() - t
    print(f"{n} images x {k} boxes")
    print(f"compare (read, match, report.json): {t_ours:.2f} s")
    print(f"report.html with 12 thumbnails:     {t_html:.2f} s")
    print(f"COCOeval evaluate+accumulate:       {t_ref:.2f} s (boxes in memory)")
    print(f"ratio compare / COCOeval:           {t_ours / t_ref:.2f}")


if __name__ == "__main__":
    main()
