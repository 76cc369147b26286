"""The real tiny SAM 2.1 export (random weights) through the video engine (slow).

The parts come from scripts/export_sam2_video_onnx.py; the folder is $ANYLABEL_SAM2_VIDEO_DIR
(default /tmp/sam2t). Without them the test skips and says how to make them. Random weights
give meaningless masks, so this checks the real tensor interface end to end: every part
loads and is accepted, memory counts grow and stay bounded, the shapes are written.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "inference" / "sam2_video"))
from sam2_clips import make_clip  # noqa: E402

from anylabel.cli.main import main  # noqa: E402
from anylabel.inference.sam2_video.parts import Sam2VideoParts  # noqa: E402
from anylabel.inference.sam2_video.prompts import FramePrompt  # noqa: E402
from anylabel.inference.sam2_video.tracker import VideoTracker  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]  # minutes per frame on a loaded 2-core CPU
DIR = Path(os.environ.get("ANYLABEL_SAM2_VIDEO_DIR", "/tmp/sam2t"))
PREFIX = "sam2.1_hiera_tiny"
FILES = [DIR / f"{PREFIX}.{p}.onnx" for p in ("video_encoder", "memory_attention", "memory_encoder", "video_decoder")]


@pytest.fixture(scope="module")
def parts():
    if not all(f.is_file() for f in FILES):
        pytest.skip(f"no tiny SAM 2 export in {DIR}: run /work/venvs/sam2/bin/python "
                    f"scripts/export_sam2_video_onnx.py --out {DIR} (needs torch + sam2, see the script)")
    return Sam2VideoParts.from_files(*map(str, FILES), device="cpu")


def test_real_parts_run_through_the_tracker(parts):
    clip = make_clip("moving", n=6)
    tr = VideoTracker(parts, lambda i: clip.frames[i], 6)
    seen = []
    real = parts.attend
    parts.attend = lambda f, m, t, p, pt: (seen.append((len(m), len(p))), real(f, m, t, p, pt))[1]
    try:
        first = tr.add_prompt(1, FramePrompt(0, [clip.centres[1][0]], [1]))
        results = dict(tr.propagate("forward"))
    finally:
        parts.attend = real
    assert first.mask.shape == (240, 320)
    assert sorted(results) == list(range(6))
    assert seen[0] == (1, 1) and seen[-1] == (5, 5)   # frame 5: the prompt + frames 1-4, as memories and pointers


def test_track_cli_with_the_real_export(tmp_path, parts, capsys):
    folder = make_clip("crossing", n=4).write(tmp_path / "clip")
    prompts = tmp_path / "p.json"
    prompts.write_text('{"objects": [{"id": 3, "label": "red", "prompts": [{"frame": 1, "box": [20, 90, 80, 150]}]}]}')
    config = DIR / f"{PREFIX}_video.yaml"
    assert main(["track", "--input", str(folder), "--model", str(config), "--prompts", str(prompts), "--quiet"]) == 0
    assert "track 3 (red)" in capsys.readouterr().out
