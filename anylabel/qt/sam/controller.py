"""The SAM controller: connects the main window, the canvas prompt mode and a SAM model.

- Loading a model runs in a ``BackgroundTask`` (it may download; one model is built at a
  time, a model chosen meanwhile is next); the model's store then encodes the image on
  screen first and the next images of the folder in its own worker (its futures reach the
  GUI thread through ``FutureBridge``).
- Clicks made before the embedding is ready are kept and applied when it arrives, so the
  UI never blocks on the encoder. Once ready, each click runs the decoder (tens of ms)
  and refreshes the preview.
- F asks for the label (the window's label dialog) and adds the shapes as one undoable
  edit; B clears the prompts; Q / E choose positive / negative clicks (right click is
  always negative), a left drag gives a box prompt.
- "Segment everything" (models that have it, SAM 2) runs the point grid in a
  ``BackgroundTask`` and adds every object found as one undoable edit; another image or a
  new run cancels it.
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Callable

from qtpy.QtCore import QObject, Qt, Signal

from ...core.shape import Shape
from ...inference.sam.mask_output import OUTPUT_MODES
from ...inference.sam.session import PromptSession
from .bridge import FutureBridge
from .overlay import render_overlay
from ..background import BackgroundTask
from ..i18n import translate
from ..window_api import WindowAPI

log = logging.getLogger(__name__)

SETTINGS_KEY = "sam"
#: Seconds after a click during which no new background encoding starts (see EmbeddingStore).
PROMPT_QUIET = 1.0
DEFAULT_OPTIONS: dict[str, Any] = {"output_mode": "polygon", "tolerance": 1.0, "cache_size": 10, "prefetch": 2,
                                   "model": ""}


class SamController(QObject):
    """State of Segment Anything in one main window."""

    model_loaded = Signal(str)        # model title
    embedding_ready = Signal(str)     # image path
    preview_changed = Signal()
    status = Signal(str)
    active_changed = Signal(bool)     # prompt mode on / off

    def __init__(self, window: WindowAPI) -> None:
        super().__init__(window)
        self.window = window
        self.model: Any = None
        self.session: PromptSession | None = None
        self.path: Path | None = None
        self.negative_mode = False
        self.active = False
        self._pending: list[Callable[[], None]] = []
        self._load_task: BackgroundTask | None = None
        self._next_config: Any = None  # chosen while another model was loading
        self._download_mb = -1
        self._bridge = FutureBridge(self)
        self._bridge.finished.connect(self._on_future)
        self._loading: str | None = None
        self.folder_cancel = threading.Event()
        self.everything_cancel = threading.Event()

    @property
    def loading(self) -> str | None:
        """The title of the model being loaded in the background, None when none is."""
        return self._loading

    # ---------------------------------------------------------------- settings
    def option(self, key: str) -> Any:
        return self.window.settings.get(f"{SETTINGS_KEY}.{key}", DEFAULT_OPTIONS[key])

    def set_option(self, key: str, value: Any) -> None:
        self.window.settings.set(f"{SETTINGS_KEY}.{key}", value)
        if self.model is not None and key in ("output_mode", "tolerance"):
            self.model.set_options(**{key: value})

    # ---------------------------------------------------------------- model
    def load_model(self, config: Any) -> BackgroundTask | None:
        """Create the model in the background; ``model_loaded`` fires when it is ready. While
        another model loads, this one is loaded next (None is returned): a SAM model may take
        gigabytes, so two are never built at once, and only the last one chosen is kept."""
        title = getattr(config, "title", str(config))
        self._loading = title
        self.status.emit(translate("controller", "Loading {0}...").format(title))
        if self._load_task is not None and self._load_task.is_running():
            self._next_config = config
            return None
        return self._start_load(config, title)

    def _start_load(self, config: Any, title: str) -> BackgroundTask:
        from ...inference.registry import create_model

        options = {"output_mode": self.option("output_mode"), "tolerance": float(self.option("tolerance"))}
        capacity = max(1, int(self.option("cache_size")))

        def make(progress, _cancel) -> Any:  # type: ignore[no-untyped-def]
            model = create_model(config, progress=lambda done, total, name: progress(done, total or 0, name))
            model.set_options(**options)
            model.store.capacity = capacity
            return model

        self._download_mb = -1
        task = BackgroundTask(make, name=title, parent=self, min_interval=0.05,
                              describe=lambda exc: translate("controller", "Segment Anything: {0}: {1}").format(title, exc))
        task.progress.connect(self._on_download)
        task.done.connect(lambda model: self._load_ended(title, model, None))
        task.failed.connect(lambda message: self._load_ended(title, None, message))
        self._load_task = task
        return task.start()

    def _on_download(self, done: int, total: int, name: str) -> None:
        mb = done // 1_000_000
        if mb == self._download_mb:
            return  # one status update per megabyte, not per chunk
        self._download_mb = mb
        size = f"{mb}/{total // 1_000_000} MB" if total else f"{mb} MB"
        self.status.emit(translate("controller", "Downloading {0}: {1}").format(name, size))

    def _load_ended(self, title: str, model: Any, failure: str | None) -> None:
        following, self._next_config = self._next_config, None
        if following is not None:
            self._start_load(following, getattr(following, "title", str(following)))
        if title != self._loading:  # another model was chosen meanwhile
            if model is not None:
                model.close(wait=False)
            return
        self._loading = None
        if failure is not None:
            if self.model is None and self.active:
                self.deactivate()  # the mode was entered while it loaded: nothing to click with
            self.window.report_error(failure)
            return
        self._set_model(model)

    def _set_model(self, model: Any) -> None:
        old, self.model = self.model, model
        if old is not None:
            old.close(wait=False)  # never block the window on an encoder run of the old model
        self.session = None
        self.path = None
        # Clicks made while the model loaded (Q works at once after a restart) are for the
        # image on screen: they are applied when its embedding arrives.
        queued = self._pending if self.active else []
        self._pending = []
        name = model.config.name
        src = model.config.source
        self.set_option("model", str(src) if src is not None else name)
        self.model_loaded.emit(model.config.title)
        self.status.emit(translate("controller", "{0} ready").format(model.config.title) + (f" ({model.fallback_reason})" if model.fallback_reason else ""))
        self.on_image_changed()
        self._pending = queued + self._pending

    # ---------------------------------------------------------------- images
    def on_image_changed(self, *_: Any) -> None:
        """A new image is on screen: drop the prompts, ask for its embedding, prefetch."""
        self.everything_cancel.set()
        self.session = None
        self._pending.clear()
        self.window.canvas.set_overlay(None)
        path = self.window.current_image_path()
        self.path = Path(path) if path is not None else None
        if self.model is None or self.path is None:
            return
        store = self.model.store
        image = self.window.current_image()
        c = self.window.canvas
        if image is not None and image.shape[:2] != (c.image_height, c.image_width):
            image = None  # a downscaled display level: let the store decode the full image
        try:
            fut = store.get(self.path, image)
        except OSError as exc:
            self.window.report_error(translate("controller", "{0}: cannot be segmented ({1})").format(self.path, exc))
            return
        self._bridge.watch(fut, ("embedding", self.path))
        self._prefetch_neighbours()

    def _prefetch_neighbours(self) -> None:
        idx = self.window.folder_index
        cur = self.window.current_index
        if idx is None or cur < 0 or self.model is None:
            return
        n = max(0, int(self.option("prefetch")))
        order = [cur + k for k in range(1, n + 1)] + [cur - 1]
        self.model.store.prefetch([idx.path(i) for i in order if 0 <= i < len(idx)])

    def _on_future(self, tag: Any, fut: "Future[Any]") -> None:
        kind, what = tag
        if fut.cancelled():
            return
        exc = fut.exception()
        if kind == "embedding":
            if self.model is None or what != self.path:
                return  # the user has moved on
            if exc is not None:
                self.window.report_error(translate("controller", "Segment Anything: {0}: {1}").format(what, exc))
                return
            emb = fut.result()
            if emb.model_id != self.model.model_id:
                return
            if self.session is None:
                self.session = PromptSession(self.model, emb)
            pending, self._pending = self._pending, []
            for op in pending:
                op()
            self.embedding_ready.emit(str(what))
            if self.active:
                self.status.emit(translate("controller", "Segment Anything: {0} ready; {1}").format(what.name, self._keys_hint()))
            self._refresh()

    def _when_ready(self, op: Callable[[], None]) -> None:
        if self.model is not None:
            self.model.store.pause_prefetch(PROMPT_QUIET)
        if self.session is not None:
            op()
            self._refresh()
        else:
            self._pending.append(op)
            what = f"loading {self._loading}" if self.model is None else "encoding the image"
            self.status.emit(translate("controller", "Segment Anything: {0}, your prompt will be applied when ready").format(what))

    # ---------------------------------------------------------------- prompt mode
    def activate(self, negative: bool = False) -> None:
        """Q / E: enter prompt mode with positive / negative clicks."""
        self.negative_mode = negative
        if self.model is None and self._loading is None:
            self.status.emit(translate("controller", "Segment Anything: choose a model first (Tools > Segment Anything)"))
            return
        if not self.active:
            self.active = True
            self.window.canvas.set_prompt_handler(self)
            self.active_changed.emit(True)
        if self.model is None:  # still loading: the mode is on, clicks wait for the model
            self.status.emit(translate("controller", "Segment Anything: loading {0}; your clicks will be applied when it is ready").format(self._loading))
            return
        self.status.emit(translate("controller", "Segment Anything: ") + (translate("controller", "negative") if negative else translate("controller", "positive")) + translate("controller", " clicks ({0})").format(self._keys_hint()))

    def _keys_hint(self, short: bool = False) -> str:
        """The prompt-mode keys for the status line, as the user set them."""
        settings = self.window.settings

        def key(name: str, default: str) -> str:
            keys = settings.shortcut(name)
            return keys[0] if keys else default

        keys = f"{key('sam_finish', 'F')}: finish, {key('sam_clear', 'B')}: clear"
        return keys if short else keys + ", right click: negative, drag: box"

    def deactivate(self) -> None:
        if self.active:
            self.active = False
            self.window.canvas.set_prompt_handler(None)
            self.active_changed.emit(False)
        self.clear()

    def on_click(self, x: float, y: float, button: Any, modifiers: Any = None) -> None:
        negative = button == Qt.RightButton or self.negative_mode or bool(
            modifiers is not None and int(modifiers) & int(Qt.ShiftModifier))
        self._when_ready(lambda: self.session.add_point(x, y, positive=not negative))  # type: ignore[union-attr]

    def on_box(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self._when_ready(lambda: self.session.set_box(x0, y0, x1, y1))  # type: ignore[union-attr]

    def clear(self) -> None:
        """B: forget the prompts of the current object."""
        self._pending.clear()
        if self.session is not None:
            self.session.clear()
        self.window.canvas.set_overlay(None)

    def _refresh(self) -> None:
        if self.session is None:
            return
        c = self.window.canvas
        if self.session.prompt.is_empty():
            c.set_overlay(None)
        else:
            c.set_overlay(render_overlay(self.session.mask, self.session.prompt, (c.image_width, c.image_height)))
            if self.active:  # what the clicks made and what to do next
                pr, mask = self.session.prompt, self.session.mask
                neg = sum(1 for lab in pr.labels if lab != 1)
                what = f"{len(pr.labels)} point(s)" + (f" ({neg} negative)" if neg else "") + (", a box" if pr.box else "")
                area = int(mask.sum()) if mask is not None else 0
                # short: the status bar's right side holds the cursor, zoom and image count
                self.status.emit(translate("controller", "Segment Anything: {0}, mask {1:,} px; {2}").format(what, area, self._keys_hint(short=True)))
        self.preview_changed.emit()

    def finish(self) -> list[Shape]:
        """F: label the current mask and add it to the image (one undoable edit)."""
        if self.session is None or self.session.prediction is None:
            self.status.emit(translate("controller", "Segment Anything: nothing to finish (click on an object first)"))
            return []
        from ..dialogs.label_dialog import LabelResult

        initial = LabelResult()
        hist = self.window.settings.get("label_history", []) or []
        if self.window.settings.get("keep_last_label", False) and hist:
            initial.label = hist[0]
        mode = str(self.option("output_mode"))
        result = self.window.label_provider(initial, mode)
        if result is None:
            return []  # cancelled: keep the prompts so the user can go on
        shapes = self.session.finish(result.label, mode=mode)
        if result.label:
            self.window.remember_label(result.label)  # offered first in the next label dialog
        if not shapes:
            self._refresh()
            return []
        group = result.group_id
        if group is None and len(shapes) > 1:
            used = [s.group_id for s in self.window.current_shapes() if s.group_id is not None]
            group = max(used, default=0) + 1
        for s in shapes:
            result.apply(s)
            s.group_id = group
        self.window.add_shapes(shapes)
        self.window.canvas.set_overlay(None)
        return shapes

    # ---------------------------------------------------------------- box to segment
    def boxes_to_segments_here(self) -> None:
        """Rectangles of the image on screen -> SAM segments (one undoable edit)."""
        if self.model is None or self.path is None:
            self.status.emit(translate("controller", "Segment Anything: choose a model and open an image first"))
            return
        from ...inference.sam.box_to_segment import boxes_to_segments

        def op() -> None:
            shapes = self.window.current_shapes()
            new = boxes_to_segments(self.model, self.session.embedding, shapes)  # type: ignore[union-attr]
            n = sum(1 for s in shapes if s.shape_type == "rectangle")
            if n:
                self.window.set_shapes(new)
            self.status.emit(translate("controller", "Segment Anything: {0} rectangles turned into segments").format(n))

        self._when_ready(op)

    # ---------------------------------------------------------------- segment everything
    def segment_everything_here(self) -> None:
        """Every object of the image on screen (automatic masks on a point grid), added as
        one undoable edit when the worker is done."""
        if self.model is None or self.path is None:
            self.status.emit(translate("controller", "Segment Anything: choose a model and open an image first"))
            return
        if not hasattr(self.model, "segment_everything"):
            self.status.emit(translate("controller", "Segment Anything: {0} cannot segment everything (SAM 2 models can)")
                             .format(self.model.config.title))
            return

        def op() -> None:
            self.everything_cancel.set()  # a run still going for this image is replaced
            cancel = self.everything_cancel = threading.Event()
            used = [s.group_id for s in self.window.current_shapes() if s.group_id is not None]
            model, embedding, path = self.model, self.session.embedding, self.path  # type: ignore[union-attr]
            first_group = max(used, default=0) + 1
            task = BackgroundTask(lambda _progress, c: model.segment_everything(embedding, c, None, first_group),
                                  name=str(path), cancel=cancel, parent=self,
                                  describe=lambda exc: translate("controller", "Segment Anything: {0}: {1}").format(path, exc))
            task.done.connect(lambda shapes: self._everything_done(path, cancel, shapes))
            # a run replaced by another image or another run is not worth a message box (it is logged)
            task.failed.connect(lambda message: None if cancel.is_set() else self.window.report_error(message))
            task.start()
            self.status.emit(translate("controller", "Segment Anything: segmenting everything..."))

        self._when_ready(op)

    def _everything_done(self, path: Path | None, cancel: threading.Event, shapes: list[Shape]) -> None:
        if cancel.is_set() or path != self.path:
            return  # another image is on screen, or the run was replaced
        if shapes:
            self.window.add_shapes(shapes)
        objects = len({s.group_id for s in shapes})
        self.status.emit(translate("controller", "Segment Anything: {0} objects found").format(objects))

    def close(self) -> None:
        self.everything_cancel.set()
        self.folder_cancel.set()
        if self.model is not None:
            self.model.close(wait=False)
            self.model = None


def output_modes() -> tuple[str, ...]:
    return OUTPUT_MODES
