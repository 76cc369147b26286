"""The auto-labeling panel in the real main window: model picker, capability-driven controls,
run on the current image (keeps manual shapes), run all images in the background."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from qtpy.QtCore import Qt, QTimer

from anylabel.core.label_file import new_annotation_for, read_label_file, write_label_file
from anylabel.core.shape import rectangle

pytestmark = pytest.mark.gui


def synthetic():
    """scripts/synthetic_shapes.py (the generator the demo models were trained on)."""
    import synthetic_shapes

    return synthetic_shapes


@pytest.fixture
def shapes_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "shapes"
    folder.mkdir()
    syn = synthetic()
    rng = np.random.default_rng(7)
    for i in range(6):
        img, _ = syn.make_sample(rng, "det", 160, 160, max_objects=3, min_size=30)
        cv2.imwrite(str(folder / f"s{i}.png"), img[:, :, ::-1])
    write_label_file(folder / "s0.json", new_annotation_for(folder / "s0.png", [rectangle(1, 1, 9, 9, "manual")]))
    return folder


@pytest.fixture
def window(make_window):
    from anylabel.qt.extensions import autolabel

    w = make_window()
    autolabel.install(w)
    return w


def load(qtbot, panel, name: str):
    assert panel.select_model(name)
    with qtbot.waitSignal(panel.model_loaded, timeout=30000):
        panel.load_selected()
    return panel.model


def test_picker_groups_and_search(window) -> None:
    panel = window.autolabel_panel
    providers = [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())]
    assert "Ultralytics" in providers and "AnyLabel demo" in providers
    panel.search.setText("OBB")
    names = panel.visible_model_names()
    assert "yolov8s-obb" in names and all("obb" in n for n in names)
    panel.search.setText("")
    assert "ppocr-v4" in panel.visible_model_names()


def test_controls_follow_capabilities(qtbot, window) -> None:
    panel = window.autolabel_panel
    panel.show()
    model = load(qtbot, panel, "fixture_shapes_det")
    assert "CPU" in panel.status.text() and model.device == "cpu"
    assert panel.control_visible("conf") and panel.control_visible("iou") and panel.control_visible("nms")
    assert panel.conf.value() == pytest.approx(0.4)
    assert panel.control_visible("sahi")
    panel.sahi.setChecked(True)
    panel.slice_size.setValue(320)
    panel.nms.setCurrentIndex(panel.nms.findData("diou_nms"))
    assert panel._ready()
    cfg = panel.model.config
    assert cfg.sahi and cfg.slice_width == 320 and cfg.nms == "diou_nms"
    load(qtbot, panel, "ppocr-v4")
    assert panel.control_visible("conf") and not panel.control_visible("iou") and not panel.control_visible("nms")
    assert not panel.control_visible("sahi")


def test_run_current_keeps_manual_shapes_and_is_undoable(qtbot, window, shapes_folder) -> None:
    panel = window.autolabel_panel
    window.open_folder(shapes_folder)
    window.open_image(0)
    load(qtbot, panel, "fixture_shapes_det")
    with qtbot.waitSignal(panel.prediction_applied, timeout=30000) as sig:
        panel.run_current()
    added = sig.args[0]
    shapes = window.current_shapes()
    assert added > 0 and shapes[0].label == "manual" and len(shapes) == added + 1
    # the result is also in the status bar: the panel's own line may be scrolled out of view
    assert f"{added} shapes added" in window.statusBar().currentMessage()
    assert {s.label for s in shapes[1:]} <= {"circle", "rectangle", "triangle"}
    # Running again adds nothing new (same shapes are recognised).
    with qtbot.waitSignal(panel.prediction_applied, timeout=30000) as sig:
        panel.run_current()
    assert sig.args[0] == 0 and len(window.current_shapes()) == added + 1
    window.undo()  # the whole prediction is one undoable edit
    assert [s.label for s in window.current_shapes()] == ["manual"]


def test_run_all_in_background_with_summary(qtbot, window, shapes_folder) -> None:
    panel = window.autolabel_panel
    window.open_folder(shapes_folder)
    load(qtbot, panel, "fixture_shapes_det")
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    (shapes_folder / "s3.png").write_bytes(b"broken")
    with qtbot.waitSignal(panel.batch_finished, timeout=60000) as sig:
        qtbot.keyClick(window, Qt.Key_B, Qt.ControlModifier)
    timer.stop()
    summary = sig.args[0]
    assert summary.processed == 6 and len(summary.failed) == 1 and "s3.png" in summary.failed[0]
    assert summary.written == 5 and "5 label files written" in panel.summary.toPlainText()
    assert read_label_file(shapes_folder / "s0.json").shapes[0].label == "manual"
    assert read_label_file(shapes_folder / "s5.json").shapes
    assert ticks, "the event loop kept running during the batch"
    # A range: only images 2..3 are run.
    panel.range_from.setValue(2)
    panel.range_to.setValue(3)
    with qtbot.waitSignal(panel.batch_finished, timeout=60000) as sig:
        panel.run_all()
    assert sig.args[0].total == 2


def test_broken_custom_config_names_file_and_key(window, tmp_path) -> None:
    bad = tmp_path / "mine.yaml"
    bad.write_text("type: yolov8\nname: mine\nmodel_path: m.onnx\nconf_treshold: 0.3\n")
    panel = window.autolabel_panel
    panel.load_custom(str(bad))
    assert "mine.yaml" in window.error_messages[-1] and "conf_treshold" in window.error_messages[-1]


def test_missing_model_file_error_says_what_to_do(qtbot, window, tmp_path) -> None:
    cfg = tmp_path / "gone.yaml"
    cfg.write_text("type: yolov8\nname: gone\nmodel_path: gone.onnx\n")
    panel = window.autolabel_panel
    panel.load_custom(str(cfg))
    qtbot.waitUntil(lambda: not panel.busy(), timeout=10000)
    qtbot.waitUntil(lambda: bool(window.error_messages), timeout=5000)
    assert "gone" in window.error_messages[-1] and "does not exist" in window.error_messages[-1]


def test_ctrl_a_toggles_panel(qtbot, window) -> None:
    panel = window.autolabel_panel
    assert not panel.isVisible()
    qtbot.keyClick(window, Qt.Key_A, Qt.ControlModifier)
    assert panel.isVisible()


def sixty_six_images(qtbot, window, shapes_folder):  # type: ignore[no-untyped-def]
    """A folder long enough to stop a Run all halfway, open, with the demo detector loaded."""
    import shutil

    for i in range(60):
        shutil.copy(shapes_folder / "s1.png", shapes_folder / f"copy{i:03d}.png")
    panel = window.autolabel_panel
    window.open_folder(shapes_folder)
    load(qtbot, panel, "fixture_shapes_det")
    return panel


def test_cancel_run_all(qtbot, window, shapes_folder) -> None:
    panel = sixty_six_images(qtbot, window, shapes_folder)
    with qtbot.waitSignal(panel.batch_finished, timeout=60000) as sig:
        panel.run_all()
        qtbot.waitUntil(lambda: panel.progress.value() >= 1, timeout=30000)
        panel.cancel_batch()
    summary = sig.args[0]
    assert summary.cancelled and summary.processed < summary.total == 66
    assert "Cancelled" in panel.summary.toPlainText()


def test_run_all_results_on_the_open_image_survive_the_next_autosave(qtbot, window, shapes_folder) -> None:
    panel = window.autolabel_panel
    window.open_folder(shapes_folder)
    window.open_image(0)
    load(qtbot, panel, "fixture_shapes_det")
    with qtbot.waitSignal(panel.batch_finished, timeout=60000):
        panel.run_all()
    on_disk = [s.label for s in read_label_file(shapes_folder / "s0.json").shapes]
    assert len(on_disk) > 1  # manual + detections
    assert [s.label for s in window.current_shapes()] == on_disk  # the screen shows the run's result
    window.add_shapes([rectangle(20, 20, 40, 40, "mine")])
    window.open_image(1)  # autosave of image 0
    after = [s.label for s in read_label_file(shapes_folder / "s0.json").shapes]
    assert after == on_disk + ["mine"]


def test_panel_opens_as_a_tab_beside_the_file_list_and_stays_open(qtbot, window) -> None:
    panel = window.autolabel_panel
    window.resize(1440, 900)
    qtbot.keyClick(window, Qt.Key_A, Qt.ControlModifier)
    qtbot.waitUntil(panel.isVisible)
    assert panel in window.tabifiedDockWidgets(window.file_dock)
    assert window.height() <= 900  # the panel scrolls instead of stretching the window
    window.file_dock.raise_()  # another tab in front must not close the panel
    qtbot.wait(50)
    assert not panel.isHidden()


def test_prompt_rows_follow_the_registry_capabilities(qtbot, window, tmp_path) -> None:
    """text_prompts shows the prompt box (its words become the classes to look for);
    point/box prompts show where prompting happens; a plain detector shows neither."""
    from anylabel.inference.models.yolo_detect import YoloV8
    from anylabel.inference.registry import Capabilities, register

    @register("unit_test_open_vocab", capabilities=Capabilities(conf=True, iou=True, text_prompts=True))
    class OpenVocab(YoloV8):
        pass

    panel = window.autolabel_panel
    panel.show()
    load(qtbot, panel, "fixture_shapes_det")
    assert not panel.control_visible("text") and not panel.control_visible("prompts")
    fixture = Path(__file__).resolve().parents[2] / "models" / "fixtures" / "shapes_det.onnx"
    cfg = tmp_path / "ov.yaml"
    cfg.write_text(f"type: unit_test_open_vocab\nname: ov\nmodel_path: {fixture}\nclasses: [circle, triangle]\n")
    with qtbot.waitSignal(panel.model_loaded, timeout=30000):
        panel.load_custom(str(cfg))
    assert panel.control_visible("text") and panel.text_prompt.text() == "circle, triangle"
    panel.text_prompt.setText("circle, red car")
    assert panel._ready() and panel.model.config.classes == ["circle", "red car"]
    panel._apply_capabilities(Capabilities(conf=False, point_prompts=True, box_prompts=True))
    assert panel.control_visible("prompts") and not panel.control_visible("text")
    import os
    if os.environ.get("ANYLABEL_SHOT_DIR"):  # look at it: ANYLABEL_SHOT_DIR=/tmp pytest ...
        panel._apply_capabilities(panel.model.capabilities)
        panel.resize(380, 1000)
        panel.grab().save(os.path.join(os.environ["ANYLABEL_SHOT_DIR"], "panel_prompts.png"))


def test_closing_the_window_stops_a_run_all(qtbot, window, shapes_folder) -> None:
    panel = sixty_six_images(qtbot, window, shapes_folder)
    panel.run_all()
    qtbot.waitUntil(lambda: panel.progress.value() >= 1, timeout=30000)
    batch = panel._batch
    window.close()
    assert batch.cancelled and not batch.is_running() and not panel.busy()
    written = len(list(shapes_folder.glob("copy*.json")))
    qtbot.wait(200)
    assert len(list(shapes_folder.glob("copy*.json"))) == written < 60  # nothing written after the close


def test_a_prediction_that_raises_names_the_model_and_the_file(qtbot, window, shapes_folder) -> None:
    panel = window.autolabel_panel
    window.open_folder(shapes_folder)
    model = load(qtbot, panel, "fixture_shapes_det")

    def broken(image):
        raise RuntimeError("the session was closed")

    model.predict_result = broken
    panel.run_current()
    qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=10000)
    message = window.error_messages[-1]
    assert message.startswith(f"Model {model.config.title} failed on ") and "s0.png" in message
    assert "RuntimeError: the session was closed" in message


@pytest.mark.parametrize("orientation", [1, 6])
def test_run_current_on_a_huge_image_gives_full_image_coordinates(qtbot, make_window, tmp_path, monkeypatch,
                                                                   orientation: int) -> None:
    """An image beyond the decode bound, shown as tiles (a PNG) or reduced (a JPEG stored turned,
    EXIF orientation 6, shown upright): "run this image" loads it as a batch run does (a
    streamed copy, turned upright) and the shapes land where the canvas shows the objects."""
    pytest.importorskip("pyvips", reason="huge images need libvips (pip install 'anylabel[huge]')")
    from PIL import Image

    from anylabel.core.geometry import bounding_box
    from anylabel.core.image_io import MAX_PIXELS_ENV
    from anylabel.qt.extensions import autolabel

    folder = tmp_path / "huge"
    folder.mkdir()
    img, objs = synthetic().make_sample(np.random.default_rng(8), "det", 160, 160)
    shown = cv2.resize(img, (1600, 1600), interpolation=cv2.INTER_NEAREST)
    if orientation == 1:
        cv2.imwrite(str(folder / "huge.png"), shown[:, :, ::-1])
    else:
        stored = Image.fromarray(np.ascontiguousarray(np.rot90(shown, 1)))  # turned back by 90 degrees
        exif = stored.getexif()
        exif[0x0112] = orientation  # "rotate 90 degrees clockwise to show"
        stored.save(folder / "turned.jpg", exif=exif.tobytes(), quality=95)
    monkeypatch.setenv(MAX_PIXELS_ENV, "1000000")  # 2.56 MP: beyond the decode bound here
    window = make_window("max_display_pixels: 1000000\n")
    autolabel.install(window)
    window.open_folder(folder)
    assert (window.canvas.image_width, window.canvas.image_height) == (1600, 1600)
    if orientation != 1:  # shown upright (a reduced decode: EXIF-turned images are not tiled)
        expected = cv2.resize(shown, (800, 800), interpolation=cv2.INTER_AREA)
        assert np.abs(window.current_image().astype(int) - expected).mean() < 6
    panel = window.autolabel_panel
    load(qtbot, panel, "fixture_shapes_det")
    with qtbot.waitSignal(panel.prediction_applied, timeout=30000) as sig:
        panel.run_current()
    assert sig.args[0] > 0 and not window.error_messages
    names = synthetic().CLASSES["det"]
    shapes = window.current_shapes()
    for o in objs:
        box = o.box * 10
        assert any(s.label == names[o.cls] and _iou(bounding_box(s), box) > 0.85 for s in shapes)


def _iou(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - ix * iy
    return ix * iy / union
