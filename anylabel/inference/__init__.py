"""Inference services (model configs, ONNX runtime, detectors, SAM, trackers): Qt-free.

The scripting API (see docs/python-api.md)::

    from anylabel.inference import create_model, load_config
    model = create_model("fixture_shapes_det")        # a shipped name, a YAML path or a ModelConfig
    shapes = model.predict(image_rgb)                 # list[anylabel.core.Shape]
"""
from __future__ import annotations

from typing import Any

_EXPORTS = {
    "create_model": "registry", "register": "registry", "Capabilities": "registry",
    "model_types": "registry", "ModelConfig": "config", "load_config": "config",
    "find_config": "config", "shipped_configs": "config", "ConfigError": "config",
    "Model": "base", "Prediction": "base", "ModelLoadError": "runtime", "DownloadError": "download",
}


def __getattr__(name: str) -> Any:  # lazy: importing the package stays cheap
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(name)


__all__ = sorted(_EXPORTS)
