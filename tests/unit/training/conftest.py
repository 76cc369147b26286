"""Label folders for the training tests (real images and label files, made on the fly)."""
from __future__ import annotations

from pathlib import Path

import pytest

from synthetic_label_folder import make_label_folder  # scripts/ is on sys.path (tests/conftest.py)


@pytest.fixture
def det_folder(tmp_path: Path) -> Path:
    return make_label_folder(tmp_path / "my images", "detect", count=10, size=64)
