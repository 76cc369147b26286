"""Execution providers: which one a device name asks for, and why one did not start.

A device name (config ``device:``, ``--device``, the panel) maps to ONNX Runtime providers:

    cuda      CUDAExecutionProvider               pip install onnxruntime-gpu
    tensorrt  TensorRT, then CUDA                 onnxruntime-gpu + TensorRT libraries
    directml  DmlExecutionProvider (Windows)      pip install onnxruntime-directml
    openvino  OpenVINOExecutionProvider (Intel)   pip install onnxruntime-openvino
    auto      the first of CUDA, DirectML, OpenVINO that the installed runtime lists, else CPU

(``auto`` skips TensorRT: its first session builds an engine for minutes; ask for it by name.)
Each GPU/accelerator package *replaces* the ``onnxruntime`` wheel (they install the same
``onnxruntime`` module), so one environment has one of them.

When a provider is asked for and the session runs on CPU anyway, ``fallback_reason`` says
which of three things happened: the provider is not in the installed runtime, its library
failed to load (the missing shared library is named), or it loaded and found no device.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Sequence

from ..core.i18n import tr

CPU = "CPUExecutionProvider"

#: Device name -> providers to try, best first (CPU is always appended as the fallback).
DEVICE_PROVIDERS: dict[str, tuple[str, ...]] = {
    "cpu": (),
    "cuda": ("CUDAExecutionProvider",),
    "tensorrt": ("TensorrtExecutionProvider", "CUDAExecutionProvider"),
    "directml": ("DmlExecutionProvider",),
    "openvino": ("OpenVINOExecutionProvider",),
}
#: Providers ``auto`` uses when the installed runtime lists them, in this order.
AUTO_PROVIDERS: tuple[str, ...] = ("CUDAExecutionProvider", "DmlExecutionProvider", "OpenVINOExecutionProvider")
DEVICES: tuple[str, ...] = ("auto", *DEVICE_PROVIDERS)

#: Provider -> the pip package whose onnxruntime build contains it.
PACKAGE_OF: dict[str, str] = {
    "CUDAExecutionProvider": "onnxruntime-gpu (pip install -r requirements-gpu.txt)",
    "TensorrtExecutionProvider": "onnxruntime-gpu with the TensorRT libraries",
    "DmlExecutionProvider": "onnxruntime-directml (Windows)",
    "OpenVINOExecutionProvider": "onnxruntime-openvino in place of onnxruntime (docs/models.md, OpenVINO)",
}
#: Provider -> its shared library inside onnxruntime/capi (DirectML is built into the runtime).
_LIBRARY_OF: dict[str, str] = {
    "CUDAExecutionProvider": "onnxruntime_providers_cuda",
    "TensorrtExecutionProvider": "onnxruntime_providers_tensorrt",
    "OpenVINOExecutionProvider": "onnxruntime_providers_openvino",
}
_NO_DEVICE = ("no cuda-capable device", "cudaerrornodevice", "no device", "device not found",
              "cuda failure 100", "cudaerrorinsufficientdriver", "driver version is insufficient",
              "no adapter", "dxgi_error_unsupported")
_OUT_OF_MEMORY = ("out of memory", "cudaerrormemoryallocation", "failed to allocate")
_LIBRARY = ("cannot open shared object", "failed to load library", "loadlibrary", "error loading",
            "dlopen", "undefined symbol", "library not found", "could not locate")

PROVIDER_NAMES: dict[str, str] = {
    CPU: "CPU", "CUDAExecutionProvider": "CUDA", "TensorrtExecutionProvider": "TensorRT",
    "DmlExecutionProvider": "DirectML", "OpenVINOExecutionProvider": "OpenVINO", "AzureExecutionProvider": "Azure",
}


def device_of(provider: str) -> str:
    """The device name of a provider ("cuda", "openvino"...; "cpu" for anything else)."""
    for name, chain in DEVICE_PROVIDERS.items():
        if chain and chain[0] == provider:
            return name
    return "cpu"


def wanted_providers(device: str, listed: Sequence[str]) -> tuple[str, ...]:
    """Providers to ask for (CPU excluded): a named device's, or for ``auto`` those listed."""
    if device == "auto":
        return tuple(p for p in AUTO_PROVIDERS if p in listed)
    if device not in DEVICE_PROVIDERS:
        raise ValueError(tr("device must be one of {0}, got {1!r}").format(", ".join(DEVICES), device))
    return DEVICE_PROVIDERS[device]


def library_problem(provider: str) -> str | None:
    """Why the provider's shared library does not load here (None: it loads, or has none).

    Loading it is what ONNX Runtime does at session start; the loader's message names the
    dependency that is missing (e.g. ``libcublasLt.so.12``), which ONNX Runtime itself only
    writes to its log before falling back."""
    import ctypes

    base = _LIBRARY_OF.get(provider)
    if base is None:
        return None
    try:
        import onnxruntime

        capi = Path(onnxruntime.__file__).parent / "capi"
    except ImportError:  # pragma: no cover  # callers have imported it already
        return None
    name = f"{base}.dll" if sys.platform == "win32" else f"lib{base}.so"
    path = capi / name
    if not path.is_file():
        return f"{name} is not part of the installed onnxruntime"
    try:
        ctypes.CDLL(os.fspath(path))
    except OSError as exc:
        return f"{name} failed to load: {exc}"
    return None


def fallback_reason(provider: str, listed: Sequence[str], error: BaseException | None = None) -> str:
    """Why a session asked to use ``provider`` runs on CPU: one line for users."""
    short = PROVIDER_NAMES.get(provider, provider)
    if provider not in listed:
        have = ", ".join(PROVIDER_NAMES.get(p, p) for p in listed) or "none"
        return (f"{short} is not in the installed runtime (it has {have}); "
                f"install {PACKAGE_OF.get(provider, 'an onnxruntime build with it')}")
    text = (str(error).strip().splitlines() or [""])[0][:300] if error is not None else ""
    low = text.lower()
    if any(k in low for k in _OUT_OF_MEMORY):
        return f"{short} ran out of device memory ({text})"
    if any(k in low for k in _NO_DEVICE):
        return f"{short}: no usable device ({text})"
    problem = library_problem(provider)
    if problem or any(k in low for k in _LIBRARY):
        return f"{short} library load failure: {problem or text}"
    if error is not None:
        return f"{short} session failed: {type(error).__name__}: {text}"
    return f"{short} loaded but did not start a session: no usable device (check the driver and the GPU)"
