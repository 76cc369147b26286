"""The canvas: shows one image and its shapes, and turns mouse and keys into edits.

State kept here is view state (zoom, pan, selection, hidden shapes, the draft);
shapes are core ``Shape`` objects in ``self.shapes``. An edit replaces the shapes
it changes with edited copies and emits ``edited(label)``; the main window records
``tuple(canvas.shapes)`` in the undo history. Completed drafts are offered through
``shape_drawn(shape)``: the window labels them and calls ``commit_new_shape``.

Prompt mode (for interactive segmentation): ``set_prompt_handler(handler)`` routes
clicks in image pixels to ``handler.on_click(x, y, button, modifiers)`` and drags to
``handler.on_box(x0, y0, x1, y1)`` (``interactions.PromptInteraction``); ``set_overlay(rgba)``
shows a preview mask. The mouse handlers only pick the interaction of the current mode.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from qtpy.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from qtpy.QtGui import QImage, QPainter, QPixmap
from qtpy.QtWidgets import QScrollBar, QSizePolicy, QWidget

from ...core import shape_kinds
from ...core.shape import ROTATION, Shape
from . import shape_ops
from .gui_gate import GATE
from .draft import CLOSE_DISTANCE_PX, TOOLS, is_degenerate
from .interactions import INTERACTIONS, EditInteraction, hit_shape, hit_vertex
from .image_layer import ImageLayer
from .layers import LAYERS, REBUILD_DELAY_MS, hover_area, rotate_handle_pos
from .selection_tint import SelectionTint
from .shape_layer import ShapeLayer
from .scene_index import SceneIndex
from .style import HIT_PX, Style
from .tag_layout import TagLayout, compute as compute_tag_layout
from .view import ViewMixin

EDIT = "edit"
# A selection up to this size is drawn live over the cached layer (drags move it without
# touching the cache). A bigger one (Select All) stays in the cache and is shown by a tint
# (selection_tint.py): drawing 2,000 selected polygons every frame took ~200 ms.
LIVE_SELECTION_MAX = 50


class Hover:
    __slots__ = ("shape", "vertex", "edge_point")

    def __init__(self) -> None:
        self.shape: int | None = None
        self.vertex: int | None = None
        self.edge_point: tuple[float, float] | None = None


def _takes_vertices(shape: Shape) -> bool:
    """A vertex can be inserted on its edges: a kind with any number of vertices (polygon)."""
    kind = shape_kinds.kind_of(shape)
    return kind is not None and kind.free_vertices


class Canvas(ViewMixin, QWidget):
    shape_drawn = Signal(object)       # a completed draft (Shape), not yet in self.shapes
    edited = Signal(str)               # shapes changed by the user; the argument names the edit
    selection_changed = Signal()
    cursor_moved = Signal(float, float)  # image pixels
    mode_changed = Signal(str)
    zoom_changed = Signal(float)
    edit_label_requested = Signal()
    live_edit = Signal()               # a drag is changing the selection (status bar shows it live)
    context_menu_requested = Signal(object)  # QPoint (global)
    render_finished = Signal()         # a worker finished building the shape layer (emitted off-thread)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.WheelFocus)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setAttribute(Qt.WA_OpaquePaintEvent)
        self.style = Style()
        self.shapes: list[Shape] = []
        self.image_width = 0
        self.image_height = 0
        self.scale = 1.0
        self.offset = QPointF(0, 0)
        self.fit_mode = True
        self.mode = EDIT
        self.draft = None
        self.labelling = None  # a finished draft waiting for its label (drawn until answered)
        self.hover = Hover()
        self.rubber_band: QRectF | None = None
        self.cursor_widget = QPointF(-1, -1)
        self.show_crosshair = True
        self.overlay_image: QImage | None = None
        self._overlay_array: np.ndarray | None = None
        self.prompt_handler: Any = None
        self.image_layer = ImageLayer()
        self.shape_layer = ShapeLayer()
        self.selection_tint = SelectionTint()
        self.interacting_zoom = False
        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.setInterval(REBUILD_DELAY_MS)
        self._rebuild_timer.timeout.connect(self._rest)
        self._version = 0
        self._index: SceneIndex | None = None
        self._index_version = -1
        self._selected: list[int] = []
        self._tags: TagLayout | None = None
        self._tags_key: tuple | None = None
        self.tag_layouts_made = 0  # exact layouts made on this thread (a worker's is adopted only if none since)
        self._hidden: dict[int, Shape] = {}  # id -> hidden shape (held, so its id is not reused)
        self._hidden_version = 0
        self.hidden_labels: set[str] = set()
        self.show_all = True
        self._panning: QPointF | None = None
        self._space = False
        self._hbar: QScrollBar | None = None
        self._vbar: QScrollBar | None = None
        self._interactions = {name: cls(self) for name, cls in INTERACTIONS.items()}
        self.render_finished.connect(self.update, Qt.QueuedConnection)

    def wait_for_render(self) -> None:
        """Block until a shape layer being built in a worker is in place (tests, screenshots)."""
        self.grab()  # paints even when the widget is not exposed (offscreen tests)
        while self.shape_layer.pending() or self.image_layer.pending():
            self.shape_layer.collect(self, wait=True)
            self.image_layer.collect(self, wait=True)
            self.grab()
        self.update()

    def shutdown(self) -> None:
        """Let a worker finish its picture before the window goes (painting must not outlive Qt)."""
        self.selection_tint.drop_ahead()
        job = self.shape_layer._job
        if job is not None:
            with GATE.waiting():
                job[1].result()
        self.shape_layer._job = None
        if self.shape_layer._pool is not None:
            self.shape_layer._pool.shutdown(wait=True)
            self.shape_layer._pool = None

    # ------------------------------------------------------------------ model state
    def touch(self, selection_only: bool = False) -> None:
        """Something changed: repaint; unless only selected shapes changed, rebuild caches."""
        if not selection_only:
            self._version += 1
        self.update()

    def scene_index(self) -> SceneIndex:
        """Geometry of all shapes: rebuilt when shapes are added or removed, patched when a few
        were replaced by edited copies (a drag, a committed move)."""
        idx = self._index
        if idx is None or len(idx.objs) != len(self.shapes):
            return self._new_index()
        if self._index_version != self._version:
            now = np.fromiter(map(id, self.shapes), dtype=np.int64, count=len(self.shapes))
            changed = np.nonzero(now != idx.ids)[0].tolist()  # idx holds its objects: equal ids, same objects
            if len(changed) > 64 or not all(idx.patch(i, self.shapes[i]) for i in changed):
                return self._new_index()
            self._index_version = self._version
            return idx
        for i in self._selected:
            if i < len(self.shapes) and idx.objs[i] is not self.shapes[i] and not idx.patch(i, self.shapes[i]):
                return self._new_index()
        return idx

    def _new_index(self) -> SceneIndex:
        self._index = SceneIndex(self.shapes)
        self._index_version = self._version
        return self._index

    def layer_key(self) -> tuple:
        """What the cached shape layer depends on (from index 3 on: what a partial redraw cannot patch)."""
        return (self._version, tuple(self.live_indices()), self._hidden_version, frozenset(self.hidden_labels),
                self.show_all, self.style.key())

    def live_indices(self) -> list[int]:
        """Selected shapes drawn live over the cache: a small selection, or any being dragged."""
        sel = self.selected_indices()
        if len(sel) <= LIVE_SELECTION_MAX or self._edit().changed:
            return sel
        return []

    def _tag_key(self) -> tuple:
        st = self.style
        # only what moves tags: paint_selection swaps the fill alpha, which must not remake it
        return (self._version, len(self.shapes), self._hidden_version, frozenset(self.hidden_labels), self.show_all,
                st.show_labels, st.min_label_px, st.font.key())

    def tag_layout(self) -> TagLayout:
        """Where every visible shape's label tag goes (tag_layout.py), remade when shapes, their
        visibility, the zoom or the style change. A drag moves its shapes' tags with them and
        the layout is remade when it is committed. While the wheel turns, and while the shape
        layer's worker makes the layout of a new zoom, the last layout is scaled instead."""
        key = self._tag_key()
        old = self._tags
        if old is not None and key == self._tags_key:
            if old.scale == self.scale and (old.exact or self.interacting_zoom):
                return old
            if self.interacting_zoom or self.shape_layer.makes_tags(key, self.scale):
                # a wheel zoom step with a live selection: the last layout, scaled (remaking it
                # costs 2-9 ms per step, a second at 100 % for 20,000 shapes); the exact one is
                # made once the wheel rests
                self._tags = old.scaled(self.scale)
                return self._tags
        self._tags = compute_tag_layout(self, previous=old)  # after an edit: restacks only near it
        self._tags_key = key
        self.tag_layouts_made += 1
        return self._tags

    def exact_tag_layout(self) -> tuple[TagLayout | None, tuple, TagLayout | None]:
        """(the exact layout of the current shapes and zoom or None, its key, a layout at this
        zoom to restack from or None) for a worker that makes the layout when it is None."""
        key = self._tag_key()
        old = self._tags
        if old is not None and old.scale == self.scale and old.exact:
            return (old, key, None) if key == self._tags_key else (None, key, old)
        return None, key, None

    def adopt_tag_layout(self, layout: TagLayout, key: tuple, made: int) -> None:
        """Take the layout a worker made for ``key`` at the current zoom, unless an exact one was
        made here meanwhile (``tag_layouts_made`` was ``made`` when the worker started; for the
        same key it is the same layout, after an edit a newer one). One made before the worker
        started is older (another image's, or before an edit) and is replaced."""
        old = self._tags
        if layout.scale != self.scale or (self.tag_layouts_made != made and old is not None and old.exact
                                          and old.scale == self.scale):
            return
        self._tags, self._tags_key = layout, key

    def is_visible(self, i: int) -> bool:
        s = self.shapes[i]
        return self.show_all and id(s) not in self._hidden and s.label not in self.hidden_labels

    def visible_mask(self) -> np.ndarray:
        n = len(self.shapes)
        if not self.show_all:
            return np.zeros(n, dtype=bool)
        if not self._hidden and not self.hidden_labels:
            return np.ones(n, dtype=bool)
        return np.array([id(s) not in self._hidden and s.label not in self.hidden_labels for s in self.shapes], dtype=bool)

    def cached_mask(self) -> np.ndarray:
        """(n,) bool, a new array: the shapes the cached layer draws (visible, not drawn live)."""
        mask = self.visible_mask()
        live = self.live_indices()
        if live:
            mask[live] = False
        return mask

    def rebind(self, old: Shape, new: Shape) -> None:
        """Carry view state (hidden) from a shape to its edited copy."""
        if id(old) in self._hidden:
            del self._hidden[id(old)]
            self._hidden[id(new)] = new

    def set_shapes(self, shapes: list[Shape], keep_selection: bool = False) -> None:
        """Show ``shapes`` (a new list is made; the objects are shared, never mutated)."""
        self.cancel_draft()
        self._edit().cancel()
        self.shapes = list(shapes)
        present = {id(s) for s in self.shapes}
        self._hidden = {k: v for k, v in self._hidden.items() if k in present}
        self._hidden_version += 1
        old_sel = self._selected
        # Kept positions may now hold shapes the user hid (an undo brings back a hidden label's
        # shapes): those are not selected.
        self._selected = ([i for i in old_sel if i < len(self.shapes) and self.is_visible(i)]
                          if keep_selection else [])
        self.hover = Hover()
        self.touch()
        if old_sel != self._selected:
            self.selection_changed.emit()

    def replace_shapes(self, changes: dict[int, Shape], label: str) -> None:
        for i, new in changes.items():
            self.rebind(self.shapes[i], new)
            self.shapes[i] = new
        self.hover = Hover()
        self.touch()
        self.edited.emit(label)

    def commit_new_shape(self, shape: Shape, select: bool = False) -> None:
        """Append a labelled shape (after ``shape_drawn``); emits ``edited``."""
        self.shapes.append(shape)
        if select:
            self._selected = [len(self.shapes) - 1]
            self.selection_changed.emit()
        self.touch()
        self.edited.emit(f"Create {shape.shape_type}")

    # ------------------------------------------------------------------ selection
    def selected_indices(self) -> list[int]:
        sel, n = self._selected, len(self.shapes)
        if not sel or max(sel) < n:  # the usual case, in C (a select-all of 20,000: 0.3 ms, not 14)
            return list(sel)
        return [i for i in sel if i < n]

    def selected_shapes(self) -> list[Shape]:
        return [self.shapes[i] for i in self.selected_indices()]

    def select_indices(self, indices: list[int]) -> None:
        ind = np.unique(np.asarray(list(indices) if not isinstance(indices, np.ndarray) else indices, dtype=np.int64))
        ind = ind[(ind >= 0) & (ind < len(self.shapes))]
        new = ind[self.visible_mask()[ind]].tolist()  # sorted, visible, unique (a select-all of 20,000: 1 ms)
        if new != self._selected:
            self._selected = new
            self.update()
            self.selection_changed.emit()

    def select_shapes(self, shapes: list[Shape]) -> None:
        ids = {id(s) for s in shapes}
        self.select_indices([i for i, s in enumerate(self.shapes) if id(s) in ids])

    def select_all(self) -> None:
        self.select_indices(list(range(len(self.shapes))))

    def select_in_widget_rect(self, rect: QRectF, add: bool = False) -> None:
        p0 = self.widget_to_image(rect.topLeft())
        p1 = self.widget_to_image(rect.bottomRight())
        b = self.scene_index().bboxes
        with np.errstate(invalid="ignore"):
            inside = (b[:, 0] >= p0[0]) & (b[:, 1] >= p0[1]) & (b[:, 2] <= p1[0]) & (b[:, 3] <= p1[1])
        inside &= self.visible_mask()
        picked = np.nonzero(inside)[0].tolist()
        self.select_indices((self._selected + picked) if add else picked)

    # ------------------------------------------------------------------ hit tests
    def shape_at(self, x: float, y: float) -> int | None:
        cand = [int(i) for i in self.scene_index().candidates(x, y, HIT_PX / self.scale) if self.is_visible(int(i))]
        sel = set(self._selected)
        cand.sort(key=lambda i: i not in sel)  # a selected shape wins over those beneath it
        return hit_shape(self, cand, x, y)

    def vertex_at(self, x: float, y: float) -> tuple[int, int] | None:
        hit = hit_vertex(self, self.selected_indices(), x, y)
        if hit is None:
            cand = [int(i) for i in self.scene_index().candidates(x, y, HIT_PX / self.scale) if self.is_visible(int(i))]
            hit = hit_vertex(self, cand[:20], x, y)
        return hit

    def rotate_handle_pos(self, i: int) -> QPointF | None:
        return rotate_handle_pos(self, self.shapes[i])

    def update_hover(self, x: float, y: float) -> None:
        h = Hover()
        if self._interaction() is self._edit():
            v = self.vertex_at(x, y)
            if v is not None:
                h.shape, h.vertex = v
            else:
                h.shape = self.shape_at(x, y)
                if h.shape is not None and h.shape in self._selected:
                    sh = self.shapes[h.shape]
                    if _takes_vertices(sh):
                        from ...core.geometry import nearest_edge
                        e, d = nearest_edge(sh, x, y)
                        if e >= 0 and d <= HIT_PX / self.scale:
                            h.edge_point = (x, y)
        changed = (h.shape, h.vertex, h.edge_point) != (self.hover.shape, self.hover.vertex, self.hover.edge_point)
        self.hover = h
        if changed:
            self.setCursor(Qt.PointingHandCursor if h.vertex is not None else
                           Qt.SizeAllCursor if h.shape is not None else Qt.ArrowCursor)

    # ------------------------------------------------------------------ modes and drafts
    def set_mode(self, mode: str) -> None:
        if mode != EDIT and not shape_kinds.is_drawable(mode):
            raise ValueError(f"unknown canvas mode {mode!r}")
        self.cancel_draft()
        self._edit().cancel()
        self.mode = mode
        self.hover = Hover()
        self.setCursor(Qt.ArrowCursor if mode == EDIT else Qt.CrossCursor)
        if mode != EDIT:
            self.select_indices([])
        self.update()
        self.mode_changed.emit(mode)

    def _interaction(self):
        """The interaction of the current mode: a prompt handler, when set, takes the mouse."""
        if self.prompt_handler is not None:
            return self._interactions["prompt"]
        return self._interactions[EDIT if self.mode == EDIT else "create"]

    def _edit(self) -> EditInteraction:
        return self._interactions[EDIT]

    def cancel_draft(self) -> None:
        if self.draft is not None:
            self.draft = None
            self.update()

    def finish_draft(self) -> None:
        """Turn a complete draft into a Shape and offer it (``shape_drawn``)."""
        d = self.draft
        if d is None:
            return
        tool = TOOLS[d.shape_type]
        if not tool.can_finish(d):
            return
        self.draft = None
        shape = tool.to_shape(d)
        if is_degenerate(shape):
            self.update()
            return
        # Kept on screen while the label dialog is open: the user sees what is being named.
        self.labelling = shape
        self.repaint()
        try:
            self.shape_drawn.emit(shape)
        finally:
            self.labelling = None
            self.update()

    def undo_last_vertex(self) -> None:
        d = self.draft
        if d is None:
            return
        if d.points:
            d.points.pop()
        if not d.points:
            self.draft = None
        self.update()

    def cursor_near_first_vertex(self) -> bool:
        d = self.draft
        if d is None or not d.points or d.cursor is None:
            return False
        (x0, y0), (x, y) = d.points[0], d.cursor
        return ((x - x0) ** 2 + (y - y0) ** 2) ** 0.5 * self.scale <= CLOSE_DISTANCE_PX

    # ------------------------------------------------------------------ edits on the selection
    def _edit_selected(self, fn, label: str, only: tuple[str, ...] | None = None) -> bool:
        changes = {i: fn(self.shapes[i]) for i in self.selected_indices()
                   if only is None or self.shapes[i].shape_type in only}
        if not changes:
            return False
        self.replace_shapes(changes, label)
        return True

    def nudge_selected(self, dx: float, dy: float) -> bool:
        return self._edit_selected(lambda s: shape_ops.translated(s, dx, dy), "Move")

    def rotate_selected(self, degrees: float) -> bool:
        ok = self._edit_selected(lambda s: shape_ops.rotated(s, degrees), "Rotate", only=(ROTATION,))
        if ok:
            self.live_edit.emit()
        return ok

    def delete_selected(self) -> list[Shape]:
        sel = set(self.selected_indices())
        if not sel:
            return []
        removed = [self.shapes[i] for i in sorted(sel)]
        self.shapes = [s for i, s in enumerate(self.shapes) if i not in sel]
        self._selected = []
        self.hover = Hover()
        self.touch()
        self.selection_changed.emit()
        self.edited.emit("Delete")
        return removed

    def add_shapes(self, shapes: list[Shape], label: str, select: bool = True) -> None:
        if not shapes:
            return
        start = len(self.shapes)
        self.shapes.extend(shapes)
        if select:
            self._selected = list(range(start, len(self.shapes)))
            self.selection_changed.emit()
        self.touch()
        self.edited.emit(label)

    def hide_selected(self) -> None:
        sel = self.selected_shapes()
        if not sel:
            return
        self._hidden.update({id(s): s for s in sel})
        self._hidden_version += 1
        self.select_indices([])
        self.update()

    def show_hidden(self) -> None:
        if self._hidden:
            self._hidden.clear()
            self._hidden_version += 1
            self.update()

    def set_all_visible(self, visible: bool) -> None:
        self.show_all = visible
        if not visible:
            self.select_indices([])
        self.update()

    def set_label_visible(self, label: str, visible: bool) -> None:
        (self.hidden_labels.discard if visible else self.hidden_labels.add)(label)
        if not visible:
            self.select_indices([i for i in self._selected if self.shapes[i].label != label])
        self.update()

    def hidden_count(self) -> int:
        return len(self._hidden)

    # ------------------------------------------------------------------ image, overlay, prompts
    def set_image(self, image: QImage | QPixmap | None, size: tuple[int, int] | None = None) -> None:
        """Show an image. ``size`` is the true (width, height) when ``image`` is a downscaled level."""
        self.cancel_draft()
        self._edit().cancel()
        if image is None:
            self.image_layer.set_image(None, 1.0)
            self.image_width = self.image_height = 0
        else:
            img = image.toImage() if isinstance(image, QPixmap) else image
            if img.format() not in (QImage.Format_RGB32, QImage.Format_ARGB32_Premultiplied):
                img = img.convertToFormat(QImage.Format_RGB32)  # the raster engine's fast path
            w, h = size if size is not None else (img.width(), img.height())
            self.image_width, self.image_height = int(w), int(h)
            self.image_layer.set_image(img, img.width() / max(w, 1))
        self.shape_layer.invalidate()
        self.set_overlay(None)
        self.fit_mode = True
        self.zoom_fit()

    def set_overlay(self, mask_rgba: np.ndarray | None) -> None:
        """A semi-transparent (H, W, 4) uint8 RGBA preview drawn over the image (stretched to it)."""
        if mask_rgba is None:
            self.overlay_image, self._overlay_array = None, None
        else:
            arr = np.ascontiguousarray(mask_rgba, dtype=np.uint8)
            if arr.ndim != 3 or arr.shape[2] != 4:
                raise ValueError(f"overlay must be an (H, W, 4) RGBA array, got shape {arr.shape}")
            self._overlay_array = arr  # QImage does not own the buffer
            h, w = arr.shape[:2]
            self.overlay_image = QImage(arr.data, w, h, 4 * w, QImage.Format_RGBA8888)
        self.update()

    def set_prompt_handler(self, handler: Any) -> None:
        """Route clicks to ``handler`` (see the module docstring); None returns to normal editing."""
        self._interactions["prompt"].cancel()
        self.prompt_handler = handler
        self.cancel_draft()
        self.setCursor(Qt.CrossCursor if handler is not None else Qt.ArrowCursor)
        self.update()

    def crosshair_visible(self) -> bool:
        return (self.show_crosshair and self._interaction().crosshair
                and self.underMouse() and self.cursor_widget.x() >= 0)

    # ------------------------------------------------------------------ Qt events
    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        try:
            with GATE.busy():  # the shape layer's worker waits meanwhile (gui_gate.py)
                for layer in LAYERS:
                    layer(self, p)
        finally:
            p.end()

    def resizeEvent(self, event) -> None:  # noqa: N802
        if self.fit_mode:
            self.set_scale(self.fit_scale())
        else:
            self._clamp_offset()
        super().resizeEvent(event)

    def wheelEvent(self, event) -> None:  # noqa: N802
        delta = event.angleDelta()
        mods = event.modifiers()
        if mods & Qt.ShiftModifier:
            self.pan_by(delta.y() or delta.x(), 0)
        elif mods & Qt.AltModifier:
            self.pan_by(delta.x(), delta.y())
        elif delta.y():
            self.interacting_zoom = True
            self.schedule_rebuild_restart()
            self.zoom_by(1.15 ** (delta.y() / 120.0), QPointF(event.pos()))
        event.accept()

    def schedule_rebuild_restart(self) -> None:
        self._rebuild_timer.start()

    def _event_xy(self, event) -> tuple[float, float]:
        return self.widget_to_image(QPointF(event.pos()))

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self.setFocus(Qt.MouseFocusReason)
        if event.button() == Qt.MiddleButton or (event.button() == Qt.LeftButton and self._space):
            self._panning = QPointF(event.pos())
            self.setCursor(Qt.ClosedHandCursor)
            return
        x, y = self._event_xy(event)
        self._interaction().press(x, y, event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        pos = QPointF(event.pos())
        self.cursor_widget = pos
        if self._panning is not None:
            d = pos - self._panning
            self._panning = pos
            self.fit_mode = False
            self.pan_by(d.x(), d.y())
            return
        x, y = self.widget_to_image(pos)
        self.cursor_moved.emit(x, y)
        interaction = self._interaction()
        before = self.hover
        interaction.move(x, y, event)
        if interaction is self._edit() and interaction.drag is None and not self.crosshair_visible():
            self._update_hover(before, self.hover)
        else:
            self.update()

    def _update_hover(self, before: Hover, after: Hover) -> None:
        """Repaint only where the hover highlight was and is (a mouse move in edit mode changes
        nothing else): a full frame of a 20,000-shape scene costs a few ms more than that."""
        if (before.shape, before.vertex, before.edge_point) == (after.shape, after.vertex, after.edge_point):
            return
        for area in (hover_area(self, before), hover_area(self, after)):
            if area is not None:
                self.update(area.toAlignedRect())  # Qt paints the union of the two

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self._panning is not None:
            self._panning = None
            self.setCursor(Qt.OpenHandCursor if self._space else Qt.ArrowCursor)
            return
        x, y = self._event_xy(event)
        self._interaction().release(x, y, event)
        self.update()

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        x, y = self._event_xy(event)
        self._interaction().double_click(x, y, event)

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        self._interaction().context_menu(event)

    def leaveEvent(self, event) -> None:  # noqa: N802
        self.cursor_widget = QPointF(-1, -1)
        self.update()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        mods = event.modifiers()
        if key == Qt.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.setCursor(Qt.OpenHandCursor)
        elif key == Qt.Key_Escape:
            if self.draft is not None:
                self.cancel_draft()
            elif self._edit().drag is not None:
                self._edit().cancel()
                self.update()
            else:
                self.select_indices([])
        elif key in (Qt.Key_Return, Qt.Key_Enter):
            self.finish_draft()
        elif key == Qt.Key_Backspace:
            if self.draft is not None:
                self.undo_last_vertex()
            elif self.mode == EDIT and self.hover.vertex is not None and self.hover.shape is not None:
                sh = self.shapes[self.hover.shape]
                if shape_ops.can_remove_vertex(sh):
                    self.replace_shapes({self.hover.shape: shape_ops.with_vertex_removed(sh, self.hover.vertex)},
                                        "Remove vertex")
        elif key in (Qt.Key_Left, Qt.Key_Right, Qt.Key_Up, Qt.Key_Down) and self.mode == EDIT and self._selected:
            step = 10.0 if mods & Qt.ShiftModifier else 1.0
            dx = {Qt.Key_Left: -step, Qt.Key_Right: step}.get(key, 0.0)
            dy = {Qt.Key_Up: -step, Qt.Key_Down: step}.get(key, 0.0)
            self.nudge_selected(dx, dy)
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.setCursor(Qt.ArrowCursor if self.mode == EDIT else Qt.CrossCursor)
        else:
            super().keyReleaseEvent(event)
