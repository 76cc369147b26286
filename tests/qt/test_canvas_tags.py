"""Label tags of shapes that start at the same corner are stacked, not drawn over each other,
and the cached layer's partial redraws place them exactly like a full build."""
from __future__ import annotations

import os

import numpy as np
import pytest
from qtpy.QtCore import QRectF

from anylabel.core.shape import Shape, rectangle
from anylabel.qt.canvas.colors import label_color
from anylabel.qt.canvas.shape_ops import translated
from canvas_helpers import shown_canvas

pytestmark = pytest.mark.gui


def _canvas(qtbot, shapes, size=(400, 300)):
    return shown_canvas(qtbot, shapes, size)


def _tag_rects(c) -> list[QRectF]:
    """Tag rectangles in widget pixels."""
    out = []
    for x, y, w, h in c.tag_layout().rects.tolist():
        out.append(QRectF(x + c.offset.x(), y + c.offset.y(), w, h) if np.isfinite(x) else None)
    return out


def _close(c1, c2, tol=40) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(c1, c2))


def _assert_same_as_a_fresh_build(c, made, monkeypatch) -> None:
    """``made`` (the canvas's current tag layout) and the frame shown equal what a build from
    nothing gives once the test's spies are undone: same rectangles, same pixels."""
    from anylabel.qt.canvas import tag_layout

    shown = c.grab().toImage()
    monkeypatch.undo()
    want = tag_layout.compute(c)
    assert np.array_equal(np.nan_to_num(made.rects, nan=-1), np.nan_to_num(want.rects, nan=-1))
    c.shape_layer.invalidate()
    c._tags = c._tags_key = None
    c.wait_for_render()
    assert shown == c.grab().toImage()


def test_tags_of_shapes_with_the_same_corner_do_not_overlap(qtbot, tmp_path):
    shapes = [rectangle(100, 120, 300, 260, label="alpha"), rectangle(100, 120, 220, 200, label="beta"),
              Shape("polygon", [[100, 120], [180, 120], [140, 240]], label="gamma")]
    c = _canvas(qtbot, shapes)
    assert c.scale == 1.0
    rects = _tag_rects(c)
    assert all(r is not None for r in rects)
    for a in range(3):
        for b in range(a + 1, 3):
            assert not rects[a].intersects(rects[b]), (rects[a], rects[b])
    assert rects[0].left() == rects[1].left() == rects[2].left() == 100  # stacked, each at its corner's x
    img = c.grab().toImage()
    if os.environ.get("ANYLABEL_SAVE_PNG"):
        img.save(str(tmp_path / "stacked_tags.png"))
        print(tmp_path / "stacked_tags.png")
    # every tag shows its own colour on its left padding (the text starts 3 px in)
    for r, label in zip(rects, ("alpha", "beta", "gamma")):
        px = img.pixelColor(int(r.left()) + 1, int(r.center().y()))
        want = label_color(label)
        assert _close((px.red(), px.green(), px.blue()), (want.red(), want.green(), want.blue())), label


def test_moving_a_shape_away_unstacks_the_other_tags_in_a_partial_redraw(qtbot):
    """The second tag was stacked above the first; once the first shape moves away it drops back
    to its own corner. A partial redraw must clear it at the old place too."""
    shapes = [rectangle(100, 120, 300, 260, label="alpha"), rectangle(100, 120, 220, 200, label="beta")]
    shapes += [rectangle(20 + 30 * k, 10, 40 + 30 * k, 30, label="") for k in range(10)]  # unlabelled filler
    c = _canvas(qtbot, shapes)
    stacked = _tag_rects(c)[1]
    partial = c.shape_layer.partial_renders
    c.shapes[0] = translated(c.shapes[0], 0, 40)
    c.touch()
    c.wait_for_render()
    assert c.shape_layer.partial_renders == partial + 1
    dropped = _tag_rects(c)[1]
    assert dropped.top() > stacked.top()
    patched = c.grab().toImage()
    c.shape_layer.invalidate()
    c.wait_for_render()
    full = c.grab().toImage()
    assert patched == full


def test_a_tag_that_moves_is_repainted_without_redrawing_the_outlines_under_it(qtbot, monkeypatch):
    """Tags are in an image of their own over the outlines: when a tag drops back to its corner,
    the shape under its old place keeps its outline (it is not redrawn), and the picture is
    the one a full build gives."""
    from anylabel.qt.canvas import shape_layer

    shapes = [rectangle(100, 120, 160, 180, label="alpha"), rectangle(100, 120, 180, 170, label="beta"),
              rectangle(40, 40, 300, 95, label="under")]  # its bottom edge lies under beta's stacked tag
    c = _canvas(qtbot, shapes)
    stacked = _tag_rects(c)[1]
    assert stacked.bottom() < 120 - 10 and stacked.intersects(QRectF(40, 40, 260, 55))
    drawn = []
    real = shape_layer.render_shapes
    monkeypatch.setattr(shape_layer, "render_shapes", lambda p, canvas, ind, *a, **k: (
        drawn.extend(np.asarray(ind).tolist()), real(p, canvas, ind, *a, **k)))
    partial = c.shape_layer.partial_renders
    c.shapes[0] = translated(c.shapes[0], 150, 140)
    c.touch()
    c.grab()
    assert c.shape_layer.partial_renders == partial + 1
    assert _tag_rects(c)[1].top() > stacked.top()  # beta's tag dropped back
    assert 0 in drawn and 2 not in drawn
    _assert_same_as_a_fresh_build(c, c.tag_layout(), monkeypatch)


def test_a_wheel_zoom_scales_the_layout_and_remakes_it_when_the_wheel_rests(qtbot):
    shapes = [rectangle(100, 120, 300, 260, label="alpha"), rectangle(100, 120, 220, 200, label="beta")]
    c = _canvas(qtbot, shapes)
    c.select_indices([1])                       # drawn live: its tag is needed at every zoom step
    c.wait_for_render()
    exact = c.tag_layout()
    c.interacting_zoom = True
    c.zoom_by(1.5)
    c.grab()
    during = c.tag_layout()
    assert not during.exact and during.scale == c.scale
    assert np.allclose(during.rects[:, :2], exact.rects[:, :2] * 1.5)
    c._rest()                                   # the wheel rests
    c.wait_for_render()
    after = c.tag_layout()
    assert after.exact and after.scale == c.scale
    shown = c.grab().toImage()
    c.shape_layer.invalidate()
    c.wait_for_render()
    assert shown == c.grab().toImage()


def test_restacking_after_edits_equals_stacking_from_scratch(qtbot):
    """After an edit only the stacking near it is redone; the result must be the same."""
    from anylabel.qt.canvas.tag_layout import compute

    rng = np.random.default_rng(7)
    # corners on a coarse grid: many shapes share one, and stacks run into their neighbours
    shapes = []
    for i in range(300):
        x0, y0 = 20 * rng.integers(0, 30), 16 * rng.integers(0, 30)
        shapes.append(rectangle(x0, y0, x0 + rng.uniform(30, 120), y0 + rng.uniform(30, 120), label=f"l{i % 4}"))
    c = _canvas(qtbot, shapes, size=(700, 600))
    assert c.tag_layout().mover.sum() > 50
    reused = 0
    for step in range(60):
        i = int(rng.integers(0, len(c.shapes)))
        kind = step % 6
        if kind == 4:
            c.set_label_visible(f"l{step % 4}", step % 12 != 4)
        else:
            c.shapes[i] = translated(c.shapes[i], float(rng.choice([-20, 0, 20])), float(rng.choice([-16, 0, 16])))
            c.touch()
        got = c.tag_layout()
        want = compute(c)
        assert np.array_equal(np.nan_to_num(got.rects, nan=-1), np.nan_to_num(want.rects, nan=-1)), step
        assert np.array_equal(got.mover, want.mover), step  # crowded flags found again only near the edit
        if got.by_x is not None:  # the x order kept from the last edit: every tagged row, sorted
            x = got.rects[:, 0]
            assert np.array_equal(np.sort(got.by_x), np.nonzero(np.isfinite(x))[0]), step
            assert np.all(np.diff(x[got.by_x]) >= 0), step
            reused += 1
    assert reused > 20


def test_a_new_zoom_lays_tags_out_in_the_worker_and_shows_what_a_fresh_build_shows(qtbot, monkeypatch):
    """At rest after a zoom, a big scene's tag layout (a second for 20,000 shapes at 100 %) is made
    by the shape layer's worker, not in the frame; the layout and picture it brings are the exact ones."""
    import threading

    from anylabel.qt.canvas import canvas as canvas_module, shape_layer, tag_layout

    shapes = []
    for i in range(400):  # pairs sharing a corner: crowded tags to stack
        x0, y0 = 40 + 90 * (i % 20), 40 + 90 * (i // 40)
        shapes.append(rectangle(x0, y0, x0 + 40 + 10 * (i % 2), y0 + 40, label=f"l{i % 3}"))
    c = shown_canvas(qtbot, shapes, (800, 600), (2000, 1900))
    threads = []
    real = getattr(tag_layout, "compute_from", None)

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    def spy_canvas(*args, **kwargs):
        threads.append(threading.current_thread())
        return tag_layout.compute(*args, **kwargs)

    monkeypatch.setattr(tag_layout, "compute_from", spy, raising=False)
    monkeypatch.setattr(shape_layer, "compute_tag_layout", spy, raising=False)
    monkeypatch.setattr(canvas_module, "compute_tag_layout", spy_canvas)
    c.set_scale(1.0)
    c.grab()  # the frame when the zoom rests: the stretched layer, no layout made here
    assert threading.main_thread() not in threads
    assert c.shape_layer.pending()
    c.wait_for_render()
    assert threads and threading.main_thread() not in threads
    made = c.tag_layout()
    assert made.exact and made.scale == 1.0 and made.mover.any()
    _assert_same_as_a_fresh_build(c, made, monkeypatch)


def test_the_next_images_tags_are_laid_out_once_in_the_worker_and_stacked_from_scratch(qtbot, monkeypatch):
    """Opening another image with as many shapes: the worker's layout is taken (the last image's,
    made before it started, does not keep it out), none is made in a frame, and the new scene
    is stacked from scratch, not restacked as if every tag had been edited."""
    import threading

    from anylabel.qt.canvas import canvas as canvas_module, tag_layout

    def scene(seed):
        rng = np.random.default_rng(seed)
        out = []
        for i in range(400):  # corners on a coarse grid: crowded tags to stack
            x0, y0 = 40 * rng.integers(0, 45), 30 * rng.integers(0, 60)
            out.append(rectangle(x0, y0, x0 + 60, y0 + 50, label=f"l{i % 3}"))
        return out

    c = shown_canvas(qtbot, scene(1), (800, 600), (2000, 1900))
    assert c.tag_layout().mover.sum() > 20
    on_gui, restacked = [], []
    real_restack = tag_layout._restack
    monkeypatch.setattr(canvas_module, "compute_tag_layout", lambda *a, **k: (
        on_gui.append(1), tag_layout.compute(*a, **k))[1])
    monkeypatch.setattr(tag_layout, "_restack", lambda *a, **k: (restacked.append(1), real_restack(*a, **k))[1])
    c.set_image(c.image_layer.image)
    c.set_shapes(scene(2))
    c.wait_for_render()
    c.grab()
    assert not on_gui and not restacked
    made = c.tag_layout()
    assert made.exact and made.objs[0] is c.shapes[0]
    _assert_same_as_a_fresh_build(c, made, monkeypatch)


def test_an_edit_measures_only_the_edited_tag_texts_and_shows_the_new_text(qtbot, monkeypatch):
    """After an edit the tag layout reuses the texts and widths of the shapes that did not change;
    a relabelled shape and a new group id still show their new text, as a fresh build does."""
    from anylabel.qt.canvas import tag_layout

    shapes = [rectangle(30 + 70 * (i % 12), 30 + 60 * (i // 12), 80 + 70 * (i % 12), 70 + 60 * (i // 12),
                        label=f"l{i % 5}") for i in range(96)]
    c = _canvas(qtbot, shapes, size=(900, 560))
    measured = []
    real = tag_layout._widths.of
    monkeypatch.setattr(tag_layout._widths, "of", lambda style, texts: measured.append(list(texts)) or real(style, texts))
    c.replace_shapes({5: Shape("rectangle", c.shapes[5].points, label="renamed")}, "Edit label")
    c.wait_for_render()
    c.replace_shapes({7: Shape("rectangle", c.shapes[7].points, label="l2", group_id=42)}, "Group")
    c.wait_for_render()
    assert measured == [["renamed"], ["l2 #42"]]
    got = c.tag_layout()
    assert got.texts[5] == "renamed" and got.texts[7] == "l2 #42"
    _assert_same_as_a_fresh_build(c, got, monkeypatch)
