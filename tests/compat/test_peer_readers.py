"""Our label files load in the peers' own readers, and theirs load here with nothing lost.

Slow: needs the peers installed in their own venvs (scripts/test_compat.sh makes them).
"""
from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from anylabel.core import Shape, read_label_file, write_label_file
from anylabel.core.geometry import RotatedBox, rotated_box_corners
from anylabel.core.label_file import new_annotation_for

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
VENVS = Path(os.environ.get("ANYLABEL_PEER_VENVS", Path.home() / ".cache" / "anylabel-peers"))


def _peer_python(name: str) -> Path:
    py = VENVS / name / "bin" / "python"
    if not py.exists():
        pytest.skip(f"{py} is absent: run scripts/test_compat.sh to install the peer")
    return py


def _labelme_shapes() -> list[Shape]:
    rot = rotated_box_corners(RotatedBox(40, 30, 20, 10, math.radians(30)))
    return [
        Shape("rectangle", [[5, 6], [30, 25]], label="猫 cat", group_id=1, difficult=True, score=0.8,
              attributes={"color": "black"}),
        Shape("polygon", [[1, 1], [20, 2], [15, 18]], label="road sign", description="faded",
              flags={"occluded": True}),
        Shape("circle", [[40, 20], [45, 20]], label="wheel"),
        Shape("line", [[0, 0], [60, 40]], label="edge"),
        Shape("point", [[12, 13]], label="nose", group_id=1),
        Shape("linestrip", [[0, 40], [10, 35], [20, 40]], label="lane"),
        Shape("rotation", rot, label="ship", direction=math.radians(30), saved_as="oriented_rectangle"),
    ]


def _write_case(folder: Path, shapes: list[Shape]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    img = folder / "photo é 1.png"
    Image.new("RGB", (64, 48), (90, 120, 150)).save(img)
    label = folder / "photo é 1.json"
    write_label_file(label, new_annotation_for(img, shapes))
    return label


def test_our_files_load_in_labelme7_and_labelme_output_loads_here_losslessly(tmp_path):
    py = _peer_python("labelme")
    shapes = _labelme_shapes()
    label = _write_case(tmp_path / "ours", shapes)
    out_dir = tmp_path / "rewritten by labelme"
    out_dir.mkdir()
    r = subprocess.run([str(py), str(REPO / "scripts/compat/labelme_reader.py"), "--rewrite", str(out_dir),
                        str(label)], capture_output=True, text=True, check=True)
    row = json.loads(r.stdout.strip().splitlines()[-1])
    assert row["ok"], row.get("error")
    assert [s["shape_type"] for s in row["shapes"]] == [
        "rectangle", "polygon", "circle", "line", "point", "linestrip", "oriented_rectangle"]
    for theirs, ours in zip(row["shapes"], shapes):
        assert theirs["label"] == ours.label and theirs["group_id"] == ours.group_id
        np.testing.assert_allclose(theirs["points"], ours.points)
    # LabelMe keeps our extra keys (difficult, score, attributes, ...) and we read its file back whole.
    back = read_label_file(out_dir / label.name)
    for s in back.shapes:
        assert s.extra.pop("mask") is None  # LabelMe adds "mask": null to every shape; nothing else differs
    assert back.shapes == read_label_file(label).shapes


def test_a_file_with_x_anylabeling_rotation_is_refused_by_labelme7_as_documented(tmp_path):
    py = _peer_python("labelme")
    rot = rotated_box_corners(RotatedBox(40, 30, 20, 10, 0.3))
    label = _write_case(tmp_path, [Shape("rotation", rot, label="ship", direction=0.3)])
    r = subprocess.run([str(py), str(REPO / "scripts/compat/labelme_reader.py"), str(label)],
                       capture_output=True, text=True, check=True)
    row = json.loads(r.stdout.strip().splitlines()[-1])
    assert not row["ok"] and "rotation" in row["error"]  # see docs/adr/0001-label-file-form.md


def test_our_files_load_in_x_anylabeling_and_its_output_loads_here_losslessly(tmp_path):
    py = _peer_python("xanylabeling")
    rot = rotated_box_corners(RotatedBox(40, 30, 20, 10, 0.5))
    shapes = _labelme_shapes()[:6] + [
        Shape("rotation", rot, label="ship", direction=0.5, kie_linking=[[1, 2]]),
    ]
    label = _write_case(tmp_path / "ours", shapes)
    out_dir = tmp_path / "rewritten"
    out_dir.mkdir()
    r = subprocess.run([str(py), str(REPO / "scripts/compat/xanylabeling_reader.py"), "--rewrite", str(out_dir),
                        str(label)], capture_output=True, text=True, check=True)
    row = json.loads(r.stdout.strip().splitlines()[-1])
    assert row["ok"], row.get("error")
    theirs = row["shapes"]
    assert [s["shape_type"] for s in theirs] == [s.shape_type for s in shapes]
    assert theirs[0]["points"] == [[5, 6], [30, 6], [30, 25], [5, 25]]  # they read our 2-point rectangle
    assert theirs[0]["difficult"] is True and theirs[0]["attributes"] == {"color": "black"}
    assert theirs[6]["direction"] == pytest.approx(0.5)
    back = read_label_file(out_dir / label.name)
    assert back.shapes == read_label_file(label).shapes
