"""Showing 16-bit, float and multi-band rasters (TIFF, GeoTIFF) on an 8-bit screen.

Which bands: 1 band is grey; 2 bands are grey + alpha (the grey is shown); 3 bands are
RGB; 4 or more show the first three (RGB of RGBA, or bands 1-3 of a multi-band raster).
8-bit bands are shown as they are. Other sample types (16-bit, 32-bit, float) get a
linear **2 %-98 % percentile stretch** per band: the 2nd percentile maps to 0 and the
98th to 255, clipped - the cumulative-count cut that GIS viewers use by default, so one
very bright or dark pixel does not flatten the rest. The percentiles are taken once per
image, over a whole-image overview, so every tile of the image is stretched alike.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LOW_PERCENTILE = 2.0
HIGH_PERCENTILE = 98.0


def display_bands(arr: np.ndarray) -> np.ndarray:
    """(h, w, 1 or 3) view of the bands that are shown (see the module docstring)."""
    if arr.ndim == 2:
        arr = arr[:, :, None]
    b = arr.shape[2]
    if b <= 2:
        return arr[:, :, :1]
    return arr[:, :, :3]


@dataclass(frozen=True)
class Stretch:
    """Per shown band: the value shown black (``low``) and the value shown white (``high``)."""

    low: tuple[float, ...]
    high: tuple[float, ...]

    @classmethod
    def from_sample(cls, sample: np.ndarray) -> "Stretch":
        """Percentiles of each shown band of ``sample`` (a whole-image overview); NaNs ignored."""
        bands = display_bands(sample)
        lows, highs = [], []
        for i in range(bands.shape[2]):
            v = bands[:, :, i].astype(np.float64, copy=False).ravel()
            v = v[np.isfinite(v)]
            if v.size == 0:
                lo, hi = 0.0, 1.0
            else:
                lo, hi = (float(x) for x in np.percentile(v, [LOW_PERCENTILE, HIGH_PERCENTILE]))
            if hi <= lo:  # a flat band: show it mid-grey rather than divide by zero
                hi = lo + 1.0
            lows.append(lo)
            highs.append(hi)
        return cls(tuple(lows), tuple(highs))

    def apply(self, bands: np.ndarray) -> np.ndarray:
        lo = np.asarray(self.low, np.float32)
        span = np.asarray(self.high, np.float32) - lo
        out = (bands.astype(np.float32) - lo) * (255.0 / span)
        np.nan_to_num(out, copy=False, nan=0.0)
        return np.clip(out, 0, 255, out=out).astype(np.uint8)


def to_display(arr: np.ndarray, stretch: Stretch | None) -> np.ndarray:
    """(h, w, 3) uint8 RGB of raw samples ``arr`` ((h, w) or (h, w, bands)), as shown."""
    bands = display_bands(arr)
    if stretch is not None:
        bands = stretch.apply(bands)
    elif bands.dtype != np.uint8:
        bands = np.clip(bands, 0, 255).astype(np.uint8)
    if bands.shape[2] == 1:
        bands = np.repeat(bands, 3, axis=2)
    return np.ascontiguousarray(bands)


def needs_stretch(dtype: np.dtype) -> bool:
    return np.dtype(dtype) != np.uint8
