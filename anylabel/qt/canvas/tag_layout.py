"""Where each shape's label tag goes, decided from the whole scene.

A tag sits above its shape's top-left corner (inside the shape when there is no room
above the image). Where tags would start at (nearly) the same place -- corners closer
than one tag height in both directions, e.g. shapes sharing a top-left corner -- the
later tag would hide the earlier one, so those are stacked: in shape-list order, each
takes the first slot one tag height further up (then further down, inside the shape,
once the image's top is reached) whose corner is clear of every tag placed. Tags that
merely overlap at their ends keep their place (the start of each stays readable, and a
crowded scene does not turn into towers of displaced tags). Uncrowded tags stay put, so
the layout is a pure function of the visible shapes, the zoom and the style: the
cached shape layer, its partial redraws and the live selection all read the same
rectangles, and a partial redraw repaints every tag whose rectangle changed
(``TagLayout.moved_since``).

Finding crowded corners is a sort-and-sweep in numpy; only the crowded tags go through
the Python placement loop, and after an edit only those near it (``_restack``, exact:
a test compares it with stacking from scratch).
"""
from __future__ import annotations

import heapq
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from qtpy.QtGui import QFontMetricsF

from .style import Style

if TYPE_CHECKING:
    from .canvas import Canvas

DENSE_SCENE = 400  # more shapes than this on the image: label tags only on the bigger ones
TAG_PAD_X = 6      # text width + this = tag width (3 px each side)
MAX_SLOTS = 12     # stacking gives up after this many tries (the tag then keeps its first place)
_MAX_PAIRS = 4_000_000  # sweep pairs computed at once (bounded memory for pathological rows)


def tag_text(shape) -> str:
    """What a shape's tag says: its label, and its group id when it has one."""
    if shape.group_id is not None:
        return f"{shape.label} #{shape.group_id}" if shape.label else f"#{shape.group_id}"
    return shape.label


def tag_height(style: Style) -> float:
    return QFontMetricsF(style.font).height() + 2


class _Widths:
    """Text widths per font (a scene has a handful of distinct tag texts)."""

    def __init__(self) -> None:
        self.font_key = None
        self.fm: QFontMetricsF | None = None
        self.cache: dict[str, float] = {}
        self._lock = threading.Lock()  # the GUI and the layer's worker both lay tags out

    def of(self, style: Style, texts: list[str]) -> np.ndarray:
        key = style.font.key()
        with self._lock:
            if key != self.font_key:
                self.font_key, self.fm, self.cache = key, QFontMetricsF(style.font), {}
            cache, fm = self.cache, self.fm
            for t in set(texts) - cache.keys():
                cache[t] = fm.horizontalAdvance(t) + TAG_PAD_X
        return np.fromiter((cache[t] for t in texts), dtype=np.float64, count=len(texts))


_widths = _Widths()


class TagLayout:
    """Tag rectangles of all shapes, in scaled-image pixels (image pixel * scale)."""

    def __init__(self, objs: list, rects: np.ndarray, corners: np.ndarray, scale: float) -> None:
        self.objs = objs        # the shapes the layout was made for (held: their ids stay unique)
        self.rects = rects      # (n, 4) x, y, w, h; NaN rows: no tag
        self.corners = corners  # (n, 2) each shape's top-left (image px) when the layout was made
        self.scale = scale
        self.exact = True       # False: scaled from another zoom's layout (see ``scaled``)
        self.default_y: np.ndarray | None = None  # (n,) each tag's y before stacking (NaN: no tag)
        self.mover: np.ndarray | None = None      # (n,) bool: crowded, placed by stacking
        self.th = 0.0
        self._row_of: dict[int, int] | None = None
        self.ids: np.ndarray | None = None     # (n,) id of each shape (``objs``)
        self.texts: list[str] | None = None     # each shape's tag text
        self.text_w: np.ndarray | None = None   # (n,) each text's tag width (NaN: no text)
        self.font_key = None                    # the font the widths were measured with
        self.by_x: np.ndarray | None = None     # rows with a tag, sorted by x (made by _restack, reused by the next)

    def scaled(self, scale: float) -> "TagLayout":
        """This layout moved to another zoom (tags keep their size): a stand-in while the wheel
        turns, not the layout that zoom would get."""
        rects = self.rects.copy()
        rects[:, :2] *= scale / self.scale
        out = TagLayout(self.objs, rects, self.corners, scale)
        out.exact = False
        out.ids, out.texts, out.text_w, out.font_key = self.ids, self.texts, self.text_w, self.font_key
        return out

    def rects_for(self, indices: np.ndarray, shapes: list, bboxes: np.ndarray) -> np.ndarray:
        """Tag rectangles of ``shapes[indices]`` (bboxes: the scene's current boxes). A shape being
        dragged (a copy the layout was not made for, drawn live until the drag ends and the layout
        is remade) keeps its tag's place relative to its top-left corner."""
        out = self.rects[indices]
        objs = self.objs
        for j, i in enumerate(indices.tolist()):
            if objs[i] is not shapes[i]:
                out[j, :2] += (bboxes[i, :2] - self.corners[i]) * self.scale
        return out

    def rect_of(self, shape, hints=()) -> np.ndarray | None:
        """The tag rectangle of ``shape`` in this layout (None: no tag, or not in the scene).
        ``hints``: rows to try before looking the shape up."""
        objs = self.objs
        for k in hints:
            if k < len(objs) and objs[k] is shape:
                return self.rect_at(k)
        if self._row_of is None:
            self._row_of = {id(s): k for k, s in enumerate(objs)}
        k = self._row_of.get(id(shape))
        return None if k is None else self.rect_at(k)

    def rect_at(self, k: int) -> np.ndarray | None:
        r = self.rects[k]
        return r if np.isfinite(r[0]) else None

    def moved_since(self, old: "TagLayout", keep: np.ndarray) -> list[tuple[np.ndarray | None, np.ndarray | None]]:
        """(old rect, new rect) of the shapes at the rows ``keep`` (a bool mask over this layout's
        rows) whose tag changed between the two."""
        out = []
        if len(old.objs) == len(self.objs):
            r0, r1 = old.rects, self.rects
            same = (r0 == r1) | (np.isnan(r0) & np.isnan(r1))
            for k in np.nonzero(~same.all(axis=1) & keep)[0].tolist():
                s = self.objs[k]
                if old.objs[k] is s:
                    out.append((_finite(r0[k]), _finite(r1[k])))
                else:  # the list was reordered (same shapes, other rows): compare by identity
                    a, b = old.rect_of(s), _finite(r1[k])
                    if (a is None) != (b is None) or (a is not None and not np.array_equal(a, b)):
                        out.append((a, b))
            return out
        for k in np.nonzero(keep)[0].tolist():  # shapes added or removed: match by identity
            s = self.objs[k]
            a, b = old.rect_of(s), self.rect_at(k)
            if (a is None) != (b is None) or (a is not None and not np.array_equal(a, b)):
                out.append((a, b))
        return out


def _finite(r: np.ndarray) -> np.ndarray | None:
    return r if np.isfinite(r[0]) else None


@dataclass
class TagInputs:
    """What a layout is made from, taken from the canvas. ``inputs_of(canvas, copy=True)``
    copies the arrays a drag patches in place, so that a worker thread can make the layout."""
    shapes: list
    ids: np.ndarray       # (n,) their ids
    bboxes: np.ndarray    # (n, 4) the scene index's boxes
    is_point: np.ndarray  # (n,) bool
    visible: np.ndarray   # (n,) bool
    style: Style
    scale: float


def inputs_of(canvas: "Canvas", copy: bool = False, style: Style | None = None) -> TagInputs:
    idx = canvas.scene_index()
    # the ids are always copied: the layout keeps them, and a drag patches the index's in place
    b, p = (idx.bboxes.copy(), idx.is_point.copy()) if copy else (idx.bboxes, idx.is_point)
    return TagInputs(list(canvas.shapes), idx.ids.copy(), b, p, canvas.visible_mask(), canvas.style if style is None else style,
                     canvas.scale)


def compute(canvas: "Canvas", previous: TagLayout | None = None) -> TagLayout:
    """The layout of the canvas's visible shapes at its current zoom and style.

    ``previous``: the layout before an edit at the same zoom; only the stacking near what
    changed is redone (``_restack``), with the same result as stacking from scratch."""
    return compute_from(inputs_of(canvas), previous)


def compute_from(inputs: TagInputs, previous: TagLayout | None = None, pause=None) -> TagLayout:
    """``compute`` from a snapshot (any thread; a worker passes ``pause``, see gui_gate.py)."""
    shapes = inputs.shapes
    n = len(shapes)
    rects = np.full((n, 4), np.nan)
    style = inputs.style
    s = inputs.scale
    b = inputs.bboxes
    corners = b[:, :2].copy()
    out = TagLayout(shapes, rects, corners, s)
    if n == 0 or not style.show_labels:
        return out
    out.ids = inputs.ids
    out.font_key = style.font.key()
    out.texts, out.text_w = texts, text_w = _texts(inputs, style, previous)
    has = inputs.visible & np.isfinite(text_w) & np.isfinite(b[:, 0])
    # too small at this zoom: a tag would hide the shape (dense scenes: only the bigger shapes)
    min_px = style.min_label_px * (3 if n > DENSE_SCENE else 1)
    with np.errstate(invalid="ignore"):
        big = ((b[:, 2] - b[:, 0]) * s >= min_px) | ((b[:, 3] - b[:, 1]) * s >= min_px) | inputs.is_point
    has &= big
    rows = np.nonzero(has)[0]
    if len(rows) == 0:
        return out
    th = tag_height(style)
    x = b[rows, 0] * s
    top = b[rows, 1] * s
    y = top - th
    y = np.where(y < 0, top, y)  # no room above the image: inside the shape
    w = text_w[rows]
    rects[rows, 0], rects[rows, 1], rects[rows, 2], rects[rows, 3] = x, y, w, th
    out.default_y = rects[:, 1].copy()
    out.th = th
    mover = _crowded_since(previous, rects, out.default_y, th, s)
    near_edit = mover is not None  # few tags changed since ``previous``: restack near them only
    if mover is None:  # no previous layout at this zoom, or another scene (a new image's shapes)
        mover = np.zeros(n, dtype=bool)
        mover[rows[_crowded(x, y, th)]] = True
    out.mover = mover
    if mover.any():
        if near_edit:
            out.by_x = _restack(rects, out.default_y, mover, previous, th, pause)
        else:
            _stack(rects, rows, np.nonzero(mover[rows])[0], th, pause)
    return out


def _texts(inputs: TagInputs, style: Style, previous: TagLayout | None) -> tuple[list[str], np.ndarray]:
    """Each shape's tag text and tag width (NaN: no text). After an edit only the shapes that are
    not the previous layout's objects are looked at again (20,000 texts and widths cost ~10 ms)."""
    shapes = inputs.shapes
    n = len(shapes)
    if (previous is not None and previous.texts is not None and previous.ids is not None and len(previous.ids) == n
            and previous.font_key == style.font.key()):
        rows = np.nonzero(previous.ids != inputs.ids)[0].tolist()
        texts, text_w = list(previous.texts), previous.text_w.copy()
    else:
        rows, texts, text_w = range(n), [""] * n, np.full(n, np.nan)
    new = [tag_text(shapes[i]) for i in rows]
    for i, t in zip(rows, new):
        texts[i] = t
    rows = np.fromiter(rows, dtype=np.int64, count=len(new))
    named = np.fromiter(map(bool, new), dtype=bool, count=len(new))
    text_w[rows] = np.nan
    text_w[rows[named]] = _widths.of(style, [t for t in new if t])
    return texts, text_w


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a == b) | (np.isnan(a) & np.isnan(b))


def _slots(y0: float, th: float) -> list[float]:
    """Where a crowded tag may go, in the order tried: up while inside the image, then down."""
    up = int(y0 // th) + 1  # slots upwards that stay inside the image (y >= 0)
    return [y0 - j * th if j < up else y0 + (j - up + 1) * th for j in range(MAX_SLOTS)]


def _restack(rects: np.ndarray, default_y: np.ndarray, mover: np.ndarray, previous: TagLayout, th: float,
             pause=None) -> np.ndarray:
    """Stacking after an edit, reusing the previous layout's placements where nothing near changed.

    Stacking places the crowded tags in list order; a tag's place depends only on the tags
    whose corner is within ``th`` horizontally and within its slot range (plus ``th``)
    vertically, and among crowded tags only on the earlier ones. So a crowded tag whose
    range holds no "dirty" corner -- a tag that changed (position, presence or being
    crowded) at its old or new place, or a crowded tag placed anew earlier in the order --
    gets its previous place; the others are placed again, in order. Returns the rows with a
    tag sorted by x (kept with the layout: the next edit updates it instead of sorting 18,000)."""
    x = rects[:, 0]
    old_y = previous.rects[:, 1]
    changed = ~(_same(previous.default_y, default_y) & _same(previous.rects[:, 0], x) & (previous.mover == mover))
    tagged = np.isfinite(x)
    # previous places of the crowded tags that did not change (the others are placed below)
    keep = mover & ~changed
    rects[keep, 1] = old_y[keep]
    dirty_x: list[float] = []
    dirty_y: list[float] = []
    for i in np.nonzero(changed)[0].tolist():
        if np.isfinite(previous.rects[i, 0]):
            dirty_x.append(previous.rects[i, 0])
            dirty_y.append(old_y[i])
        if tagged[i]:
            dirty_x.append(x[i])
            dirty_y.append(default_y[i])
    movers = np.nonzero(mover)[0]
    reach = (MAX_SLOTS + 1) * th

    def near_dirty(cand: np.ndarray, px: list[float], py: list[float]) -> np.ndarray:
        if not px or not len(cand):
            return cand[:0]
        dx = np.abs(x[cand][:, None] - np.array(px)[None, :]) < th
        dy = np.abs(default_y[cand][:, None] - np.array(py)[None, :]) < reach
        return cand[(dx & dy).any(axis=1)]

    todo = set(near_dirty(movers, dirty_x, dirty_y).tolist()) | set(np.nonzero(mover & changed)[0].tolist())
    by_x = _sorted_by_x(x, tagged, previous)  # the tags that can block one: |x - xi| < th
    sorted_x = x[by_x]
    wide = th * (1 + 1e-9) + 1e-9
    heap = sorted(todo)
    heapq.heapify(heap)
    done = set()
    while heap:
        i = heapq.heappop(heap)
        if i in done:
            continue
        if pause is not None and not len(done) & 15:
            pause()
        done.add(i)
        xi, y0 = x[i], default_y[i]
        # the tags that can block a slot: fixed ones, and crowded ones earlier in the order
        # (the window is a hair wider than |x - xi| < th; near_dirty below tests exactly)
        col = by_x[np.searchsorted(sorted_x, xi - wide, side="left"):np.searchsorted(sorted_x, xi + wide, side="right")]
        col = col[np.abs(x[col] - xi) < th]
        ty = rects[col, 1]
        sel = (ty > y0 - reach) & (ty < y0 + reach) & (~mover[col] | (col < i)) & (col != i)
        block = ty[sel].tolist()
        y = next((c for c in _slots(y0, th) if all(abs(py - c) >= th for py in block)), y0)
        rects[i, 1] = y
        if y != old_y[i] or changed[i]:
            later = col[mover[col] & (col > i)]  # the crowded tags after it within th across
            px, py = [xi], [y]
            if np.isfinite(old_y[i]):  # where it was may be free now
                px.append(xi)
                py.append(old_y[i])
            more = near_dirty(later, px, py)
            for j in more.tolist():
                if j not in done:
                    heapq.heappush(heap, j)
    return by_x


def _sorted_by_x(x: np.ndarray, tagged: np.ndarray, previous: TagLayout) -> np.ndarray:
    """The rows with a tag (``tagged``) sorted by ``x``: the previous layout's order with the rows
    whose x changed moved to their new place, or sorted anew. Ties may come in any order."""
    old = previous.by_x
    if old is not None:
        moved = np.nonzero(~_same(previous.rects[:, 0], x))[0]
        if len(moved) <= 256:
            kept = old[~np.isin(old, moved)] if len(moved) else old
            new = moved[tagged[moved]]
            new = new[np.argsort(x[new], kind="stable")]
            return np.insert(kept, np.searchsorted(x[kept], x[new]), new)
    rows = np.nonzero(tagged)[0]
    return rows[np.argsort(x[rows], kind="stable")]


def _crowded_since(previous: TagLayout | None, rects: np.ndarray, default_y: np.ndarray, th: float,
                   scale: float) -> np.ndarray | None:
    """The crowded flags after an edit, from the previous layout's (None: find them all anew).

    Whether a tag is crowded depends only on the tags whose corner is within ``th`` of its
    own, so only the tags that changed (place or presence) and those near their old or new
    corner are looked at again: an edit of one shape among 20,000 checks a handful of tags
    instead of sweeping them all (160 ms at 100 % zoom)."""
    if (previous is None or previous.mover is None or previous.default_y is None or len(previous.objs) != len(rects)
            or previous.scale != scale or previous.th != th or not previous.exact):
        return None
    x = rects[:, 0]
    px = previous.rects[:, 0]
    changed = np.nonzero(~(_same(px, x) & _same(previous.default_y, default_y)))[0]
    if len(changed) > 256:
        return None
    mover = previous.mover.copy()
    if not len(changed):
        return mover
    tagged = np.isfinite(x)
    tx, ty = x[tagged], default_y[tagged]
    rows = np.nonzero(tagged)[0]
    corners = [(px[i], previous.default_y[i]) for i in changed.tolist() if np.isfinite(px[i])]
    corners += [(x[i], default_y[i]) for i in changed.tolist() if tagged[i]]
    look = set(changed.tolist())
    for cx, cy in corners:
        near = (np.abs(tx - cx) < th) & (np.abs(ty - cy) < th)
        look.update(rows[near].tolist())
    for j in look:
        if not tagged[j]:
            mover[j] = False
            continue
        near = (np.abs(tx - x[j]) < th) & (np.abs(ty - default_y[j]) < th)
        mover[j] = int(near.sum()) > 1  # itself and at least one other
    return mover


def _crowded(x: np.ndarray, y: np.ndarray, th: float) -> np.ndarray:
    """Positions (into x/y) of the tags whose corner is within ``th`` of another tag's corner
    in both directions: there the later tag would hide the start of the earlier one.

    Sorted by y, the tags that can be that close to tag i are the ones after it with
    y < y_i + th, a window found with searchsorted."""
    m = len(x)
    order = np.argsort(y, kind="stable")
    ys, xs = y[order], x[order]
    ends = np.searchsorted(ys, ys + th, side="left")
    counts = np.maximum(ends - np.arange(m) - 1, 0)
    hit = np.zeros(m, dtype=bool)
    start = 0
    while start < m:  # in chunks, so that many tags on one row cannot exhaust memory
        stop = start + 1
        total = counts[start]
        while stop < m and total + counts[stop] <= _MAX_PAIRS:
            total += counts[stop]
            stop += 1
        c = counts[start:stop]
        ii = np.repeat(np.arange(start, stop), c)
        jj = ii + 1 + (np.arange(int(c.sum())) - np.repeat(np.cumsum(c) - c, c))
        near = np.abs(xs[ii] - xs[jj]) < th
        hit[ii[near]] = True
        hit[jj[near]] = True
        start = stop
    return np.sort(order[hit])


def _stack(rects: np.ndarray, rows: np.ndarray, movers: np.ndarray, th: float, pause=None) -> None:
    """Place the crowded tags in shape-list order, each at the first slot (one tag height
    apart, upwards, then downwards into the shape) whose corner is not within ``th`` of a
    tag already placed. Corners are kept in a grid of ``th``-sized cells; of the tags that
    stay put only those in the movers' columns can matter."""
    fixed = np.ones(len(rows), dtype=bool)
    fixed[movers] = False
    mx = np.floor(rects[rows[movers], 0] / th).astype(np.int64)
    fr = rows[fixed]
    fcx = np.floor(rects[fr, 0] / th).astype(np.int64)
    near = np.isin(fcx, np.concatenate([mx - 1, mx, mx + 1]))
    grid: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for x, y in zip(rects[fr[near], 0].tolist(), rects[fr[near], 1].tolist()):
        grid.setdefault((int(x // th), int(y // th)), []).append((x, y))
    get = grid.get

    def blocked(x: float, c: float, cols: tuple[int, int, int]) -> bool:
        cy = int(c // th)
        for gx in cols:
            for gy in (cy - 1, cy, cy + 1):
                for px, py in get((gx, gy), ()):
                    if abs(px - x) < th and abs(py - c) < th:
                        return True
        return False

    for k, i in enumerate(rows[movers].tolist()):
        if pause is not None and not k & 15:
            pause()
        x, y0 = float(rects[i, 0]), float(rects[i, 1])
        cx = int(x // th)
        cols = (cx - 1, cx, cx + 1)
        y = next((c for c in _slots(y0, th) if not blocked(x, c, cols)), y0)
        rects[i, 1] = y
        grid.setdefault((cx, int(y // th)), []).append((x, y))
