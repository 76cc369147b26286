"""File > Export/Import Dataset on the real main window: background run, progress,
cancel, remembered choices, the summary, and a refreshed folder after an import."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest
from PIL import Image

from anylabel.core.label_file import label_path_for, new_annotation_for, read_label_file, write_label_file
from anylabel.core.shape import Shape
from anylabel.formats.driver import export_dataset
from anylabel.qt.export_import.choices import ExportChoices, ImportChoices
from anylabel.qt.export_import.dialogs import ExportDialog, ImportDialog
from anylabel.qt.extensions import export_import

pytestmark = pytest.mark.gui


def _labelled_folder(folder, n=3):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        p = folder / f"im{i}.png"
        Image.new("RGB", (64, 48)).save(p)
        shapes = [
            Shape("rectangle", np.array([[2.0, 3], [20, 30]]), label="猫"),
            Shape("line", np.array([[0.0, 0], [5, 5]]), label="edge"),
        ]
        write_label_file(label_path_for(p), new_annotation_for(p, shapes, (64, 48)))
    return folder


@pytest.fixture
def window(make_window):
    w = make_window()
    export_import.install(w)
    w.export_import.show_dialogs = False
    return w


def _wait(qtbot, ctl, start):
    with qtbot.waitSignal(ctl.finished, timeout=20000) as blocker:
        start()
    return blocker.args[0]


def test_menu_has_export_and_import(window):
    texts = [a.text() for a in window.menu("file").actions()]
    assert "Export &Dataset..." in texts and "&Import Dataset..." in texts
    assert texts.index("&Import Dataset...") < texts.index("&Quit")


def test_export_runs_in_background_and_reports_skips(window, qtbot, tmp_path):
    src = _labelled_folder(tmp_path / "imgs é")
    window.open_folder(src)
    ctl = window.export_import
    out = tmp_path / "out"
    summary = _wait(qtbot, ctl, lambda: ctl.start_export(ExportChoices("coco", str(src), str(out), split="")))
    assert summary.ok and summary.images == 3
    assert ("line", "lines, line strips and points cover no area") in summary.skipped
    data = json.loads((out / "annotations.json").read_text(encoding="utf-8"))
    assert len(data["annotations"]) == 3 and data["categories"][0]["name"] == "猫"
    assert "export coco: 3 image(s)" in window.statusBar().currentMessage()
    # the choices are remembered for the next time
    assert window.settings.get("export_import.export")["output_dir"] == str(out)


def test_import_into_the_open_folder_refreshes_the_shapes(window, qtbot, tmp_path):
    src = _labelled_folder(tmp_path / "a")
    export_dataset("yolo", src, tmp_path / "y")
    target = tmp_path / "b"
    target.mkdir()
    for p in src.glob("*.png"):
        Image.new("RGB", (64, 48)).save(target / p.name)
    window.open_folder(target)
    assert window.current_shapes() == []
    ctl = window.export_import
    summary = _wait(
        qtbot, ctl, lambda: ctl.start_import(ImportChoices("yolo", str(tmp_path / "y"), str(target)))
    )
    assert summary.ok and summary.files_written == 3
    assert [s.label for s in window.current_shapes()] == ["猫"]
    # a second import refuses to overwrite and names the files
    summary = _wait(
        qtbot, ctl, lambda: ctl.start_import(ImportChoices("yolo", str(tmp_path / "y"), str(target)))
    )
    assert not summary.ok and len(summary.failures) == 3 and "already exists" in summary.failures[0][1]
    assert len(read_label_file(target / "im0.json").shapes) == 1


def test_missing_choices_and_bad_pose_config_are_reported(window, qtbot, tmp_path):
    ctl = window.export_import
    summary = _wait(qtbot, ctl, lambda: ctl.start_export(ExportChoices("yolo", "", "")))
    assert not summary.ok and "choose the images folder" in summary.failures[0][1]
    bad = tmp_path / "pose.yaml"
    bad.write_text("- just a list\n")
    summary = _wait(
        qtbot,
        ctl,
        lambda: ctl.start_export(
            ExportChoices("yolo-pose", str(tmp_path), str(tmp_path / "o"), pose_config=str(bad))
        ),
    )
    assert not summary.ok and "pose.yaml" in summary.failures[0][1]


def _slow_export(started):
    """Stands in for ``export_dataset``: 100,000 steps, stops when cancelled."""

    def export(fmt, input_dir, output_dir, classes, options, progress, cancelled):
        from anylabel.formats.base import Summary

        started.set()
        s = Summary("export", fmt)
        for i in range(100000):
            if cancelled():
                s.cancelled = True
                break
            progress("write", i, 100000)
            threading.Event().wait(0.001)
        return s

    return export


def test_cancel_stops_the_worker(window, qtbot, tmp_path, monkeypatch):
    from anylabel.qt.export_import import controller as module
    started, seen = threading.Event(), []
    monkeypatch.setattr(module, "export_dataset", _slow_export(started))
    ctl = window.export_import
    task = ctl.start_export(ExportChoices("yolo", str(tmp_path), str(tmp_path / "o")))
    task.progress.connect(lambda *a: seen.append(a))
    assert started.wait(5) and ctl.busy
    qtbot.waitUntil(lambda: len(seen) > 0, timeout=5000)
    assert seen[0][2] == "write"  # the stage reaches the dialog's label
    with qtbot.waitSignal(ctl.finished, timeout=10000) as blocker:
        ctl.progress_dialog.canceled.emit()  # the dialog's Cancel button
    assert blocker.args[0].cancelled and len(seen) < 1000  # progress is throttled
    assert not ctl.busy and ctl.progress_dialog is None


def test_an_export_that_raises_ends_in_a_summary_naming_the_error(window, qtbot, tmp_path, monkeypatch):
    from anylabel.qt.export_import import controller as module

    def broken(*args):
        raise MemoryError("no room for the COCO file")

    monkeypatch.setattr(module, "export_dataset", broken)
    ctl = window.export_import
    summary = _wait(qtbot, ctl, lambda: ctl.start_export(ExportChoices("coco", str(tmp_path), str(tmp_path / "o"))))
    assert not summary.ok
    assert summary.failures == [("(run)", "stopped by an unexpected error: MemoryError: no room for the COCO file")]
    assert not ctl.busy


def test_closing_the_window_cancels_a_running_export(window, tmp_path, monkeypatch):
    from anylabel.qt.export_import import controller as module

    started = threading.Event()
    monkeypatch.setattr(module, "export_dataset", _slow_export(started))
    task = window.export_import.start_export(ExportChoices("yolo", str(tmp_path), str(tmp_path / "o")))
    assert started.wait(5)
    window.close()
    assert task.cancelled and not task.is_running()


def test_driver_cancel_leaves_a_cancelled_summary(tmp_path):
    src = _labelled_folder(tmp_path / "a")
    summary = export_dataset("yolo", src, tmp_path / "o", cancelled=lambda: True)
    assert summary.cancelled and not summary.ok


def test_dialogs_round_trip_their_choices(qtbot):
    c = ExportChoices("yolo-seg", "/in", "/out", "/c.txt", "", "0.7,0.2,0.1", 5, True)
    d = ExportDialog(c)
    qtbot.addWidget(d)
    assert d.choices() == c
    appending = ExportChoices("yolo", "/in", "/out", add_new_classes=True)
    d.set_choices(appending)
    assert d.choices() == appending
    d.set_choices(c)
    d.fmt.setCurrentIndex(d.fmt.findData("voc"))  # voc has no split: the split is dropped
    assert d.choices().split == "" and not d.split_on.isEnabled()
    ic = ImportChoices("coco", "/a.json", "/imgs", "", "", "merge")
    di = ImportDialog(ic)
    qtbot.addWidget(di)
    assert di.choices() == ic


def test_remembered_choices_prefill_the_dialog_with_the_open_folder(window, tmp_path, monkeypatch):
    src = _labelled_folder(tmp_path / "c")
    window.open_folder(src)
    window.settings.set("export_import.export", {"fmt": "voc", "output_dir": "/somewhere", "seed": "bad"})
    seen = {}

    def fake_exec(self):
        seen["choices"] = self.choices()
        return 0  # rejected: nothing runs

    monkeypatch.setattr(ExportDialog, "exec_", fake_exec)
    window.export_import.export_dialog()
    c = seen["choices"]
    assert c.fmt == "voc" and c.output_dir == "/somewhere" and c.input_dir == str(src) and c.seed == 0


def test_the_main_window_installs_the_extension_itself(make_window):
    w = make_window(install_extensions=True)
    assert w.export_import is not None
    assert not [m for m in w.error_messages if m.startswith("export_import")]



def test_import_through_a_symlink_to_the_open_folder_refreshes_it(window, qtbot, tmp_path):
    src = _labelled_folder(tmp_path / "a")
    export_dataset("yolo", src, tmp_path / "y")
    target = tmp_path / "b"
    target.mkdir()
    for p in src.glob("*.png"):
        Image.new("RGB", (64, 48)).save(target / p.name)
    link = tmp_path / "link to b"
    link.symlink_to(target, target_is_directory=True)
    window.open_folder(target)
    ctl = window.export_import
    summary = _wait(
        qtbot, ctl, lambda: ctl.start_import(ImportChoices("yolo", str(tmp_path / "y"), str(link)))
    )
    assert summary.ok and summary.files_written == 3
    assert [s.label for s in window.current_shapes()] == ["猫"]  # refreshed


def test_export_by_a_relative_path_saves_the_open_images_edits_first(window, qtbot, tmp_path, monkeypatch):
    src = _labelled_folder(tmp_path / "b")
    window.open_folder(src)
    window.add_shapes([Shape("rectangle", np.array([[30.0, 5], [40, 15]]), label="dog")])
    monkeypatch.chdir(tmp_path)
    ctl = window.export_import
    summary = _wait(qtbot, ctl, lambda: ctl.start_export(ExportChoices("coco", "b", str(tmp_path / "o"))))
    assert summary.ok, summary.lines()
    data = json.loads((tmp_path / "o" / "annotations.json").read_text(encoding="utf-8"))
    assert sorted(c["name"] for c in data["categories"]) == ["dog", "猫"]


def test_export_from_the_gui_keeps_the_output_class_list_or_appends_when_asked(window, qtbot, tmp_path):
    src = _labelled_folder(tmp_path / "imgs")
    out = tmp_path / "out"
    out.mkdir()
    (out / "classes.txt").write_text("dog\n", encoding="utf-8")
    ctl = window.export_import
    summary = _wait(qtbot, ctl, lambda: ctl.start_export(ExportChoices("yolo", str(src), str(out))))
    assert summary.ok and (out / "classes.txt").read_text(encoding="utf-8") == "dog\n"
    assert any("猫" in n for n in summary.notes)
    summary = _wait(
        qtbot, ctl, lambda: ctl.start_export(ExportChoices("yolo", str(src), str(out), add_new_classes=True))
    )
    assert summary.ok and (out / "classes.txt").read_text(encoding="utf-8") == "dog\n猫\n"
    assert (out / "im0.txt").read_text(encoding="utf-8").split()[0] == "1"
