"""Reading images and their sizes (unicode paths work on every platform).

Decoded sizes are bounded: an 875 KB PNG can declare 30,000 x 30,000 pixels, and decoding
it takes gigabytes. Before any decode the header is read and the pixels that the decode
would make are checked against ``max_image_pixels()`` (``DEFAULT_MAX_IMAGE_PIXELS``,
300 megapixels - a 20,000 x 15,000 aerial tile, three times a 100 MP camera's photo -
or ``ANYLABEL_MAX_IMAGE_PIXELS``). Reading only the size (``image_size``) decodes nothing
and has no bound: exporting the boxes of a big image needs no pixels. Huge images shown as
tiles are never decoded whole and have their own bound (``tiled_image.py``).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from .errors import AnyLabelError
from .i18n import tr

IMAGE_EXTENSIONS: frozenset[str] = frozenset(
    {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".jfif", ".pgm", ".ppm", ".pbm"}
)

MAX_PIXELS_ENV = "ANYLABEL_MAX_IMAGE_PIXELS"
DEFAULT_MAX_IMAGE_PIXELS = 300_000_000

_pil_guard = threading.Lock()


class ImageTooLargeError(AnyLabelError, ValueError):
    """An image whose decoded pixels would exceed the bound; the message names the file."""

    def __init__(self, path: str | os.PathLike[str], width: int, height: int, limit: int) -> None:
        self.path, self.width, self.height, self.limit = os.fspath(path), width, height, limit
        gb = width * height * 3 / 2**30
        super().__init__(
            tr("{0}: the image is {1} x {2} pixels ({3:.0f} megapixels, {4:.1f} GB "
               "decoded), more than the {5:.0f} megapixels AnyLabel decodes; set {6} "
               "to a larger number of pixels if this image is meant to be this large").format(
                   self.path, width, height, width * height / 1e6, gb, limit / 1e6, MAX_PIXELS_ENV))


def not_readable(path: str | os.PathLike[str], why: object = None) -> str:
    """The message for an image file that cannot be decoded (with the decoder's ``why``)."""
    if why is None:
        return tr("{0}: not a readable image").format(os.fspath(path))
    return tr("{0}: not a readable image ({1})").format(os.fspath(path), why)


def max_image_pixels() -> int:
    """The bound on decoded pixels (``ANYLABEL_MAX_IMAGE_PIXELS`` or the default)."""
    raw = os.environ.get(MAX_PIXELS_ENV)
    try:
        return int(raw) if raw else DEFAULT_MAX_IMAGE_PIXELS
    except ValueError:
        return DEFAULT_MAX_IMAGE_PIXELS


def is_image_file(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS


def _header(path: str | os.PathLike[str]) -> tuple[int, int, int]:
    """(stored width, stored height, EXIF orientation) from the header; no pixels are decoded.

    Pillow's own bomb check would refuse to open big images even to read their size; it
    is off only for this header read (under a lock, so no other of our reads sees it
    changed) because the bound that matters is checked before decoding, by us."""
    from PIL import Image

    with _pil_guard:
        saved = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = None
        try:
            im = Image.open(path)
        finally:
            Image.MAX_IMAGE_PIXELS = saved
    with im:
        w, h = im.size
        try:
            # Pillow looks for a PNG's EXIF after its pixel data by decoding all of them (1.6 GB
            # for a 20000 x 20000 PNG); an eXIf chunk belongs before the pixels, so only that one counts.
            if im.format == "PNG" and "exif" not in im.info:
                orientation = 1
            else:
                orientation = im.getexif().get(0x0112, 1)
        except Exception:  # noqa: BLE001  # malformed EXIF must not stop us from reading the size
            orientation = 1
        if im.format == "TIFF":
            # Pillow reports a TIFF's size already turned by its orientation; the tags are as stored.
            w, h = int(im.tag_v2.get(256, w)), int(im.tag_v2.get(257, h))
    return w, h, orientation


def stored_size(path: str | os.PathLike[str]) -> tuple[int, int]:
    """(width, height) as stored, before EXIF rotation."""
    w, h, _ = _header(path)
    return w, h


def exif_orientation(path: str | os.PathLike[str]) -> int:
    """The EXIF orientation tag (1 = as stored) from the header; no pixels are decoded."""
    return _header(path)[2]


def image_size(path: str | os.PathLike[str]) -> tuple[int, int]:
    """(width, height) from the file header, without decoding pixels."""
    w, h, orientation = _header(path)
    # EXIF-rotated JPEGs are shown upright, so report the upright size.
    return (h, w) if orientation in (5, 6, 7, 8) else (w, h)


def check_decoded_size(path: str | os.PathLike[str], width: int, height: int) -> None:
    """Raise ImageTooLargeError when decoding ``width`` x ``height`` pixels is over the bound."""
    limit = max_image_pixels()
    if width * height > limit:
        raise ImageTooLargeError(path, width, height, limit)


def read_image_rgb(path: str | os.PathLike[str]) -> np.ndarray:
    """Decode an image as an (H, W, 3) uint8 RGB array; raises ValueError naming the file
    (ImageTooLargeError, also a ValueError, when it is larger than the bound)."""
    import cv2

    try:
        w, h, orientation = _header(path)
    except Exception:  # noqa: BLE001  # Pillow raises many types for headers it cannot parse;
        w = h = 0       # OpenCV may still read the file, under its own bound (2**30 pixels)
        orientation = 1
    check_decoded_size(path, w, h)
    if orientation != 1 and os.path.splitext(path)[1].lower() in (".tif", ".tiff"):
        turned = _turned_tiff_rgb(path)
        if turned is not None:
            return turned
    data = np.fromfile(Path(path), dtype=np.uint8)
    img = cv2.imdecode(data, cv2.IMREAD_COLOR)  # applies EXIF orientation
    if img is None:
        raise ValueError(not_readable(path))
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def _turned_tiff_rgb(path: str | os.PathLike[str]) -> "np.ndarray | None":
    """A TIFF with an orientation tag, upright, by Pillow; None for sample types Pillow would
    clip (16-bit, float: OpenCV's decode scales them) or a file Pillow cannot decode.

    OpenCV 5.1 turns a *tiled* TIFF wrongly for orientations 2, 3, 6 and 7 (a strip TIFF and
    orientation 1 are right), so the window and the models would see other pixels than
    every other reader shows."""
    from PIL import Image, ImageOps

    try:
        with Image.open(path) as im:
            if im.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "CMYK", "YCbCr"):
                return None
            return np.ascontiguousarray(np.asarray(ImageOps.exif_transpose(im).convert("RGB")))
    except Exception:  # noqa: BLE001  # OpenCV gets its chance and names the file if it fails too
        return None
