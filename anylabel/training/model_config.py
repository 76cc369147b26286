"""The model config of a trained model, written where the app and ``predict`` find it.

The config goes to the user's config folder (``~/.anylabel/configs``, or
``ANYLABEL_CONFIGS_DIR``), which ``anylabel predict --list-models``, ``predict --model NAME``
and the auto-labeling panel read beside the shipped configs, so a model appears as soon
as its training ends. The ONNX path is absolute: the model stays in its run folder.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from ..core.atomic import atomic_write_text
from ..core.i18n import tr
from ..inference.config import ConfigError, ModelConfig, load_config
from ..inference.config_paths import user_config_dir
from .errors import TrainingError

MODEL_TYPE = {"detect": "yolov8", "segment": "yolov8_seg", "obb": "yolov8_obb", "pose": "yolov8_pose",
              "classify": "yolov8_cls"}
PROVIDER = "Trained here"


def config_name(run_dir: str | os.PathLike[str]) -> str:
    """A plain model name from the run folder's name (``runs/my boxes`` -> ``my_boxes``)."""
    name = re.sub(r"[^\w.-]+", "_", Path(run_dir).resolve().name).strip("._") or "trained"
    return name


def free_name(name: str, onnx: str | os.PathLike[str], folder: str | os.PathLike[str] | None = None) -> str:
    """``name``, or ``name_2``, ``name_3``... when a config of that name belongs to another run
    (another model file): training a second folder never replaces the first folder's model."""
    dest_dir = Path(folder) if folder is not None else user_config_dir()
    target = str(Path(onnx).resolve())
    candidate, n = name, 1
    while (dest_dir / f"{candidate}.yaml").is_file():
        try:
            existing = load_config(dest_dir / f"{candidate}.yaml").path_value("model_path")
        except ConfigError:
            existing = None
        if existing and str(Path(existing).resolve()) == target:
            break  # the same run trained again: its config is updated
        n += 1
        candidate = f"{name}_{n}"
    return candidate


def write_model_config(task: str, onnx: str | os.PathLike[str], classes: list[str], name: str,
                       keypoints: list[str] | None = None, folder: str | os.PathLike[str] | None = None,
                       display_name: str | None = None) -> tuple[Path, ModelConfig]:
    """Write ``<folder>/<name>.yaml`` (atomically) and load it back as the app would."""
    if task not in MODEL_TYPE:
        raise TrainingError(tr("unknown task {0!r}").format(task))
    onnx_path = Path(onnx).resolve()
    if not onnx_path.is_file():
        raise TrainingError(tr("{0}: the exported model is missing").format(onnx_path))
    data: dict = {
        "type": MODEL_TYPE[task],
        "name": name,
        "display_name": display_name or f"{name} ({task})",
        "provider": PROVIDER,
        "model_path": str(onnx_path),
        "classes": list(classes),
    }
    if task != "classify":
        data.update(conf_threshold=0.25, iou_threshold=0.45)
    if task == "pose":
        data["keypoints"] = list(keypoints or [])
    dest_dir = Path(folder) if folder is not None else user_config_dir()
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        dest = dest_dir / f"{name}.yaml"
        text = "# Written by 'anylabel train' for its run folder " + str(onnx_path.parent) + "\n"
        atomic_write_text(dest, text + yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    except OSError as exc:
        raise TrainingError(tr("{0}: the model config cannot be written ({1})").format(
            dest_dir, exc.strerror or exc)) from None
    try:
        return dest, load_config(dest)
    except ConfigError as exc:
        raise TrainingError(tr("the written model config does not load: {0}").format(exc)) from None
