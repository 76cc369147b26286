"""Runs INSIDE an X-AnyLabeling environment (`pip install x-anylabeling-cvhub`).

Loads each label file given on the command line with X-AnyLabeling's own LabelFile
loader and prints one JSON line per file: {"file", "ok", "error", "shapes": [...]}
with each shape as X-AnyLabeling holds it (label, shape_type, points, group_id,
description, difficult, direction, attributes, score). With --rewrite DIR it also
saves each file back with X-AnyLabeling's own writer into DIR.
"""
from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _shape_row(s) -> dict:
    pts = [[float(p.x()), float(p.y())] for p in s.points] if hasattr(s, "points") and s.points and \
        hasattr(s.points[0], "x") else s.get("points") if isinstance(s, dict) else None
    get = (lambda k, d=None: s.get(k, d)) if isinstance(s, dict) else (lambda k, d=None: getattr(s, k, d))
    return {"label": get("label"), "shape_type": get("shape_type"), "points": pts,
            "group_id": get("group_id"), "description": get("description"), "difficult": get("difficult"),
            "direction": get("direction"), "attributes": get("attributes"), "score": get("score")}


def main(argv: list[str]) -> int:
    from PyQt6.QtWidgets import QApplication

    _app = QApplication.instance() or QApplication(["compat"])
    from anylabeling.views.labeling.label_file import LabelFile

    rewrite = None
    if argv and argv[0] == "--rewrite":
        rewrite, argv = argv[1], argv[2:]
    for filename in argv:
        row: dict = {"file": filename}
        try:
            lf = LabelFile(filename)
            row["ok"] = True
            row["shapes"] = [_shape_row(s) for s in lf.shapes]
            row["other_data"] = lf.other_data
            if rewrite:
                shapes = [s.to_dict() if hasattr(s, "to_dict") else dict(s) for s in lf.shapes]
                image_abs = os.path.join(os.path.dirname(os.path.abspath(filename)), lf.image_path)
                with open(filename, encoding="utf-8") as fh:
                    raw = json.load(fh)
                out = os.path.join(rewrite, os.path.basename(filename))
                lf.save(filename=out, shapes=shapes, image_path=os.path.relpath(image_abs, rewrite),
                        image_height=raw.get("imageHeight"), image_width=raw.get("imageWidth"),
                        other_data=lf.other_data, flags=lf.flags)
        except Exception as exc:  # noqa: BLE001  # report, don't stop: one line per file
            row["ok"] = False
            row["error"] = f"{type(exc).__name__}: {exc}"
        print(json.dumps(row, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
