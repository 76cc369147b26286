"""SAM 2 video propagation on synthetic clips with the contract models, judged against
the drawn truth (mean IoU per frame, recovery after occlusion), through the label files."""
from __future__ import annotations

import numpy as np
import pytest
from sam2_clips import iou, make_clip

from anylabel.core.frame_folder import FrameFolder
from anylabel.core.geometry import shape_to_mask
from anylabel.core.label_file import read_label_file, write_label_file
from anylabel.core.provenance import ownership, USER
from anylabel.inference.sam2_video.folder import track_folder_sam2
from anylabel.inference.sam2_video.prompts import FramePrompt, ObjectPrompts
from anylabel.inference.sam2_video.tracker import VideoTracker


def _masks_from_files(frames: FrameFolder, tid: int, h: int, w: int) -> list[np.ndarray]:
    out = []
    for i in range(len(frames)):
        m = np.zeros((h, w), bool)
        ann = frames.load(i)
        for s in (ann.shapes if ann else []):
            if s.group_id == tid:
                m |= shape_to_mask(s, h, w)
        out.append(m)
    return out


def _click_prompts(clip, frame: int = 0) -> list[ObjectPrompts]:
    return [ObjectPrompts(tid, clip.labels[tid], [FramePrompt(frame, [clip.centres[tid][frame]], [1])])
            for tid in clip.truth]


@pytest.mark.parametrize("kind", ["moving", "crossing", "occluded"])
def test_mean_iou_per_frame_against_the_drawn_truth(tmp_path, contract_parts, kind):
    clip = make_clip(kind)
    frames = FrameFolder(clip.write(tmp_path / kind))
    report = track_folder_sam2(frames, contract_parts, _click_prompts(clip), direction="forward")
    assert report.ok, report.errors
    h, w = clip.frames[0].shape[:2]
    for tid, truth in clip.truth.items():
        got = _masks_from_files(frames, tid, h, w)
        scores = [iou(g, t) for g, t in zip(got, truth)]
        assert np.mean(scores) >= 0.9, (kind, tid, [round(s, 2) for s in scores])
        # each label file names the object it holds
        ann = frames.load(5)
        assert {s.label for s in ann.shapes if s.group_id == tid} <= {clip.labels[tid]}


def test_object_is_recovered_within_two_frames_after_occlusion(tmp_path, contract_parts):
    clip = make_clip("occluded", n=20)
    frames = FrameFolder(clip.write(tmp_path / "occ"))
    track_folder_sam2(frames, contract_parts, _click_prompts(clip), direction="forward")
    h, w = clip.frames[0].shape[:2]
    got = _masks_from_files(frames, 1, h, w)
    area = [t.sum() / max(1, f.sum()) for t, f in zip(clip.truth[1], clip.full[1])]
    hidden = [i for i, a in enumerate(area) if a == 0]
    assert hidden, "the clip must hide the object"
    back = next(i for i in range(hidden[-1], len(area)) if area[i] >= 0.25)
    assert not got[hidden[0]].any()                     # hidden: no shape written there
    assert any(iou(got[i], clip.truth[1][i]) >= 0.8 for i in range(back, back + 3)), \
        [round(iou(got[i], clip.truth[1][i]), 2) for i in range(back, min(len(got), back + 3))]


def test_backward_from_a_later_frame_and_both_ways(tmp_path, contract_parts):
    clip = make_clip("moving")
    frames = FrameFolder(clip.write(tmp_path / "mv"))
    report = track_folder_sam2(frames, contract_parts, _click_prompts(clip, frame=12), direction="both")
    assert report.ok and report.frames_visited == len(clip.frames)
    h, w = clip.frames[0].shape[:2]
    for tid in clip.truth:
        got = _masks_from_files(frames, tid, h, w)
        assert np.mean([iou(g, t) for g, t in zip(got, clip.truth[tid])]) >= 0.9


def test_box_prompt_and_new_track_ids(tmp_path, contract_parts):
    clip = make_clip("crossing")
    frames = FrameFolder(clip.write(tmp_path / "box"))
    (cx, cy) = clip.centres[2][0]
    objs = [ObjectPrompts(None, "blue", [FramePrompt(0, box=(cx - 26, cy - 26, cx + 26, cy + 26))])]
    report = track_folder_sam2(frames, contract_parts, objs, direction="forward")
    assert objs[0].track_id == 1 and report.objects == {1: "blue"}
    got = _masks_from_files(frames, 1, 240, 320)
    assert np.mean([iou(g, t) for g, t in zip(got, clip.truth[2])]) >= 0.9


def test_user_frames_are_never_written_and_a_correction_steers_the_rest(tmp_path, contract_parts):
    clip = make_clip("moving")
    frames = FrameFolder(clip.write(tmp_path / "fix"))
    # A wrong click (on the background) makes a wrong track for object 1 ...
    wrong = [ObjectPrompts(1, "red", [FramePrompt(0, [(5.0, 5.0)], [1])])]
    track_folder_sam2(frames, contract_parts, wrong, direction="forward")
    h, w = 240, 320
    assert np.mean([iou(g, t) for g, t in zip(_masks_from_files(frames, 1, h, w), clip.truth[1])]) < 0.5
    # ... the user corrects frame 6 by drawing the red disc there (a user frame now) ...
    from anylabel.core.geometry import mask_to_polygons
    from anylabel.core.shape import POLYGON, Shape

    ann = frames.load(6)
    poly = max(mask_to_polygons(clip.truth[1][6], tolerance=0.5), key=len)
    ann.shapes = [s for s in ann.shapes if s.group_id != 1] + [Shape(POLYGON, poly, label="red", group_id=1)]
    ann.extra.pop("generated", None) if hasattr(ann, "extra") else None
    write_label_file(frames.label_path(6), ann)
    frames = FrameFolder(frames.folder)
    assert ownership(frames.load(6)) == USER
    before = frames.label_path(6).read_bytes()
    # ... and propagating again from the first prompt follows the disc after frame 6.
    report = track_folder_sam2(frames, contract_parts, wrong, direction="forward")
    assert frames.label_path(6) in report.protected and report.corrections == 1
    assert frames.label_path(6).read_bytes() == before
    got = _masks_from_files(frames, 1, h, w)
    assert np.mean([iou(got[i], clip.truth[1][i]) for i in range(7, len(got))]) >= 0.9


def test_shapes_of_other_ids_stay_and_cancel_stops(tmp_path, contract_parts):
    clip = make_clip("moving")
    frames = FrameFolder(clip.write(tmp_path / "cancel"))
    seen = []
    report = track_folder_sam2(frames, contract_parts, _click_prompts(clip), direction="forward",
                               progress=lambda d, t: (seen.append((d, t)), d < 5)[1])
    assert report.cancelled and seen[-1] == (5, len(clip.frames))
    assert not frames.label_path(10).exists()
    # second run with only object 2: object 1's machine shapes on the frames stay
    track_folder_sam2(frames, contract_parts, _click_prompts(clip)[1:], direction="forward")
    ann = frames.load(3)
    assert {s.group_id for s in ann.shapes} == {1, 2}


def test_memory_attention_gets_the_selected_memories(contract_parts):
    clip = make_clip("moving", n=12)
    calls = []
    real = contract_parts.attend

    def spy(frame, memories, tpos, ptrs, ptr_tpos):
        calls.append((list(tpos), [round(x, 4) for x in ptr_tpos]))
        return real(frame, memories, tpos, ptrs, ptr_tpos)

    contract_parts.attend = spy
    try:
        tr = VideoTracker(contract_parts, lambda i: clip.frames[i], len(clip.frames))
        tr.add_prompt(1, FramePrompt(0, [clip.centres[1][0]], [1]))
        results = dict(tr.propagate("forward"))
    finally:
        contract_parts.attend = real
    assert len(results) == 12 and results[0][1].prompted
    # frame 1: the prompt (slot 0) and nothing tracked yet; frame 9: prompt + 6 previous frames
    assert calls[0] == ([0], [round(1 / 11, 4)])
    assert calls[8][0] == [0, 1, 2, 3, 4, 5, 6]
    assert calls[8][1][0] == round(9 / 11, 4) and len(calls[8][1]) == 1 + 8
