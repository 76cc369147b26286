"""Review mode through the real window: keys, dialogs, the file list, the shape list, Ctrl+G."""
from __future__ import annotations

import json

import numpy as np
import pytest
from qtpy.QtCore import Qt
from qtpy.QtGui import QContextMenuEvent
from qtpy.QtTest import QTest
from qtpy.QtWidgets import QApplication, QWidget

from anylabel.core.label_file import ImageAnnotation, read_label_file, write_label_file
from anylabel.core.provenance import PREDICTED_KEY, shape_digest
from anylabel.core.review import ACCEPTED, REJECTED, UNCHECKED, review_comment, review_state
from anylabel.core.shape import Shape

pytestmark = pytest.mark.gui

RC = "review:\n  reviewer: qa-ann\n"


def box(label: str, x: float, score: float | None = None) -> Shape:
    return Shape(shape_type="rectangle", label=label, points=np.array([[x, 10.0], [x + 50.0, 60.0]]), score=score)


@pytest.fixture
def review_window(make_window, image_folder):
    w = make_window(RC, install_extensions=True)
    assert w.open_folder(image_folder)
    assert w.current_index == 0
    return w


def key(w, k, mod=Qt.NoModifier) -> None:
    QApplication.setActiveWindow(w)  # the offscreen platform does not give it back after a dialog
    QTest.keyClick(w.canvas, k, mod)
    QApplication.processEvents()


def state_on_disk(folder, name):
    p = folder / f"{name}.json"
    return review_state(read_label_file(p)) if p.exists() else UNCHECKED


def test_review_a_folder_with_the_keyboard_only(review_window, image_folder, qtbot) -> None:
    w = review_window
    key(w, Qt.Key_Y)  # accept img1 (a file without labels gets one) and go on
    ann = read_label_file(image_folder / "img1.json")
    assert ann.checked is True and ann.extra["review"]["by"] == "qa-ann"
    assert w.current_index == 1
    key(w, Qt.Key_N)  # reject: a comment dialog
    dlg = w.review.dialog
    assert dlg is not None and dlg.isVisible()
    qtbot.keyClicks(dlg.edit, "tail cut off")
    QTest.keyClick(dlg.edit, Qt.Key_Return)
    ann = read_label_file(image_folder / "img2.json")
    assert review_state(ann) == REJECTED and review_comment(ann) == "tail cut off"
    assert ann.checked is False
    assert w.current_index == 2
    key(w, Qt.Key_A, Qt.ShiftModifier)  # previous unreviewed: none but the one shown
    assert w.current_index == 2 and "reviewed" in w.statusBar().currentMessage()
    key(w, Qt.Key_A)                    # back to img1 with A, then Shift+D finds img3
    key(w, Qt.Key_A)
    assert w.current_index == 0
    key(w, Qt.Key_D, Qt.ShiftModifier)
    assert w.current_index == 2
    # The decision is an undoable step, saved by the normal save path.
    key(w, Qt.Key_Y)
    assert state_on_disk(image_folder, "img3") == ACCEPTED
    w.open_image(2)
    key(w, Qt.Key_Z, Qt.ControlModifier)
    assert w.document.modified and w.review.current_state() == UNCHECKED
    key(w, Qt.Key_S, Qt.ControlModifier)
    ann = read_label_file(image_folder / "img3.json")
    assert ann.checked is False and "review" not in ann.extra
    assert w.settings.shortcut_conflicts() == []
    rows = dict(w.shortcut_rows())
    assert rows["Accept Image"] == "Y" and rows["Reject Image..."] == "N"
    assert rows["Next Unreviewed Image"] == "Shift+D"


def test_file_list_filters_and_colours_by_review_state(review_window, image_folder) -> None:
    w = review_window
    w.review.accept()          # img1, then on to img2
    w.review.reject("blurry")  # img2
    model = w.file_dock.model
    green = model.data(model.index(0), Qt.BackgroundRole)
    red = model.data(model.index(1), Qt.BackgroundRole)
    assert green is not None and green.green() > green.red()
    assert red is not None and red.red() > red.green()
    assert model.data(model.index(2), Qt.BackgroundRole) is None
    combo = w.review.filter_box
    combo.setCurrentIndex(combo.findData(REJECTED))
    assert list(model.rows) == [1] and "1 shown" in w.file_dock.position.text()
    combo.setCurrentIndex(combo.findData(UNCHECKED))
    assert list(model.rows) == [2]
    combo.setCurrentIndex(combo.findData(None))
    assert list(model.rows) == [0, 1, 2]
    # A file ticked in another tool (X-AnyLabeling writes "checked": true) shows as accepted.
    path = image_folder / "img3.json"
    write_label_file(path, ImageAnnotation(image_path="img3.png", checked=True))
    w.label_file_written(image_folder / "img3.png")
    combo.setCurrentIndex(combo.findData(ACCEPTED))
    assert list(model.rows) == [0, 2]


def test_shape_list_shows_provenance_and_edits_review_comments(make_window, image_folder, qtbot) -> None:
    drawn, predicted = box("cat", 10), box("dog", 200, score=0.9)
    ann = ImageAnnotation(shapes=[drawn, predicted], image_path="img1.png", image_width=640, image_height=480)
    ann.extra[PREDICTED_KEY] = {"yolov8n": {"config": "c", "image": {}, "shapes": [shape_digest(predicted)]}}
    write_label_file(image_folder / "img1.json", ann)
    w = make_window(RC, install_extensions=True)
    w.open_folder(image_folder)
    model = w.shape_dock.model
    texts = [model.data(model.index(r), Qt.DisplayRole) for r in range(2)]
    assert "(manual)" in texts[0] and "(yolov8n 0.90)" in texts[1]
    assert "Predicted by yolov8n" in model.data(model.index(1), Qt.ToolTipRole)
    # Right-click the second row: Review Comment... opens the dialog.
    view = w.shape_dock.view
    pos = view.visualRect(model.index(1)).center()
    QApplication.sendEvent(view.viewport(), QContextMenuEvent(QContextMenuEvent.Mouse, pos, view.viewport().mapToGlobal(pos)))
    menu = w.review.shape_menu
    act = next(a for a in menu.actions() if a.text().startswith("Review"))
    menu.close()
    act.trigger()
    dlg = w.review.dialog
    qtbot.keyClicks(dlg.edit, "box too loose")
    QTest.keyClick(dlg.edit, Qt.Key_Return)
    assert w.document.modified
    assert "box too loose" in model.data(model.index(1), Qt.DisplayRole)
    assert "(yolov8n 0.90)" in model.data(model.index(1), Qt.DisplayRole)  # a comment is no edit
    assert w.save()
    saved = json.loads((image_folder / "img1.json").read_text())
    assert saved["shapes"][1]["review_comment"] == "box too loose" and "review_comment" not in saved["shapes"][0]
    w.undo()
    assert "box too loose" not in model.data(model.index(1), Qt.DisplayRole)
    assert "(yolov8n 0.90)" in model.data(model.index(1), Qt.DisplayRole)


def test_statistics_dialog_has_the_review_summary(review_window) -> None:
    from anylabel.qt.dialogs.statistics_dialog import StatisticsDialog

    w = review_window
    w.review.accept()
    w.review.reject("no")
    key(w, Qt.Key_G, Qt.ControlModifier)
    dlg = next(d for d in w.findChildren(StatisticsDialog) if d.isVisible())
    part = dlg.findChild(QWidget, "review_summary")
    assert part is not None
    text = part.summary.text()
    assert "<b>1</b> accepted" in text and "<b>1</b> rejected" in text and "<b>1</b> unreviewed" in text
    dlg.close()


def test_reviewer_name_is_kept_in_the_rc_file(review_window, qtbot) -> None:
    from anylabel.core.settings import Settings

    w = review_window
    w.review.actions["review_reviewer"].trigger()
    dlg = w.review.dialog
    dlg.edit.clear()
    qtbot.keyClicks(dlg.edit, "maria")
    dlg.buttons.button(dlg.buttons.Ok).click()
    assert Settings(w.settings.path).get("review.reviewer") == "maria"
    w.review.accept()
    assert read_label_file(w.folder_index.label_path(0)).extra["review"]["by"] == "maria"


def test_no_review_on_a_file_that_could_not_be_read(review_window, image_folder) -> None:
    w = review_window
    (image_folder / "img2.json").write_text("{not json")
    w.open_image(1)
    assert not w.review.accept()
    assert (image_folder / "img2.json").read_text() == "{not json"
    assert any("img2.json" in m for m in w.error_messages)


# ---------------------------------------------------------------- compare report


@pytest.fixture
def compared(tmp_path, image_folder):
    """Reference labels beside the images; a candidate folder that drops one box and shifts one."""
    from anylabel.review.folders import compare_folders
    from anylabel.review.report import write_report

    cand = tmp_path / "cand"
    cand.mkdir()
    for n, name in enumerate(("img1", "img2", "img3")):
        ref_shapes = [box("cat", 20), box("dog", 300)]
        cand_shapes = [box("cat", 20)] if name == "img2" else [box("cat", 20), box("dog", 300 + (200 if name == "img3" else 0))]
        for folder, shapes in ((image_folder, ref_shapes), (cand, cand_shapes)):
            write_label_file(folder / f"{name}.json", ImageAnnotation(shapes=shapes, image_path=f"{name}.png",
                                                                      image_width=640, image_height=480))
    out = tmp_path / "qa"
    write_report(compare_folders(image_folder, cand), out, html=False)
    return out / "report.json"


def test_open_a_compare_report_and_walk_the_worst_images(make_window, compared, image_folder, qtbot) -> None:
    w = make_window(RC, install_extensions=True)
    act = w.review.actions["open_compare_report"]
    assert act in w.menu("file").actions()
    assert w.review.open_report(str(compared))
    dock = w.review.report_dock
    assert dock.isVisible() and dock.list.count() == 3
    first = dock.list.item(0).text()
    assert "img3" in first and "2 errors" in first  # the shifted box: one missed, one extra
    assert w.current_image_path().name == "img3.png"
    overlay = w.canvas._overlay_array
    assert overlay is not None and overlay.shape[:2] == (480, 640)
    # Orange (candidate) where only the candidate's shifted dog is, blue along the reference's dog.
    assert tuple(overlay[10, 520, :3]) == (255, 127, 14)
    assert tuple(overlay[10, 320, :3]) == (31, 119, 180)
    assert overlay[200, 200, 3] == 0  # nothing drawn away from the shapes
    # Walk to the next-worst with the arrow key.
    QTest.keyClick(dock.list, Qt.Key_Down)
    assert w.current_image_path().name == "img2.png" and dock.shown.key == "img2"
    assert w.canvas._overlay_array is not None
    w.next_image()  # moving on by other means drops the overlay
    assert w.canvas._overlay_array is None


def test_a_broken_report_is_named_not_a_traceback(make_window, tmp_path) -> None:
    w = make_window(RC, install_extensions=True)
    bad = tmp_path / "report.json"
    bad.write_text('{"images": [], "reference": "/nonexistent/ref", "candidate": "/x"}')
    assert not w.review.open_report(str(bad))
    assert "reference folder /nonexistent/ref does not exist" in w.error_messages[-1]
    bad.write_text("[1, 2")
    assert not w.review.open_report(str(bad))
    assert str(bad) in w.error_messages[-1] and "not a JSON file" in w.error_messages[-1]


def test_a_report_cannot_name_label_files_outside_its_folders(tmp_path, image_folder) -> None:
    from anylabel.qt.review.report_view import read_report

    (tmp_path / "secret.json").write_text("{}")
    rep = tmp_path / "qa" / "report.json"
    rep.parent.mkdir()
    rep.write_text(json.dumps({"reference": str(image_folder), "candidate": str(image_folder),
                               "images": [{"image": "../secret", "errors": 1}]}))
    r = read_report(rep)
    assert r.images[0].reference_file is None and r.images[0].candidate_file is None


def test_a_decision_merges_with_a_file_rewritten_meanwhile(make_window, image_folder) -> None:
    w = make_window(RC + "auto_save: false\n", install_extensions=True)
    write_label_file(image_folder / "img1.json", ImageAnnotation(shapes=[box("cat", 10)], image_path="img1.png"))
    w.open_folder(image_folder)
    w.settings.set("review.advance", False)
    w.review.reject("cat is a dog")
    assert w.document.modified and not w.review.states().state(0) == UNCHECKED  # shown as edited
    # Another program adds a shape to the file before the save.
    ann = read_label_file(image_folder / "img1.json")
    ann.shapes.append(box("dog", 300))
    write_label_file(image_folder / "img1.json", ann)
    assert w.save()
    ann = read_label_file(image_folder / "img1.json")
    assert [s.label for s in ann.shapes] == ["cat", "dog"]
    assert review_state(ann) == REJECTED and review_comment(ann) == "cat is a dog"
