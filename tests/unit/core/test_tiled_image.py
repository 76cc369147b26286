"""Huge images read as tiles from a pyramid (core/tiled_image.py, core/tile_cache.py)."""
from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

pyvips = pytest.importorskip("pyvips", reason="the tiled path needs libvips (pip install 'anylabel[huge]')")

from anylabel.core.bomb_guard import PIXELS_PER_BYTE_ENV, DecompressionBombError  # noqa: E402
from anylabel.core.contrast import Stretch, to_display  # noqa: E402
from anylabel.core.image_io import image_size  # noqa: E402
from anylabel.core.tile_cache import TileCache, TileCacheError, entry_key  # noqa: E402
from anylabel.core.tiled_image import MAX_TILED_PIXELS_ENV, TiledImage, TiledImageError  # noqa: E402


def _photo_like(h: int, w: int) -> np.ndarray:
    """Noise over gradients: every pixel differs from its neighbours, so misplaced tiles show."""
    rng = np.random.default_rng(1)
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([x * 255 // w, y * 255 // h, (x + y) % 256], 2)
    return ((base + rng.integers(0, 40, (h, w, 3))) % 256).astype(np.uint8)


@pytest.fixture(scope="module")
def rgb() -> np.ndarray:
    return _photo_like(2300, 3100)  # 7 megapixels: four levels, the first two on disk


def _tiled_tiff(path: Path, arr: np.ndarray, **kw) -> Path:
    img = pyvips.Image.new_from_array(arr)
    if arr.ndim == 3 and arr.shape[2] == 3:
        img = img.copy(interpretation="srgb")
    img.tiffsave(str(path), tile=True, tile_width=256, tile_height=256, **kw)
    return path


WINDOWS = [(0, 0, 512, 512), (1000, 700, 900, 650), (2900, 2100, 512, 512), (0, 1999, 3100, 301), (17, 33, 1, 1)]


@pytest.mark.parametrize("kind", ["png", "tif"])
def test_level_zero_gives_the_pixels_of_a_full_decode(tmp_path: Path, rgb: np.ndarray, kind: str) -> None:
    path = tmp_path / f"big.{kind}"
    if kind == "png":
        Image.fromarray(rgb).save(path, compress_level=1)
    else:
        _tiled_tiff(path, rgb, compression="deflate")
    cache = TileCache(tmp_path / "cache", limit_bytes=2**30)
    full = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
    assert np.array_equal(full, rgb)
    for attempt in ("built", "from the cache"):
        t = TiledImage(path, cache)
        assert t.random_access == (kind == "tif")  # a tiled TIFF is read in place, a PNG from the cache
        t.start()
        t.wait()
        assert t.state.done and t.state.from_cache == (attempt == "from the cache")
        lv0 = t.levels[0]
        for x, y, w, h in WINDOWS:
            got = t.region(lv0, x, y, w, h)
            assert np.array_equal(got, rgb[y:y + h, x:x + w]), (attempt, x, y)
        # The coarser levels are the image halved: close to an area resize of the full decode.
        lv2 = t.levels[2]
        ref = cv2.resize(rgb, (lv2.width, lv2.height), interpolation=cv2.INTER_AREA)
        assert np.abs(t.region(lv2, 0, 0, lv2.width, lv2.height).astype(int) - ref).mean() < 2.0
        t.close()


def test_the_cache_is_keyed_by_the_file_and_bounded(tmp_path: Path, rgb: np.ndarray) -> None:
    path = tmp_path / "a.png"
    Image.fromarray(rgb).save(path, compress_level=1)
    key = entry_key(path)
    Image.fromarray(rgb[::-1].copy()).save(path, compress_level=1)  # the same name, other pixels
    os.utime(path, ns=(1, 1))
    assert entry_key(path) != key
    cache = TileCache(tmp_path / "cache", limit_bytes=2**30)
    t = TiledImage(path, cache)
    t.start()
    t.wait()
    assert np.array_equal(t.region(t.levels[0], 0, 0, 64, 64), rgb[::-1][:64, :64])
    need = t.cache_bytes()
    # Room for one pyramid only: building another removes the least recently opened one.
    other = tmp_path / "b.png"
    Image.fromarray(rgb[:, ::-1].copy()).save(other, compress_level=1)
    small = TileCache(tmp_path / "cache", limit_bytes=int(need * 1.5))
    t2 = TiledImage(other, small)
    t2.start()
    t2.wait()
    assert small.complete(t.key) is None and small.complete(t2.key) is not None
    with pytest.raises(TileCacheError, match=r"a.png: its image pyramid needs .* ANYLABEL_TILE_CACHE_GB"):
        TileCache(tmp_path / "cache", limit_bytes=need // 2).begin(t.key, need, str(path))


def test_the_tiled_path_has_its_own_bound(tmp_path: Path, rgb: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.png"
    Image.fromarray(rgb).save(path, compress_level=1)
    monkeypatch.setenv(MAX_TILED_PIXELS_ENV, "5000000")
    with pytest.raises(TiledImageError, match=r"big.png: the image is 3100 x 2300 pixels.*ANYLABEL_MAX_TILED_PIXELS"):
        TiledImage(path, TileCache(tmp_path / "cache"))


def test_a_decompression_bomb_is_not_shown_as_tiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The viewer applies the pixels-per-byte bound of every streamed decode (as a model's
    copy does): a 50 KB PNG declaring 20000 x 20000 is refused from its header, naming the file."""
    from png_bomb import png_bomb  # scripts/png_bomb.py

    bomb = png_bomb(tmp_path / "bomb.png", 20_000, 20_000)

    def no_decode(*_a, **_k):
        raise AssertionError("the bomb was decoded")

    monkeypatch.setattr(pyvips.Region, "new", no_decode)
    monkeypatch.setattr(pyvips.Image, "write_to_memory", no_decode)
    with pytest.raises(DecompressionBombError) as info:
        TiledImage(bomb, TileCache(tmp_path / "cache"))
    msg = str(info.value)
    assert str(bomb) in msg and "20000 x 20000" in msg and "pixels per byte" in msg and PIXELS_PER_BYTE_ENV in msg
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())

    flat = png_bomb(tmp_path / "flat.png", 1200, 1100)  # black, a few hundred bytes: real if the user says so
    with pytest.raises(DecompressionBombError, match="flat.png"):
        TiledImage(flat, TileCache(tmp_path / "cache"))
    monkeypatch.undo()
    monkeypatch.setenv(PIXELS_PER_BYTE_ENV, "1e9")
    t = TiledImage(flat, TileCache(tmp_path / "cache", limit_bytes=2**30))
    t.start()
    t.wait()
    assert t.region(t.levels[0], 0, 0, 1200, 1100).max() == 0
    t.close()


def test_sixteen_bit_is_shown_with_a_percentile_stretch(tmp_path: Path) -> None:
    h, w = 1500, 2600
    y, x = np.mgrid[0:h, 0:w]
    raw = (1000 + (x * 4000 // w)).astype(np.uint16)  # 1000..4999, like a 12-bit sensor
    raw[::97, ::89] = 65535                            # hot pixels must not flatten the rest
    path = _tiled_tiff(tmp_path / "dem.tif", raw, compression="deflate")
    t = TiledImage(path, TileCache(tmp_path / "cache", limit_bytes=2**30))
    t.start()
    t.wait()
    lo, hi = np.percentile(raw, [2, 98])
    assert t.stretch is not None
    # Taken over a box-averaged overview, the percentiles are those of the image within a few values.
    assert abs(t.stretch.low[0] - lo) < 40 and abs(t.stretch.high[0] - hi) < 40
    got = t.region(t.levels[0], 0, 0, w, 64)
    assert np.array_equal(got, to_display(raw[:64, :, None], t.stretch))  # grey: three equal channels
    row = got[1, :, 0].astype(int)  # row 1 has no hot pixel
    assert row[:20].max() == 0 and row[-20:].min() == 255  # the 2 % ends are clipped
    mid = row[w // 2]
    assert 110 < mid < 145  # the middle of the range is mid-grey, not crushed towards black
    # Multi-band 16-bit: the first three bands are shown, each stretched on its own.
    bands = np.stack([raw, raw // 2, raw // 4, raw], 2)
    s = Stretch.from_sample(bands)
    assert len(s.low) == 3 and s.high[1] == pytest.approx(np.percentile(raw // 2, 98), rel=0.01)


def test_a_truncated_or_damaged_file_gives_a_message_naming_it(tmp_path: Path, rgb: np.ndarray) -> None:
    good = _tiled_tiff(tmp_path / "good.tif", rgb, compression="deflate")
    data = good.read_bytes()
    cut = tmp_path / "cut.tif"
    cut.write_bytes(data[: len(data) // 2])  # libvips writes the directory last: nothing to read
    with pytest.raises(TiledImageError, match=r"cut.tif: not a readable image"):
        TiledImage(cut, TileCache(tmp_path / "cache"))


def test_reading_the_size_of_a_png_decodes_no_pixels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pillow's getexif() on a PNG decodes every pixel looking for a late eXIf chunk
    (1.6 GB for 20000 x 20000): the size must come from the header alone."""
    from PIL import ImageFile

    path = tmp_path / "wide.png"
    Image.new("RGB", (4000, 3000)).save(path)

    def no_decode(self, *a, **k):
        raise AssertionError("pixels were decoded to read the size")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decode)
    assert image_size(path) == (4000, 3000)


def test_two_builds_of_one_image_in_one_process_both_end_with_its_pixels(tmp_path: Path, rgb: np.ndarray) -> None:
    """The canvas and a sliced model run may build the pyramid of the same file at the same
    time: neither may delete or publish the other's half-written levels."""
    path = tmp_path / "big.png"
    Image.fromarray(rgb).save(path, compress_level=1)
    cache = TileCache(tmp_path / "cache", limit_bytes=2**30)
    builds = [TiledImage(path, cache) for _ in range(2)]
    for t in builds:
        t.start()
    for t in builds:
        t.wait()
        assert t.state.done and t.state.error is None
        lv0 = t.levels[0]
        for x, y, w, h in WINDOWS:
            assert np.array_equal(t.region(lv0, x, y, w, h), rgb[y:y + h, x:x + w]), (x, y)
    for t in builds:
        t.close()
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [builds[0].key]  # one entry, no leftovers
