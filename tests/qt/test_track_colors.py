"""Colour by track id: in video work two objects of one label must be told apart on sight."""
from __future__ import annotations

import pytest

from anylabel.core.shape import rectangle
from canvas_helpers import shown_canvas

pytestmark = pytest.mark.gui


def _fill_color(canvas, x, y):
    c = canvas.grab().toImage().pixelColor(canvas.image_to_widget(x, y).toPoint())
    return (c.red(), c.green(), c.blue())


def test_shapes_of_one_label_get_track_colours_only_in_track_mode(qtbot):
    c = shown_canvas(qtbot, [rectangle(20, 20, 200, 200, label="car", group_id=1),
                             rectangle(300, 20, 480, 200, label="car", group_id=2)],
                     (600, 400), labels=False, wait=False)
    qtbot.waitUntil(lambda: _fill_color(c, 100, 100) != (255, 255, 255))
    assert _fill_color(c, 100, 100) == _fill_color(c, 400, 100)  # same label, same colour
    c.style.color_by_track = True
    c.update()
    qtbot.waitUntil(lambda: _fill_color(c, 100, 100) != _fill_color(c, 400, 100))
