"""A kind registered in the test (an axis-aligned ellipse) is a drawing tool of the canvas
with no canvas edit: drawn by a drag, previewed and painted from its outline, given a
toolbar icon. The core side of the same kind is tests/unit/core/test_shape_kinds.py."""
from __future__ import annotations

import math

import numpy as np
import pytest
from qtpy.QtGui import QImage

from anylabel.core import shape_kinds
from anylabel.core.shape import Shape
from anylabel.core.shape_kinds import AREA_EXPORTS, ShapeKind
from anylabel.qt.testing import drag, move, widget_point

from canvas_helpers import pixels, shown_canvas

pytestmark = pytest.mark.gui

ELLIPSE = "test_ellipse"


def _outline(s: Shape, segments: int = 64) -> np.ndarray:
    (cx, cy), (px, py) = s.points[:2]
    t = np.linspace(0.0, 2.0 * math.pi, segments, endpoint=False)
    return np.stack([cx + abs(px - cx) * np.cos(t), cy + abs(py - cy) * np.sin(t)], axis=1)


@pytest.fixture
def ellipse_kind():
    kind = shape_kinds.register(ShapeKind(ELLIPSE, closed=True, points=2, exports=AREA_EXPORTS,
                                          outline=_outline, degenerate=shape_kinds.flat))
    yield kind
    shape_kinds.unregister(ELLIPSE)


def _coloured(px) -> bool:
    b, g, r, _ = (int(v) for v in px)
    return max(b, g, r) - min(b, g, r) > 20  # the draft and shape colours (pale fills too) on white


def test_a_registered_kind_is_drawn_by_a_drag_and_painted_from_its_outline(qtbot, ellipse_kind, tmp_path):
    c = shown_canvas(qtbot, [], size=(400, 300))
    drawn = []
    c.shape_drawn.connect(drawn.append)
    c.set_mode(ELLIPSE)

    # Mid-drag, the preview is the ellipse the points make (not their box).
    from qtpy.QtCore import Qt
    from qtpy.QtTest import QTest

    move(c, 200, 150)
    QTest.mousePress(c, Qt.LeftButton, Qt.NoModifier, widget_point(c, 200, 150))
    move(c, 280, 190, buttons=Qt.LeftButton)
    preview = pixels(c)
    c.grab().save(str(tmp_path / "ellipse_draft.png"))
    on_right_edge, box_corner = widget_point(c, 280, 150), widget_point(c, 278, 188)
    assert _coloured(preview[on_right_edge.y(), on_right_edge.x() - 1])
    assert not _coloured(preview[box_corner.y(), box_corner.x()])
    QTest.mouseRelease(c, Qt.LeftButton, Qt.NoModifier, widget_point(c, 280, 190))

    assert len(drawn) == 1
    s = drawn[0]
    assert s.shape_type == ELLIPSE and np.allclose(s.points, [[200, 150], [280, 190]], atol=1.0)

    # Committed, it is drawn and hit-tested from the same outline.
    c.set_mode("edit")
    c.set_shapes([s])
    c.wait_for_render()
    c.grab().save(str(tmp_path / "ellipse_shape.png"))
    painted = pixels(c)
    for x, y in ((124, 150), (200, 112), (276, 150)):  # inside, near its left, top and right ends
        p = widget_point(c, x, y)
        assert _coloured(painted[p.y(), p.x()]), (x, y)
    corner = widget_point(c, 126, 114)
    assert not _coloured(painted[corner.y(), corner.x()])
    assert c.shape_at(200, 150) == 0 and c.shape_at(278, 188) is None


def test_a_flat_drag_is_a_stray_click_by_the_kind_record(qtbot, ellipse_kind):
    c = shown_canvas(qtbot, [], size=(400, 300))
    drawn = []
    c.shape_drawn.connect(drawn.append)
    c.set_mode(ELLIPSE)
    drag(c, 100, 100, 180, 100)  # no height
    assert drawn == []


def test_a_registered_kind_gets_an_icon_from_its_outline(qapp, ellipse_kind):
    from anylabel.qt.icons import tool_icon

    img = tool_icon(ELLIPSE).pixmap(32, 32).toImage().convertToFormat(QImage.Format_ARGB32)
    alpha = np.array([[img.pixelColor(x, y).alpha() for x in range(32)] for y in range(32)])
    assert alpha[16, 16] > 0  # filled inside
    assert alpha[2, 2] == 0 and alpha[30, 30] == 0  # nothing in the corners
