"""The runner protocol: one JSON object a line on the runner's stdout.

The runner (``runner_script.py``, run by the training Python) sends every line of its own
output and of Ultralytics' logging to stderr, so stdout carries only protocol lines:

- ``{"event": "hello", "protocol": 1, "ultralytics": "8.x", "torch": "2.x"}``
- ``{"event": "epoch", "epoch": 3, "epochs": 10, "loss": {"box_loss": 1.2, ...},
  "metrics": {"metrics/mAP50(B)": 0.4, ...}}`` after each epoch's validation (Ultralytics'
  own metric keys; ``epoch_report`` names them)
- ``{"event": "trained", "weights": "/run/.../best.pt"}``
- ``{"event": "exported", "onnx": "/run/.../best.onnx", "imgsz": 640, "names": [...]}``
- ``{"event": "error", "kind": "missing" | "failed", "message": "..."}``

A line that is not such an object is kept as a log line (never an error: a library may
print to stdout before the runner redirects it).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from ..core.i18n import tr

PROTOCOL_VERSION = 1
EVENTS = ("hello", "epoch", "trained", "exported", "error")
#: The metric shown as "mAP" per task (Ultralytics' names with the (B)/(M)/(P) suffix removed).
HEADLINE = {"detect": "mAP50-95", "segment": "mask_mAP50-95", "obb": "mAP50-95", "pose": "pose_mAP50-95",
            "classify": "accuracy_top1"}
_SUFFIX_PREFIX = {"B": "", "M": "mask_", "P": "pose_"}


@dataclass
class Event:
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class EpochReport:
    epoch: int  # 1-based
    epochs: int
    loss: dict[str, float]
    metrics: dict[str, float]

    def total_loss(self) -> float | None:
        vals = [v for v in self.loss.values() if math.isfinite(v)]
        return sum(vals) if vals else None

    def headline(self, task: str) -> float | None:
        return self.metrics.get(HEADLINE.get(task, "mAP50-95"))

    def text(self, task: str) -> str:
        loss = self.total_loss()
        head = self.headline(task)
        parts = [tr("epoch {0}/{1}").format(self.epoch, self.epochs)]
        if loss is not None:
            parts.append(tr("loss {0:.3f}").format(loss))
        if head is not None:
            parts.append(f"{HEADLINE.get(task, 'mAP50-95')} {head:.3f}")
        if task != "classify" and "mAP50" in self.metrics:
            parts.append(f"mAP50 {self.metrics['mAP50']:.3f}")
        return "  ".join(parts)


def parse_line(line: str) -> Event:
    """A protocol event, or ``Event("log", {"text": line})`` for anything else."""
    text = line.rstrip("\r\n")
    try:
        data = json.loads(text)
    except ValueError:
        return Event("log", {"text": text})
    if not isinstance(data, dict) or data.get("event") not in EVENTS:
        return Event("log", {"text": text})
    return Event(str(data["event"]), data)


def epoch_report(event: Event) -> EpochReport:
    """The numbers of an ``epoch`` event; values that are not numbers are left out."""
    d = event.data
    metrics = {metric_name(k): v for k, v in _numbers(d.get("metrics")).items()}
    loss = {k.split("/", 1)[-1]: v for k, v in _numbers(d.get("loss")).items()}
    return EpochReport(_int(d.get("epoch"), 0), _int(d.get("epochs"), 0), loss, metrics)


def metric_name(ultralytics_key: str) -> str:
    """``metrics/mAP50-95(B)`` -> ``mAP50-95``, ``metrics/mAP50(M)`` -> ``mask_mAP50``,
    ``metrics/accuracy_top1`` -> ``accuracy_top1`` (box, mask and pose metrics stay apart)."""
    name = ultralytics_key.split("/", 1)[-1]
    if name.endswith(")") and "(" in name:
        cut = name.rindex("(")
        name = _SUFFIX_PREFIX.get(name[cut + 1:-1], name[cut + 1:-1] + "_") + name[:cut]
    return name


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _numbers(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        return {}
    out: dict[str, float] = {}
    for k, v in value.items():
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(float(v)):
            out[str(k)] = float(v)
    return out
