"""The GUI's image loader decodes under the core's pixel bound (``ANYLABEL_MAX_IMAGE_PIXELS``):
a small PNG that declares many pixels is refused with the file named, before decoding.
These are the decodes made without libvips (``anylabel[huge]``); with it, images above the
display limit open as tiles (tests/qt/test_tiled_image_view.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from anylabel.core.image_io import MAX_PIXELS_ENV, ImageTooLargeError
from anylabel.qt import image_loader
from anylabel.qt.image_loader import load_display_image


@pytest.fixture(autouse=True)
def _without_libvips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(image_loader, "pyvips_available", lambda: False)


def test_a_png_over_the_bound_is_refused_before_decoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.png"
    Image.new("1", (3000, 2000)).save(path)  # a few KB, 6 megapixels decoded
    monkeypatch.setenv(MAX_PIXELS_ENV, "2000000")
    with pytest.raises(ImageTooLargeError, match="big.png: the image is 3000 x 2000 pixels"):
        load_display_image(path, max_pixels=1_000_000)  # PNG is decoded at full size first
    with pytest.raises(ImageTooLargeError, match=r"anylabel\[huge\]"):  # and says what would show it
        load_display_image(path, max_pixels=1_000_000)


def test_a_jpeg_shown_reduced_is_bounded_by_what_is_decoded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.jpg"
    Image.fromarray(np.zeros((2000, 3000, 3), np.uint8)).save(path)
    monkeypatch.setenv(MAX_PIXELS_ENV, "2000000")
    shown = load_display_image(path, max_pixels=1_000_000)  # decoded at 1/4: 750 x 500
    assert (shown.width, shown.height) == (3000, 2000) and shown.rgb.shape[:2] == (500, 750)
    with pytest.raises(ImageTooLargeError):
        load_display_image(path, max_pixels=64_000_000)  # full size: 6 MP over the bound


def test_in_chinese_the_refusal_and_its_hint_are_one_language(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from anylabel.core import i18n

    path = tmp_path / "big.png"
    Image.new("1", (3000, 2000)).save(path)
    monkeypatch.setenv(MAX_PIXELS_ENV, "2000000")
    i18n.set_language("zh_CN")
    try:
        with pytest.raises(ImageTooLargeError) as err:
            load_display_image(path, max_pixels=1_000_000)
        shown = load_display_image(_jpeg(tmp_path), max_pixels=1_000_000)  # decoded at 1/4
    finally:
        i18n.set_language("en")
    assert str(err.value).startswith(f"{path}：图像为 3000 x 2000 像素")
    hint = "执行 pip install 'anylabel[huge]'（安装 pyvips）即可按图块以全分辨率打开"
    assert str(err.value).endswith(f"；或者{hint}")
    assert shown.note == f"{tmp_path / 'big.jpg'}：以 1/4 分辨率显示；{hint}"


def _jpeg(folder: Path) -> Path:
    path = folder / "big.jpg"
    Image.fromarray(np.zeros((2000, 3000, 3), np.uint8)).save(path)
    return path
