"""What the user picked in the export/import dialogs, remembered in the settings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

SETTINGS_KEY = "export_import"


@dataclass
class ExportChoices:
    fmt: str = "yolo"
    input_dir: str = ""
    output_dir: str = ""
    classes_file: str = ""
    pose_config: str = ""
    split: str = ""  # "" = no split, else "0.8,0.2" or "0.7,0.2,0.1"
    seed: int = 0
    labelled_only: bool = False
    add_new_classes: bool = False  # append labels missing from the class list (else skipped)


@dataclass
class ImportChoices:
    fmt: str = "yolo"
    source: str = ""
    images_dir: str = ""
    classes_file: str = ""
    pose_config: str = ""
    on_exists: str = "refuse"  # refuse / merge / overwrite


def load(settings: Any, cls: type, name: str):
    """The last choices (unknown or mistyped keys in the settings are ignored)."""
    raw = settings.get(f"{SETTINGS_KEY}.{name}") or {}
    kwargs = {}
    for f in fields(cls):
        if isinstance(raw, dict) and f.name in raw:
            value = raw[f.name]
            default = f.default
            if isinstance(value, type(default)) and not (
                isinstance(default, int) and isinstance(value, bool) and not isinstance(default, bool)
            ):
                kwargs[f.name] = value
    return cls(**kwargs)


def save(settings: Any, choices: ExportChoices | ImportChoices, name: str) -> None:
    settings.set(f"{SETTINGS_KEY}.{name}", asdict(choices))
