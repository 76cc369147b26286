"""Huge images (aerial, satellite, slide scans) shown from a pyramid, read where shown.

An image above the display limit is not decoded into memory. It is opened with libvips
(``pyvips``, the optional extra ``anylabel[huge]``) and a pyramid is built in a worker
thread: the image is read once, top to bottom, in strips of a few hundred rows (libvips'
sequential mode, so a 20000 x 20000 PNG never exists in memory), each strip is written to
level 0 and halved into every coarser level. Levels are plain row-major RGB files in the
tile cache (``tile_cache.py``: bounded, keyed by file + mtime + size), so opening the
image again reads them at once; the coarse levels (longer side at most ``PREVIEW_SIDE``)
are also kept in memory and are the preview. Tiled TIFFs can be read anywhere as they
are: their level 0 is read from the file itself (only the tiles shown), and only the
coarser levels are cached. While the build runs, each level is readable up to the rows
written so far (``rows_ready``), so the preview fills in from the top.

Pixels stay in full-image coordinates: level ``n`` is the image at scale ``1 / 2**n``.
16-bit, float and multi-band rasters are shown through ``contrast.py``.

The normal decode bound (``ANYLABEL_MAX_IMAGE_PIXELS``) does not apply here, since nothing
is decoded whole; this path has its own: at most ``max_tiled_pixels()`` pixels
(``ANYLABEL_MAX_TILED_PIXELS``, 10 gigapixels by default), a longer side of at most
``MAX_SIDE``, at most ``bomb_guard.max_pixels_per_byte()`` pixels per byte of file (a
decompression bomb would otherwise cost a long streamed pass), strips bounded to ``STRIP_BYTES``, and a pyramid that fits the cache bound.
"""
from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .bomb_guard import check_not_a_bomb
from .contrast import Stretch, needs_stretch, to_display
from .errors import AnyLabelError
from .i18n import tr, tr_noop
from .image_io import not_readable
from .tile_cache import TileCache, entry_key

MAX_TILED_PIXELS_ENV = "ANYLABEL_MAX_TILED_PIXELS"
DEFAULT_MAX_TILED_PIXELS = 10_000_000_000
MAX_SIDE = 500_000
PREVIEW_SIDE = 2048       # levels this small (longer side) are held in memory
COARSEST_SIDE = 512       # the pyramid stops at the first level this small
STRIP_BYTES = 4 * 2**20  # raw bytes per strip: libvips buffers several times what is asked for
INSTALL_HINT = tr_noop("pip install 'anylabel[huge]' (pyvips) to open it in full resolution as tiles")

VIPS_DTYPES = {"uchar": np.uint8, "char": np.int8, "ushort": np.uint16, "short": np.int16,
                "uint": np.uint32, "int": np.int32, "float": np.float32, "double": np.float64}


class TiledImageError(AnyLabelError, ValueError):
    """A huge image that cannot be shown (unreadable, truncated, over the bound); names the file."""


def pyvips_available() -> bool:
    try:
        import pyvips  # noqa: F401
    except (ImportError, OSError):  # OSError: the wheel is there but libvips is not loadable
        return False
    return True


def max_tiled_pixels() -> int:
    raw = os.environ.get(MAX_TILED_PIXELS_ENV)
    try:
        return int(raw) if raw else DEFAULT_MAX_TILED_PIXELS
    except ValueError:
        return DEFAULT_MAX_TILED_PIXELS


def check_tiled_size(path: str | os.PathLike[str], width: int, height: int) -> None:
    """TiledImageError naming the file when streaming ``width`` x ``height`` is over this path's bound."""
    limit = max_tiled_pixels()
    if width * height > limit or max(width, height) > MAX_SIDE:
        raise TiledImageError(
            tr("{0}: the image is {1} x {2} pixels, more than the {3:.0f} "
               "gigapixels (or {4} pixels a side) AnyLabel shows as tiles; set "
               "{5} to a larger number of pixels if it is meant to be this large").format(
                os.fspath(path), width, height, limit / 1e9, MAX_SIDE, MAX_TILED_PIXELS_ENV))


def or_tiles_hint(problem: str) -> str:
    """``problem`` (an image too large to decode whole) and how libvips would show it, for a
    viewer without libvips."""
    return tr("{0}; or {1}").format(problem, tr(INSTALL_HINT))


def not_tiled_because_rotated(problem: str) -> str:
    """``problem`` and why libvips' tiles were no way out: the image is EXIF-rotated."""
    return tr("{0} (EXIF-rotated images are not shown as tiles)").format(problem)


def shown_reduced_note(path: str | os.PathLike[str], factor: int) -> str:
    """The note for an image shown at 1/``factor`` because libvips is missing."""
    return tr("{0}: shown at 1/{1} resolution; {2}").format(os.fspath(path), factor, tr(INSTALL_HINT))


def check_streamable(path: str | os.PathLike[str], width: int, height: int) -> None:
    """The bounds of every streamed decode (the pyramid, a model's copy), from the header:
    the tiled path's size (``TiledImageError``) and the pixels per byte of file that tell a
    decompression bomb (``bomb_guard.DecompressionBombError``); both name the file."""
    check_tiled_size(path, width, height)
    check_not_a_bomb(path, width, height)


def vips_problem(exc: Exception) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    return "; ".join(lines[1:3] or lines[:1]) or type(exc).__name__


def open_vips(path: str | os.PathLike[str], sequential: bool) -> Any:
    """A libvips image of ``path``; a truncated file fails when read instead of showing grey."""
    import pyvips

    access = "sequential" if sequential else "random"
    try:
        return pyvips.Image.new_from_file(os.fspath(path), access=access, fail_on="truncated")
    except pyvips.Error as exc:
        raise TiledImageError(not_readable(path, vips_problem(exc))) from None


@dataclass
class Level:
    index: int
    width: int
    height: int
    in_memory: bool
    stored: bool                   # written to the cache (False: read from the source file)
    rows: int = 0                  # rows written so far (all of them once built)
    array: np.ndarray | None = None
    pending: np.ndarray | None = None  # a row waiting for its pair (builder only)
    file: Any = None               # reader handle of the level file
    writer: Any = None             # builder handle
    path: Path | None = None

    @property
    def scale(self) -> float:
        return 1.0 / (1 << self.index)


@dataclass
class BuildState:
    version: int = 0               # bumped after each strip: the view repaints
    done: bool = False
    error: str | None = None
    from_cache: bool = False
    fraction: float = 0.0
    listeners: list[Callable[[], None]] = field(default_factory=list)


class TiledImage:
    """One huge image: its levels, readable where shown while the pyramid is built."""

    def __init__(self, path: str | os.PathLike[str], cache: TileCache | None = None) -> None:
        if not pyvips_available():
            raise TiledImageError(tr("{0}: a huge image needs libvips; {1}").format(
                os.fspath(path), tr(INSTALL_HINT)))
        self.path = Path(path)
        self.cache = cache if cache is not None else TileCache()
        head = open_vips(self.path, sequential=True)
        self.width, self.height, self.bands = head.width, head.height, head.bands
        fmt = head.format
        if fmt not in VIPS_DTYPES:
            raise TiledImageError(tr("{0}: samples of type {1} cannot be shown").format(self.path, fmt))
        self.dtype = np.dtype(VIPS_DTYPES[fmt])
        check_streamable(self.path, self.width, self.height)
        # A tiled TIFF can be read anywhere: its own tiles are level 0.
        self.random_access = head.get("vips-loader") == "tiffload" and head.get_typeof("tile-width") != 0
        self.stretch: Stretch | None = None
        self.state = BuildState()
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._source: Any = None       # random-access reader of level 0 (GUI thread)
        self._source_region: Any = None
        self.levels = self._plan_levels()
        self.key = entry_key(self.path)

    # ------------------------------------------------------------------ layout
    def _plan_levels(self) -> list[Level]:
        levels = []
        w, h, n = self.width, self.height, 0
        while True:
            small = max(w, h) <= PREVIEW_SIDE
            lv = Level(n, w, h, in_memory=small, stored=not (n == 0 and self.random_access))
            if small:
                lv.array = np.zeros((h, w, 3), np.uint8)
            levels.append(lv)
            if max(w, h) <= COARSEST_SIDE:
                return levels
            w, h, n = math.ceil(w / 2), math.ceil(h / 2), n + 1

    def cache_bytes(self) -> int:
        return sum(lv.width * lv.height * 3 for lv in self.levels if lv.stored)

    @property
    def preview_level(self) -> Level:
        return next(lv for lv in self.levels if lv.in_memory)

    def preview(self) -> np.ndarray:
        """The largest in-memory level ((h, w, 3) uint8, filled in as the build goes)."""
        return self.preview_level.array

    def level_for(self, scale: float) -> Level:
        """The coarsest level that still has at least ``scale`` pixels per image pixel."""
        for lv in reversed(self.levels):
            if lv.scale >= scale * 0.999:
                return lv
        return self.levels[0]

    def rows_ready(self, level: Level) -> int:
        return level.height if not level.stored else level.rows

    # ------------------------------------------------------------------ building
    def start(self) -> None:
        """Show it: from a complete cache entry at once, else build the pyramid in a thread."""
        with self._lock:
            if self.state.done or (self._thread is not None and self._thread.is_alive()):
                return
            self._cancel.clear()
            self.state.error = None
        folder = self.cache.complete(self.key)
        if folder is not None:
            try:
                self._use_entry(folder)
                return
            except (OSError, ValueError, KeyError):
                self.cache.discard(folder)  # a damaged entry: build it again (finish keeps a complete one)
        self._thread = threading.Thread(target=self._build, name="anylabel-pyramid", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        """Stop a build (another image is shown); ``start`` begins it again."""
        self._cancel.set()
        t = self._thread
        if t is not None and t is not threading.current_thread():
            t.join()

    def wait(self, timeout: float | None = None) -> None:
        """Until the pyramid is built; raises TiledImageError when the build failed."""
        t = self._thread
        if t is not None:
            t.join(timeout)
        if self.state.error:
            raise TiledImageError(self.state.error)

    def close(self) -> None:
        self.cancel()
        with self._lock:
            for lv in self.levels:
                if lv.file is not None:
                    lv.file.close()
                    lv.file = None
            self._source = self._source_region = None

    def _use_entry(self, folder: Path) -> None:
        meta = self.cache.read_meta(folder)
        if meta.get("stretch") is not None:
            self.stretch = Stretch(tuple(meta["stretch"]["low"]), tuple(meta["stretch"]["high"]))
        with self._lock:
            for lv in self.levels:
                if not lv.stored:
                    continue
                p = folder / f"level{lv.index}.rgb"
                if p.stat().st_size != lv.width * lv.height * 3:
                    raise ValueError(tr("{0}: wrong size").format(p))
                lv.path = p
                if lv.in_memory:
                    lv.array = np.fromfile(p, np.uint8).reshape(lv.height, lv.width, 3)
                else:
                    lv.file = open(p, "rb", buffering=0)
                lv.rows = lv.height
            self.state.done, self.state.from_cache, self.state.fraction = True, True, 1.0
            self.state.version += 1
        self._notify()

    def _notify(self) -> None:
        for fn in list(self.state.listeners):
            fn()

    def _strip_rows(self) -> int:
        per_row = self.width * self.bands * self.dtype.itemsize
        return int(min(max(STRIP_BYTES // max(per_row, 1), 16), 1024)) & ~1

    def _compute_stretch(self) -> Stretch:
        """Percentiles over a whole-image overview (box-averaged to about 1024 px a side)."""
        src = open_vips(self.path, sequential=True)
        f = max(1, max(self.width, self.height) // 1024)
        small = src.shrink(f, f) if f > 1 else src
        return Stretch.from_sample(self._vips_array(small.write_to_memory(), small.width, small.height))

    def _vips_array(self, data: bytes, w: int, h: int) -> np.ndarray:
        return np.frombuffer(data, self.dtype).reshape(h, w, self.bands)

    def _build(self) -> None:
        import pyvips

        partial = None
        try:
            if needs_stretch(self.dtype):
                self.stretch = self._compute_stretch()
            partial = self.cache.begin(self.key, self.cache_bytes(), str(self.path))
            for lv in self.levels:
                lv.rows, lv.pending = 0, None
                if lv.stored:
                    lv.path = partial / f"level{lv.index}.rgb"
                    lv.writer = open(lv.path, "w+b", buffering=0)
                    lv.writer.truncate(lv.width * lv.height * 3)
                    lv.file = open(lv.path, "rb", buffering=0)
            src = open_vips(self.path, sequential=True)
            region = pyvips.Region.new(src)
            step = self._strip_rows()
            y = 0
            while y < self.height:
                if self._cancel.is_set():
                    raise _Cancelled
                h = min(step, self.height - y)
                raw = self._vips_array(region.fetch(0, y, self.width, h), self.width, h)
                self._push(0, to_display(raw, self.stretch))
                y += h
                self.state.fraction = y / self.height
                self.state.version += 1
                self._notify()
            self._flush()
            meta = {"width": self.width, "height": self.height, "source": str(self.path),
                    "levels": [[lv.width, lv.height] for lv in self.levels if lv.stored],
                    "stretch": None if self.stretch is None else
                    {"low": list(self.stretch.low), "high": list(self.stretch.high)}}
            with self._lock:
                self._close_writers()
                for lv in self.levels:  # the entry's folder is renamed: reopen from there
                    if lv.file is not None:
                        lv.file.close()
                        lv.file = None
                folder = self.cache.finish(partial, self.key, meta)
                partial = None
                for lv in self.levels:
                    if lv.stored:
                        lv.path = folder / f"level{lv.index}.rgb"
                        if not lv.in_memory:
                            lv.file = open(lv.path, "rb", buffering=0)
                self.state.done, self.state.fraction = True, 1.0
                self.state.version += 1
        except _Cancelled:
            pass
        except pyvips.Error as exc:
            self.state.error = (f"{self.path}: cannot be decoded ({vips_problem(exc)}); "
                                "the file is truncated or damaged")
        except AnyLabelError as exc:
            self.state.error = str(exc)
        except OSError as exc:
            self.state.error = f"{self.path}: the image pyramid cannot be written ({exc.strerror or exc})"
        finally:
            if partial is not None:
                with self._lock:
                    self._close_writers()
                    for lv in self.levels:
                        if lv.file is not None and lv.path is not None and partial in lv.path.parents:
                            lv.file.close()
                            lv.file = None
                self.cache.discard(partial)
            self.state.version += 1
            self._notify()

    def _close_writers(self) -> None:
        for lv in self.levels:
            if lv.writer is not None:
                lv.writer.close()
                lv.writer = None

    def _push(self, index: int, rows: np.ndarray) -> None:
        """Write ``rows`` (the next rows of level ``index``) and halve them into the next level."""
        import cv2

        lv = self.levels[index]
        if lv.writer is not None:
            lv.writer.write(np.ascontiguousarray(rows).data)
        if lv.array is not None:
            lv.array[lv.rows:lv.rows + len(rows)] = rows
        lv.rows += len(rows)
        if index + 1 >= len(self.levels):
            return
        nxt = self.levels[index + 1]
        if lv.pending is not None:
            rows = np.concatenate([lv.pending, rows])
        pairs = len(rows) // 2 * 2
        lv.pending = rows[pairs:].copy() if pairs < len(rows) else None
        if pairs:
            self._push(index + 1, cv2.resize(rows[:pairs], (nxt.width, pairs // 2), interpolation=cv2.INTER_AREA))

    def _flush(self) -> None:
        """The last odd row of each level becomes the last row of the next."""
        import cv2

        for index, lv in enumerate(self.levels[:-1]):
            if lv.pending is not None:
                row, lv.pending = lv.pending, None
                self._push(index + 1, cv2.resize(row, (self.levels[index + 1].width, 1), interpolation=cv2.INTER_AREA))

    # ------------------------------------------------------------------ reading
    def region(self, level: Level, x: int, y: int, w: int, h: int) -> np.ndarray:
        """(h, w, 3) uint8 RGB of ``level`` at level pixels (x, y); rows not built yet are black.
        TiledImageError when the source cannot be read there (a truncated tiled TIFF)."""
        x, y = max(0, x), max(0, y)
        w, h = min(w, level.width - x), min(h, level.height - y)
        if w <= 0 or h <= 0:
            return np.zeros((max(h, 0), max(w, 0), 3), np.uint8)
        if not level.stored:
            return self._source_pixels(x, y, w, h)
        if level.array is not None:
            return level.array[y:y + h, x:x + w]
        out = np.zeros((h, w, 3), np.uint8)
        with self._lock:
            f = level.file
            ready = min(level.rows, y + h) - y
            if f is None or ready <= 0:
                return out
            row_bytes = level.width * 3
            if x == 0 and w == level.width:
                f.seek(y * row_bytes)
                f.readinto(memoryview(out).cast("B")[: ready * row_bytes])
            else:
                for i in range(ready):
                    f.seek((y + i) * row_bytes + x * 3)
                    f.readinto(memoryview(out[i]).cast("B"))
        return out

    def _source_pixels(self, x: int, y: int, w: int, h: int) -> np.ndarray:
        import pyvips

        try:
            if self._source is None:
                self._source = open_vips(self.path, sequential=False)
                self._source_region = pyvips.Region.new(self._source)
            data = self._source_region.fetch(x, y, w, h)
        except pyvips.Error as exc:
            raise TiledImageError(tr("{0}: cannot be decoded at ({1}, {2}) "
                                     "({3}); the file is truncated or damaged").format(
                                         self.path, x, y, vips_problem(exc))) from None
        return to_display(self._vips_array(data, w, h), self.stretch)


class _Cancelled(Exception):
    pass
