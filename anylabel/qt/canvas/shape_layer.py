"""The cached layer of committed shapes (see ShapeLayer)."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from qtpy.QtCore import QPointF, QRect, QRectF, Qt
from qtpy.QtGui import QImage, QPainter, QRegion

from .gui_gate import GATE
from .shape_render import RenderData, draw_tags, render, render_images, repainting, snapshot_style
from .style import POINT_PX
from .tag_layout import compute_from as compute_tag_layout, inputs_of

if TYPE_CHECKING:
    from .canvas import Canvas

MAX_FULL_CACHE = 4096  # below this scaled size the whole image is cached; above, the visible area
LABEL_MARGIN = 24


def _ids(objs: list) -> np.ndarray:
    return np.fromiter(map(id, objs), dtype=np.int64, count=len(objs))


def _build(snap: tuple, tag_inputs, scale: float, origin, size, style) -> tuple[tuple[QImage, QImage | None], object]:
    """A worker's whole build: the tag layout when it is not made yet (stacking 17,000 crowded tags
    at 100 % takes about a second), the render snapshot, then the picture."""
    idx, shapes, indices, by_track, layout, previous = snap
    if layout is None:
        layout = compute_tag_layout(tag_inputs, previous, pause=GATE.pause)
    data = RenderData.gather_from(idx, shapes, indices, scale, by_track, layout, pause=GATE.pause)
    return render_images(data, scale, origin, size, style, pause=GATE.pause), layout


def render_shapes(painter: QPainter, canvas: "Canvas", indices, scale: float,
                  origin: tuple[float, float], with_labels: bool = True) -> None:
    """Draw shapes ``indices`` of the canvas on the GUI thread."""
    if len(indices):
        render(painter, RenderData.gather(canvas, indices, scale), scale, origin, canvas.style, with_labels)


def render_tags(painter: QPainter, canvas: "Canvas", indices, scale: float, origin: tuple[float, float]) -> None:
    """Draw the label tags of shapes ``indices`` (their outlines are drawn apart)."""
    if len(indices):
        draw_tags(painter, RenderData.gather(canvas, indices, scale, points=False), scale, origin, canvas.style)


class ShapeLayer:
    """The cached image of committed, unselected, visible shapes.

    - After an edit only the areas of the shapes that left or entered the cache are
      cleared and redrawn (``PARTIAL_LIMIT``): committing a move in a 2,000-polygon
      scene repaints a few hundred pixels, not every polygon. Tags whose place in the tag
      layout changed (stacking, see ``tag_layout.py``) are repainted too, at both places.
    - A full build of a big scene (new image, zoom at rest, a pan past the cached
      area) runs in a worker thread; until it lands the previous image is shown
      (stretched or shifted), so the GUI never waits for it.
    """

    PARTIAL_LIMIT = 64
    ASYNC_MIN_SHAPES = 150  # smaller scenes are built on the spot (a few ms)

    def __init__(self) -> None:
        self.pixmap: QImage | None = None
        self.tag_pixmap: QImage | None = None  # the label tags, drawn over ``pixmap`` (None: labels hidden)
        self.key: tuple | None = None
        self.scale = 0.0
        self.origin = (0.0, 0.0)  # scaled-image coords of the image's top-left
        self.content: list = []   # the shapes drawn in the cache, in drawing order (held: their ids stay unique)
        self.content_ids = np.zeros(0, np.int64)  # their ids, compared with numpy after an edit
        self.content_rows = np.zeros(0, np.int64)  # their rows in the shape list when drawn
        self.tags = None          # the TagLayout the cache was drawn with
        self.renders = 0          # full builds (benchmarks read these)
        self.partial_renders = 0
        self.async_enabled = True
        self._job = None          # (target, future, content, scale, origin, layer key, tag layout key, layouts made)
        self._pool = None

    def invalidate(self) -> None:
        self.pixmap = self.tag_pixmap = None
        self.key = None
        self.content, self.content_ids, self.content_rows = [], np.zeros(0, np.int64), np.zeros(0, np.int64)
        self.tags = None
        self._job = None

    def _region(self, canvas: "Canvas") -> tuple[float, float, float, float]:
        s = canvas.scale
        W, H = canvas.image_width * s, canvas.image_height * s
        if W <= MAX_FULL_CACHE and H <= MAX_FULL_CACHE:
            return (-LABEL_MARGIN, -LABEL_MARGIN, W + 2 * LABEL_MARGIN, H + 2 * LABEL_MARGIN)
        vw, vh = canvas.width(), canvas.height()
        x0 = max(-canvas.offset.x() - vw, -LABEL_MARGIN)
        y0 = max(-canvas.offset.y() - vh, -LABEL_MARGIN)
        x1 = min(-canvas.offset.x() + 2 * vw, W + LABEL_MARGIN)
        y1 = min(-canvas.offset.y() + 2 * vh, H + LABEL_MARGIN)
        return (x0, y0, max(x1 - x0, 1), max(y1 - y0, 1))

    def _covers(self, canvas: "Canvas", origin=None, size=None) -> bool:
        if origin is None:
            if self.pixmap is None:
                return False
            origin, size = self.origin, (self.pixmap.width(), self.pixmap.height())
        x0, y0 = origin
        vx, vy = -canvas.offset.x(), -canvas.offset.y()
        W, H = canvas.image_width * canvas.scale, canvas.image_height * canvas.scale
        need_x1 = min(vx + canvas.width(), W)
        need_y1 = min(vy + canvas.height(), H)
        return (x0 <= max(vx, 0) + 0.5 and y0 <= max(vy, 0) + 0.5
                and x0 + size[0] >= need_x1 - 0.5 and y0 + size[1] >= need_y1 - 0.5)

    def _wanted(self, canvas: "Canvas", x: float, y: float, w: float, h: float) -> np.ndarray:
        """Rows of the shapes the cache draws (sorted): visible, not live, reaching the area."""
        s = canvas.scale
        mask = canvas.cached_mask()
        if mask.any():
            mask &= canvas.scene_index().visible_mask(x / s, y / s, (x + w) / s, (y + h) / s, margin=LABEL_MARGIN / s)
        return np.nonzero(mask)[0]

    def rebuild(self, canvas: "Canvas", allow_async: bool = False) -> None:
        """Build the whole cache for the current zoom and view (in a worker when worth it)."""
        if allow_async and self.async_enabled and self._job is not None:
            return  # one at a time: when it lands, the next paint asks again if the view moved on
        x, y, w, h = self._region(canvas)
        size = (max(int(math.ceil(w)), 1), max(int(math.ceil(h)), 1))
        indices = self._wanted(canvas, x, y, w, h)
        content = [canvas.shapes[i] for i in indices.tolist()]
        if allow_async and self.async_enabled and len(indices) >= self.ASYNC_MIN_SHAPES:
            target = (canvas.layer_key(), canvas.scale, (x, y), size)
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="anylabel-shapes")
            # the snapshot is gathered in the worker too (a new zoom's simplified outlines take
            # a few hundred ms for 1,000,000 vertices): the GUI only copies the shape list. So is
            # the tag layout of a new zoom (or a first one): the GUI shows the stretched layer meanwhile.
            layout, tags_key, previous = canvas.exact_tag_layout()
            style = snapshot_style(canvas.style)
            tag_inputs = None if layout is not None else inputs_of(canvas, copy=True, style=style)
            snap = (canvas.scene_index(), list(canvas.shapes), indices, canvas.style.color_by_track, layout, previous)
            canvas.selection_tint.drop_ahead()
            fut = self._pool.submit(_build, snap, tag_inputs, canvas.scale, (x, y), size, style)
            self._job = (target, fut, (content, indices), canvas.scale, (x, y), target[0], tags_key,
                         canvas.tag_layouts_made)
            fut.add_done_callback(lambda _f: canvas.render_finished.emit())  # queued to the GUI thread
            return
        key = (canvas.layer_key(), canvas.tag_layout())
        data = RenderData.gather(canvas, indices)
        self._install(render_images(data, canvas.scale, (x, y), size, canvas.style), canvas.scale, (x, y),
                      (content, indices), key)

    def _install(self, images: tuple[QImage, QImage | None], scale: float, origin, content, key) -> None:
        (key, tags), (content, rows) = key, content
        self.pixmap, self.tag_pixmap = images
        self.scale, self.origin, self.content, self.key, self.tags = scale, origin, content, key, tags
        self.content_ids = _ids(content)
        self.content_rows = rows
        self.renders += 1

    def collect(self, canvas: "Canvas", wait: bool = False) -> None:
        """Take a finished worker build if it still fits the view (edits since are patched in)."""
        job = self._job
        if job is None or (not wait and not job[1].done()):
            return
        self._job = None
        target, fut, content, scale, origin, key, tags_key, made = job
        with GATE.waiting():
            images, layout = fut.result()
        if scale == canvas.scale:  # newer than what is shown; a pan past it asks for another
            canvas.adopt_tag_layout(layout, tags_key, made)
            self._install(images, scale, origin, content, (key, layout))
            canvas.selection_tint.make_ahead(canvas, self._pool, self.content_rows)

    def makes_tags(self, tags_key: tuple, scale: float) -> bool:
        """Whether the worker is making the tag layout of ``tags_key`` at ``scale``."""
        job = self._job
        return job is not None and job[6] == tags_key and job[3] == scale

    def pending(self) -> bool:
        return self._job is not None

    @staticmethod
    def reach(style, is_point):
        """Screen px a shape's pixels reach past its box: half the outline's pen and a pixel of
        antialiasing (2 to be safe), and a point's dot. ``is_point``: a bool or a bool array."""
        return style.line_width / 2 + 2 + np.where(is_point, POINT_PX, 0.0)

    def _body(self, canvas: "Canvas", shape) -> QRectF:
        """Screen area (cache coordinates) a shape's outline covers."""
        from ...core.geometry import bounding_box
        from ...core.shape import POINT

        s = canvas.scale
        x0, y0, x1, y1 = bounding_box(shape)
        pad = float(self.reach(canvas.style, shape.shape_type == POINT))
        return QRectF(x0 * s - self.origin[0] - pad, y0 * s - self.origin[1] - pad,
                      (x1 - x0) * s + 2 * pad, (y1 - y0) * s + 2 * pad)

    def _tag_area(self, r) -> QRectF:
        return QRectF(r[0] - self.origin[0] - 1, r[1] - self.origin[1] - 1, r[2] + 2, r[3] + 2)

    def _try_partial(self, canvas: "Canvas") -> bool:
        """Redraw only where shapes left or entered the cache or a tag moved; False when a full
        build is better."""
        old_key, key = self.key, canvas.layer_key()
        if self.pixmap is None or old_key is None or old_key[3:] != key[3:] or self.tags is None:
            return False  # label visibility or style changed: everything looks different
        x, y = self.origin
        wanted = self._wanted(canvas, x, y, self.pixmap.width(), self.pixmap.height())
        shapes = canvas.shapes
        idx = canvas.scene_index()
        now_ids = idx.ids[wanted]  # the index follows the shape list (its ids are its objects')
        in_cache = np.zeros(len(shapes), dtype=bool)
        in_cache[wanted] = True
        old_ids = self.content_ids
        old_tags, tags = self.tags, canvas.tag_layout()
        if len(wanted) == len(self.content_rows) and np.array_equal(wanted, self.content_rows):
            # the same rows (an edit in place, a reorder): what changed is where the ids differ;
            # every other row keeps its object, so the kept shapes keep their order
            diff = np.nonzero(now_ids != old_ids)[0]
            if len(diff) > self.PARTIAL_LIMIT:
                return False
            gone = [self.content[k] for k in diff.tolist()]
            came = wanted[diff].tolist()
            content = self.content
            for k, i in zip(diff.tolist(), came):
                content[k] = shapes[i]
        else:
            stays = np.isin(old_ids, now_ids)
            stayed = np.isin(now_ids, old_ids)
            if (len(stays) - int(stays.sum())) + (len(stayed) - int(stayed.sum())) > self.PARTIAL_LIMIT:
                return False
            gone = [self.content[k] for k in np.nonzero(~stays)[0].tolist()]
            came = wanted[~stayed].tolist()
            # the shapes kept in the cache must keep their drawing order (a reorder or its undo
            # permutes the same objects: nothing left or came, yet overlaps must be redrawn)
            if not np.array_equal(now_ids[stayed], old_ids[stays]):
                return False
            content = [shapes[i] for i in wanted.tolist()]
        bodies, tag_areas = [], []
        for sh in gone:  # an edited shape's copy usually sits where it was: try those rows first
            if len(sh.points):
                bodies.append(self._body(canvas, sh))
                r = old_tags.rect_of(sh, hints=came)
                if r is not None:
                    tag_areas.append(self._tag_area(r))
        for i in came:
            if len(shapes[i].points):
                bodies.append(self._body(canvas, shapes[i]))
                r = tags.rect_at(i)
                if r is not None:
                    tag_areas.append(self._tag_area(r))
        if tags is not old_tags:
            keep = in_cache.copy()
            keep[came] = False  # their old and new tags are in the areas already
            moved = tags.moved_since(old_tags, keep)
            if len(moved) + len(bodies) + len(tag_areas) > 2 * self.PARTIAL_LIMIT:
                return False
            tag_areas += [self._tag_area(r) for pair in moved for r in pair if r is not None]
        s = canvas.scale
        b = idx.bboxes
        tr = tags.rects
        pad = self.reach(canvas.style, idx.is_point) / s  # strokes and point dots reach past the box
        # Outlines and tags are in images of their own (the tags drawn over the outlines), so a
        # shape's old and new areas are repainted in the outline image and a tag that moved only
        # in the tag image: at 20,000 polygons a tag area reaches ~60 outlines. In each, every
        # area is cleared, then what reaches into one is drawn once, clipped to their union.
        region, near = self._areas(bodies, len(shapes), lambda ax0, ay0, ax1, ay1: (
            (b[:, 2] >= ax0 / s - pad) & (b[:, 0] <= ax1 / s + pad) & (b[:, 3] >= ay0 / s - pad) & (b[:, 1] <= ay1 / s + pad)))
        if not region.isEmpty():
            redrawn = np.nonzero(near & in_cache)[0]
            with repainting(self.pixmap, region) as p:
                render_shapes(p, canvas, redrawn, s, (x, y), with_labels=False)
            canvas.selection_tint.patch(canvas, region, redrawn)
        if self.tag_pixmap is not None:
            region, near = self._areas(tag_areas, len(shapes), lambda ax0, ay0, ax1, ay1: (
                (tr[:, 0] <= ax1) & (tr[:, 0] + tr[:, 2] >= ax0) & (tr[:, 1] <= ay1) & (tr[:, 1] + tr[:, 3] >= ay0)))
            if not region.isEmpty():
                with repainting(self.tag_pixmap, region) as p:
                    render_tags(p, canvas, np.nonzero(near & in_cache)[0], s, (x, y))
        self.content, self.content_ids, self.content_rows = content, now_ids, wanted  # in drawing order
        self.key = key
        self.tags = tags
        self.partial_renders += 1
        return True

    def _areas(self, areas: list[QRectF], n: int, reaching) -> tuple[QRegion, np.ndarray]:
        """The union of ``areas`` (cache pixels, clipped to it, grown to whole pixels) and the
        rows (of ``n``) for which ``reaching(x0, y0, x1, y1)`` (scaled-image px) holds in one."""
        region = QRegion()
        near = np.zeros(n, dtype=bool)
        full = QRectF(0, 0, self.pixmap.width(), self.pixmap.height())
        x, y = self.origin
        for r in areas:
            r = r.intersected(full)
            if r.isEmpty():
                continue
            ir = QRect(math.floor(r.left()), math.floor(r.top()), math.ceil(r.width()) + 1, math.ceil(r.height()) + 1)
            region = region.united(ir)
            with np.errstate(invalid="ignore"):
                hit = reaching(ir.left() + x, ir.top() + y, ir.left() + ir.width() + x, ir.top() + ir.height() + y)
            near |= hit
        return region, near

    def paint(self, canvas: "Canvas", painter: QPainter) -> None:
        if canvas.image_width <= 0:
            return
        self.collect(canvas)
        key = canvas.layer_key()
        stale_scale = self.pixmap is not None and self.scale != canvas.scale
        if self.pixmap is None or (not stale_scale and not self._covers(canvas)):
            self.rebuild(canvas, allow_async=True)
        elif stale_scale:
            if canvas.interacting_zoom and self.key == key:
                canvas.schedule_rebuild()
            else:
                self.rebuild(canvas, allow_async=True)
        elif (self.key != key or self.tags is not canvas.tag_layout()) and not self._try_partial(canvas):
            # An edit too big to patch (delete, hide, undo or drag of a big selection): built
            # on the spot. The cached image shows shapes that are gone or moved, and showing
            # it while a worker builds flashes them for a tenth of a second; a pan or zoom
            # (above) only leaves an edge uncovered, so those keep building in the worker.
            self.rebuild(canvas, allow_async=False)
        pm = self.pixmap
        if pm is None:
            return
        k = canvas.scale / self.scale
        ox, oy = self.origin
        for img in (pm, self.tag_pixmap) if self.tag_pixmap is not None else (pm,):
            if k == 1.0:
                painter.drawImage(QPointF(ox + canvas.offset.x(), oy + canvas.offset.y()), img)
            else:  # zoom in progress or a build on its way: stretch the last crisp image
                target = QRectF(ox * k + canvas.offset.x(), oy * k + canvas.offset.y(), pm.width() * k, pm.height() * k)
                painter.drawImage(target, img, QRectF(img.rect()))
