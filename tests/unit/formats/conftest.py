"""Fixtures for the format tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from formats_helpers import make_dataset, mixed_shapes


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """Three images with mixed shapes, in a folder whose path has a space and non-ASCII characters."""
    return make_dataset(tmp_path / "my imgs é", {f"img_{i}.png": mixed_shapes(i) for i in range(3)})
