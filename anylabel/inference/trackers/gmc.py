"""Camera motion compensation: how the whole image moved since the previous frame.

When the camera pans, shakes or zooms, every object jumps at once and a motion model
that assumes a still camera predicts them where they were. The global motion is
estimated as a similarity transform (shift, rotation, scale) from corners tracked by
sparse optical flow on a downscaled grey frame, with RANSAC so that the moving objects
themselves do not count, and the tracks' predictions are moved with it.
"""
from __future__ import annotations

import cv2
import numpy as np

#: ``gmc_method`` values that mean "on" (Ultralytics/BoT-SORT spelling) or "off".
SUPPORTED = {"sparseoptflow": "sparseOptFlow"}
OFF = {None, "", "none"}


class CameraMotion:
    """``estimate(frame_rgb)`` -> 2x3 affine mapping the previous frame's pixels to this one's."""

    def __init__(self, downscale: int = 2, max_corners: int = 600) -> None:
        self.downscale = max(1, int(downscale))
        self.max_corners = max_corners
        self._prev: np.ndarray | None = None
        self._prev_pts: np.ndarray | None = None

    def reset(self) -> None:
        self._prev, self._prev_pts = None, None

    def estimate(self, frame_rgb: np.ndarray) -> np.ndarray:
        ident = np.eye(2, 3)
        gray = cv2.cvtColor(frame_rgb, cv2.COLOR_RGB2GRAY)
        if self.downscale > 1:
            gray = cv2.resize(gray, (gray.shape[1] // self.downscale, gray.shape[0] // self.downscale),
                              interpolation=cv2.INTER_AREA)
        pts = cv2.goodFeaturesToTrack(gray, maxCorners=self.max_corners, qualityLevel=0.01, minDistance=1,
                                      blockSize=3)
        prev, prev_pts = self._prev, self._prev_pts
        self._prev, self._prev_pts = gray, pts
        if prev is None or prev_pts is None or len(prev_pts) < 8 or prev.shape != gray.shape:
            return ident
        nxt, status, _ = cv2.calcOpticalFlowPyrLK(prev, gray, prev_pts, None)
        ok = status.ravel() == 1
        if ok.sum() < 8:
            return ident
        m, inliers = cv2.estimateAffinePartial2D(prev_pts[ok], nxt[ok], method=cv2.RANSAC)
        if m is None:
            return ident
        m = m.astype(np.float64)
        m[:, 2] *= self.downscale
        return m


def apply_to_states(affine: np.ndarray, means: np.ndarray, covs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Move (N, 8) Kalman states (cx, cy, w, h and velocities) and their covariances by ``affine``."""
    if len(means) == 0:
        return means, covs
    r = affine[:, :2]
    t = affine[:, 2]
    big = np.kron(np.eye(4), r)          # acts on (cx, cy), (w, h), (vcx, vcy), (vw, vh)
    scale = float(np.sqrt(abs(np.linalg.det(r))))
    big[2:4, 2:4] = np.eye(2) * scale    # sizes scale; they do not rotate
    big[6:8, 6:8] = np.eye(2) * scale
    means = means @ big.T
    means[:, :2] += t
    covs = big @ covs @ big.T
    return means, covs
