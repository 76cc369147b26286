"""The panel's "Run all images" is the batch engine's job: each written file is announced
(the batch task's ``update``, to ``window.label_file_written``), and "Replace this model's earlier predictions" swaps the model's
unedited boxes from an earlier run with another threshold while the manual shape stays."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from anylabel.core.image_io import read_image_rgb
from anylabel.core.label_file import new_annotation_for, read_label_file, write_label_file
from anylabel.core.shape import rectangle

pytestmark = pytest.mark.gui


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    import synthetic_shapes

    folder = tmp_path / "shapes"
    folder.mkdir()
    rng = np.random.default_rng(11)
    for i in range(3):
        img, _ = synthetic_shapes.make_sample(rng, "det", 160, 160, max_objects=3, min_size=30)
        cv2.imwrite(str(folder / f"s{i}.png"), img[:, :, ::-1])
    manual = [rectangle(1, 1, 9, 9, "manual")]
    write_label_file(folder / "s0.json", new_annotation_for(folder / "s0.png", manual))
    return folder


@pytest.fixture
def written(monkeypatch) -> list[str]:
    """Image paths the panel's runs announce to the window (its file list follows them)."""
    from anylabel.qt.main_window import MainWindow

    seen: list[str] = []
    real = MainWindow.label_file_written

    def recording(self, image_path) -> None:  # type: ignore[no-untyped-def]
        seen.append(str(image_path))
        real(self, image_path)

    monkeypatch.setattr(MainWindow, "label_file_written", recording)
    return seen


def run_all(qtbot, panel):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(panel.batch_finished, timeout=60000) as sig:
        panel.run_all()
    return sig.args[0]


def test_run_all_announces_files_and_replaces_own_predictions(qtbot, make_window, folder, written) -> None:
    from anylabel.qt.extensions import autolabel

    window = make_window()
    autolabel.install(window)
    panel = window.autolabel_panel
    window.open_folder(folder)
    assert panel.select_model("fixture_shapes_det")
    with qtbot.waitSignal(panel.model_loaded, timeout=30000):
        panel.load_selected()
    panel.output_type.setCurrentText("polygon")
    summary = run_all(qtbot, panel)
    assert summary.written == 3 and sorted(Path(p).name for p in written) == ["s0.png", "s1.png", "s2.png"]
    first = read_label_file(folder / "s0.json").shapes
    assert len(first) > 1 and {s.shape_type for s in first[1:]} == {"polygon"}
    # Boxes this time, "replace earlier predictions" on: the polygons go, the manual shape stays.
    panel.output_type.setCurrentText("rectangle")
    panel.replace_own.setChecked(True)
    run_all(qtbot, panel)
    after = read_label_file(folder / "s0.json").shapes
    predicted = panel.model.predict_result(read_image_rgb(folder / "s0.png")).shapes
    assert after[0].label == "manual" and len(after) == 1 + len(predicted)
    assert {s.shape_type for s in after[1:]} == {"rectangle"}
    # Off (the default): the next run's polygons are added beside the boxes.
    panel.output_type.setCurrentText("polygon")
    panel.replace_own.setChecked(False)
    run_all(qtbot, panel)
    assert len(read_label_file(folder / "s0.json").shapes) == 1 + 2 * len(predicted)
