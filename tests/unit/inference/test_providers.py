"""Device choice and the reason a requested provider runs on CPU: not in the installed runtime,
its library fails to load, no device, out of memory. Where no GPU exists the provider list is
mocked; the sessions are ONNX Runtime's own (or a start failure raised the way providers do)."""
from __future__ import annotations

from pathlib import Path

import onnxruntime as ort
import pytest

from anylabel.cli.main import main as cli
from anylabel.inference import create_model
from anylabel.inference import providers as prov
from anylabel.inference.config import ConfigError, config_from_dict
from anylabel.inference.runtime import OnnxModel

FIXTURE = Path(__file__).resolve().parents[3] / "models" / "fixtures" / "shapes_det.onnx"
CPU_ONLY = "CUDAExecutionProvider" not in ort.get_available_providers()


def list_also(monkeypatch, *extra: str) -> None:
    listed = ort.get_available_providers()
    monkeypatch.setattr(ort, "get_available_providers", lambda: [*extra, *listed])


def test_wanted_providers_per_device() -> None:
    assert prov.wanted_providers("cpu", ["CUDAExecutionProvider"]) == ()
    assert prov.wanted_providers("tensorrt", []) == ("TensorrtExecutionProvider", "CUDAExecutionProvider")
    assert prov.wanted_providers("auto", ["OpenVINOExecutionProvider", "CPUExecutionProvider"]) == \
        ("OpenVINOExecutionProvider",)
    assert prov.wanted_providers("auto", ["TensorrtExecutionProvider", "CUDAExecutionProvider"]) == \
        ("CUDAExecutionProvider",)  # auto never starts a minutes-long TensorRT engine build
    with pytest.raises(ValueError, match="device must be one of"):
        prov.wanted_providers("gpu", [])


@pytest.mark.skipif(not CPU_ONLY, reason="a GPU build of onnxruntime is installed")
@pytest.mark.parametrize("device, name, package", [
    ("cuda", "CUDA", "onnxruntime-gpu"), ("tensorrt", "TensorRT", "TensorRT"),
    ("directml", "DirectML", "onnxruntime-directml"), ("openvino", "OpenVINO", "onnxruntime-openvino")])
def test_a_provider_not_in_the_runtime_is_named_with_its_package(device, name, package) -> None:
    m = OnnxModel(FIXTURE, device=device)
    assert m.device == "cpu"
    assert f"{name} is not in the installed runtime" in m.fallback_reason and package in m.fallback_reason


def test_auto_on_a_cpu_runtime_has_nothing_to_explain() -> None:
    m = OnnxModel(FIXTURE, device="auto")
    assert (m.device == "cpu") == (m.fallback_reason is not None or not prov.wanted_providers(
        "auto", ort.get_available_providers()))


@pytest.mark.skipif(not CPU_ONLY, reason="a GPU build of onnxruntime is installed")
def test_listed_but_library_missing_is_a_library_load_failure(monkeypatch) -> None:
    """ONNX Runtime itself falls back silently (a log line); the reason names the library."""
    list_also(monkeypatch, "CUDAExecutionProvider")
    m = OnnxModel(FIXTURE, device="cuda")
    assert m.device == "cpu"
    assert "CUDA library load failure" in m.fallback_reason
    assert "libonnxruntime_providers_cuda.so is not part of the installed onnxruntime" in m.fallback_reason


def test_a_library_that_does_not_load_is_named_with_the_loaders_message(monkeypatch, tmp_path) -> None:
    capi = tmp_path / "capi"
    capi.mkdir()
    (capi / "libonnxruntime_providers_openvino.so").write_bytes(b"not an ELF file" * 10)
    monkeypatch.setattr(ort, "__file__", str(tmp_path / "__init__.py"))
    problem = prov.library_problem("OpenVINOExecutionProvider")
    assert problem.startswith("libonnxruntime_providers_openvino.so failed to load:")


class _Refusing:
    """ort.InferenceSession that raises, for any non-CPU chain, what a failing provider raises."""

    def __init__(self, message: str) -> None:
        self.message = message
        self.real = ort.InferenceSession

    def __call__(self, path, opts=None, providers=None, **kw):
        if providers and providers[0] != "CPUExecutionProvider":
            raise RuntimeError(self.message)
        return self.real(path, opts, providers=providers, **kw)


@pytest.mark.parametrize("message, expected", [
    ("CUDA failure 100: no CUDA-capable device is detected ; GPU=0", "CUDA: no usable device"),
    ("CUDA error cudaErrorMemoryAllocation: out of memory", "CUDA ran out of device memory"),
    ("Failed to load library libonnxruntime_providers_cuda.so with error: libcublasLt.so.12: cannot open "
     "shared object file", "CUDA library load failure"),
])
def test_a_provider_that_fails_to_start_says_why(monkeypatch, message, expected) -> None:
    list_also(monkeypatch, "CUDAExecutionProvider")
    monkeypatch.setattr(ort, "InferenceSession", _Refusing(message))
    m = OnnxModel(FIXTURE, device="cuda")
    assert m.device == "cpu" and expected in m.fallback_reason
    # the same reason reaches the model, which the panel and predict show
    monkeypatch.setattr(ort, "InferenceSession", _Refusing(message))
    model = create_model("fixture_shapes_det", device="cuda")
    assert model.device == "cpu" and expected in model.fallback_reason
    assert any(expected in n for n in model.notes)


def test_predict_prints_the_reason(monkeypatch, tmp_path, capsys) -> None:
    import cv2
    import numpy as np

    cv2.imwrite(str(tmp_path / "a.png"), np.full((64, 64, 3), 200, np.uint8))
    list_also(monkeypatch, "CUDAExecutionProvider")
    monkeypatch.setattr(ort, "InferenceSession", _Refusing("CUDA failure 100: no CUDA-capable device is detected"))
    assert cli(["predict", "--model", "fixture_shapes_det", "--input", str(tmp_path), "--device", "cuda"]) == 0
    err = capsys.readouterr().err
    assert "running on CPU: CUDA: no usable device" in err


def test_config_devices_are_checked() -> None:
    cfg = config_from_dict({"type": "yolov8", "name": "m", "model_path": "m.onnx", "device": "openvino"})
    assert cfg.device == "openvino"
    with pytest.raises(ConfigError, match="device must be one of auto, cpu, cuda, tensorrt, directml, openvino"):
        config_from_dict({"type": "yolov8", "name": "m", "model_path": "m.onnx", "device": "opnevino"})


@pytest.mark.skipif(not CPU_ONLY, reason="a GPU build of onnxruntime is installed")
def test_doctor_names_each_device_and_why_it_runs_on_cpu(capsys) -> None:
    assert cli(["doctor"]) == 0
    out = capsys.readouterr().out
    for device, name in (("cuda", "CUDA"), ("openvino", "OpenVINO"), ("directml", "DirectML")):
        line = next(x for x in out.splitlines() if f"device      {device}:" in x)
        assert f"runs on CPU: {name} is not in the installed runtime" in line
    assert "(onnxruntime " in out  # which build is installed


def test_doctor_probes_a_listed_device_that_cannot_start(monkeypatch, capsys) -> None:
    list_also(monkeypatch, "CUDAExecutionProvider")
    monkeypatch.setattr(ort, "InferenceSession", _Refusing("CUDA failure 100: no CUDA-capable device is detected"))
    assert cli(["doctor"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "device      cuda:" in x)
    assert "runs on CPU: CUDA: no usable device" in line
