"""The SAM 2 video contract models (models/fixtures, built by
scripts/build_sam2_video_contract_models.py) and the synthetic clips."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
FIXTURES = REPO / "models" / "fixtures"
sys.path.insert(0, str(HERE))

CONTRACT = {role: FIXTURES / f"sam2_video_contract.{part}.onnx" for role, part in (
    ("encoder", "video_encoder"), ("memory_attention", "memory_attention"),
    ("memory_encoder", "memory_encoder"), ("decoder", "video_decoder"))}


@pytest.fixture(scope="session")
def contract_parts():
    from anylabel.inference.sam2_video.parts import Sam2VideoParts

    return Sam2VideoParts.from_files(*(str(CONTRACT[r]) for r in ("encoder", "memory_attention",
                                                                  "memory_encoder", "decoder")), device="cpu")
