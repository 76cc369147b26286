"""Tools > Train a model...: the dialog runs a training (a stand-in runner script speaking the
real protocol, with a real ONNX model as its export), draws the metrics per epoch, cancels,
and hands the new model to the auto-labeling panel for the unlabelled images."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from anylabel.core.label_file import read_label_file
from synthetic_label_folder import make_label_folder

pytestmark = pytest.mark.gui

TESTS = Path(__file__).resolve().parents[1]
FAKE_RUNNER = TESTS / "unit" / "training" / "fake_runner.py"
FIXTURE_ONNX = TESTS.parent / "models" / "fixtures" / "shapes_det.onnx"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    src = make_label_folder(tmp_path / "shapes", "detect", count=8, size=160)
    for i in range(3):  # images nobody labelled yet
        shutil.copyfile(src / f"img_00{i}.png", src / f"new_{i}.png")
    return src


@pytest.fixture
def window(make_window, folder, monkeypatch):
    from anylabel.qt.extensions import autolabel, training

    monkeypatch.setenv("ANYLABEL_TRAIN_PYTHON", __import__("sys").executable)
    w = make_window()
    autolabel.install(w)
    training.install(w)
    w.open_folder(str(folder))
    return w


def _open_dialog(window):
    action = next(a for a in window.menu("tools").actions() if a.text() == "&Train a Model…")
    action.trigger()
    dialog = window.train_dialog
    dialog.runner = str(FAKE_RUNNER)
    dialog.epochs.setValue(4)
    dialog.imgsz.setValue(160)
    return dialog


def test_train_chart_and_run_on_unlabelled(window, folder, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_RUNNER", json.dumps({"onnx": str(FIXTURE_ONNX), "sleep": 0.4}))
    dialog = _open_dialog(window)
    assert dialog.input_dir.text() == str(folder) and dialog.model.text() == "yolov8n.yaml"
    assert dialog.output_dir.text() == str(folder.parent / "shapes-detect")
    before = {p.name: p.read_bytes() for p in folder.glob("*.json")}
    dialog.start_button.click()
    qtbot.waitUntil(lambda: len(dialog.chart.reports) >= 2, timeout=20000)
    shot = Path(os.environ.get("ANYLABEL_SHOT_DIR", tmp_path)) / "train_dialog_mid_run.png"
    assert dialog.grab().save(str(shot))  # looked at: docs/training.md
    assert dialog.cancel_button.isEnabled() and not dialog.start_button.isEnabled()
    assert dialog.progress.value() >= 2 and "epoch" in dialog.status.text()
    names = [s[0] for s in dialog.chart.series()]
    assert names == ["loss", "mAP50-95", "mAP50"] and all(len(s[2]) >= 2 for s in dialog.chart.series())
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Done"), timeout=20000)
    assert dialog.status.text().startswith("Done: epoch 4/4"), dialog.status.text()
    panel = window.autolabel_panel
    assert panel.tree.currentItem().data(0, 0x0100).name == "shapes-detect"  # listed, selected
    assert dialog.run_unlabelled_button.isEnabled()
    with qtbot.waitSignal(panel.batch_finished, timeout=30000) as done:
        dialog.run_unlabelled_button.click()
    for i in range(3):
        ann = read_label_file(folder / f"new_{i}.json")
        assert ann.shapes, f"new_{i}: the trained model found nothing"
    assert {p.name: p.read_bytes() for p in folder.glob("img_*.json")} == before  # labelled ones untouched


def test_cancel_stops_the_run(window, qtbot, monkeypatch):
    monkeypatch.setenv("FAKE_RUNNER", json.dumps({"onnx": str(FIXTURE_ONNX), "sleep": 60}))
    dialog = _open_dialog(window)
    dialog.start_button.click()
    qtbot.waitUntil(lambda: len(dialog.chart.reports) == 1, timeout=20000)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Cancelled"), timeout=20000)
    assert not dialog.busy()
    assert not dialog.run_unlabelled_button.isEnabled() and dialog.start_button.isEnabled()


def test_missing_ultralytics_is_a_sentence(window, qtbot):
    dialog = window.train_dialog or _open_dialog(window)
    dialog.runner = None  # the real runner, with a Python that has no Ultralytics
    if __import__("importlib").util.find_spec("ultralytics") is not None:
        pytest.skip("this Python has Ultralytics")
    dialog.start_button.click()
    qtbot.waitUntil(lambda: "pip install 'anylabel[train]'" in dialog.status.text(), timeout=30000)


def test_closing_the_window_mid_run_ends_the_training(window, qtbot, monkeypatch):
    monkeypatch.setenv("FAKE_RUNNER", json.dumps({"onnx": str(FIXTURE_ONNX), "sleep": 60}))
    dialog = _open_dialog(window)
    dialog.start_button.click()
    qtbot.waitUntil(lambda: len(dialog.chart.reports) == 1, timeout=20000)
    task = dialog.training
    window.close()  # not the dialog's Cancel: the window's close stops its tasks
    assert not task.is_running() and task.cancelled and not dialog.busy()
