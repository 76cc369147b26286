"""EXIF orientation as array operations (core/orientation.py): the same upright pixels as
Pillow's and OpenCV's own turn, for all eight orientations, also for windows."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageOps

from anylabel.core.orientation import stored_rect, upright, upright_size


@pytest.mark.parametrize("orientation", range(1, 9))
def test_upright_is_the_turn_pillow_and_opencv_make(tmp_path: Path, orientation: int) -> None:
    stored = np.random.default_rng(orientation).integers(0, 256, (50, 70, 3), dtype=np.uint8)
    im = Image.fromarray(stored)
    exif = im.getexif()
    exif[0x0112] = orientation
    path = tmp_path / "o.png"
    im.save(path, exif=exif.tobytes())
    ours = upright(stored, orientation)
    assert np.array_equal(ours, np.asarray(ImageOps.exif_transpose(Image.open(path))))
    assert np.array_equal(ours, cv2.imdecode(np.fromfile(path, np.uint8), cv2.IMREAD_COLOR)[:, :, ::-1])
    w, h = upright_size(70, 50, orientation)
    assert ours.shape[:2] == (h, w)
    # A window of the upright image is the turn of the stored pixels it shows.
    x0, y0, x1, y1 = stored_rect(3, 5, 20, 17, w, h, orientation)
    assert np.array_equal(upright(stored[y0:y1, x0:x1], orientation), ours[5:17, 3:20])


@pytest.mark.parametrize("kind", ["jpg", "png", "tif", "webp"])
@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_the_header_sizes_are_upright_and_stored_for_every_format(tmp_path: Path, kind: str, orientation: int) -> None:
    """``image_size`` is the size the decode shows (the label file's), ``stored_size`` the size
    as stored (what a streamed reader sees); Pillow reports a TIFF's size already turned."""
    from anylabel.core.image_io import image_size, stored_size

    stored = np.zeros((50, 70, 3), np.uint8)
    im = Image.fromarray(stored)
    exif = im.getexif()
    exif[0x0112] = orientation
    path = tmp_path / f"o{orientation}.{kind}"
    im.save(path, exif=exif.tobytes())
    shown = cv2.imdecode(np.fromfile(path, np.uint8), cv2.IMREAD_COLOR)
    assert image_size(path) == (shown.shape[1], shown.shape[0]) == upright_size(70, 50, orientation)
    assert stored_size(path) == (70, 50)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_a_turned_tiled_tiff_decodes_upright(tmp_path: Path, orientation: int) -> None:
    """``read_image_rgb`` (the window's and the models' decode) shows a tiled TIFF with an
    orientation tag as Pillow and ``upright`` do; OpenCV's own turn of tiled TIFFs is wrong."""
    pyvips = pytest.importorskip("pyvips")
    from anylabel.core.image_io import read_image_rgb

    stored = np.random.default_rng(orientation).integers(0, 256, (150, 200, 3), dtype=np.uint8)
    im = pyvips.Image.new_from_array(stored, interpretation="srgb").copy()
    im.set_type(pyvips.GValue.gint_type, "orientation", orientation)
    path = tmp_path / f"tiled_{orientation}.tif"
    im.tiffsave(str(path), tile=True, tile_width=64, tile_height=64)
    assert np.array_equal(read_image_rgb(path), upright(stored, orientation))
