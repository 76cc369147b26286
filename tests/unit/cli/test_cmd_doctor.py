"""``anylabel doctor``: versions, providers that really start a session, Ray, the model cache."""
from __future__ import annotations

import os
import sys

import onnxruntime as ort

from anylabel.cli.main import main


def test_doctor_reports_runtime_providers_and_cache(capsys, monkeypatch, tmp_path) -> None:
    cache = tmp_path / "models"
    (cache / "m").mkdir(parents=True)
    (cache / "m" / "model.onnx").write_bytes(b"x" * 2_500_000)
    monkeypatch.setenv("ANYLABEL_MODELS_DIR", str(cache))
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert f"ONNX Runtime  {ort.__version__}" in out
    assert "CPUExecutionProvider: loads" in out
    assert f"{cache}: 1 files, 2.5 MB" in out
    assert f"Python        {sys.version.split()[0]}" in out
    assert "Ray" in out


def test_a_listed_provider_that_cannot_start_is_named(capsys, monkeypatch) -> None:
    # A CPU-only onnxruntime asked for CUDA: the session falls back or refuses; either way
    # the provider does not really load, and doctor must say so instead of listing it.
    listed = ort.get_available_providers()
    monkeypatch.setattr(ort, "get_available_providers", lambda: ["CUDAExecutionProvider", *listed])
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "CUDAExecutionProvider" in x)
    if "CUDAExecutionProvider" not in listed:
        assert "does not load" in line, line


def test_doctor_without_ray_names_the_extra(capsys, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    assert main(["doctor", "--no-probe"]) == 0
    assert "pip install anylabel[ray]" in capsys.readouterr().out
    assert os.environ.get("ANYLABEL_MODELS_DIR")  # the test never looks at the real cache
