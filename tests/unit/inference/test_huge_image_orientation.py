"""Huge images with an EXIF orientation reach models upright, as the canvas shows them and
a whole decode returns them: the streamed copy and the SAHI windows are turned, and shapes
come back in upright full-image pixels. Each huge run is compared with the same prediction
through the normal path (the image decoded whole by OpenCV, which applies the orientation).
"Huge" is made small by lowering ANYLABEL_MAX_IMAGE_PIXELS."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from anylabel.core import image_io
from anylabel.core.geometry import bounding_box
from anylabel.core.orientation import upright
from anylabel.inference import create_model

from _accuracy import box_overlap, synthetic

pyvips = pytest.importorskip("pyvips", reason="huge images need libvips (pip install 'anylabel[huge]')")

from anylabel.core.streamed_copy import read_downscaled  # noqa: E402  # needs pyvips

FIXTURES = Path(__file__).resolve().parents[3] / "models" / "fixtures"
NAMES = synthetic().CLASSES["det"]


def save_oriented(path: Path, upright_rgb: np.ndarray, orientation: int, **save_args) -> Path:
    """Write the pixels as a camera would: stored turned, with the EXIF tag that turns them upright."""
    stored = np.ascontiguousarray(upright(upright_rgb, {6: 8, 8: 6}.get(orientation, orientation)))
    assert np.array_equal(upright(stored, orientation), upright_rgb)
    im = Image.fromarray(stored)
    exif = im.getexif()
    exif[0x0112] = orientation
    im.save(path, exif=exif.tobytes(), **save_args)
    return path


def boxes_of(label_file: Path) -> tuple[tuple[int, int], list[tuple[str, np.ndarray]]]:
    data = json.loads(label_file.read_text())
    boxes = [(s["label"], np.array(s["points"], float)) for s in data["shapes"]]
    return (data["imageWidth"], data["imageHeight"]), [(lb, np.r_[p.min(0), p.max(0)]) for lb, p in boxes]


def best_overlap(box: np.ndarray, label: str, others: list[tuple[str, np.ndarray]]) -> float:
    return max((box_overlap(box, b) for lb, b in others if lb == label), default=0.0)


@pytest.mark.parametrize("kind", ["png", "jpg"])
def test_the_turned_copy_maps_back_exactly(tmp_path: Path, kind: str) -> None:
    """Orientation 3 flips both axes of a 1603 x 1201 image: the copy's blocks then start at the
    upright image's far edges, and ``offset`` says by how much; a square placed on those
    blocks lands exactly on copy pixels."""
    dx, dy = (-13, -15) if kind == "png" else (3, 1)  # ceil blocks (PNG); a JPEG's shrink-on-load drops the last
    img = np.zeros((1201, 1603, 3), np.uint8)
    img[16 * 25 + dy:16 * 50 + dy, 16 * 50 + dx:16 * 75 + dx] = 255
    path = save_oriented(tmp_path / f"square.{kind}", img, 3, **({"quality": 98} if kind == "jpg" else {}))
    copy, size, offset = read_downscaled(path, 16)
    assert size == (1603, 1201) and offset == (float(dx), float(dy))
    tol = 0 if kind == "png" else 12
    assert np.all(copy[25:50, 50:75] >= 255 - tol)
    outside = copy.copy()
    outside[25:50, 50:75] = 0
    assert outside.max() <= tol


@pytest.mark.parametrize("orientation", [6, 3, 5, 2])
def test_a_turned_huge_jpeg_is_predicted_as_shown(tmp_path: Path, monkeypatch, orientation: int) -> None:
    """`anylabel predict` on a 1600 x 960 JPEG (upright) stored turned: through the streamed copy
    (beyond the lowered bound) and through the normal decode, the same image size in the
    label file and the same boxes, where the objects are in the upright image."""
    from anylabel.cli.main import main

    small, objs = synthetic().make_sample(np.random.default_rng(8), "det", 120, 200)
    zoom = 8
    big = cv2.resize(small, (200 * zoom, 120 * zoom), interpolation=cv2.INTER_NEAREST)
    truth = [(NAMES[o.cls], o.box * zoom) for o in objs]
    (tmp_path / "huge").mkdir()
    (tmp_path / "normal").mkdir()
    huge = save_oriented(tmp_path / "huge" / "scene.jpg", big, orientation, quality=95)
    normal = tmp_path / "normal" / "scene.jpg"
    shutil.copyfile(huge, normal)

    assert main(["predict", "--model", "fixture_shapes_det", "--input", str(normal), "--quiet"]) == 0
    monkeypatch.setenv(image_io.MAX_PIXELS_ENV, "1000000")  # 1.5 MP: beyond the bound
    with pytest.raises(image_io.ImageTooLargeError):
        image_io.read_image_rgb(huge)
    assert main(["predict", "--model", "fixture_shapes_det", "--input", str(huge), "--quiet"]) == 0

    size, boxes = boxes_of(huge.with_suffix(".json"))
    normal_size, normal_boxes = boxes_of(normal.with_suffix(".json"))
    assert size == normal_size == (1600, 960)
    assert normal_boxes and len(boxes) == len(normal_boxes)
    for label, box in normal_boxes:
        assert best_overlap(box, label, boxes) > 0.85
    for _, box in boxes:  # on the objects, where they are in the upright image (the tiny model
        assert max(box_overlap(box, b) for _, b in truth) > 0.7  # mislabels one, boxes one at 0.79)


@pytest.mark.parametrize("orientation", [6, 3, 5])
def test_sliced_inference_on_a_turned_huge_image_is_upright(tmp_path: Path, monkeypatch, orientation: int) -> None:
    """SAHI on a 479 x 640 image (upright) stored turned: the windows are the pixels of the
    upright whole decode, the whole-image pass is upright (offset by the half block of the odd
    width when that axis is flipped), and the shapes are those of sliced inference on that decode."""
    from anylabel.inference.batch import predict_file
    from anylabel.inference.huge_image import HugeImageWindows
    from test_sahi_real import mosaic

    big, _ = mosaic()
    big = np.ascontiguousarray(big[:, :479])  # 479 wide, 640 high: a transposition shows
    path = save_oriented(tmp_path / "mosaic.png", big, orientation)
    model = create_model("fixture_shapes_det", device="cpu")
    model.set_options(sahi=True, slice_height=160, slice_width=160)
    decoded = image_io.read_image_rgb(path)  # the normal path: upright, decoded whole
    assert np.array_equal(decoded, big)
    normal = model.predict(decoded)

    monkeypatch.setenv(image_io.MAX_PIXELS_ENV, "300000")  # 307 K pixels: beyond the bound
    windows = HugeImageWindows(path)
    assert windows.shape == big.shape
    for x0, y0, x1, y1 in [(0, 0, 160, 160), (130, 250, 290, 410), (319, 480, 479, 640), (7, 600, 479, 640)]:
        assert np.array_equal(windows.window(x0, y0, x1, y1), big[y0:y1, x0:x1])
    overview, factor, offset = windows.overview((160, 160))
    assert factor == 2 and overview.shape == (320, 240, 3)  # upright, from the pyramid's level 1
    assert offset == ((479 - 240 * 2.0) if orientation in (6, 3) else 0.0, 0.0)  # the turns that flip x
    assert np.abs(overview.astype(int) - cv2.resize(big, (240, 320), interpolation=cv2.INTER_AREA)).mean() < 8
    windows.close()

    shapes = predict_file(model, path).shapes
    assert normal and len(shapes) == len(normal)
    for a in normal:
        assert max(box_overlap(bounding_box(a), bounding_box(b)) for b in shapes if b.label == a.label) > 0.9


def test_the_copy_size_is_chosen_for_the_upright_image(tmp_path: Path, monkeypatch) -> None:
    """A model whose input is wide (100 x 400) and an image stored 960 x 1600 but shown
    1600 x 960: the copy is the smallest that the letterbox still shrinks, upright (200 x 120,
    factor 8), not the one the stored shape would suggest (factor 16, which it would enlarge)."""
    from anylabel.inference.image_loading import read_for_model

    path = save_oriented(tmp_path / "wide.jpg", np.full((960, 1600, 3), 90, np.uint8), 6, quality=90)
    model = create_model("fixture_shapes_det", device="cpu")
    monkeypatch.setattr(model, "input_size_hint", lambda: (100, 400))
    monkeypatch.setenv(image_io.MAX_PIXELS_ENV, "1000000")
    copy, to_full, size = read_for_model(path, model)
    assert size == (1600, 960) and copy.shape == (120, 200, 3) and to_full[:2] == (8.0, 8.0)


@pytest.mark.parametrize("orientation", [6, 3, 7])
def test_windows_of_a_turned_tiled_tiff_are_read_from_its_own_tiles_upright(tmp_path: Path, monkeypatch,
                                                                            orientation: int) -> None:
    """A tiled TIFF's level 0 is the file itself (its tiles read where needed): the windows of
    one with an orientation tag are those of the upright image too."""
    stored = np.random.default_rng(orientation).integers(0, 256, (700, 500, 3), dtype=np.uint8)
    img = pyvips.Image.new_from_array(stored).copy(interpretation="srgb")
    img.set_type(pyvips.GValue.gint_type, "orientation", orientation)
    path = tmp_path / "tiled.tif"
    img.tiffsave(str(path), tile=True, tile_width=256, tile_height=256)
    monkeypatch.setenv(image_io.MAX_PIXELS_ENV, "100000")
    from anylabel.inference.huge_image import HugeImageWindows

    shown = upright(stored, orientation)
    windows = HugeImageWindows(path)
    assert windows.tiled.random_access and windows.shape == shown.shape
    assert image_io.image_size(path) == (shown.shape[1], shown.shape[0])
    for x0, y0, x1, y1 in [(0, 0, shown.shape[1], shown.shape[0]), (33, 44, 300, 400), (250, 300, 256 + 250, 300 + 1)]:
        assert np.array_equal(windows.window(x0, y0, x1, y1), shown[y0:y1, x0:x1])
    windows.close()
