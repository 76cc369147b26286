"""Extension API, prompt mode, settings/shortcuts, file list scale, class list, statistics, big images."""
from __future__ import annotations

import numpy as np
import pytest
from qtpy.QtCore import Qt
from qtpy.QtWidgets import QAction

from anylabel.core.folder_index import FolderIndex
from anylabel.core.shape import rectangle
from anylabel.qt.testing import click, clicks, drag, key

pytestmark = pytest.mark.gui


def test_extension_api(make_window, image_folder):
    w = make_window()
    seen = {"image": [], "folder": []}
    w.image_changed.connect(seen["image"].append)
    w.folder_changed.connect(seen["folder"].append)
    assert w.current_image_path() is None and w.current_image() is None and w.current_shapes() == []
    w.open_folder(image_folder)
    assert seen["folder"] == [str(image_folder)] and seen["image"][-1].endswith("img1.png")
    assert w.current_image().shape == (480, 640, 3) and w.current_image_path().name == "img1.png"
    assert len(w.folder_index) == 3
    act = QAction("Run thing", w)
    fired = []
    act.triggered.connect(lambda: fired.append(1))
    w.add_action(act, menu="auto_label", toolbar=True)
    assert w.menu("auto_label").title() == "Auto Label" and act in w.menu("auto_label").actions()
    act.trigger()
    assert fired == [1]
    w.add_shapes([rectangle(1, 1, 5, 5, label="x"), rectangle(2, 2, 6, 6, label="y")])
    assert [s.label for s in w.current_shapes()] == ["x", "y"] and w.isWindowModified()
    w.set_shapes([rectangle(3, 3, 9, 9, label="z")])
    assert [s.label for s in w.current_shapes()] == ["z"]
    w.undo()
    assert [s.label for s in w.current_shapes()] == ["x", "y"]   # each call is one undo step
    w.undo()
    assert w.current_shapes() == [] and not w.isWindowModified()
    w.open_image(2)
    assert seen["image"][-1].endswith("img3.png")


def test_install_all_reports_failures(make_window, monkeypatch):
    import anylabel.qt.extensions as ext

    calls = []
    monkeypatch.setattr(ext, "install_all", lambda window: calls.append(window) or ["broken: boom"])
    w = make_window(install_extensions=True)
    assert calls == [w]
    assert "broken: boom" in w.statusBar().currentMessage()


class Recorder:
    def __init__(self):
        self.clicks, self.boxes = [], []

    def on_click(self, x, y, button, modifiers):
        self.clicks.append((round(x), round(y), button))

    def on_box(self, x0, y0, x1, y1):
        self.boxes.append(tuple(round(v) for v in (x0, y0, x1, y1)))


def test_prompt_handler_and_overlay(make_window, image_folder):
    w = make_window()
    w.open_folder(image_folder)
    c = w.canvas
    rec = Recorder()
    c.set_prompt_handler(rec)
    click(c, 100, 120)
    click(c, 200, 220, button=Qt.RightButton)
    drag(c, 300, 200, 250, 150)
    assert rec.clicks == [(100, 120, Qt.LeftButton), (200, 220, Qt.RightButton)]
    assert rec.boxes == [(250, 150, 300, 200)]
    assert c.shapes == []                                 # nothing drawn or selected meanwhile
    mask = np.zeros((480, 640, 4), np.uint8)
    mask[100:200, 100:200] = (255, 0, 0, 128)
    c.set_overlay(mask)
    img = c.grab().toImage()
    p = c.image_to_widget(150, 150).toPoint()
    px = img.pixelColor(p)
    assert px.red() > px.blue() + 40                       # the red preview is drawn
    with pytest.raises(ValueError):
        c.set_overlay(np.zeros((4, 4), np.uint8))
    c.set_prompt_handler(None)
    c.set_overlay(None)
    w.labels.push("a")
    key(c, Qt.Key_R)
    clicks(c, [(10, 10), (40, 40)])
    assert len(c.shapes) == 1


def test_shortcut_override_and_bad_rc(make_window, image_folder, tmp_path):
    w = make_window("shortcuts:\n  create_polygon: Ctrl+Alt+P\n")
    assert w.actions_by_name["create_polygon"].shortcut().toString() == "Ctrl+Alt+P"
    w.close()
    w2 = make_window("auto_save: [oops\n")
    assert any("not valid YAML" in m for m in w2.error_messages)
    assert w2.settings.get("auto_save") is True
    assert w2.actions_by_name["create_polygon"].shortcut().toString() == "P"


def test_file_list_model_handles_100k_names(qtbot):
    from anylabel.qt.docks import FileListDock

    names = [f"frame_{i:06d}.jpg" for i in range(100_000)]
    idx = FolderIndex(folder=__import__("pathlib").Path("/nonexistent"), names=names,
                      labelled={"frame_000007.jpg"})
    dock = FileListDock()
    qtbot.addWidget(dock)
    dock.set_index(idx)
    assert dock.model.rowCount() == 100_000
    assert dock.model.data(dock.model.index(7), Qt.DecorationRole).cacheKey() != \
        dock.model.data(dock.model.index(8), Qt.DecorationRole).cacheKey()
    dock.search.setText("_0999")
    assert dock.model.rowCount() == 100
    dock.set_current(99_950)
    assert dock.view.currentIndex().row() == 50 and "99951 / 100000" in dock.position.text()


def test_layout_recent_folders_and_class_list(make_window, image_folder, tmp_path):
    w = make_window()
    w.open_folder(image_folder)
    w.add_shapes([rectangle(1, 1, 5, 5, label="zebra")])
    classes = tmp_path / "classes.txt"
    classes.write_text("cat\ndog\n")
    assert w.import_class_list(str(classes))
    assert w.known_labels()[:2] == ["cat", "dog"]
    out = tmp_path / "out.txt"
    assert w.export_class_list(str(out))
    assert out.read_text() == "cat\ndog\nzebra\n"
    w.close()
    w2 = make_window()
    assert w2.settings.get("recent_folders")[0] == str(image_folder.resolve())
    assert [a.text() for a in w2.recent_menu.actions()] == [str(image_folder.resolve())]
    assert w2.settings.get("window.state")
    assert w2.settings.get("predefined_classes") == ["cat", "dog"]


def test_statistics_dialog(make_window, image_folder):
    from anylabel.qt.dialogs.statistics_dialog import StatisticsDialog

    w = make_window()
    w.open_folder(image_folder)
    w.add_shapes([rectangle(1, 1, 5, 5, label="a"), rectangle(1, 1, 9, 9, label="a")])
    w.save()
    w.next_image()
    w.add_shapes([rectangle(1, 1, 5, 5, label="b")])        # unsaved shapes are counted too
    key(w.canvas, Qt.Key_G, Qt.ControlModifier)
    dlg = next(d for d in w.findChildren(StatisticsDialog) if d.isVisible())
    st = dlg.stats
    assert (st.images_total, st.images_labelled, st.shapes_total) == (3, 2, 3)
    assert dict(st.per_label) == {"a": 2, "b": 1}
    dlg.grab()                                               # the QPainter charts paint without errors
    dlg.close()


def test_huge_image_is_shown_from_a_reduced_level(make_window, tmp_path):
    from PIL import Image

    folder = tmp_path / "big"
    folder.mkdir()
    Image.new("RGB", (6000, 4000), (30, 90, 160)).save(folder / "big.jpg", quality=70)
    w = make_window("max_display_pixels: 4000000\n")
    w.open_folder(folder)
    c = w.canvas
    assert (c.image_width, c.image_height) == (6000, 4000)
    assert w.current_image().shape[:2] == (1000, 1500)   # reduced by 4 while decoding
    w.labels.push("roof")
    key(c, Qt.Key_R)
    clicks(c, [(1000, 1000), (5000, 3000)])
    assert np.allclose(c.shapes[0].points, [[1000, 1000], [5000, 3000]], atol=10)   # full-resolution coordinates


def test_a_decompression_bomb_is_reported_not_shown(make_window, tmp_path):
    """A 50 KB PNG that declares 20000 x 20000 pixels would be streamed into a pyramid; the
    window refuses it from its header, says why naming the file, and the next image opens."""
    from PIL import Image

    pytest.importorskip("pyvips", reason="the tiled path needs libvips (pip install 'anylabel[huge]')")
    from png_bomb import png_bomb  # scripts/png_bomb.py

    folder = tmp_path / "mixed"
    folder.mkdir()
    png_bomb(folder / "a_bomb.png", 20_000, 20_000)
    Image.new("RGB", (64, 48), (30, 90, 160)).save(folder / "b_ok.png")
    w = make_window()
    w.open_folder(folder)
    assert any("a_bomb.png" in m and "pixels per byte" in m for m in w.error_messages)
    assert getattr(w, "_tiled_watcher", None) is None  # no pyramid is being built
    key(w.canvas, Qt.Key_D)
    assert w.current_image_path().name == "b_ok.png" and w.current_image().shape[:2] == (48, 64)


def test_drop_a_folder_opens_it(make_window, image_folder):
    from qtpy.QtCore import QMimeData, QPoint, QUrl
    from qtpy.QtGui import QDropEvent

    w = make_window()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(image_folder / "img3.png"))])
    w.dropEvent(QDropEvent(QPoint(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
    assert w.current_image_path().name == "img3.png" and len(w.folder_index) == 3


def test_run_app_opens_the_path_and_remembers_it(qtbot, image_folder, tmp_path):
    import argparse

    from qtpy.QtCore import QTimer
    from qtpy.QtWidgets import QApplication

    from anylabel.core.settings import Settings
    from anylabel.qt.app import run_app
    from anylabel.qt.main_window import MainWindow

    seen = {}

    def look_and_close():
        w = next(t for t in QApplication.topLevelWidgets() if isinstance(t, MainWindow) and t.isVisible())
        seen["image"] = w.current_image_path().name
        w.close()
        QApplication.quit()

    QTimer.singleShot(300, look_and_close)
    rc = tmp_path / "app_rc.yaml"
    code = run_app(argparse.Namespace(path=str(image_folder / "img2.png"), config=str(rc), reset_config=False))
    assert code == 0 and seen["image"] == "img2.png"
    s = Settings(rc)
    assert s.get("last_folder") == str(image_folder.resolve()) and s.get("window.geometry")


def test_other_files_go_to_path_openers(make_window, tmp_path):
    w = make_window()
    seen = []
    w.add_path_opener(lambda p: seen.append(p) or p.endswith(".xyz"))
    f = tmp_path / "scan.xyz"
    f.write_text("x")
    assert w.open_path(f) and seen == [str(f)]
    g = tmp_path / "notes.txt"
    g.write_text("x")
    assert not w.open_path(g)
    assert "notes.txt" in w.error_messages[-1]


def test_neighbours_are_decoded_ahead_and_a_changed_file_is_not_stale(make_window, image_folder):
    import os

    from PIL import Image

    w = make_window()
    w.open_folder(image_folder)
    ahead = w._prefetched
    assert any(k[0].endswith("img2.png") for k in ahead)
    for fut in list(ahead.values()):
        fut.result()
    Image.new("RGB", (320, 200), (9, 9, 9)).save(image_folder / "img2.png")   # edited after the prefetch
    st = os.stat(image_folder / "img2.png")
    os.utime(image_folder / "img2.png", ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))
    w.next_image()
    assert (w.canvas.image_width, w.canvas.image_height) == (320, 200)
    w.prev_image()
    assert w.canvas.image_width == 640


def test_unexpected_errors_are_reported_not_fatal(make_window, monkeypatch):
    import sys

    from anylabel.qt.app import install_excepthook

    w = make_window()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_excepthook(w)
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())
    assert "ZeroDivisionError: boom" in w.statusBar().currentMessage()


def test_remember_label_is_public_and_feeds_the_label_dialog(make_window, image_folder):
    w = make_window("keep_last_label: true\n")
    w.open_folder(image_folder)
    w.remember_label("dog")
    w.remember_label("cat")
    w.remember_label("dog")
    w.remember_label("")                                   # ignored
    assert w.settings.get("label_history")[:2] == ["dog", "cat"]
    w.labels.push(None)
    w.set_mode("rectangle")
    drag(w.canvas, 10, 10, 60, 60)
    assert w.labels.requests[-1][0].label == "dog"         # offered first in the dialog


def test_extension_shortcuts_are_in_the_rc_file_and_the_help(make_window, tmp_path):
    import yaml

    w = make_window()
    saved = yaml.safe_load((tmp_path / "anylabelrc.yaml").read_text())["shortcuts"]
    assert {k: saved[k] for k in ("sam_positive", "sam_negative", "sam_clear", "sam_finish")} == {
        "sam_positive": "Q", "sam_negative": "E", "sam_clear": "B", "sam_finish": "F"}
    rows = dict(w.shortcut_rows())
    assert rows["Segment Anything: finish the object"] == "F" and rows["Segment Anything: clear the prompts"] == "B"
    assert w.settings.shortcut_conflicts() == []           # the defaults never collide
    assert not any("several actions" in m for m in w.error_messages)


def test_conflicting_shortcuts_are_reported(make_window):
    w = make_window("shortcuts:\n  sam_finish: D\n  group: shift+ctrl+z\n")
    conflicts = w.settings.shortcut_conflicts()
    assert "D: next_image, sam_finish" in conflicts
    assert any(c.endswith("redo, group") for c in conflicts)  # same keys, other spelling
    assert "next_image, sam_finish" in w.statusBar().currentMessage()
