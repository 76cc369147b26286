"""User settings and shortcuts in a YAML rc file (``~/.anylabelrc`` by default), Qt-free.

The file is created with the defaults on first run. Every shortcut can be
overridden there. A file that cannot be read or parsed is reported (``load_error``)
and the defaults are used; such a file is never overwritten, so the user can fix it.
``ANYLABEL_RC`` in the environment names another file (tests and portable setups use it).
"""
from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import yaml

from .atomic import atomic_write_text
from .safe_yaml import YamlError, load_yaml_file

ENV_VAR = "ANYLABEL_RC"
RC_NAME = ".anylabelrc"

#: Every action's default key sequence (Qt's portable text form). X-AnyLabeling's keys
#: where users know them; a list gives alternatives.
DEFAULT_SHORTCUTS: dict[str, str | list[str] | None] = {
    "open_image": "Ctrl+O",
    "open_folder": "Ctrl+U",
    "next_image": "D",
    "prev_image": "A",
    "save": "Ctrl+S",
    "close": "Ctrl+W",
    "quit": "Ctrl+Q",
    "create_rectangle": "R",
    "create_polygon": "P",
    "create_rotation": "O",
    "create_circle": "Shift+C",
    "create_line": "Shift+L",
    "create_point": "Shift+P",
    "create_linestrip": "Shift+S",
    "edit_mode": "Ctrl+J",
    "edit_label": "Ctrl+E",
    "delete": "Delete",
    "copy": "Ctrl+C",
    "paste": "Ctrl+V",
    "duplicate": "Ctrl+D",
    "undo": "Ctrl+Z",
    "redo": ["Ctrl+Shift+Z", "Ctrl+Y"],
    "select_all": "Ctrl+Shift+A",
    "hide_selected": "S",
    "show_hidden": "W",
    "toggle_all": "Ctrl+H",
    "group": "G",
    "ungroup": "U",
    "zoom_in": ["Ctrl++", "Ctrl+="],
    "zoom_out": "Ctrl+-",
    "zoom_fit": "Ctrl+F",
    "zoom_original": "Ctrl+0",
    "statistics": "Ctrl+G",
    "toggle_crosshair": None,
    "toggle_track_colors": None,
    "rotate_left_coarse": "Z",
    "rotate_left_fine": "X",
    "rotate_right_fine": "C",
    "rotate_right_coarse": "V",
    # Extensions read their keys from the same table (so that they are in the rc file and in
    # Help > Keyboard Shortcuts). The SAM keys act only while Segment Anything is on (Q / E
    # switch it on).
    "sam_positive": "Q",
    "sam_negative": "E",
    "sam_clear": "B",
    "sam_finish": "F",
    "open_video": "Ctrl+Shift+O",
    # Review mode (Review menu): accept, reject with a comment, next / previous unreviewed image.
    "review_accept": "Y",
    "review_reject": "N",
    "review_next_unreviewed": "Shift+D",
    "review_prev_unreviewed": "Shift+A",
}

#: Titles for the shortcut help of keys that belong to extensions (the built-in actions
#: have their own menu texts).
EXTENSION_SHORTCUT_TITLES: dict[str, str] = {
    "sam_positive": "Segment Anything: positive clicks (switches it on)",
    "sam_negative": "Segment Anything: negative clicks (switches it on)",
    "sam_clear": "Segment Anything: clear the prompts",
    "sam_finish": "Segment Anything: finish the object",
    "open_video": "Open Video",
}


def normalise_key(seq: str) -> str:
    """A key sequence in a comparable form: ``shift+ctrl+z`` and ``Ctrl+Shift+Z`` are equal."""
    s = str(seq).strip()
    if s.endswith("++"):
        mods, key = s[:-2], "+"
    else:
        mods, _, key = s.rpartition("+")
    parts = sorted(m.strip().lower() for m in mods.split("+") if m.strip())
    return "+".join(parts + [key.strip().lower()])

DEFAULTS: dict[str, Any] = {
    "auto_save": True,
    "edit_after_draw": True,  # switch to edit mode after each drawn shape
    "keep_last_label": False,
    "show_crosshair": True,
    "show_label_text": True,
    "fill_shapes": True,
    "color_by_track": False,  # video work: colour shapes by group_id (track id) instead of label
    "line_width": 2.0,
    "undo_limit": 1000,
    "max_display_pixels": 64_000_000,  # bigger images are shown from a downscaled level
    "last_folder": "",
    "recent_folders": [],
    "recent_limit": 10,
    "window": {"geometry": "", "state": ""},
    "label_history": [],
    "predefined_classes": [],
    "shape_flags": [],  # flag names offered as checkboxes in the label dialog
    "image_flags": [],  # image-level flag names always listed in the Flags dock
    "theme": "system",  # View > Theme: system, light or dark
    # Review mode: the name written into review records ("" = the login name), and whether
    # accepting or rejecting an image goes on to the next unreviewed one.
    "review": {"reviewer": "", "advance": True},
    "language": "en",  # View > Language: en or zh_CN (anylabel --lang zh_CN for one start)
    "shortcuts": DEFAULT_SHORTCUTS,
}


def default_settings_path() -> Path:
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else Path.home() / RC_NAME


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


class Settings:
    """Nested settings with dotted-key access, backed by one YAML file."""

    def __init__(self, path: str | os.PathLike[str] | None = None, reset: bool = False) -> None:
        self.path = Path(path) if path is not None else default_settings_path()
        self.load_error: str | None = None
        self._writable = True
        self.data: dict[str, Any] = copy.deepcopy(DEFAULTS)
        if reset:
            self.save()
        else:
            self.load()

    def load(self) -> None:
        """Read the file, creating it with the defaults when missing."""
        self.data = copy.deepcopy(DEFAULTS)
        if not self.path.exists():
            self.save()
            return
        try:
            raw = load_yaml_file(self.path, encoding="utf-8")
        except OSError as exc:
            self._fail(f"cannot be read ({exc})")
            return
        except YamlError as exc:
            self._fail(f"is refused: {exc.problem}")
            return
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            self._fail("must hold a mapping of setting names to values")
            return
        problems = self._check(raw)
        if problems:
            self._fail("; ".join(problems))
            return
        self.data = _merge(DEFAULTS, raw)

    def _check(self, raw: dict[str, Any]) -> list[str]:
        problems = []
        shortcuts = raw.get("shortcuts", {})
        if shortcuts is not None and not isinstance(shortcuts, dict):
            problems.append("'shortcuts' must be a mapping of action names to keys")
        elif shortcuts:
            for name, keys in shortcuts.items():
                if keys is not None and not isinstance(keys, (str, list)):
                    problems.append(f"shortcut '{name}' must be a key string, a list or null")
        for key, default in DEFAULTS.items():
            if key in raw and raw[key] is not None and key != "shortcuts":
                value = raw[key]
                if isinstance(default, bool) and not isinstance(value, bool):
                    problems.append(f"'{key}' must be true or false")
                elif isinstance(default, (int, float)) and not isinstance(default, bool) and (
                        isinstance(value, bool) or not isinstance(value, (int, float))):
                    problems.append(f"'{key}' must be a number")
                elif isinstance(default, list) and not isinstance(value, list):
                    problems.append(f"'{key}' must be a list")
        return problems

    def _fail(self, problem: str) -> None:
        self.load_error = f"Settings file {self.path} {problem}. Using the default settings; the file is left as it is."
        self._writable = False
        self.data = copy.deepcopy(DEFAULTS)

    def save(self) -> None:
        """Write the settings (atomically); a file that failed to load is left alone."""
        if not self._writable:
            return
        text = "# AnyLabel settings. Edit while AnyLabel is closed; delete to restore defaults.\n"
        text += yaml.safe_dump(self.data, sort_keys=True, allow_unicode=True)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, text)
        except OSError as exc:
            self.load_error = f"Settings file {self.path} cannot be written ({exc.strerror})."

    # --------------------------------------------------------------- access
    def get(self, key: str, default: Any = None) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def set(self, key: str, value: Any) -> None:
        parts = key.split(".")
        node = self.data
        for part in parts[:-1]:
            nxt = node.get(part)
            if not isinstance(nxt, dict):
                nxt = node[part] = {}
            node = nxt
        node[parts[-1]] = value

    def __getitem__(self, key: str) -> Any:
        return self.get(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self.set(key, value)

    def shortcut(self, action: str) -> list[str]:
        """Key sequences for an action: the user's override, else the default."""
        keys = self.get(f"shortcuts.{action}", DEFAULT_SHORTCUTS.get(action))
        if keys is None:
            return []
        return [keys] if isinstance(keys, str) else [str(k) for k in keys]

    def shortcut_conflicts(self) -> list[str]:
        """Keys given to more than one action (Qt would then run neither), one line each."""
        names = list(DEFAULT_SHORTCUTS) + [n for n in (self.get("shortcuts") or {}) if n not in DEFAULT_SHORTCUTS]
        owners: dict[str, list[str]] = {}
        shown: dict[str, str] = {}
        for name in names:
            for key in self.shortcut(name):
                if not key.strip():
                    continue
                k = normalise_key(key)
                owners.setdefault(k, []).append(name)
                shown.setdefault(k, key)
        return [f"{shown[k]}: {', '.join(v)}" for k, v in owners.items() if len(v) > 1]

    def add_recent_folder(self, folder: str) -> None:
        recent = [f for f in self.get("recent_folders", []) if f != folder]
        recent.insert(0, folder)
        self.set("recent_folders", recent[: int(self.get("recent_limit", 10))])
        self.set("last_folder", folder)
