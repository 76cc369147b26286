"""Where the paths in a model config may lead: the rules in one place.

A model config is a file anyone can send: ``name: ../../.bashrc`` must not make a download
land outside the model cache, ``classes: /etc/passwd`` must not read any file as a class
list, and ``pkg://numpy/../../..`` must not leave the package it names. So:

- downloads are written only inside the model cache: ``<cache>/<name>/<file name>``, where
  ``name`` and the file name are plain names (no separator, no ``..``, not absolute);
- a class list named by a config is read only from the config's folder, the shipped
  configs (``classes/<name>.txt``) or the user's config folder (``~/.anylabel/configs``,
  or ``ANYLABEL_CONFIGS_DIR``); links are followed before the check;
- ``pkg://package/path`` resolves only to a file inside that package's folder.

Model files a config names by local path (``model_path: /data/weights.onnx``) are not
confined: pointing at one's own weights anywhere is what a custom config is for, and a
model file is only read by ONNX Runtime, which refuses what is not a model.
"""
from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path
from typing import Iterable

from ..core.i18n import tr
from .config import ConfigError, shipped_config_dir

USER_CONFIGS_ENV = "ANYLABEL_CONFIGS_DIR"
#: Largest class list read (80 COCO names are 600 bytes; 20,000 names fit easily).
MAX_CLASS_LIST_BYTES = 4 * 1024 * 1024

_PACKAGE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def user_config_dir() -> Path:
    env = os.environ.get(USER_CONFIGS_ENV)
    return Path(env).expanduser() if env else Path.home() / ".anylabel" / "configs"


def is_inside(path: Path, root: Path) -> bool:
    """True when ``path`` (links followed) is ``root`` or below it."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def is_plain_name(name: str) -> bool:
    """One path component: not empty, no separator of any platform, not ``.``/``..``, no NUL."""
    return bool(name) and name not in (".", "..") and not any(c in name for c in "/\\\0:") \
        and name == name.strip()


def cache_file(cache: Path, model_name: str, file_name: str, source: Path | None) -> Path:
    """``<cache>/<model_name>/<file_name>``, refused when either part is not a plain name."""
    if not is_plain_name(model_name):
        raise ConfigError(source, tr("name: {0!r} cannot be a folder of the model cache (use a plain name "
                                     "without "
                                     "'/', '\\', ':' or '..'); it names where the download is kept").format(model_name))
    if not is_plain_name(file_name):
        raise ConfigError(source, tr("the download's file name {0!r} (the end of its URL) is not a plain "
                                     "file name").format(
            file_name))
    dest = cache / model_name / file_name
    if not is_inside(dest, cache):  # e.g. a link inside the cache that points out of it
        raise ConfigError(source, tr("{0} leads outside the model cache {1}; refused").format(dest, cache))
    return dest


def class_list_roots(config_dir: Path) -> list[Path]:
    """Folders a config's class list may come from, in the order they are searched."""
    return [config_dir, shipped_config_dir(), user_config_dir()]


def _candidates(value: str, config_dir: Path) -> list[Path]:
    shipped = shipped_config_dir() / "classes"
    user = user_config_dir()
    return [config_dir / value, shipped / f"{value}.txt", shipped / value, user / value, user / f"{value}.txt"]


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # e.g. a name longer than the file system allows: no such class list
        return False


def find_class_list(value: str, config_dir: Path, source: Path | None) -> Path:
    """The class-list file that ``classes: <value>`` names; ConfigError when there is none
    inside the allowed folders (a file outside them is named as refused, not read)."""
    roots = class_list_roots(config_dir)
    refused: list[Path] = []
    for c in _candidates(value, config_dir):
        if not _is_file(c):
            continue
        if any(is_inside(c, r) for r in roots):
            return c
        refused.append(c)
    if refused:
        raise ConfigError(source, tr("classes: {0!r} leads to {1}, outside the folders a class list may "
                                     "come from "
                                     "({2}); refused").format(value, refused[0].resolve(), _names(roots)))
    raise ConfigError(source, tr("classes: no class list named {0!r} (looked for {1})").format(
        value, ', '.join(str(c) for c in _candidates(value, config_dir))))


def read_class_list(value: str, config_dir: Path, source: Path | None) -> list[str]:
    """Names of the class list ``classes: <value>``, one a line, empty lines dropped."""
    path = find_class_list(value, config_dir, source)
    size = path.stat().st_size
    if size > MAX_CLASS_LIST_BYTES:
        raise ConfigError(source, tr("classes: {0} is {1:,} bytes, more than a class list may be ({2} "
                                     "MB)").format(
            path, size, MAX_CLASS_LIST_BYTES // (1024 * 1024)))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(source, tr("classes: {0} cannot be read ({1})").format(path, exc)) from None
    return [n for n in (ln.strip() for ln in text.splitlines()) if n]


def package_file(ref: str) -> Path:
    """``pkg://package/sub/file`` -> the file inside the installed package, never outside it."""
    from .runtime import ModelLoadError

    rest = ref[len("pkg://"):]
    pkg, _, inner = rest.partition("/")
    if not _PACKAGE_NAME.match(pkg):
        raise ModelLoadError(tr("{0}: {1!r} is not a Python package name").format(ref, pkg))
    try:
        spec = importlib.util.find_spec(pkg)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise ModelLoadError(tr("{0}: the Python package {1!r} is not installed (pip install {2})").format(
            ref, pkg, pkg.replace('_', '-')))
    root = Path(list(spec.submodule_search_locations)[0])
    path = root / inner
    if not inner or Path(inner).is_absolute() or not is_inside(path, root) or path.resolve() == root.resolve():
        raise ModelLoadError(tr("{0}: {1!r} leads outside the package {2!r} ({3}); refused").format(
            ref, inner, pkg, root))
    if not path.is_file():
        raise ModelLoadError(tr("{0}: {1} is missing from the installed package {2!r}").format(
            ref, path, pkg))
    return path


def _names(paths: Iterable[Path]) -> str:
    return ", ".join(str(p) for p in paths)
