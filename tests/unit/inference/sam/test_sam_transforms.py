"""The resize frame: SAM's rounding, both coordinate directions, and the padded tensor."""
from __future__ import annotations

import numpy as np
import pytest

from anylabel.inference.sam.transforms import SAM_PIXEL_MEAN, encoder_input, frame_for, upscale_low_res


@pytest.mark.parametrize("w,h,rw,rh", [(640, 480, 1024, 768), (1200, 300, 1024, 256), (97, 61, 1024, 644),
                                       (1023, 1025, 1022, 1024), (1024, 1024, 1024, 1024)])
def test_frame_rounding_and_round_trip(w, h, rw, rh):
    f = frame_for((h, w, 3), 1024)
    assert (f.resized_w, f.resized_h) == (rw, rh)
    pts = np.array([[0, 0], [w, h], [w / 3, h / 7]])
    assert np.allclose(f.to_image(f.to_model(pts)), pts, atol=1e-3)
    assert np.allclose(f.to_model([[w, h]]), [[rw, rh]])


def test_encoder_input_is_normalised_and_padded_with_zeros():
    img = np.empty((50, 100, 3), np.uint8)
    img[:] = (124, 116, 104)
    f = frame_for(img.shape, 64)
    t = encoder_input(img, f)
    assert t.shape == (1, 3, 64, 64) and t.dtype == np.float32
    assert np.abs(t[0, :, :32, :]).max() < 0.02          # the mean colour maps to ~0
    assert np.all(t[0, :, 32:, :] == 0)                  # bottom padding
    red = img.copy()
    red[:] = (255, 0, 0)
    t2 = encoder_input(red, f)
    assert t2[0, 0, 0, 0] == pytest.approx((255 - SAM_PIXEL_MEAN[0]) / 58.395, rel=1e-4)
    nhwc = encoder_input(img, f, channels_last=True)
    assert nhwc.shape == (1, 64, 64, 3)


def test_upscale_crops_padding():
    f = frame_for((100, 200, 3), 1024)   # resized 1024 x 512: rows 512.. are padding
    low = np.full((256, 256), -5.0, np.float32)
    low[:128, :] = 5.0                   # exactly the image area
    out = upscale_low_res(low, f)
    assert out.shape == (100, 200)
    assert (out > 0).mean() > 0.98
