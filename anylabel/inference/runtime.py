"""The one seam around onnxruntime: provider choice, threads, input/output names.

A device (``providers.DEVICES``: auto, cpu, cuda, tensorrt, directml, openvino) is used when
the installed runtime has its provider and a session actually starts on it; otherwise CPU,
with the reason (not installed, library load failure, no device) logged and kept in
``fallback_reason`` so the panel, ``predict`` and ``doctor`` can show it. Every model type
goes through ``OnnxModel`` instead of creating sessions itself.
"""
from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Sequence

import numpy as np

from ..core.i18n import tr
from .providers import CPU, device_of, fallback_reason, wanted_providers

log = logging.getLogger(__name__)

Device = Literal["auto", "cpu", "cuda", "tensorrt", "directml", "openvino"]

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
            raise ModelLoadError(tr("{0}: model file not found").format(self.path))
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
        self.session = self._start(ort, opts, device)
        if self.fallback_reason:
            log.warning("%s: running on CPU: %s", self.path.name, self.fallback_reason)
        self.device = device_of(self.session.get_providers()[0])
        self.inputs = [TensorInfo(i.name, tuple(i.shape), _ORT_TYPES.get(i.type, np.float32))
                       for i in self.session.get_inputs()]
        self.outputs = [TensorInfo(o.name, tuple(o.shape), _ORT_TYPES.get(o.type, np.float32))
                        for o in self.session.get_outputs()]
        self.metadata: dict[str, str] = dict(self.session.get_modelmeta().custom_metadata_map)

    def _start(self, ort: Any, opts: Any, device: str) -> Any:
        """A session on the device's providers when they start, else on CPU (with the reason)."""
        listed = available_providers()
        wanted = wanted_providers(device, listed)
        chain = [p for p in wanted if p in listed]
        if chain:
            try:
                with warnings.catch_warnings():  # the outcome is reported once, by the caller
                    warnings.simplefilter("ignore")
                    session = ort.InferenceSession(str(self.path), opts, providers=[*chain, CPU])
            except Exception as exc:  # noqa: BLE001  # any provider start failure falls back to CPU
                self.fallback_reason = fallback_reason(chain[0], listed, exc)
            else:
                used = session.get_providers()[0]
                if used != CPU:
                    if used != wanted[0]:  # e.g. TensorRT asked for, CUDA running
                        log.warning("%s: running on %s: %s", self.path.name, used,
                                    fallback_reason(wanted[0], listed))
                    return session
                self.fallback_reason = fallback_reason(chain[0], listed)
        elif wanted:
            self.fallback_reason = fallback_reason(wanted[0], listed)
        try:
            return ort.InferenceSession(str(self.path), opts, providers=[CPU])
        except Exception as exc:  # noqa: BLE001  # onnxruntime raises several unrelated types
            raise ModelLoadError(tr("{0}: not a loadable ONNX model ({1})").format(self.path, exc)) from exc

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
        raise KeyError(tr("{0}: no input named {1!r} (inputs: {2})").format(
            self.path.name, name, self.input_names))

    def run(self, feeds: dict[str, np.ndarray], outputs: Sequence[str] | None = None) -> list[np.ndarray]:
        return self.session.run(list(outputs) if outputs else None, feeds)

    def run_dict(self, feeds: dict[str, np.ndarray], outputs: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        names = list(outputs) if outputs else self.output_names
        return dict(zip(names, self.session.run(names, feeds)))
