"""First run: Q with no SAM model ever chosen loads the shipped offline demo model and says so."""
from __future__ import annotations

import cv2
import numpy as np
from qtpy.QtCore import Qt

from anylabel.core.shape import POLYGON


def test_first_q_uses_the_offline_demo_model_and_says_it_is_a_demo(make_window, tmp_path, qtbot):
    from anylabel.qt.extensions import sam
    from anylabel.qt.testing import click, key

    img = np.full((300, 400, 3), (70, 150, 80), np.uint8)
    cv2.circle(img, (150, 150), 70, (220, 40, 40), -1)
    cv2.imwrite(str(tmp_path / "a.png"), img)
    w = make_window()
    sam.install(w)
    w.open_folder(str(tmp_path))
    ctl = w.sam
    assert not ctl.option("model")  # a fresh settings file: nothing chosen yet
    key(w.canvas, Qt.Key_Q)
    assert ctl.active  # the mode is on at once; clicks wait for the model
    assert "demo model" in w.statusBar().currentMessage()
    qtbot.waitUntil(lambda: ctl.model is not None, timeout=20000)
    assert ctl.model.config.name == sam.DEMO_SAM_CONFIG
    click(w.canvas, 150, 150)
    qtbot.waitUntil(lambda: ctl.session is not None and ctl.session.prediction is not None, timeout=20000)
    disc = np.zeros((300, 400), np.uint8)
    cv2.circle(disc, (150, 150), 70, 1, -1)
    mask = ctl.session.mask
    iou = np.logical_and(mask, disc).sum() / np.logical_or(mask, disc).sum()
    assert iou > 0.9
    w.labels.push("disc")
    key(w.canvas, Qt.Key_F)
    assert [s.shape_type for s in w.current_shapes()] == [POLYGON]
    ctl.close()


def test_a_remembered_model_is_restored_instead_of_the_demo(make_window, tmp_path, qtbot):
    from anylabel.qt.extensions import sam
    from anylabel.qt.testing import key

    cv2.imwrite(str(tmp_path / "a.png"), np.zeros((50, 50, 3), np.uint8))
    w = make_window()
    sam.install(w)
    w.open_folder(str(tmp_path))
    ctl = w.sam
    ctl.set_option("model", "no_such_sam_model")
    key(w.canvas, Qt.Key_Q)
    assert not ctl.active and ctl.model is None  # the last model is named as missing, no demo swapped in
    ctl.close()
