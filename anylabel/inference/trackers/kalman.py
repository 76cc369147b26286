"""The constant-velocity Kalman filter every tracker here shares.

State: box centre, width and height, and their velocities (8 values). Noise scales
with the box size, so a 20-pixel box and a 400-pixel box are equally uncertain
relative to their size. Width/height rather than aspect/height keep very wide or very
tall objects (vehicles from above, text lines) as stable as square ones.
"""
from __future__ import annotations

import numpy as np

_NDIM = 4
_STD_POS = 1.0 / 20.0
_STD_VEL = 1.0 / 160.0

_F = np.eye(2 * _NDIM)
_F[:_NDIM, _NDIM:] = np.eye(_NDIM)
_H = np.eye(_NDIM, 2 * _NDIM)


def xyxy_to_cxcywh(box: np.ndarray) -> np.ndarray:
    b = np.asarray(box, dtype=np.float64)
    return np.array([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, b[2] - b[0], b[3] - b[1]])


def cxcywh_to_xyxy(m: np.ndarray) -> np.ndarray:
    cx, cy, w, h = m[:4]
    w, h = max(w, 1e-3), max(h, 1e-3)
    return np.array([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])


class KalmanFilter:
    """Predict/update on (cx, cy, w, h, vcx, vcy, vw, vh)."""

    def initiate(self, measurement: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        z = np.asarray(measurement, dtype=np.float64)
        mean = np.r_[z, np.zeros(_NDIM)]
        w, h = max(z[2], 1.0), max(z[3], 1.0)
        std = np.array([2 * _STD_POS * w, 2 * _STD_POS * h, 2 * _STD_POS * w, 2 * _STD_POS * h,
                        10 * _STD_VEL * w, 10 * _STD_VEL * h, 10 * _STD_VEL * w, 10 * _STD_VEL * h])
        return mean, np.diag(std ** 2)

    @staticmethod
    def _process_noise(w: float, h: float) -> np.ndarray:
        w, h = max(w, 1.0), max(h, 1.0)
        std = np.array([_STD_POS * w, _STD_POS * h, _STD_POS * w, _STD_POS * h,
                        _STD_VEL * w, _STD_VEL * h, _STD_VEL * w, _STD_VEL * h])
        return np.diag(std ** 2)

    def predict(self, mean: np.ndarray, cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        q = self._process_noise(mean[2], mean[3])
        mean = _F @ mean
        cov = _F @ cov @ _F.T + q
        return mean, cov

    def multi_predict(self, means: np.ndarray, covs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Vectorised ``predict`` over N tracks: (N, 8) and (N, 8, 8)."""
        if len(means) == 0:
            return means, covs
        w = np.maximum(means[:, 2], 1.0)
        h = np.maximum(means[:, 3], 1.0)
        std = np.stack([_STD_POS * w, _STD_POS * h, _STD_POS * w, _STD_POS * h,
                        _STD_VEL * w, _STD_VEL * h, _STD_VEL * w, _STD_VEL * h], axis=1)
        q = np.zeros_like(covs)
        idx = np.arange(2 * _NDIM)
        q[:, idx, idx] = std ** 2
        means = means @ _F.T
        covs = _F @ covs @ _F.T + q
        return means, covs

    def update(self, mean: np.ndarray, cov: np.ndarray, measurement: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        z = np.asarray(measurement, dtype=np.float64)
        w, h = max(mean[2], 1.0), max(mean[3], 1.0)
        r = np.diag(np.array([_STD_POS * w, _STD_POS * h, _STD_POS * w, _STD_POS * h]) ** 2)
        s = _H @ cov @ _H.T + r
        ph = cov @ _H.T
        gain = np.linalg.solve(s, ph.T).T  # K = P H^T S^-1, without forming the inverse
        mean = mean + gain @ (z - _H @ mean)
        cov = cov - gain @ s @ gain.T
        return mean, cov
