"""``anylabel track --model SAM2_VIDEO_CONFIG --prompts PROMPTS.json`` end to end with the
contract models, and the messages for bad prompts files and unusable configs."""
from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import CONTRACT
from sam2_clips import iou, make_clip

from anylabel.cli.main import main
from anylabel.core.frame_folder import FrameFolder
from anylabel.core.geometry import shape_to_mask


@pytest.fixture()
def config(tmp_path):
    path = tmp_path / "sam2_contract_video.yaml"
    path.write_text("type: segment_anything_2_video\nname: sam2_contract_video\n" + "".join(
        f"{key}: {CONTRACT[role]}\n" for key, role in (
            ("encoder_model_path", "encoder"), ("memory_attention_model_path", "memory_attention"),
            ("memory_encoder_model_path", "memory_encoder"), ("decoder_model_path", "decoder"))))
    return path


def test_track_writes_each_object_on_every_frame(tmp_path, config, capsys):
    clip = make_clip("crossing", n=16)
    folder = clip.write(tmp_path / "clip")
    (x, y) = clip.centres[1][0]
    (bx, by) = clip.centres[2][15]
    prompts = tmp_path / "prompts.json"
    prompts.write_text(json.dumps({"objects": [
        {"id": 7, "label": "red", "prompts": [{"frame": "frame_0001.png", "points": [[x, y]]}]},
        {"label": "blue", "prompts": [{"frame": 16, "box": [bx - 26, by - 26, bx + 26, by + 26]}]}]}))
    rc = main(["track", "--input", str(folder), "--model", str(config), "--prompts", str(prompts), "--quiet"])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "track 7 (red): found on 16 of 16 frame(s)" in out
    assert "track 8 (blue)" in out
    frames = FrameFolder(folder)
    for tid, truth_id in ((7, 1), (8, 2)):
        scores = []
        for i in range(16):
            m = np.zeros((240, 320), bool)
            for s in frames.load(i).shapes:
                if s.group_id == tid:
                    m |= shape_to_mask(s, 240, 320)
            scores.append(iou(m, clip.truth[truth_id][i]))
        assert np.mean(scores) >= 0.9, scores


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON (line 1"),
    ('{"objects": []}', "no objects"),
    ('{"objects": [{"prompts": [{"frame": 99, "points": [[1, 2]]}]}]}', "objects[1].prompts[1].frame: 99 is not a frame"),
    ('{"objects": [{"prompts": [{"frame": 1, "points": [[1, 2]], "labels": [0]}]}]}', "needs a box or at least one point"),
    ('{"objects": [{"prompts": [{"frame": 1, "box": [1, 2, 3]}]}]}', "objects[1].prompts[1].box"),
    ('{"objects": [{"id": 1, "prompts": [{"frame": 1, "points": [[1, 2]]}]},'
     ' {"id": 1, "prompts": [{"frame": 1, "points": [[1, 2]]}]}]}', "objects[2].id: 1 is given to two objects"),
])
def test_bad_prompts_file_is_named(tmp_path, config, capsys, content, message):
    folder = make_clip("moving", n=3).write(tmp_path / "clip")
    prompts = tmp_path / "bad.json"
    prompts.write_text(content)
    rc = main(["track", "--input", str(folder), "--model", str(config), "--prompts", str(prompts), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2
    assert str(prompts) in err and message in err, err
    assert "Traceback" not in err
    assert not any(folder.glob("*.json"))


def test_checkpoint_config_and_missing_prompts_are_explained(tmp_path, capsys):
    folder = make_clip("moving", n=2).write(tmp_path / "clip")
    xal = tmp_path / "sam2_hiera_tiny_video.yaml"
    xal.write_text("type: segment_anything_2_video\nname: t\nmodel_cfg: sam2_hiera_t.yaml\n"
                   "device_type: cuda\nmodel_path: sam2_hiera_tiny.pt\n")
    prompts = tmp_path / "p.json"
    prompts.write_text('{"objects": [{"prompts": [{"frame": 1, "points": [[10, 10]]}]}]}')
    assert main(["track", "--input", str(folder), "--model", str(xal), "--prompts", str(prompts)]) == 2
    assert "PyTorch checkpoint" in capsys.readouterr().err
    assert main(["track", "--input", str(folder), "--model", str(xal)]) == 2
    assert "--model needs --prompts" in capsys.readouterr().err


def test_a_video_is_split_into_frames_first(tmp_path, config, capsys):
    import cv2

    clip = make_clip("moving", n=5)
    video = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 10, (320, 240))
    for f in clip.frames:
        writer.write(cv2.cvtColor(f, cv2.COLOR_RGB2BGR))
    writer.release()
    prompts = tmp_path / "p.json"
    (x, y) = clip.centres[1][0]
    prompts.write_text(json.dumps({"objects": [{"id": 1, "prompts": [{"frame": 1, "points": [[x, y]]}]}]}))
    rc = main(["track", "--input", str(video), "--model", str(config), "--prompts", str(prompts), "--quiet"])
    out = capsys.readouterr().out
    assert rc == 0, out
    frames = FrameFolder(tmp_path / "clip")
    assert len(frames) == 5 and "found on 5 of 5 frame(s)" in out
    m = np.zeros((240, 320), bool)
    for s in frames.load(4).shapes:
        m |= shape_to_mask(s, 240, 320)
    assert iou(m, clip.truth[1][4]) >= 0.85
