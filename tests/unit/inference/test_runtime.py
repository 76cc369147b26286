"""The runtime seam: CPU fallback with a reason, clear load errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from anylabel.inference import create_model
from anylabel.inference.runtime import ModelLoadError, OnnxModel, available_providers

FIXTURE = Path(__file__).resolve().parents[3] / "models" / "fixtures" / "shapes_det.onnx"


@pytest.mark.skipif("CUDAExecutionProvider" in available_providers(), reason="a CUDA build is installed")
def test_cuda_request_falls_back_to_cpu_with_reason() -> None:
    m = OnnxModel(FIXTURE, device="cuda")
    assert m.device == "cpu" and "onnxruntime-gpu" in m.fallback_reason
    model = create_model("fixture_shapes_det", device="cuda")
    assert model.device == "cpu" and model.fallback_reason and model.notes


def test_not_an_onnx_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"garbage")
    with pytest.raises(ModelLoadError, match="bad.onnx: not a loadable ONNX model"):
        OnnxModel(bad)
