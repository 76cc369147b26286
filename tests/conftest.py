"""Shared test setup: Qt runs offscreen; helpers to find optional test assets."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED_MODELS = REPO.parent / "shared" / "models"
DARKNET_PHOTOS = Path("/usr/share/darknet/data")


@pytest.fixture
def shared_models() -> Path:
    """../shared/models (benchmark/integration ONNX files); skips when a fresh clone lacks it."""
    if not SHARED_MODELS.is_dir():
        pytest.skip(f"{SHARED_MODELS} is absent (it exists only beside the project's own checkouts)")
    return SHARED_MODELS


@pytest.fixture
def darknet_photo() -> Path:
    """A real photo from Debian's darknet package (installed by scripts/bootstrap.sh dev)."""
    p = DARKNET_PHOTOS / "dog.jpg"
    if not p.exists():
        pytest.skip("Debian package 'darknet' is not installed (scripts/bootstrap.sh dev installs it)")
    return p


@pytest.fixture(autouse=True)
def _isolated_user_files(tmp_path_factory, monkeypatch):
    """No test reads or writes the real home: settings and the model cache go to temp folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ANYLABEL_RC", str(home / ".anylabelrc"))
    monkeypatch.setenv("ANYLABEL_MODELS_DIR", str(home / "models"))
