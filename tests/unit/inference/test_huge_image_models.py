"""Images beyond the decode bound reach models without being decoded whole: a streamed copy
shrunk by an exact power of two (shapes mapped back to full-image pixels), or full-resolution
SAHI tiles read from the image's pyramid; decompression bombs and absurd headers are still
refused, naming the file. "Huge" is made small here by lowering ANYLABEL_MAX_IMAGE_PIXELS."""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from anylabel.core import image_io
from anylabel.core.geometry import bounding_box
from anylabel.inference import create_model
from anylabel.inference.image_loading import read_for_model, rescale

from _accuracy import box_overlap, synthetic
from png_bomb import png_bomb  # scripts/png_bomb.py

pyvips = pytest.importorskip("pyvips", reason="huge images need libvips (pip install 'anylabel[huge]')")

from anylabel.core.bomb_guard import PIXELS_PER_BYTE_ENV, DecompressionBombError  # noqa: E402
from anylabel.core.streamed_copy import copy_factor, read_downscaled  # noqa: E402  # needs pyvips
from anylabel.core.tiled_image import TiledImageError  # noqa: E402

FIXTURE_YAML = Path(__file__).resolve().parents[3] / "models" / "configs" / "fixture_shapes_det.yaml"


def scene(tmp_path: Path, name: str = "huge.png", zoom: int = 10):
    """A 160 px synthetic scene blown up ``zoom`` times (the objects with it), as a PNG."""
    img, objs = synthetic().make_sample(np.random.default_rng(8), "det", 160, 160)
    big = cv2.resize(img, (160 * zoom, 160 * zoom), interpolation=cv2.INTER_NEAREST)
    path = tmp_path / name
    cv2.imwrite(str(path), big[:, :, ::-1])
    names = synthetic().CLASSES["det"]
    return path, big, [(names[o.cls], o.box * zoom) for o in objs]


def test_copy_factor() -> None:
    assert copy_factor(20_000, 20_000, (640, 640)) == 16          # 1250 px: still at least 640
    assert copy_factor(20_000, 20_000, None, 300_000_000) == 2     # no input size: the largest allowed
    assert copy_factor(20_000, 20_000, None, 100_000_000) == 2     # 10000 x 10000 fits exactly
    assert copy_factor(20_001, 20_000, None, 100_000_000) == 4     # one column more does not
    assert copy_factor(3000, 1000, (160, 160)) == 16               # the longer side decides, as in a letterbox


@pytest.mark.parametrize("kind", ["png", "jpg"])
def test_the_copy_is_shrunk_by_exactly_the_factor(tmp_path: Path, kind: str) -> None:
    """Copy pixel i covers full pixels [i*f, (i+1)*f): a block-aligned square lands exactly on
    copy pixels, also when the image is no multiple of f (the last blocks count)."""
    img = np.zeros((1201, 1603, 3), np.uint8)
    img[400:800, 800:1200] = 255
    path = tmp_path / f"square.{kind}"
    cv2.imwrite(str(path), img, [cv2.IMWRITE_JPEG_QUALITY, 98])
    copy, size, offset = read_downscaled(path, 16)  # JPEG: 8 while decoding, then 2
    # ceil(1201 / 16), ceil(1603 / 16); libvips' shrink-on-load leaves out a JPEG's last partial block
    assert size == (1603, 1201) and offset == (0.0, 0.0)
    assert copy.shape == ((76, 101, 3) if kind == "png" else (75, 100, 3))
    tol = 0 if kind == "png" else 12
    assert np.all(copy[25:50, 50:75] >= 255 - tol)
    outside = copy.copy()
    outside[25:50, 50:75] = 0
    assert outside.max() <= tol
    with pytest.raises(ValueError, match="power of two"):
        read_downscaled(path, 12)


def test_a_detector_finds_the_objects_of_a_huge_image_in_full_image_pixels(tmp_path: Path, monkeypatch) -> None:
    from anylabel.cli.main import main

    path, big, truth = scene(tmp_path)
    model = create_model("fixture_shapes_det", device="cpu")
    full = model.predict(big)  # what the model finds when the image is decoded whole
    monkeypatch.setenv(image_io.MAX_PIXELS_ENV, "1000000")  # the 2.56 MP PNG is now beyond the bound
    with pytest.raises(image_io.ImageTooLargeError):
        image_io.read_image_rgb(path)  # a whole decode is still refused
    copy, scale, size = read_for_model(path, model)
    assert copy.shape == (200, 200, 3) and scale == (8.0, 8.0, 0.0, 0.0) and size == (1600, 1600)
    # The same run as `anylabel predict` (the panel's run-all runs this job too).
    assert main(["predict", "--model", "fixture_shapes_det", "--input", str(path), "--quiet"]) == 0
    data = json.loads(path.with_suffix(".json").read_text())
    assert (data["imageWidth"], data["imageHeight"]) == (1600, 1600)
    boxes = [(s["label"], np.array(s["points"], float)) for s in data["shapes"]]
    assert full and len(boxes) == len(full)
    for label, box in truth:  # every object, where it is in the full image
        pts = [b for lb, b in boxes if lb == label]
        assert pts and max(box_overlap(np.r_[b.min(0), b.max(0)], box) for b in pts) > 0.85
    for a in full:  # and as the whole decode found it
        assert max(box_overlap(bounding_box(a), np.r_[b.min(0), b.max(0)]) for lb, b in boxes if lb == a.label) > 0.85


def test_run_this_image_gets_what_a_batch_run_gets(tmp_path: Path, monkeypatch) -> None:
    from anylabel.inference.batch import predict_file

    path, _, truth = scene(tmp_path)
    monkeypatch.setenv(image_io.MAX_PIXELS_ENV, "1000000")
    model = create_model("fixture_shapes_det", device="cpu")
    shapes = predict_file(model, path).shapes
    copy, scale, _ = read_for_model(path, model)
    expected = rescale(model.predict_result(copy), scale).shapes
    assert [np.round(bounding_box(s), 3).tolist() for s in shapes] == \
        [np.round(bounding_box(s), 3).tolist() for s in expected]
    assert any(box_overlap(bounding_box(s), box) > 0.85 for s in shapes for _, box in truth)


def test_a_bomb_is_refused_from_its_header(tmp_path: Path, monkeypatch) -> None:
    """A 20000 x 20000 PNG in 50 KB is within every size bound of the streamed path; what
    gives it away is 8,000 pixels a byte. Nothing is decoded."""
    bomb = png_bomb(tmp_path / "bomb.png", 20_000, 20_000)

    def no_decode(*_a, **_k):
        raise AssertionError("the bomb was decoded")

    monkeypatch.setattr(pyvips.Image, "write_to_memory", no_decode)
    model = create_model("fixture_shapes_det", device="cpu")
    with pytest.raises(DecompressionBombError) as info:
        read_for_model(bomb, model)
    msg = str(info.value)
    assert str(bomb) in msg and "20000 x 20000" in msg and "pixels per byte" in msg and PIXELS_PER_BYTE_ENV in msg


def test_the_pixels_per_byte_bound_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    flat = png_bomb(tmp_path / "flat.png", 3000, 3000)  # 9 MP of black in a few KB
    monkeypatch.setenv(image_io.MAX_PIXELS_ENV, "1000000")
    model = create_model("fixture_shapes_det", device="cpu")
    with pytest.raises(DecompressionBombError):
        read_for_model(flat, model)
    monkeypatch.setenv(PIXELS_PER_BYTE_ENV, "1e9")  # the user says it is real: it is streamed
    copy, scale, size = read_for_model(flat, model)
    assert size == (3000, 3000) and scale == (16.0, 16.0, 0.0, 0.0) and copy.shape == (188, 188, 3) and copy.max() == 0


def test_absurd_and_damaged_headers_are_refused_naming_the_file(tmp_path: Path, monkeypatch) -> None:
    model = create_model("fixture_shapes_det", device="cpu")
    monkeypatch.setenv(PIXELS_PER_BYTE_ENV, "1e12")  # only the other bounds are left to refuse them
    wide = png_bomb(tmp_path / "wide.png", 600_000, 1000)  # over the 500,000 px a side of the tiled path
    with pytest.raises(TiledImageError, match=r"wide.png: the image is 600000 x 1000 pixels"):
        read_for_model(wide, model)
    monkeypatch.setenv(image_io.MAX_PIXELS_ENV, "1000000")
    path, _, _ = scene(tmp_path)
    data = path.read_bytes()
    cut = tmp_path / "cut.png"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(TiledImageError, match=r"cut.png: cannot be decoded"):
        read_for_model(cut, model)


def test_a_bound_below_the_models_input_refuses_rather_than_blurs(tmp_path: Path, monkeypatch) -> None:
    path, _, _ = scene(tmp_path)  # 1600 px; the model needs 160 px: a 200 px copy
    model = create_model("fixture_shapes_det", device="cpu")
    monkeypatch.setenv(image_io.MAX_PIXELS_ENV, str(200 * 200))
    assert read_for_model(path, model)[0].shape == (200, 200, 3)
    monkeypatch.setenv(image_io.MAX_PIXELS_ENV, str(200 * 200 - 1))
    with pytest.raises(image_io.ImageTooLargeError, match="200 x 200"):
        read_for_model(path, model)


def test_sliced_inference_reads_full_resolution_tiles_from_the_pyramid(tmp_path: Path, monkeypatch) -> None:
    """SAHI on a huge image: the tiles come from level 0 of its pyramid (the pixels of a full
    decode), the whole-image pass from a coarser level; `anylabel predict` with the config's
    slice keys finds the small objects that the shrunk copy alone misses."""
    from anylabel.cli.main import main
    from anylabel.core.label_file import read_label_file
    from anylabel.inference.huge_image import HugeImageWindows
    from test_sahi_real import mosaic, recall

    names = synthetic().CLASSES["det"]
    big, gts = mosaic()  # 640 x 640, objects of 18-50 px
    path = tmp_path / "mosaic.png"
    cv2.imwrite(str(path), big[:, :, ::-1])
    model = create_model("fixture_shapes_det", device="cpu")
    model.set_options(sahi=True, slice_height=160, slice_width=160)
    in_memory = model.predict(big)
    monkeypatch.setenv(image_io.MAX_PIXELS_ENV, "300000")  # 410 K pixels: beyond the bound

    windows = HugeImageWindows(path)
    assert windows.shape == big.shape
    assert np.array_equal(windows.window(130, 250, 290, 410), big[250:410, 130:290])
    overview, factor, offset = windows.overview((160, 160))
    assert factor == 2 and offset == (0.0, 0.0) and overview.shape == (320, 320, 3)  # 160 px would do; the pyramid ends at 320
    windows.close()

    yaml = tmp_path / "sliced.yaml"
    yaml.write_text(f"type: yolov8\nname: sliced_shapes\nmodel_path: {FIXTURE_YAML.parent.parent / 'fixtures' / 'shapes_det.onnx'}\n"
                    "conf_threshold: 0.4\niou_threshold: 0.5\nclasses: [circle, rectangle, triangle]\n"
                    "slice_height: 160\nslice_width: 160\n")
    plain = tmp_path / "plain"
    plain.mkdir()
    cv2.imwrite(str(plain / "mosaic.png"), big[:, :, ::-1])
    assert main(["predict", "--model", str(yaml), "--input", str(path), "--quiet"]) == 0
    assert main(["predict", "--model", "fixture_shapes_det", "--input", str(plain), "--quiet"]) == 0
    ann = read_label_file(path.with_suffix(".json"))
    assert (ann.image_width, ann.image_height) == (640, 640)
    sliced = recall(ann.shapes, gts, names)
    shrunk = recall(read_label_file(plain / "mosaic.json").shapes, gts, names)
    assert sliced > 0.8 and sliced > shrunk + 0.2
    for a in in_memory:  # as sliced inference on the decoded image finds them
        assert max(box_overlap(bounding_box(a), bounding_box(b)) for b in ann.shapes if b.label == a.label) > 0.9


def test_a_float_geotiff_that_pillow_cannot_read_gets_a_stretched_copy(tmp_path: Path, monkeypatch) -> None:
    """Aerial rasters are often 4-band float TIFFs: their size comes from libvips, and the copy
    is stretched per band (2 %-98 %) as the canvas shows it."""
    from PIL import Image, UnidentifiedImageError

    rng = np.random.default_rng(0)
    raster = (rng.random((1000, 1200, 4)) * 1000).astype(np.float32)
    raster[:500, :, 0] += 5000  # the top half is brighter in the first band
    path = tmp_path / "ortho.tif"
    pyvips.Image.new_from_array(raster).tiffsave(str(path))
    with pytest.raises(UnidentifiedImageError):
        Image.open(path)
    monkeypatch.setenv(image_io.MAX_PIXELS_ENV, "1000000")
    copy, scale, size = read_for_model(path, create_model("fixture_shapes_det", device="cpu"))
    assert size == (1200, 1000) and scale == (4.0, 4.0, 0.0, 0.0) and copy.shape == (250, 300, 3) and copy.dtype == np.uint8
    assert copy[:100, :, 0].mean() > 200 and copy[150:, :, 0].mean() < 60
