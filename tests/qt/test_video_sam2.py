"""Video > Propagate with SAM 2 in a real main window, with the SAM 2 video contract models:
the SAM prompt on the current frame becomes a track on every frame."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "unit" / "inference" / "sam2_video"))
from sam2_clips import iou, make_clip  # noqa: E402

from anylabel.core.frame_folder import FrameFolder  # noqa: E402
from anylabel.core.geometry import shape_to_mask  # noqa: E402
from anylabel.inference.sam.decoder import Prompt  # noqa: E402

pytestmark = pytest.mark.gui
FIX = HERE.parents[1] / "models" / "fixtures"


@pytest.fixture
def window(make_window):
    return make_window(install_extensions=True)


def _config(tmp_path: Path) -> Path:
    p = tmp_path / "sam2_contract_video.yaml"
    p.write_text("type: segment_anything_2_video\nname: contract\n"
                 f"encoder_model_path: {FIX / 'sam2_video_contract.video_encoder.onnx'}\n"
                 f"memory_attention_model_path: {FIX / 'sam2_video_contract.memory_attention.onnx'}\n"
                 f"memory_encoder_model_path: {FIX / 'sam2_video_contract.memory_encoder.onnx'}\n"
                 f"decoder_model_path: {FIX / 'sam2_video_contract.video_decoder.onnx'}\n")
    return p


class _Session:
    def __init__(self, prompt):
        self.prompt = prompt

    def clear(self):
        self.prompt = Prompt()


def test_propagate_with_sam2_from_the_sam_prompt(window, qtbot, tmp_path):
    clip = make_clip("crossing", n=10)
    folder = clip.write(tmp_path / "clip")
    window.open_folder(str(folder))
    qtbot.waitUntil(lambda: window.folder_index is not None and window.current_index == 0, timeout=5000)
    window.open_image(4)
    # The user clicked the red disc on frame 5 in Segment Anything's prompt mode.
    window.sam.session = _Session(Prompt(points=[clip.centres[1][4]], labels=[1]))
    job = window.video.propagate_sam2("both", config=str(_config(tmp_path)))
    assert job is not None
    qtbot.waitUntil(job.is_finished, timeout=60000)
    qtbot.wait(100)
    frames = FrameFolder(folder)
    scores = []
    for i in range(10):
        m = np.zeros((240, 320), bool)
        for s in frames.load(i).shapes:
            m |= shape_to_mask(s, 240, 320)
        scores.append(iou(m, clip.truth[1][i]))
    assert np.mean(scores) >= 0.9, scores
    assert {s.group_id for s in frames.load(0).shapes} == {1}
    assert window.sam.session.prompt.points == []        # the clicks became track 1
    assert window.document is not None and any(s.group_id == 1 for s in window.document.shapes)
    # A second run from the tracked shapes on the open frame (no new clicks) keeps track 1.
    job = window.video.propagate_sam2("forward", config=str(_config(tmp_path)))
    qtbot.waitUntil(job.is_finished, timeout=60000)
    qtbot.wait(100)
    assert {s.group_id for s in FrameFolder(folder).load(9).shapes} == {1}
    shot = Path("/tmp/sam2vid-gui.png")
    window.grab().save(str(shot))


def test_nothing_to_follow_is_explained(window, qtbot, tmp_path):
    folder = make_clip("moving", n=3).write(tmp_path / "clip")
    window.open_folder(str(folder))
    qtbot.waitUntil(lambda: window.current_index == 0, timeout=5000)
    assert window.video.propagate_sam2("both", config=str(_config(tmp_path))) is None
    assert any("Nothing to follow" in m for m in window.error_messages)
