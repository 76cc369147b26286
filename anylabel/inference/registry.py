"""The model registry: model type name -> class + what it can do.

Each model type registers itself once, on its class::

    @register("yolov8", capabilities=Capabilities(conf=True, iou=True, batch=True))
    class YoloV8(DetectorModel): ...

Model-type modules are found by discovery, not by a hand-kept table: the first lookup
imports every module of the packages in ``MODEL_PACKAGES`` (they only import numpy at
module level, so this is cheap). Adding a model type therefore touches one Python file
and one YAML. A module that fails to import is remembered and named in the error for
the types it would have provided, instead of breaking every other model.

Config keys: ``config_keys`` are the extra YAML keys a type uses (they land in
``ModelConfig.options``); ``ignored_keys`` ({key: why} or a list of names) are keys
X-AnyLabeling's configs set for the type that mean nothing here: accepted, kept in
``ModelConfig.ignored`` and reported once as a warning. Any other key is an error.

Types of X-AnyLabeling's zoo that are not registered here have a reason
(``unsupported_reason``): ``anylabel models check`` prints it and ``create_model`` raises it.
"""
from __future__ import annotations

import difflib
import importlib
import logging
import os
import pkgutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, TypeVar

from ..core.i18n import tr
from .config import ConfigError, ModelConfig, find_config, load_config

if TYPE_CHECKING:  # pragma: no cover
    from .base import Model, ProgressCallback

log = logging.getLogger(__name__)

#: Packages whose modules define model types (walked recursively on first lookup).
MODEL_PACKAGES: tuple[str, ...] = ("anylabel.inference.models", "anylabel.inference.sam",
                                   "anylabel.inference.sam2_video")


@dataclass(frozen=True)
class Capabilities:
    """What a model type can do; the panel shows controls from this record."""

    conf: bool = True
    iou: bool = False
    point_prompts: bool = False
    box_prompts: bool = False
    text_prompts: bool = False
    tracking: bool = False
    batch: bool = False
    #: The NMS variant can be chosen (NMS_METHODS in config.py).
    nms_methods: bool = False
    #: Sliced (SAHI) inference makes sense for it.
    sahi: bool = False
    #: Shape types it can output, first = default; the panel offers the choice.
    output_types: tuple[str, ...] = ("rectangle",)
    #: Produces image-level flags (classification) instead of / besides shapes.
    image_flags: bool = False
    #: Can use the image's existing shapes as input (``predict_with_annotation``).
    uses_annotation: bool = False


@dataclass(frozen=True)
class ModelType:
    name: str
    cls: type
    capabilities: Capabilities
    config_keys: frozenset[str] = field(default_factory=frozenset)
    module: str = ""
    #: Keys accepted without being used -> why (may be empty).
    ignored_keys: dict[str, str] = field(default_factory=dict)


_TYPES: dict[str, ModelType] = {}
_IMPORT_ERRORS: dict[str, str] = {}
_discovered = False
_lock = threading.RLock()

C = TypeVar("C", bound=type)


def register(name: str, capabilities: Capabilities | None = None, config_keys: Iterable[str] = (),
             aliases: Iterable[str] = (), ignored_keys: Mapping[str, str] | Iterable[str] = ()) -> Callable[[C], C]:
    """Class decorator: make ``name`` (and ``aliases``) create this model type.

    ``config_keys``: extra keys the type reads from ``config.options``; ``ignored_keys``:
    keys accepted but not used ({key: why} or names), reported once as warnings.
    """
    reasons = ({str(k): str(v) for k, v in ignored_keys.items()} if isinstance(ignored_keys, Mapping)
               else {str(k): "" for k in ignored_keys})

    def deco(cls: C) -> C:
        entry = ModelType(name, cls, capabilities or Capabilities(), frozenset(config_keys), cls.__module__,
                          reasons)
        with _lock:
            for n in (name, *aliases):
                old = _TYPES.get(n)
                if old is not None and old.cls is not cls and old.module != cls.__module__:
                    raise ValueError(tr("model type {0!r} registered twice ({1} and {2})").format(
                        n, old.module, cls.__module__))
                _TYPES[n] = entry
        cls.type_name = name  # type: ignore[attr-defined]
        cls.capabilities = entry.capabilities  # type: ignore[attr-defined]
        return cls

    return deco


def _discover() -> None:
    global _discovered
    with _lock:
        if _discovered:
            return
        _discovered = True
        for pkg_name in MODEL_PACKAGES:
            try:
                pkg = importlib.import_module(pkg_name)
            except ImportError as exc:
                if exc.name != pkg_name:  # a missing optional package is fine; a broken one is not
                    _IMPORT_ERRORS[pkg_name] = str(exc)
                continue
            for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{pkg_name}."):
                if info.name.rsplit(".", 1)[-1].startswith("_"):
                    continue
                try:
                    importlib.import_module(info.name)
                except Exception as exc:  # noqa: BLE001  # one broken model module must not hide the rest
                    log.warning("model module %s failed to import: %s", info.name, exc)
                    _IMPORT_ERRORS[info.name] = f"{type(exc).__name__}: {exc}"


def model_types() -> dict[str, ModelType]:
    """Every registered model type by name (aliases included)."""
    _discover()
    return dict(_TYPES)


def unsupported_reason(name: str) -> str | None:
    """Why a model type cannot run here (None when it can, or when nobody knows the name)."""
    from .zoo_types import OUT_OF_SCOPE, XAL_TYPES

    _discover()
    if name in _TYPES:
        return None
    if name in OUT_OF_SCOPE:
        return OUT_OF_SCOPE[name]
    if name in XAL_TYPES:
        return "an X-AnyLabeling model type that is not implemented here yet"
    return None


def get_model_type(name: str) -> ModelType:
    _discover()
    entry = _TYPES.get(name)
    if entry is None:
        reason = unsupported_reason(name)
        if reason:
            raise ConfigError(None, tr("model type {0!r} is not supported: {1}").format(name, reason))
        known = ", ".join(sorted(_TYPES))
        close = difflib.get_close_matches(name, sorted(_TYPES), n=1, cutoff=0.6)
        if close:
            known = f"did you mean {close[0]!r}? known types: {known}"
        else:
            known = f"known types: {known}"
        broken = "".join(f"\n  {m}: {e}" for m, e in _IMPORT_ERRORS.items())
        hint = f"\nModules that failed to import:{broken}" if broken else ""
        raise ConfigError(None, tr("unknown model type {0!r}; {1}{2}").format(name, known, hint))
    return entry


def capabilities_of(name: str) -> Capabilities:
    return get_model_type(name).capabilities


def types_with(**wanted: bool) -> list[str]:
    """Names (aliases included) of the registered types whose capabilities match, e.g.
    ``types_with(point_prompts=True)``: the GUI and CLI ask this instead of listing names."""
    return sorted(n for n, e in model_types().items()
                  if all(getattr(e.capabilities, k) == v for k, v in wanted.items()))


def config_keys_for(name: str) -> frozenset[str]:
    """Extra config keys a type accepts (empty for unknown types: the type error comes later)."""
    _discover()
    entry = _TYPES.get(name)
    return entry.config_keys if entry else frozenset()


def create_model(config: ModelConfig | str | os.PathLike[str], device: str | None = None,
                 progress: "ProgressCallback | None" = None, **options: Any) -> "Model":
    """Build a ready-to-run model from a config, a YAML path or a shipped model name.

    ``device``: "auto" (default), "cpu" or "cuda"; None uses the config's ``device``.
    ``progress(done_bytes, total_bytes_or_None, file_name)`` reports downloads.
    """
    if isinstance(config, ModelConfig):
        cfg = config
    elif isinstance(config, Path):
        cfg = load_config(config)
    else:
        cfg = find_config(str(config))
    try:
        entry = get_model_type(cfg.type)
    except ConfigError as exc:
        raise ConfigError(cfg.source, exc.problem) from None
    dev = device or cfg.device or "auto"
    return entry.cls(cfg, device=dev, progress=progress, **options)
