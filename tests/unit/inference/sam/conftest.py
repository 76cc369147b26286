"""Fixtures for SAM tests: the SAM-contract ONNX pair and synthetic scenes with known objects."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[4]
FIXTURES = REPO / "models" / "fixtures"


@dataclass
class Scene:
    image: np.ndarray               # H x W x 3 RGB
    objects: list[np.ndarray]       # bool masks of the drawn objects
    inside: list[tuple[float, float]]  # a point well inside each object (x, y)


def make_scene(w: int, h: int, seed: int = 0) -> Scene:
    """Background + a disc, a rectangle, a triangle and an ellipse, in colours far apart.

    Sizes scale with the image so every aspect ratio gets objects of a sensible size.
    """
    rng = np.random.default_rng(seed)
    img = np.empty((h, w, 3), np.uint8)
    img[:] = (70, 150, 80)
    img = np.clip(img.astype(np.int16) + rng.integers(-6, 7, img.shape), 0, 255).astype(np.uint8)  # mild noise
    s = min(w, h)
    objs, inside = [], []

    def add(draw, colour, point):
        m = np.zeros((h, w), np.uint8)
        draw(m, 1)
        draw(img, colour)
        objs.append(m.astype(bool))
        inside.append(point)

    cx, cy, r = 0.25 * w, 0.3 * h, 0.16 * s
    add(lambda im, c: cv2.circle(im, (int(cx), int(cy)), int(r), c, -1), (220, 40, 40), (cx, cy))
    x0, y0, x1, y1 = int(0.55 * w), int(0.12 * h), int(0.9 * w), int(0.45 * h)
    add(lambda im, c: cv2.rectangle(im, (x0, y0), (x1 - 1, y1 - 1), c, -1), (40, 40, 220), ((x0 + x1) / 2, (y0 + y1) / 2))
    tri = np.array([[0.1 * w, 0.9 * h], [0.45 * w, 0.9 * h], [0.2 * w, 0.6 * h]], np.int32)
    add(lambda im, c: cv2.fillPoly(im, [tri], c), (240, 220, 40), tuple(tri.mean(axis=0)))
    ex, ey = int(0.72 * w), int(0.75 * h)
    axes = (int(0.15 * w), int(0.12 * h))
    add(lambda im, c: cv2.ellipse(im, (ex, ey), axes, 20, 0, 360, c, -1), (200, 60, 220), (ex, ey))
    return Scene(img, objs, inside)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 1.0


@pytest.fixture(scope="session")
def contract_paths() -> tuple[Path, Path]:
    enc, dec = FIXTURES / "sam_contract_encoder.onnx", FIXTURES / "sam_contract_decoder.onnx"
    assert enc.is_file() and dec.is_file(), "run scripts/build_sam_contract_models.py"
    return enc, dec


@pytest.fixture(scope="session")
def contract_config(contract_paths):
    from anylabel.inference.config import config_from_dict

    enc, dec = contract_paths
    return config_from_dict({"type": "segment_anything", "name": "sam-contract", "display_name": "SAM contract",
                             "encoder_model_path": str(enc), "decoder_model_path": str(dec),
                             "input_size": 1024})


@pytest.fixture(scope="session")
def contract_model(contract_config):
    from anylabel.inference.registry import create_model

    model = create_model(contract_config, device="cpu")
    yield model
    model.close()


@pytest.fixture
def scene_factory():
    return make_scene


@pytest.fixture
def iou_fn():
    return iou
