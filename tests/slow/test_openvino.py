"""``--device openvino`` with onnxruntime-openvino (scripts/test_openvino.sh makes its venv):
the session really runs on OpenVINO and finds what the CPU provider finds."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from anylabel.inference import create_model
from anylabel.inference.runtime import OnnxModel, available_providers

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).resolve().parents[2] / "models" / "fixtures" / "shapes_det.onnx"
needs_openvino = pytest.mark.skipif(
    "OpenVINOExecutionProvider" not in available_providers(),
    reason="onnxruntime-openvino is not installed here (scripts/test_openvino.sh makes a venv with it)")


@needs_openvino
def test_openvino_device_runs_on_openvino() -> None:
    m = OnnxModel(FIXTURE, device="openvino")
    assert m.device == "openvino" and m.fallback_reason is None
    assert m.session.get_providers()[0] == "OpenVINOExecutionProvider"


@needs_openvino
def test_openvino_finds_what_cpu_finds() -> None:
    import sys

    sys.path.insert(0, str(FIXTURE.parents[2] / "scripts"))
    import synthetic_shapes

    rng = np.random.default_rng(4242)
    cpu, ov = create_model("fixture_shapes_det", device="cpu"), create_model("fixture_shapes_det", device="openvino")
    assert ov.device == "openvino"
    for _ in range(10):
        img, _objs = synthetic_shapes.make_sample(rng, "det", 160, 160)
        a, b = cpu.predict(img), ov.predict(img)
        assert [s.label for s in a] == [s.label for s in b]
        for sa, sb in zip(a, b):
            assert np.abs(sa.points - sb.points).max() < 1.0


@needs_openvino
def test_cuda_asked_in_an_openvino_runtime_says_it_is_not_installed() -> None:
    m = OnnxModel(FIXTURE, device="cuda")
    assert m.device == "cpu" and "CUDA is not in the installed runtime (it has OpenVINO" in m.fallback_reason
