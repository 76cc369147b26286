"""Segment Anything in the real main window with the SAM-contract models: Q clicks and
box drags show a preview, F labels and adds the polygon, B clears, the next image's
embedding is prefetched, rectangles become segments."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from qtpy.QtCore import Qt

from anylabel.core.geometry import shape_to_mask
from anylabel.core.shape import POLYGON, RECTANGLE, rectangle

pytestmark = pytest.mark.gui

FIXTURES = Path(__file__).resolve().parents[2] / "models" / "fixtures"
DISC = ((200, 160), 90)           # centre, radius: red disc
BOX = (380, 80, 580, 300)         # blue rectangle x0, y0, x1, y1 (exclusive)


def _scene(w: int = 640, h: int = 420) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    img = np.full((h, w, 3), (70, 150, 80), np.uint8)
    cv2.circle(img, DISC[0], DISC[1], (220, 40, 40), -1)
    x0, y0, x1, y1 = BOX
    img[y0:y1, x0:x1] = (40, 40, 220)
    disc = np.zeros((h, w), np.uint8)
    cv2.circle(disc, DISC[0], DISC[1], 1, -1)
    box = np.zeros((h, w), bool)
    box[y0:y1, x0:x1] = True
    return img, disc.astype(bool), box


def _iou(a, b):
    return np.logical_and(a, b).sum() / np.logical_or(a, b).sum()


@pytest.fixture
def sam_window(make_window, tmp_path, qtbot):
    from anylabel.inference.config import config_from_dict
    from anylabel.qt.extensions import sam

    folder = tmp_path / "photos"
    folder.mkdir()
    img, _, _ = _scene()
    for i in range(4):
        cv2.imwrite(str(folder / f"p{i}.png"), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    w = make_window()
    sam.install(w)
    cfg = config_from_dict({"type": "segment_anything", "name": "sam-contract",
                            "encoder_model_path": str(FIXTURES / "sam_contract_encoder.onnx"),
                            "decoder_model_path": str(FIXTURES / "sam_contract_decoder.onnx")})
    w.open_folder(str(folder))
    ctl = w.sam
    ctl.load_model(cfg)
    qtbot.waitUntil(lambda: ctl.model is not None, timeout=10000)
    yield w, ctl
    ctl.close()


def test_click_preview_finish_adds_polygon(sam_window, qtbot):
    from anylabel.qt.testing import click, key

    w, ctl = sam_window
    key(w.canvas, Qt.Key_Q)
    assert ctl.active and w.canvas.prompt_handler is ctl
    click(w.canvas, *DISC[0])
    qtbot.waitUntil(lambda: ctl.session is not None and ctl.session.prediction is not None, timeout=10000)
    assert w.canvas.overlay_image is not None
    _, disc, _ = _scene()
    assert _iou(ctl.session.mask, disc) > 0.9
    # the status line says what the click made and which keys come next
    msg = w.statusBar().currentMessage()
    assert "1 point(s), mask" in msg and f"mask {int(ctl.session.mask.sum()):,} px" in msg
    assert "F: finish" in msg and "B: clear" in msg
    w.labels.push("disc")
    key(w.canvas, Qt.Key_F)
    polys = [s for s in w.current_shapes() if s.shape_type == POLYGON]
    assert len(polys) == 1 and polys[0].label == "disc"
    assert _iou(shape_to_mask(polys[0], 420, 640), disc) > 0.9
    assert w.canvas.overlay_image is None
    assert w.settings.get("label_history")[0] == "disc"  # through window.remember_label


def test_negative_click_box_drag_and_clear(sam_window, qtbot):
    from anylabel.qt.testing import click, drag, key

    w, ctl = sam_window
    key(w.canvas, Qt.Key_Q)
    click(w.canvas, *DISC[0])
    click(w.canvas, 480, 190)
    qtbot.waitUntil(lambda: ctl.session is not None and len(ctl.session.prompt.points) == 2, timeout=10000)
    _, disc, box = _scene()
    assert _iou(ctl.session.mask, disc | box) > 0.9
    click(w.canvas, 480, 190, button=Qt.RightButton)   # right click: negative
    assert _iou(ctl.session.mask, disc) > 0.9
    key(w.canvas, Qt.Key_B)
    assert ctl.session.prediction is None and w.canvas.overlay_image is None
    x0, y0, x1, y1 = BOX
    drag(w.canvas, x0 - 8, y0 - 8, x1 + 8, y1 + 8)
    assert ctl.session.prompt.box is not None
    assert _iou(ctl.session.mask, box) > 0.9
    key(w.canvas, Qt.Key_E)
    assert ctl.negative_mode


def test_next_image_is_prefetched(sam_window, qtbot):
    w, ctl = sam_window
    qtbot.waitUntil(lambda: ctl.session is not None, timeout=10000)
    store = ctl.model.store
    assert store.wait_idle(10)
    assert store.peek(w.folder_index.path(1)) is not None
    calls = store.stats.encoder_calls
    w.next_image()
    qtbot.waitUntil(lambda: ctl.session is not None and ctl.path == w.folder_index.path(1), timeout=10000)
    store.wait_idle(10)
    w.prev_image()
    qtbot.waitUntil(lambda: ctl.session is not None, timeout=10000)
    store.wait_idle(10)
    # Image 1 was prefetched and image 0 kept: only image 2 (prefetched now) costs a run.
    assert store.stats.encoder_calls - calls <= 2
    assert store.peek(w.folder_index.path(0)) is not None


def test_rectangles_to_segments_on_this_image(sam_window, qtbot):
    w, ctl = sam_window
    x0, y0, x1, y1 = BOX
    w.add_shapes([rectangle(x0 - 6, y0 - 6, x1 + 6, y1 + 6, label="car", group_id=4)])
    qtbot.waitUntil(lambda: ctl.session is not None, timeout=10000)
    ctl.boxes_to_segments_here()
    shapes = w.current_shapes()
    assert [s.shape_type for s in shapes] == [POLYGON]
    assert shapes[0].label == "car" and shapes[0].group_id == 4
    _, _, box = _scene()
    assert _iou(shape_to_mask(shapes[0], 420, 640), box) > 0.9


def test_rectangles_to_segments_whole_folder(sam_window, qtbot):
    from anylabel.core.label_file import new_annotation_for, read_label_file, write_label_file
    from anylabel.qt.extensions.sam import _folder_run

    w, ctl = sam_window
    idx = w.folder_index
    x0, y0, x1, y1 = BOX
    for i in (1, 2):
        write_label_file(idx.label_path(i), new_annotation_for(
            idx.path(i), [rectangle(x0 - 5, y0 - 5, x1 + 5, y1 + 5, label="car", group_id=i)], (640, 420)))
    (idx.path(3).with_suffix(".json")).write_text("{ broken")
    idx.mark_labelled(idx.path(1).name)
    idx.mark_labelled(idx.path(2).name)
    idx.mark_labelled(idx.path(3).name)
    qtbot.waitUntil(lambda: ctl.session is not None, timeout=10000)
    t = _folder_run(w, ctl)
    t.join(30)
    qtbot.waitUntil(lambda: any("1 failed" in m for m in w.error_messages), timeout=5000)
    _, _, box = _scene()
    for i in (1, 2):
        shapes = read_label_file(idx.label_path(i)).shapes
        assert [s.shape_type for s in shapes] == [POLYGON]
        assert shapes[0].label == "car" and shapes[0].group_id == i
        assert _iou(shape_to_mask(shapes[0], 420, 640), box) > 0.9
    assert (idx.path(3).with_suffix(".json")).read_text() == "{ broken"


def test_clicks_before_the_embedding_is_ready_are_applied(sam_window, qtbot):
    w, ctl = sam_window
    ctl.activate()
    ctl.model.store.clear()          # nothing cached: the next request must encode
    ctl.on_image_changed()           # as when an image opens
    assert ctl.session is None       # the embedding is not there yet
    ctl.on_click(DISC[0][0], DISC[0][1], Qt.LeftButton, Qt.NoModifier)
    qtbot.waitUntil(lambda: ctl.session is not None and ctl.session.prediction is not None, timeout=10000)
    _, disc, _ = _scene()
    assert _iou(ctl.session.mask, disc) > 0.9


def test_broken_model_config_is_reported(sam_window, qtbot, tmp_path):
    from anylabel.inference.config import config_from_dict

    w, ctl = sam_window
    good = ctl.model
    bad = config_from_dict({"type": "segment_anything", "name": "missing",
                            "encoder_model_path": str(tmp_path / "nope.onnx"),
                            "decoder_model_path": str(tmp_path / "nope2.onnx")})
    ctl.load_model(bad)
    qtbot.waitUntil(lambda: any("nope.onnx" in m for m in w.error_messages), timeout=10000)
    assert ctl.model is good         # the working model stays


def test_folder_run_reloads_the_image_the_user_moved_to(sam_window, qtbot, monkeypatch):
    """The run skips the image it started on, but the user may go to an image it is about to
    rewrite: that image must show the run's result (with the user's unsaved shape on top)."""
    import threading

    from anylabel.core.label_file import new_annotation_for, read_label_file, write_label_file
    from anylabel.inference.sam import box_to_segment
    from anylabel.qt.extensions.sam import _folder_run

    w, ctl = sam_window
    idx = w.folder_index
    x0, y0, x1, y1 = BOX
    for i in (1, 2):
        write_label_file(idx.label_path(i), new_annotation_for(
            idx.path(i), [rectangle(x0 - 5, y0 - 5, x1 + 5, y1 + 5, label="car", group_id=i)], (640, 420)))
        idx.mark_labelled(idx.path(i).name)
    qtbot.waitUntil(lambda: ctl.session is not None, timeout=10000)
    gate = threading.Event()
    real = box_to_segment.segment_label_files

    def gated(*a, **kw):
        gate.wait(30)
        return real(*a, **kw)

    monkeypatch.setattr(box_to_segment, "segment_label_files", gated)
    t = _folder_run(w, ctl)
    w.open_image(1)
    w.open_image(2)
    assert [s.shape_type for s in w.current_shapes()] == [RECTANGLE]
    w.add_shapes([rectangle(1, 1, 20, 20, label="mine")])
    gate.set()
    t.join(30)
    qtbot.waitUntil(lambda: "label files written" in w.statusBar().currentMessage(), timeout=5000)
    assert [(s.shape_type, s.label) for s in w.current_shapes()] == [(POLYGON, "car"), (RECTANGLE, "mine")]
    assert w.isWindowModified() and "unsaved shapes on p2.png were kept" in w.statusBar().currentMessage()
    w.open_image(1)                                     # auto-save of image 2: both kept
    assert [s.shape_type for s in read_label_file(idx.label_path(2)).shapes] == [POLYGON, RECTANGLE]
    assert [s.shape_type for s in w.current_shapes()] == [POLYGON]


def test_sam_keys_b_and_f_only_act_in_prompt_mode(sam_window, qtbot):
    from anylabel.qt.testing import key

    w, ctl = sam_window
    w.add_shapes([rectangle(10, 10, 60, 60, label="box")])
    w.statusBar().showMessage("untouched")
    key(w.canvas, Qt.Key_F)                     # edit mode: F and B do nothing
    key(w.canvas, Qt.Key_B)
    assert not ctl.active and w.statusBar().currentMessage() == "untouched"
    assert w.labels.requests == []
    key(w.canvas, Qt.Key_Q)
    assert ctl.active
    key(w.canvas, Qt.Key_F)                     # in prompt mode F is Finish
    assert "nothing to finish" in w.statusBar().currentMessage()
    w.set_mode("edit")                          # leaving prompt mode frees the keys again
    assert not ctl.active
    w.statusBar().showMessage("untouched")
    key(w.canvas, Qt.Key_F)
    assert w.statusBar().currentMessage() == "untouched"


def test_a_model_chosen_while_another_loads_is_built_after_it_and_kept(sam_window, qtbot, monkeypatch):
    import threading

    from anylabel.inference import registry
    from anylabel.inference.config import config_from_dict

    w, ctl = sam_window
    real = registry.create_model
    building, most, closed = [0], [0], []
    gate = threading.Event()

    def gated(config, **kw):  # type: ignore[no-untyped-def]
        building[0] += 1
        most[0] = max(most[0], building[0])
        try:
            if config.name == "first":
                gate.wait(10)
            model = real(config, **kw)
        finally:
            building[0] -= 1
        close = model.close
        model.close = lambda wait=True: (closed.append(config.name), close(wait=wait))
        return model

    monkeypatch.setattr(registry, "create_model", gated)
    configs = [config_from_dict({"type": "segment_anything", "name": name,
                                 "encoder_model_path": str(FIXTURES / "sam_contract_encoder.onnx"),
                                 "decoder_model_path": str(FIXTURES / "sam_contract_decoder.onnx")})
               for name in ("first", "second")]
    first = ctl.load_model(configs[0])
    assert first is not None and ctl.load_model(configs[1]) is None  # queued behind the first
    gate.set()
    qtbot.waitUntil(lambda: ctl.model is not None and ctl.model.config.name == "second", timeout=10000)
    assert most[0] == 1            # never two models built at once
    assert closed == ["first"]     # the superseded model was released, not leaked
    assert ctl.loading is None


def test_a_folder_run_that_fails_names_the_folder(sam_window, qtbot, monkeypatch):
    from anylabel.inference.sam import box_to_segment
    from anylabel.qt.extensions.sam import _folder_run

    w, ctl = sam_window

    def broken(*a, **kw):
        raise OSError("no space left on device")

    monkeypatch.setattr(box_to_segment, "segment_label_files", broken)
    task = _folder_run(w, ctl)
    qtbot.waitUntil(task.is_finished, timeout=10000)
    assert w.error_messages[-1] == f"Segment Anything: {w.folder_index.folder}: no space left on device"
