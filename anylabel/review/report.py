"""The agreement report: ``report.json`` (the figures) and ``report.html`` (the same with
plots and thumbnails of the worst images). Both are written atomically into the output
folder and nowhere else."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..core.atomic import atomic_write_text
from ..core.folder_index import natural_key
from .folders import FolderComparison, ImageEntry

REPORT_VERSION = 1


def _labels(result: FolderComparison) -> list[str]:
    return sorted(result.agreement.classes, key=natural_key)


def _detail(e: ImageEntry) -> dict[str, Any]:
    """Which shapes paired up, as indices into each label file's ``shapes``, so a viewer can
    show an image's disagreement without matching again."""
    c, ri, ci = e.comparison, e.ref_index, e.cand_index

    def pairs(matches: list) -> list[list[Any]]:
        return [[ri[m.ref], ci[m.cand], None if m.iou is None else round(m.iou, 6),
                 None if m.distance is None else round(m.distance, 6)] for m in matches]

    return {"matched": pairs(c.matches), "relabelled": pairs(c.relabelled),
            "missed": [ri[i] for i in c.missed], "extra": [ci[j] for j in c.extra]}


def report_dict(result: FolderComparison) -> dict[str, Any]:
    """Everything ``report.json`` holds; images ranked by disagreement, worst first."""
    agreement = result.agreement
    labels = _labels(result)
    opts = result.options
    images = []
    for rank, e in enumerate(result.ranked(), start=1):
        c = e.comparison
        images.append({
            "rank": rank,
            "image": e.key,
            "reference_file": None if e.ref_path is None else os.fspath(e.ref_path),
            "candidate_file": None if e.cand_path is None else os.fspath(e.cand_path),
            "reference_shapes": len(c.ref_labels),
            "candidate_shapes": len(c.cand_labels),
            "tp": c.tp, "fp": c.fp, "fn": c.fn,
            "errors": c.errors,
            "relabelled": len(c.relabelled),
            "f1": c.f1,
            "mean_iou": c.mean_iou,
            "detail": _detail(e),
        })
    return {
        "version": REPORT_VERSION,
        "reference": os.fspath(result.reference),
        "candidate": os.fspath(result.candidate),
        "options": {"iou": opts.iou, "point_distance": opts.point_distance,
                    "line_width": opts.line_width, "matching": opts.matching},
        "image_count": len(result.images),
        "overall": agreement.overall().to_dict(),
        "classes": {lab: agreement.classes[lab].to_dict() for lab in labels},
        "confusion": agreement.confusion_table(labels),
        "ious": [round(v, 6) for v in agreement.ious],
        "images": images,
        "only_in_reference": result.only_in_reference,
        "only_in_candidate": result.only_in_candidate,
        "errors": result.errors,
    }


def write_report(result: FolderComparison, output: str | os.PathLike[str], worst: int = 12,
                 html: bool = True) -> dict[str, Any]:
    """Write OUT/report.json (and OUT/report.html); returns the report's dict."""
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    data = report_dict(result)
    atomic_write_text(out / "report.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if html:
        from .report_html import render_html

        atomic_write_text(out / "report.html", render_html(result, data, worst=worst))
    return data
