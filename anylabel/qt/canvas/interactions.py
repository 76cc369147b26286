"""What the mouse does in each canvas mode, one small class per mode.

``INTERACTIONS`` maps a mode to its handler; the canvas routes events through the
table rather than an if-chain. Coordinates passed in are image pixels. The modes:
``edit`` (select and change shapes), ``create`` (draw with the current tool) and
``prompt`` (while a prompt handler is set, e.g. SAM: clicks and boxes go to it).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from qtpy.QtCore import QPointF, QRectF, Qt

from ...core.geometry import bounding_box, contains_point, nearest_edge, rotated_box_from_corners
from ...core import shape_kinds
from ...core.shape import ROTATION
from . import mask_shapes, shape_ops
from .draft import TOOLS, Draft
from .layers import rotate_handles_shown
from .style import HANDLE_PX, HIT_PX

if TYPE_CHECKING:
    from .canvas import Canvas

DRAG_START_PX = 3.0


class Interaction:
    #: The crosshair follows the cursor in this mode.
    crosshair = True

    def __init__(self, canvas: "Canvas") -> None:
        self.c = canvas

    def press(self, x: float, y: float, event) -> None: ...
    def move(self, x: float, y: float, event) -> None: ...
    def release(self, x: float, y: float, event) -> None: ...
    def double_click(self, x: float, y: float, event) -> None: ...
    def cancel(self) -> None: ...

    def context_menu(self, event) -> None:
        """Right-click menu; only editing has one (in the other modes right-click is input)."""


class CreateInteraction(Interaction):
    """Clicks grow the draft; a press-drag-release draws two-point shapes in one gesture."""

    def __init__(self, canvas: "Canvas") -> None:
        super().__init__(canvas)
        self._press_widget: QPointF | None = None

    def press(self, x, y, event) -> None:
        if event.button() != Qt.LeftButton:
            return
        c = self.c
        x, y = c.clamp_to_image(x, y)
        tool = TOOLS[c.mode]
        if c.draft is None:
            c.draft = Draft(c.mode)
        d = c.draft
        if tool.closed and len(d.points) >= tool.min_points and c.cursor_near_first_vertex():
            c.finish_draft()
            return
        d.points.append((x, y))
        d.cursor = (x, y)
        self._press_widget = QPointF(event.pos())
        if tool.complete(d):
            c.finish_draft()
        c.update()

    def move(self, x, y, event) -> None:
        c = self.c
        if c.draft is not None:
            c.draft.cursor = c.clamp_to_image(x, y)
            c.update()

    def release(self, x, y, event) -> None:
        c = self.c
        d = c.draft
        if d is None or self._press_widget is None or event.button() != Qt.LeftButton:
            return
        moved = (QPointF(event.pos()) - self._press_widget).manhattanLength() > DRAG_START_PX
        self._press_widget = None
        tool = TOOLS[d.shape_type]
        # A drag after the first corner of a two-point tool draws it in one gesture.
        if moved and tool.clicks == 2 and len(d.points) == 1:
            d.points.append(c.clamp_to_image(x, y))
            c.finish_draft()

    def double_click(self, x, y, event) -> None:
        c = self.c
        d = c.draft
        if d is None:
            return
        tool = TOOLS[d.shape_type]
        if tool.clicks > 2:
            # the double-click's first press already added this vertex
            if len(d.points) >= 2 and np.allclose(d.points[-1], d.points[-2], atol=1e-6):
                d.points.pop()
            if tool.can_finish(d):
                c.finish_draft()


class EditInteraction(Interaction):
    """Select, move, drag handles, insert/remove vertices, rotate, rubber-band select."""

    crosshair = False

    def __init__(self, canvas: "Canvas") -> None:
        super().__init__(canvas)
        self.drag: str | None = None  # "move" | "handle" | "rotate" | "band"
        self.start = (0.0, 0.0)
        self.start_widget = QPointF()
        self.target: int | None = None  # shape index for handle/rotate drags
        self.handle_k = -1
        self.originals: list = []  # shapes as they were when the drag began
        self.changed = False

    def _tol(self) -> float:
        return HIT_PX / self.c.scale

    def press(self, x, y, event) -> None:
        c = self.c
        if event.button() == Qt.RightButton:
            hit = c.shape_at(x, y)
            if hit is not None and hit not in c.selected_indices():
                c.select_indices([hit])
            return
        if event.button() != Qt.LeftButton:
            return
        mods = event.modifiers()
        self.start = (x, y)
        self.start_widget = QPointF(event.pos())
        self.changed = False
        # 1. the rotate handle of a selected rotated box (only where it is drawn)
        for i in c.selected_indices() if rotate_handles_shown(c) else ():
            hp = c.rotate_handle_pos(i)
            if hp is not None and (hp - QPointF(event.pos())).manhattanLength() <= HANDLE_PX * 1.5:
                self._begin(i, "rotate")
                return
        # 2. a vertex handle (selected shapes first, then the one under the cursor)
        hit = c.vertex_at(x, y)
        if hit is not None:
            i, k = hit
            sh = c.shapes[i]
            if mods & Qt.ShiftModifier:
                if shape_ops.can_remove_vertex(sh):
                    c.replace_shapes({i: shape_ops.with_vertex_removed(sh, k)}, "Remove vertex")
                return
            if i not in c.selected_indices():
                c.select_indices([i])
            self._begin(i, "handle")
            self.handle_k = k
            return
        # 3. an edge of a selected polygon/linestrip: insert a vertex and drag it
        for i in c.selected_indices():
            sh = c.shapes[i]
            if (sk := shape_kinds.kind_of(sh)) is not None and sk.free_vertices:
                e, dist = nearest_edge(sh, x, y)
                if e >= 0 and dist <= self._tol():
                    self._begin(i, "handle")
                    new = shape_ops.with_vertex_inserted(sh, e, x, y)
                    c.shapes[i] = new
                    c.rebind(sh, new)
                    self.handle_k = e + 1
                    self.changed = True
                    c.touch()
                    return
        # 4. a shape: select (Ctrl toggles) and move the selection
        i = c.shape_at(x, y)
        if i is not None:
            sel = c.selected_indices()
            if mods & Qt.ControlModifier:
                sel = [j for j in sel if j != i] if i in sel else sel + [i]
                c.select_indices(sel)
                return
            if i not in sel:
                c.select_indices([i])
            self.drag = "move"
            self.originals = [c.shapes[j] for j in c.selected_indices()]
            return
        # 5. empty space: clear and start a rubber band
        if not (mods & Qt.ControlModifier):
            c.select_indices([])
        self.drag = "band"

    def _begin(self, i: int, kind: str) -> None:
        self.drag = kind
        self.target = i
        self.originals = [self.c.shapes[i]]

    def move(self, x, y, event) -> None:
        c = self.c
        if self.drag is None:
            c.update_hover(x, y)
            return
        if self.drag == "band":
            c.rubber_band = QRectF(self.start_widget, QPointF(event.pos())).normalized()
            c.update()
            return
        if not self.changed and (QPointF(event.pos()) - self.start_widget).manhattanLength() < DRAG_START_PX:
            return
        if self.drag == "move":
            dx, dy = x - self.start[0], y - self.start[1]
            boxes = [mask_shapes.mask_box(s) if mask_shapes.is_mask(s) else bounding_box(s)
                     for s in self.originals if len(s.points)]
            dx, dy = shape_ops.clamp_translation(boxes, dx, dy, c.image_width, c.image_height)
            sel = c.selected_indices()
            for j, orig in zip(sel, self.originals):
                new = shape_ops.translated(orig, dx, dy)
                c.rebind(c.shapes[j], new)
                c.shapes[j] = new
        elif self.drag == "handle" and self.target is not None:
            x, y = c.clamp_to_image(x, y)
            old = c.shapes[self.target]
            new = shape_ops.with_handle_moved(old, self.handle_k, x, y)
            c.rebind(old, new)
            c.shapes[self.target] = new
        elif self.drag == "rotate" and self.target is not None:
            old = c.shapes[self.target]
            box = rotated_box_from_corners(old.points)
            angle = math.atan2(x - box.cx, -(y - box.cy))
            if event.modifiers() & Qt.ShiftModifier:  # snap to 15 degrees
                angle = math.radians(round(math.degrees(angle) / 15.0) * 15.0)
            new = shape_ops.rotated_to(old, angle)
            c.rebind(old, new)
            c.shapes[self.target] = new
        self.changed = True
        c.touch(selection_only=True)
        c.live_edit.emit()

    def release(self, x, y, event) -> None:
        c = self.c
        kind, self.drag = self.drag, None
        if kind == "band":
            r = c.rubber_band
            c.rubber_band = None
            if r is not None and r.width() > DRAG_START_PX and r.height() > DRAG_START_PX:
                c.select_in_widget_rect(r, add=bool(event.modifiers() & Qt.ControlModifier))
            c.update()
            return
        if kind is None or not self.changed:
            return
        self.changed = False
        if kind == "handle":
            i = self.target
            sh = c.shapes[i]
            sk = shape_kinds.kind_of(sh)
            if sk is not None and sk.canonical is not None:  # a rectangle's corners may have crossed
                new = sh.copy()
                new.points = sk.canonical(new.points)
                c.rebind(sh, new)
                c.shapes[i] = new
        c.touch()
        c.edited.emit({"move": "Move", "handle": "Edit vertex", "rotate": "Rotate"}[kind])

    def double_click(self, x, y, event) -> None:
        i = self.c.shape_at(x, y)
        if i is not None:
            self.c.select_indices([i])
            self.c.edit_label_requested.emit()

    def context_menu(self, event) -> None:
        self.c.context_menu_requested.emit(event.globalPos())

    def cancel(self) -> None:
        """Esc during a drag puts the shapes back as they were."""
        c = self.c
        if self.drag in ("move", "handle", "rotate") and self.changed:
            idx = c.selected_indices() if self.drag == "move" else [self.target]
            for j, orig in zip(idx, self.originals):
                c.rebind(c.shapes[j], orig)
                c.shapes[j] = orig
            c.touch()
        self.drag = None
        self.changed = False
        c.rubber_band = None


class PromptInteraction(Interaction):
    """Prompts for the canvas's ``prompt_handler``: a click (left or right button) goes to
    ``handler.on_click(x, y, button, modifiers)``; a left-button drag shows a rubber band
    and goes to ``handler.on_box(x0, y0, x1, y1)`` (clamped to the image, x0 <= x1)."""

    def __init__(self, canvas: "Canvas") -> None:
        super().__init__(canvas)
        self.pressed: tuple[QPointF, float, float, object] | None = None  # widget pos, x, y, button

    def press(self, x, y, event) -> None:
        if event.button() in (Qt.LeftButton, Qt.RightButton):
            self.pressed = (QPointF(event.pos()), x, y, event.button())

    def _dragged(self, event) -> bool:
        assert self.pressed is not None
        return self.pressed[3] == Qt.LeftButton and (QPointF(event.pos()) - self.pressed[0]).manhattanLength() > 4

    def move(self, x, y, event) -> None:
        if self.pressed is not None and self._dragged(event):
            self.c.rubber_band = QRectF(self.pressed[0], QPointF(event.pos())).normalized()

    def release(self, x, y, event) -> None:
        if self.pressed is None:
            return
        dragged = self._dragged(event)
        _, x0, y0, button = self.pressed
        self.cancel()
        handler = self.c.prompt_handler
        if handler is None:
            return
        x0, y0 = self.c.clamp_to_image(x0, y0)
        if dragged:
            x1, y1 = self.c.clamp_to_image(x, y)
            handler.on_box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        else:
            handler.on_click(x0, y0, button, event.modifiers())

    def cancel(self) -> None:
        self.pressed = None
        self.c.rubber_band = None


def hit_vertex(canvas: "Canvas", indices, x: float, y: float) -> tuple[int, int] | None:
    tol = HIT_PX / canvas.scale
    best = None
    for i in indices:
        pts = shape_ops.handles(canvas.shapes[i])
        if len(pts) == 0:
            continue
        d = np.hypot(pts[:, 0] - x, pts[:, 1] - y)
        k = int(np.argmin(d))
        if d[k] <= tol and (best is None or d[k] < best[2]):
            best = (i, k, d[k])
    return None if best is None else (best[0], best[1])


def hit_shape(canvas: "Canvas", candidates, x: float, y: float) -> int | None:
    tol = HIT_PX / canvas.scale
    for i in candidates:
        sh = canvas.shapes[i]
        if mask_shapes.contains(sh, x, y, tol) if mask_shapes.is_mask(sh) else contains_point(sh, x, y, tolerance=tol):
            return int(i)
    return None


INTERACTIONS = {"edit": EditInteraction, "create": CreateInteraction, "prompt": PromptInteraction}
ROTATABLE = (ROTATION,)
