"""Calibration inputs for static INT8 quantisation: the tensors each ONNX file really receives.

Static quantisation fixes every activation's 8-bit range from example inputs, so those
inputs must be pre-processed exactly as the model type does it at prediction time (letterbox,
normalisation, SAM's resize and prompts). Rather than copy each type's pre-processing, the
float model is run on the calibration images through AnyLabel's own model type while its
sessions record what they are fed: the recording *is* the pre-processing, for every type.

A bare ONNX file has no config and so no pre-processing to borrow: its single NCHW input is
fed the image resized to the input's fixed size, RGB scaled to 0-1 (the YOLO convention),
which the command line states.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..core.errors import AnyLabelError
from ..core.i18n import tr
from ..core.image_io import is_image_file, read_image_rgb

#: Default number of calibration images; ranges settle after a few dozen (ORT's own examples
#: use 20-100), and each one costs a float inference plus its recorded tensors in memory.
DEFAULT_IMAGES = 32
#: Upper bound of recorded input bytes per model file (a 1024 px SAM input is 12 MB).
MAX_RECORDED_BYTES = 1_500_000_000


class CalibrationError(AnyLabelError):
    """A calibration folder that cannot be used; the message names it and what is wrong."""


@dataclass
class Calibration:
    """Recorded inputs per model file, and the images that could not be used (with why)."""

    feeds: dict[Path, list[dict[str, np.ndarray]]] = field(default_factory=dict)
    used: int = 0
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def _without_path(exc: Exception, path: Path) -> str:
    """Why ``path`` could not be read, without the ``path: `` the reader put in front (the
    skipped list names the file itself); a Chinese message has a full-width colon there."""
    return str(exc).replace(f"{path}: ", "").replace(f"{path}：", "")


def calibration_images(folder: str | os.PathLike[str], limit: int = DEFAULT_IMAGES) -> list[Path]:
    """The first ``limit`` images of a folder (sorted by name, not recursive)."""
    root = Path(folder).expanduser()
    if not root.exists():
        raise CalibrationError(tr("{0}: calibration folder not found").format(root))
    if not root.is_dir():
        raise CalibrationError(tr("{0}: --calibration needs a folder of images, this is a file").format(root))
    try:
        names = sorted(os.listdir(root))
    except OSError as exc:
        raise CalibrationError(tr("{0}: cannot read the calibration folder ({1})").format(
            root, exc.strerror or exc)) from exc
    images = [root / n for n in names if is_image_file(n) and (root / n).is_file()]
    if not images:
        raise CalibrationError(tr("{0}: no images in the calibration "
                                  "folder (jpg, png, bmp, tif, webp...)").format(
            root))
    return images[:max(1, limit)]


class _RecordingSession:
    """Stands in for an onnxruntime session and keeps a copy of every feed it runs."""

    def __init__(self, session: Any, sink: list[dict[str, np.ndarray]]) -> None:
        self._session = session
        self._sink = sink

    def run(self, output_names: Any, feeds: dict[str, np.ndarray], *args: Any, **kwargs: Any) -> Any:
        self._sink.append({k: np.array(v, copy=True) for k, v in feeds.items()})
        return self._session.run(output_names, feeds, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


def _exercise(model: Any, image: np.ndarray) -> None:
    """Run the model as its users do, so that each of its ONNX files sees real input."""
    if model.capabilities.point_prompts and hasattr(model, "embed") and hasattr(model, "segment"):
        from .sam.decoder import Prompt

        h, w = image.shape[:2]
        emb = model.embed(image)
        model.segment(emb, Prompt(points=[(w / 2, h / 2)], labels=[1]))
        model.segment(emb, Prompt(box=(w * 0.25, h * 0.25, w * 0.75, h * 0.75)))
        return
    model.predict_result(image)


def record_model_feeds(model: Any, images: list[Path],
                       progress: Callable[[int, int], None] | None = None) -> Calibration:
    """Run ``model`` (a loaded float ``Model``) on ``images``; the inputs each session received."""
    cal = Calibration()
    sinks: dict[Path, list[dict[str, np.ndarray]]] = {}
    originals = []
    for sess in model.sessions:
        sink = sinks.setdefault(sess.path.resolve(), [])
        originals.append((sess, sess.session))
        sess.session = _RecordingSession(sess.session, sink)
    try:
        for i, path in enumerate(images):
            try:
                image = read_image_rgb(path)
            except (OSError, ValueError) as exc:
                cal.skipped.append((path, _without_path(exc, path)))
                continue
            _exercise(model, image)
            cal.used += 1
            if any(_bytes(s) > MAX_RECORDED_BYTES for s in sinks.values()):
                break  # enough: more inputs would only cost memory
            if progress:
                progress(i + 1, len(images))
    finally:
        for sess, original in originals:
            sess.session = original
    cal.feeds = sinks
    return cal


def record_plain_feeds(input_name: str, shape: tuple[Any, ...], images: list[Path]) -> Calibration:
    """Feeds for a bare ONNX file with one (1, 3, H, W) input: RGB resized to H x W, / 255."""
    import cv2

    dims = list(shape)
    if len(dims) != 4 or not all(isinstance(d, int) and d > 0 for d in dims[2:]) or dims[1] not in (3, "3"):
        raise CalibrationError(
            tr("input {0!r} has shape {1}: static quantisation of a bare ONNX file needs "
               "one (N, 3, H, W) image input of fixed size; pass the model's config instead "
               "(its pre-processing is then used for calibration) or use --mode dynamic").format(
                   input_name, dims))
    h, w = int(dims[2]), int(dims[3])
    cal = Calibration()
    sink: list[dict[str, np.ndarray]] = []
    for path in images:
        try:
            image = read_image_rgb(path)
        except (OSError, ValueError) as exc:
            cal.skipped.append((path, _without_path(exc, path)))
            continue
        x = cv2.resize(image, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32) / 255.0
        sink.append({input_name: np.ascontiguousarray(x.transpose(2, 0, 1)[None])})
        cal.used += 1
    cal.feeds = {Path("<plain>"): sink}
    return cal


def _bytes(feeds: list[dict[str, np.ndarray]]) -> int:
    return sum(a.nbytes for f in feeds for a in f.values())
