"""Checking at load time that an ONNX file has the outputs a model type decodes.

A config that names the wrong file (a YOLO export under a DETR type, a classifier under a
depth type) would otherwise fail deep inside the decoder with an index error on the first
image; this turns it into one message that names the file, the type, what the type
expects and what the file has.
"""
from __future__ import annotations

from ...core.i18n import tr
from ..runtime import ModelLoadError, OnnxModel


def describe_outputs(session: OnnxModel) -> str:
    return ", ".join(f"{o.name} {list(o.shape)}" for o in session.outputs) or "none"


def require_outputs(session: OnnxModel, type_name: str, ok: bool, expected: str) -> None:
    """Raise ModelLoadError unless ``ok``; ``expected`` says what the type's export gives."""
    if not ok:
        raise ModelLoadError(tr("{0}: not a {1} export: expected {2}; this file's outputs are {3}").format(
            session.path, type_name, expected, describe_outputs(session)))


def ranks(session: OnnxModel) -> list[int]:
    return [len(o.shape) for o in session.outputs]
