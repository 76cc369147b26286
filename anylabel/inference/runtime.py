"""The one seam around onnxruntime: provider choice, threads, input/output names.

CUDA is used when onnxruntime-gpu is installed and a session actually starts on it;
otherwise CPU, with the reason logged and kept in ``fallback_reason`` so the app can
show it. Every model type goes through ``OnnxModel`` instead of creating sessions itself.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Sequence

import numpy as np

log = logging.getLogger(__name__)

Device = Literal["auto", "cpu", "cuda"]

_ORT_TYPES = {
    "tensor(float)": np.float32, "tensor(float16)": np.float16, "tensor(double)": np.float64,
    "tensor(int64)": np.int64, "tensor(int32)": np.int32, "tensor(uint8)": np.uint8,
    "tensor(int8)": np.int8, "tensor(bool)": np.bool_,
}


class ModelLoadError(RuntimeError):
    """A model file that cannot be loaded; the message names the file and what to do."""


@dataclass(frozen=True)
class TensorInfo:
    name: str
    shape: tuple[int | str | None, ...]  # symbolic dims stay strings, unknown ones None
    dtype: type

    def fixed_dim(self, axis: int) -> int | None:
        d = self.shape[axis] if -len(self.shape) <= axis < len(self.shape) else None
        return d if isinstance(d, int) and d > 0 else None


def available_providers() -> list[str]:
    import onnxruntime as ort

    return list(ort.get_available_providers())


def default_threads() -> int:
    """Intra-op threads: every core (inference is the bottleneck of a labelling run)."""
    return max(1, os.cpu_count() or 1)


class OnnxModel:
    """An onnxruntime session plus what callers need to know about it."""

    def __init__(self, path: str | os.PathLike[str], device: Device = "auto",
                 intra_threads: int | None = None, inter_threads: int = 1, allow_spinning: bool = True) -> None:
        import onnxruntime as ort

        self.path = Path(path)
        if not self.path.is_file():
            raise ModelLoadError(f"{self.path}: model file not found")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = intra_threads or default_threads()
        opts.inter_op_num_threads = inter_threads
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        if not allow_spinning:
            # Idle intra-op threads sleep instead of busy-waiting: a batch pipeline needs those
            # cores for decoding and writing between runs (measured in benchmarks/bench_predict.py).
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.fallback_reason: str | None = None
        wants_cuda = device in ("auto", "cuda")
        has_cuda = "CUDAExecutionProvider" in available_providers()
        self.session = None
        if wants_cuda and has_cuda:
            try:
                self.session = ort.InferenceSession(
                    str(self.path), opts, providers=["CUDAExecutionProvider", "CPUExecutionProvider"])
                if "CUDAExecutionProvider" not in self.session.get_providers():
                    self.fallback_reason = "CUDA provider did not start (check CUDA/cuDNN versions)"
            except Exception as exc:  # noqa: BLE001  # any CUDA start failure falls back to CPU, with the reason
                self.fallback_reason = f"CUDA session failed: {exc}"
                self.session = None
        elif device == "cuda":
            self.fallback_reason = "onnxruntime-gpu is not installed (pip install -r requirements-gpu.txt)"
        elif device == "auto":
            self.fallback_reason = None if not has_cuda else self.fallback_reason
        if self.session is None:
            try:
                self.session = ort.InferenceSession(str(self.path), opts, providers=["CPUExecutionProvider"])
            except Exception as exc:  # noqa: BLE001  # onnxruntime raises several unrelated types
                raise ModelLoadError(f"{self.path}: not a loadable ONNX model ({exc})") from exc
        if self.fallback_reason:
            log.warning("%s: running on CPU: %s", self.path.name, self.fallback_reason)
        self.device = "cuda" if "CUDAExecutionProvider" in self.session.get_providers() else "cpu"
        self.inputs = [TensorInfo(i.name, tuple(i.shape), _ORT_TYPES.get(i.type, np.float32))
                       for i in self.session.get_inputs()]
        self.outputs = [TensorInfo(o.name, tuple(o.shape), _ORT_TYPES.get(o.type, np.float32))
                        for o in self.session.get_outputs()]
        self.metadata: dict[str, str] = dict(self.session.get_modelmeta().custom_metadata_map)

    @property
    def input_names(self) -> list[str]:
        return [i.name for i in self.inputs]

    @property
    def output_names(self) -> list[str]:
        return [o.name for o in self.outputs]

    def input(self, name: str) -> TensorInfo:
        for i in self.inputs:
            if i.name == name:
                return i
        raise KeyError(f"{self.path.name}: no input named {name!r} (inputs: {self.input_names})")

    def run(self, feeds: dict[str, np.ndarray], outputs: Sequence[str] | None = None) -> list[np.ndarray]:
        return self.session.run(list(outputs) if outputs else None, feeds)

    def run_dict(self, feeds: dict[str, np.ndarray], outputs: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        names = list(outputs) if outputs else self.output_names
        return dict(zip(names, self.session.run(names, feeds)))
