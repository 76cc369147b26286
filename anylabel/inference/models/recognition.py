"""Whole-image recognition: PULC person/vehicle attributes, the InternImage classifier and
RAM (Recognize Anything) tags.

All three exports take the image stretched to their input, RGB / 255 then ImageNet
mean/std (X-AnyLabeling's ``pulc_attribute.py``, ``internimage_cls.py``, ``__base__/ram.py``):

- PULC: ``x`` [b,3,256,192] -> [b,K] sigmoid scores. The config's ``attributes`` map says
  how to read them, in order: ``Name: [[choices...], threshold]``; threshold -1 takes the
  arg-max of len(choices) scores, else one score picks choices[0] above the threshold and
  choices[1] otherwise. The result is a rectangle over the image whose ``attributes`` hold
  the chosen values, labelled with the config's class (``classes: person``).
- InternImage: ``input`` [1,3,384,384] -> [1,1000] logits: the top class as image flag.
- RAM / RAM++: ``img`` [1,3,384,384] -> ``targets`` [b,T] (1 where a tag applies; the graph
  thresholds) and ``bs``: the tags as image flags and the description. Tag names come from
  ``classes`` or ``tag_list_path`` (one per line; X-AnyLabeling bundles RAM's list).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ...core.i18n import tr
from ...core.shape import rectangle
from ..base import Model, Prediction
from ..config import ConfigError, ModelConfig
from ..download import ProgressCallback
from ..registry import Capabilities, register
from ._layout import ranks, require_outputs

IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], np.float32)
FLAG_CAPS = Capabilities(conf=True, output_types=(), image_flags=True)
MAX_TAG_LIST_BYTES = 4 * 1024 * 1024


class StretchedImageModel(Model):
    """One session fed the stretched, ImageNet-normalised image."""

    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None) -> None:
        super().__init__(config, device, progress)
        self.session = self.load_session("model_path")
        inp = self.session.inputs[0]
        self.input_name = inp.name
        require_outputs(self.session, config.type, ranks(self.session)[:1] == [2], "scores [b,K]")
        side = config.input_size or 384
        self.input_hw = (inp.fixed_dim(2) or side, inp.fixed_dim(3) or side)

    def input_size_hint(self) -> tuple[int, int] | None:
        return self.input_hw

    def preprocess(self, image_rgb: np.ndarray) -> tuple[dict[str, np.ndarray], tuple[int, int]]:
        h, w = self.input_hw
        img = cv2.resize(image_rgb, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32) / 255.0
        blob = ((img - IMAGENET_MEAN) / IMAGENET_STD).transpose(2, 0, 1)[None]
        return {self.input_name: np.ascontiguousarray(blob, np.float32)}, image_rgb.shape[:2]

    def infer(self, inputs: dict[str, np.ndarray]) -> list[np.ndarray]:
        return self.session.run(inputs)


def parse_attributes(config: ModelConfig) -> list[tuple[str, list[str], float]]:
    """The ``attributes`` map as (name, choices, threshold); errors name the key."""
    raw = config.options.get("attributes")
    if not isinstance(raw, dict) or not raw:
        raise ConfigError(config.source, tr("attributes: a pulc_attribute config needs "
                                            "a map 'Name: [[choice, ...], threshold]'"))
    out = []
    for name, spec in raw.items():
        ok = (isinstance(spec, (list, tuple)) and len(spec) == 2 and isinstance(spec[0], (list, tuple))
              and isinstance(spec[1], (int, float)) and not isinstance(spec[1], bool))
        thr = float(spec[1]) if ok else 0.0
        if not ok or (thr != -1 and not (0.0 <= thr <= 1.0 and len(spec[0]) == 2)) or (thr == -1 and len(spec[0]) < 2):
            raise ConfigError(config.source, tr("attributes.{0}: expected [[choice, ...], "
                                                "threshold] with threshold -1 (pick the best of "
                                                "the choices) or 0..1 with two choices, got {1!r}").format(
                                                    name, spec))
        out.append((str(name), [str(c) for c in spec[0]], thr))
    return out


@register("pulc_attribute", config_keys=("attributes", "classes"),
          capabilities=Capabilities(conf=False, output_types=("rectangle",)))
class PulcAttribute(StretchedImageModel):
    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None) -> None:
        self.attributes = parse_attributes(config)
        super().__init__(config, device, progress)
        need = sum(len(c) if t == -1 else 1 for _, c, t in self.attributes)
        have = self.session.outputs[0].fixed_dim(1)
        if have is not None and have != need:
            raise ConfigError(config.source, tr("attributes: they read {0} scores but {1} gives {2}").format(
                need, self.session.path.name, have))
        # X-AnyLabeling's form ``classes: person`` (the label, not a class-list name) or a list.
        named = config.options.get("classes")
        self.label = str(named[0] if isinstance(named, list) and named else named or "object")

    def choices(self) -> dict[str, list[str]]:
        """Each attribute's possible values (for an attribute editor)."""
        return {name: list(c) for name, c, _ in self.attributes}

    def read(self, scores: np.ndarray) -> dict[str, str]:
        values, i = {}, 0
        for name, choices, thr in self.attributes:
            if thr == -1:
                values[name] = choices[int(np.argmax(scores[i:i + len(choices)]))]
                i += len(choices)
            else:
                values[name] = choices[0] if scores[i] > thr else choices[1]
                i += 1
        return values

    def decode(self, outputs: Any, meta: tuple[int, int]) -> Prediction:
        h, w = meta
        scores = np.asarray(outputs[0], np.float64).reshape(-1)
        return Prediction(shapes=[rectangle(0, 0, w, h, label=self.label, attributes=self.read(scores))])


@register("internimage_cls", capabilities=FLAG_CAPS)
class InternImageClassifier(StretchedImageModel):
    def decode(self, outputs: Any, meta: Any) -> Prediction:
        logits = np.asarray(outputs[0], np.float64).reshape(-1)
        p = np.exp(logits - logits.max())
        p /= p.sum()
        top = int(np.argmax(p))
        label = self.config.classes[top] if top < len(self.config.classes) else str(top)
        flags = {c: False for c in self.config.classes}
        if p[top] >= self.config.conf_threshold:
            flags[label] = True
        return Prediction(flags=flags, description=f"{label} {p[top]:.2f}")


def read_tag_list(config: ModelConfig, value: str) -> list[str]:
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = config.base_dir() / path
    if not path.is_file():
        raise ConfigError(config.source, tr("tag_list_path: {0} does not exist").format(path))
    if path.stat().st_size > MAX_TAG_LIST_BYTES:
        raise ConfigError(config.source, tr("tag_list_path: {0} is larger than {1} bytes").format(
            path, MAX_TAG_LIST_BYTES))
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


@register("ram", config_keys=("tag_list_path", "filter_tags", "delete_tags", "tag_mode"), capabilities=FLAG_CAPS)
class Ram(StretchedImageModel):
    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None) -> None:
        super().__init__(config, device, progress)
        opts = config.options
        self.tags = read_tag_list(config, str(opts["tag_list_path"])) if opts.get("tag_list_path") else list(config.classes)
        if not self.tags:
            self.notes.append(tr("no tag names (classes or tag_list_path): tags are named by their index"))
        self.keep_only = set(map(str, opts.get("filter_tags") or []))
        self.drop = set(map(str, opts.get("delete_tags") or []))

    def tag(self, i: int) -> str:
        return self.tags[i] if i < len(self.tags) else f"tag_{i}"

    def decode(self, outputs: Any, meta: Any) -> Prediction:
        on = np.flatnonzero(np.asarray(outputs[0]).reshape(-1) >= 0.5)
        names = [self.tag(int(i)) for i in on]
        names = [n for n in names if n not in self.drop and (not self.keep_only or n in self.keep_only)]
        # An empty description (no tag) still marks an image-level result: shapes are kept.
        return Prediction(flags={n: True for n in names}, description=", ".join(names))
