"""Review states and shape review comments survive a round trip through X-AnyLabeling's
own reader and writer (slow: needs the peer venv that scripts/test_compat.sh makes)."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from anylabel.core import Shape, read_label_file, write_label_file
from anylabel.core.label_file import new_annotation_for
from anylabel.core.review import (
    ACCEPTED,
    REJECTED,
    UNCHECKED,
    review_comment,
    review_state,
    set_review_state,
    set_shape_comment,
    shape_comment,
)

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
VENVS = Path(os.environ.get("ANYLABEL_PEER_VENVS", Path.home() / ".cache" / "anylabel-peers"))


def test_review_states_survive_x_anylabeling(tmp_path):
    py = VENVS / "xanylabeling" / "bin" / "python"
    if not py.exists():
        pytest.skip(f"{py} is absent: run scripts/test_compat.sh to install the peer")
    ours = tmp_path / "ours"
    ours.mkdir()
    files = {}
    for state in (UNCHECKED, ACCEPTED, REJECTED):
        img = ours / f"{state}.png"
        Image.new("RGB", (64, 48), (90, 120, 150)).save(img)
        box = Shape("rectangle", [[5, 6], [30, 25]], label="cat")
        set_shape_comment(box, f"comment on a {state} image")
        ann = new_annotation_for(img, [box])
        set_review_state(ann, state, reviewer="qa", comment="tail cut off" if state == REJECTED else None)
        files[state] = ours / f"{state}.json"
        write_label_file(files[state], ann)
    out = tmp_path / "rewritten"
    out.mkdir()
    r = subprocess.run([str(py), str(REPO / "scripts/compat/xanylabeling_reader.py"), "--rewrite", str(out),
                        *map(str, files.values())], capture_output=True, text=True, check=True)
    rows = [json.loads(line) for line in r.stdout.strip().splitlines() if line.startswith("{")]
    assert all(row["ok"] for row in rows), rows
    # X-AnyLabeling sees its own notion: checked only for the accepted image
    assert [row["other_data"]["checked"] for row in rows] == [False, True, False]
    for state, path in files.items():
        back = read_label_file(out / path.name)
        assert review_state(back) == state
        assert shape_comment(back.shapes[0]) == f"comment on a {state} image"
    assert review_comment(read_label_file(out / files[REJECTED].name)) == "tail cut off"
