"""Runs INSIDE a LabelMe 7 environment (Python >= 3.12, `pip install labelme`).

Reads each label file given on the command line with LabelMe's own reader and
prints one JSON line per file: {"file", "ok", "error", "shapes": [{label, shape_type,
points, group_id, description, flags}]}. With --rewrite DIR, also writes each file
back with LabelMe's own writer into DIR (to check that LabelMe's output loads in
AnyLabel with nothing lost).
"""
from __future__ import annotations

import dataclasses
import json
import os
import sys

from labelme import _label_file


def main(argv: list[str]) -> int:
    rewrite = None
    if argv and argv[0] == "--rewrite":
        rewrite, argv = argv[1], argv[2:]
    for filename in argv:
        row: dict = {"file": filename}
        try:
            ann = _label_file.read_label_file(filename=filename)
            row["ok"] = True
            row["shapes"] = [
                {k: s[k] for k in ("label", "shape_type", "points", "group_id", "description", "flags")}
                | {"other_data": s["other_data"]}
                for s in ann.shapes
            ]
            if rewrite:
                # Re-save with LabelMe's own writer, pointing imagePath at the original image.
                image_abs = os.path.join(os.path.dirname(os.path.abspath(filename)), ann.image_path)
                ann = dataclasses.replace(ann, image_path=os.path.relpath(image_abs, rewrite))
                with open(filename, encoding="utf-8") as fh:
                    raw = json.load(fh)
                _label_file.write_label_file(
                    filename=os.path.join(rewrite, os.path.basename(filename)), annotation=ann,
                    image_height=raw.get("imageHeight"), image_width=raw.get("imageWidth"),
                    save_image_data=False,
                )
        except Exception as exc:  # noqa: BLE001  # report, don't stop: one line per file
            row["ok"] = False
            row["error"] = f"{type(exc).__name__}: {exc}"
        print(json.dumps(row, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
