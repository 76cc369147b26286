"""Model configs: one YAML per model, loaded into a typed, validated ``ModelConfig``.

Why validated: a misspelled key (``conf_treshold``) silently ignored is a threshold the
user thinks is set and is not. Every unknown key is an error that names the file, the
key and the closest known key.

The schema is X-AnyLabeling's "custom model" schema (so a user's YAML + ONNX pair loads
here unchanged), including old spellings (``confidence_threshold``, ``nms_threshold``),
the SAM, OCR, SAHI and ``tracker:`` keys, plus AnyLabel's own additions (``nms``,
``max_det``, ``sha256``, ...). A model type declares the extra keys it uses
(``register(..., config_keys=...)``, they land in ``ModelConfig.options``) and the keys
X-AnyLabeling's configs set for it that mean nothing here (``register(...,
ignored_keys=...)``): those are accepted, kept in ``ModelConfig.ignored`` and reported
once as a warning (``ModelConfig.warnings``; ``anylabel models check`` prints them).

A type that is not registered here cannot tell a typo from a key of its own, so its
extra keys are kept unchecked in ``options``; creating the model then fails with the
reason (see ``registry.unsupported_reason``).
"""
from __future__ import annotations

import difflib
import logging
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..core.errors import AnyLabelError
from ..core.i18n import tr

log = logging.getLogger(__name__)

#: Old key names that existing configs use, mapped to the current names. (``model_type``
#: is not one: beside ``type`` it names a sub-variant, e.g. EdgeSAM's or Grounding-DINO's.)
ALIASES: dict[str, str] = {
    "confidence_threshold": "conf_threshold",
    "score_threshold": "conf_threshold",
    "nms_threshold": "iou_threshold",
}

#: NMS variants a config or the panel may choose (see anylabel.inference.postprocess).
NMS_METHODS: tuple[str, ...] = ("nms", "soft_nms_linear", "soft_nms_gaussian", "weighted_nms", "diou_nms")

#: Path-valued keys: URLs, local paths (absolute or relative to the YAML) or pkg:// refs.
PATH_KEYS: tuple[str, ...] = ("model_path", "encoder_model_path", "decoder_model_path",
                              "det_model_path", "rec_model_path", "cls_model_path",
                              "memory_encoder_model_path", "memory_attention_model_path")

#: Keys of the ``tracker:`` map (X-AnyLabeling / Ultralytics tracker settings).
TRACKER_KEYS: frozenset[str] = frozenset({
    "tracker_type", "track_high_thresh", "track_low_thresh", "new_track_thresh", "track_buffer",
    "match_thresh", "fuse_score", "gmc_method", "proximity_thresh", "appearance_thresh", "with_reid",
    "model", "max_age", "min_hits", "iou_threshold", "det_thresh", "delta_t", "asso_func", "inertia",
})

#: Upper bound of class indices in a {index: name} map (the list is allocated densely).
MAX_CLASS_INDEX = 100_000

#: ``tracker:`` keys of X-AnyLabeling's TrackTrack settings, which the trackers here do not
#: use: accepted and reported as ignored (``lost_match_thr``, the weights of its cost terms...).
IGNORED_TRACKER_KEYS: frozenset[str] = frozenset({
    "angle_weight", "conf_weight", "iou_weight", "lost_match_thr", "min_track_len", "penalty_p",
    "reduce_step", "tai_thr",
})

#: Tracker types of X-AnyLabeling's configs that are not implemented here -> the one used instead.
TRACKER_SUBSTITUTES: dict[str, str] = {"tracktrack": "bytetrack"}

#: Where the shipped configs and shared class lists live (``models/configs`` in the repo).
def shipped_config_dir() -> Path:
    from .. import model_configs  # type: ignore[attr-defined]  # mapped by setup.py

    return Path(model_configs.__file__).parent


class ConfigError(AnyLabelError):
    """A model config that cannot be used; the message names the file and the key."""

    def __init__(self, path: str | os.PathLike[str] | None, problem: str) -> None:
        self.path = Path(path) if path is not None else None
        self.problem = problem
        super().__init__(f"{path if path is not None else '<config>'}: {problem}")


@dataclass
class ModelConfig:
    """One model as described by its YAML. Paths are kept as written; see ``download``."""

    type: str
    name: str
    display_name: str = ""
    provider: str = "Custom"
    description: str = ""
    model_path: str | None = None
    conf_threshold: float = 0.25
    iou_threshold: float = 0.45
    classes: list[str] = field(default_factory=list)
    filter_classes: list[str] = field(default_factory=list)
    #: NMS variant: one of NMS_METHODS; ``agnostic`` suppresses across classes.
    nms: str = "nms"
    agnostic: bool = False
    max_det: int = 300
    #: Sigma of Gaussian Soft-NMS.
    soft_nms_sigma: float = 0.5
    #: Pixel tolerance when turning masks into polygons (X-AnyLabeling: epsilon_factor, relative).
    epsilon_factor: float | None = None
    show_boxes: bool = False
    #: Shape type to output (rectangle, polygon, rotation); None = the model's natural type.
    output_type: str | None = None
    #: Pose: keypoint names (per model) and skeleton as pairs of indices.
    keypoints: list[str] = field(default_factory=list)
    skeleton: list[list[int]] = field(default_factory=list)
    kpt_threshold: float = 0.5
    # SAM family
    encoder_model_path: str | None = None
    decoder_model_path: str | None = None
    #: SAM 2 video: the memory parts (docs/video.md).
    memory_encoder_model_path: str | None = None
    memory_attention_model_path: str | None = None
    input_size: int | None = None
    max_width: int | None = None
    max_height: int | None = None
    #: Network input size for exports with a dynamic input shape (a fixed shape wins).
    input_width: int | None = None
    input_height: int | None = None
    #: Sub-variant of the type (X-AnyLabeling: EdgeSAM's, Grounding-DINO's model_type).
    model_type: str | None = None
    # OCR
    det_model_path: str | None = None
    rec_model_path: str | None = None
    cls_model_path: str | None = None
    # SAHI sliced inference (off unless slice sizes are given or ``sahi: true``)
    sahi: bool = False
    slice_height: int | None = None
    slice_width: int | None = None
    overlap_height_ratio: float = 0.2
    overlap_width_ratio: float = 0.2
    #: Tracker settings for video (consumed by anylabel.inference.trackers).
    tracker: dict[str, Any] = field(default_factory=dict)
    #: sha256 per path key (or a single string for ``model_path``).
    sha256: dict[str, str] = field(default_factory=dict)
    #: Preferred device for this model (the app setting wins when given).
    device: str | None = None
    #: Keys declared by the model type (``register(..., config_keys=...)``).
    options: dict[str, Any] = field(default_factory=dict)
    #: Keys that were accepted but mean nothing here (X-AnyLabeling settings) -> their values.
    ignored: dict[str, Any] = field(default_factory=dict)
    #: Things a user should know about this config (ignored keys, substitutions).
    warnings: list[str] = field(default_factory=list)
    #: The YAML this came from (None for configs built in code); relative paths resolve against it.
    source: Path | None = None

    @property
    def title(self) -> str:
        return self.display_name or self.name

    def path_value(self, key: str) -> str | None:
        return getattr(self, key) if key in PATH_KEYS else None

    def base_dir(self) -> Path:
        return self.source.parent if self.source else Path.cwd()

    def with_overrides(self, **changes: Any) -> "ModelConfig":
        """A copy with some fields replaced (panel/CLI thresholds), validated again."""
        import dataclasses

        new = dataclasses.replace(self, **changes)
        _check_values(new, self.source)
        return new


_FIELD_NAMES: frozenset[str] = (frozenset(f.name for f in fields(ModelConfig))
                                 - {"options", "source", "ignored", "warnings"})


def _closest(key: str, known: Iterable[str]) -> str:
    match = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    return tr(" (did you mean {0!r}?)").format(match[0]) if match else ""


def _resolve_classes(value: Any, base: Path, path: Path | None) -> list[str]:
    """``classes`` may be a list, a {index: name} map, or a name/path of a shared class list."""
    if value is None:
        return []
    if isinstance(value, str):
        from .config_paths import read_class_list  # here: config_paths imports this module

        return read_class_list(value, base, path)
    if isinstance(value, Mapping):
        try:
            items = {int(k): str(v) for k, v in value.items()}
        except (TypeError, ValueError):
            raise ConfigError(path, tr("classes: a map must be {index: name}")) from None
        if items and (min(items) < 0 or max(items) >= MAX_CLASS_INDEX):
            raise ConfigError(path, tr("classes: indices must be between 0 and {0}").format(
                MAX_CLASS_INDEX - 1))
        # The index is the model's class id (RF-DETR's COCO ids run 1..90 with gaps): keep it
        # as the list position; ids the map skips are named by their number.
        return [items.get(i, str(i)) for i in range(max(items) + 1)] if items else []
    if isinstance(value, list):
        return [str(v) for v in value]
    raise ConfigError(path, tr("classes: expected a list, a map or a class-list name, got {0}").format(
        type(value).__name__))


def _check_values(cfg: ModelConfig, path: Path | None) -> None:
    for key in ("conf_threshold", "iou_threshold", "overlap_height_ratio", "overlap_width_ratio",
                "kpt_threshold"):
        v = getattr(cfg, key)
        if not 0.0 <= v <= 1.0:
            raise ConfigError(path, tr("{0} must be between 0 and 1, got {1}").format(key, v))
    if cfg.nms not in NMS_METHODS:
        raise ConfigError(path, tr("nms must be one of {0}, got {1!r}{2}").format(
            ', '.join(NMS_METHODS), cfg.nms, _closest(cfg.nms, NMS_METHODS)))
    if cfg.max_det < 1:
        raise ConfigError(path, tr("max_det must be >= 1, got {0}").format(cfg.max_det))
    for key in ("slice_height", "slice_width", "input_size", "max_width", "max_height", "input_width",
                "input_height"):
        v = getattr(cfg, key)
        if v is not None and v < 1:
            raise ConfigError(path, tr("{0} must be a positive integer, got {1}").format(key, v))
    if cfg.output_type not in (None, "rectangle", "polygon", "rotation"):
        raise ConfigError(path, tr("output_type must be rectangle, polygon or rotation, got {0!r}").format(
            cfg.output_type))
    from .providers import DEVICES

    if cfg.device is not None and cfg.device not in DEVICES:
        raise ConfigError(path, tr("device must be one of {0}, got {1!r}{2}").format(
            ', '.join(DEVICES), cfg.device, _closest(cfg.device, DEVICES)))


def _coerce(key: str, value: Any, path: Path | None) -> Any:
    """Convert a YAML value to the field's type, with an error naming the key."""
    f = _FIELD_TYPES[key]
    try:
        if value is None:
            return None if "None" in f else _DEFAULTS.get(key)
        if f.startswith("float"):
            return float(value)
        if f.startswith("int"):
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            return int(value)
        if f == "bool":
            if not isinstance(value, bool):
                raise ValueError
            return value
        if f.startswith("str"):
            if isinstance(value, (dict, list)):
                raise ValueError
            return str(value)
    except (TypeError, ValueError):
        raise ConfigError(path, tr("{0}: expected {1}, got {2!r}").format(
            key, f.replace(' | None', ''), value)) from None
    return value


_FIELD_TYPES: dict[str, str] = {f.name: str(f.type) for f in fields(ModelConfig)}
_DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(ModelConfig) if not callable(f.default_factory)}  # type: ignore[misc]


def _type_keys(mtype: str, extra_keys: Iterable[str] | None,
               ignored_keys: Mapping[str, str] | Iterable[str] | None) -> tuple[frozenset[str], dict[str, str], bool]:
    """(keys the type uses, keys it ignores -> why, whether the type is registered here)."""
    if extra_keys is not None:
        ignored = _as_reasons(ignored_keys or ())
        return frozenset(extra_keys), ignored, True
    from . import registry  # here: registry imports this module

    entry = registry.model_types().get(mtype)
    if entry is None:
        return frozenset(), _as_reasons(ignored_keys or ()), False
    return entry.config_keys, {**entry.ignored_keys, **_as_reasons(ignored_keys or ())}, True


def _as_reasons(keys: Mapping[str, str] | Iterable[str]) -> dict[str, str]:
    if isinstance(keys, Mapping):
        return {str(k): str(v) for k, v in keys.items()}
    return {str(k): "" for k in keys}


def _ignore(cfg_ignored: dict[str, Any], warnings: list[str], key: str, value: Any, why: str) -> None:
    cfg_ignored[key] = value
    warnings.append(f"ignored key {key!r}" + (f": {why}" if why else " (not used here)"))


def _tracker_map(value: Any, path: Path | None, ignored: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(path, tr("tracker: expected a map of tracker settings"))
    out: dict[str, Any] = {}
    for tk, tv in value.items():
        tk = str(tk)
        if tk in IGNORED_TRACKER_KEYS:
            _ignore(ignored, warnings, f"tracker.{tk}", tv, "a TrackTrack setting; the trackers here do not use it")
        elif tk not in TRACKER_KEYS:
            raise ConfigError(path, tr("unknown key 'tracker.{0}'{1}").format(
                tk, _closest(tk, TRACKER_KEYS | IGNORED_TRACKER_KEYS)))
        else:
            out[tk] = tv
    kind = str(out.get("tracker_type", "")).lower()
    if kind in TRACKER_SUBSTITUTES:
        out["tracker_type"] = TRACKER_SUBSTITUTES[kind]
        warnings.append(f"tracker.tracker_type {kind!r} is not implemented here; {TRACKER_SUBSTITUTES[kind]} is used")
    return out


def config_from_dict(data: Any, source: str | os.PathLike[str] | None = None,
                     extra_keys: Iterable[str] | None = None,
                     ignored_keys: Mapping[str, str] | Iterable[str] | None = None) -> ModelConfig:
    """Build a validated config from parsed YAML.

    ``extra_keys`` are keys the model type uses beyond the common schema and
    ``ignored_keys`` ({key: why} or names) the ones it accepts without using; when
    ``extra_keys`` is None both are looked up from the registry (which may import the
    model type's module).
    """
    path = Path(source) if source is not None else None
    if not isinstance(data, Mapping):
        raise ConfigError(path, tr("a model config must be a YAML mapping (key: value lines)"))
    for required in ("type", "name"):
        if not data.get(required):
            raise ConfigError(path, tr("missing required key {0!r}").format(required))
    mtype = str(data["type"])
    extras, ignored_reasons, registered = _type_keys(mtype, extra_keys, ignored_keys)
    raw: dict[str, Any] = {}
    unchecked: dict[str, Any] = {}
    for key, value in data.items():
        key = str(key)
        new = key if key in extras else ALIASES.get(key, key)  # a type may claim an old name
        clash = (new in raw and raw[new] != value) or (new != key and new in data and data[new] != value)
        if clash:
            if not registered:  # e.g. a detector and a pose threshold of a two-stage type
                unchecked[key] = value
                continue
            raise ConfigError(path, tr("{0!r} and {1!r} both given with different values; keep only "
                                       "{1!r}").format(
                key, new))
        raw[new] = value
    known = _FIELD_NAMES | extras | set(ignored_reasons)
    kwargs: dict[str, Any] = {}
    options: dict[str, Any] = dict(unchecked)
    ignored: dict[str, Any] = {}
    warnings: list[str] = []
    base = path.parent if path else Path.cwd()
    for key, value in raw.items():
        if key in extras:  # a type may claim a common key to read it its own way
            options[key] = value
        elif key in ignored_reasons and key not in _FIELD_NAMES:
            _ignore(ignored, warnings, key, value, ignored_reasons[key])
        elif key not in known:
            if not registered:  # nothing to check it against; the type error comes at load
                options[key] = value
                continue
            raise ConfigError(path, tr("unknown key {0!r}{1} for model type {2!r}").format(
                key, _closest(key, known | set(ALIASES)), mtype))
        elif key == "classes":
            if not registered and not isinstance(value, (list, Mapping)):
                options[key] = value  # a class-list name only the (missing) type knows
                continue
            if isinstance(value, Mapping) and value and all(isinstance(v, list) for v in value.values()):
                # X-AnyLabeling pose configs: {class name: [keypoint names]}
                kwargs[key] = [str(k) for k in value]
                if not raw.get("keypoints"):
                    kwargs["keypoints"] = [str(v) for v in next(iter(value.values()))]
                continue
            kwargs[key] = _resolve_classes(value, base, path)
        elif key in ("filter_classes", "keypoints"):
            if value is None:
                value = []
            if not isinstance(value, list):
                raise ConfigError(path, tr("{0}: expected a list of names, got {1!r}").format(key, value))
            kwargs[key] = [str(v) for v in value]
        elif key == "skeleton":
            kwargs[key] = _skeleton(value, path)
        elif key == "tracker":
            kwargs[key] = _tracker_map(value, path, ignored, warnings)
        elif key == "sha256":
            if isinstance(value, str):
                value = {"model_path": value}
            if not isinstance(value, Mapping) or any(k not in PATH_KEYS for k in value):
                raise ConfigError(path, tr("sha256: expected a hex string or a map {{path key: hex}} with "
                                           "keys among {0}").format(
                    ', '.join(PATH_KEYS)))
            kwargs[key] = {str(k): str(v).lower() for k, v in value.items()}
        else:
            kwargs[key] = _coerce(key, value, path)
    if raw.get("slice_height") or raw.get("slice_width"):
        kwargs.setdefault("sahi", True)
    cfg = ModelConfig(**kwargs, options=options, ignored=ignored, warnings=warnings, source=path)
    if not cfg.display_name:
        cfg.display_name = cfg.name
    unknown_filter = [c for c in cfg.filter_classes if cfg.classes and c not in cfg.classes]
    if unknown_filter:
        raise ConfigError(path, tr("filter_classes: {0} are not in classes").format(unknown_filter))
    if registered:
        _check_values(cfg, path)
    return cfg


_WARNED: set[tuple[str, str]] = set()


def report_warnings(cfg: ModelConfig) -> None:
    """Log a config's warnings, each once per file for the life of the process."""
    where = str(cfg.source) if cfg.source else cfg.name
    for w in cfg.warnings:
        if (where, w) not in _WARNED:
            _WARNED.add((where, w))
            log.warning("%s: %s", where, w)


def _skeleton(value: Any, path: Path | None) -> list[list[int]]:
    """``skeleton``: pairs of keypoint indices (COCO's, from 1)."""
    pairs = value or []
    ok = isinstance(pairs, list) and all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(i, int) and not isinstance(i, bool) for i in p)
        for p in pairs
    )
    if not ok:
        raise ConfigError(path, tr("skeleton: expected a list of [i, j] keypoint index pairs, got "
                                   "{0}").format(
            str(value)[:60]))
    return [list(p) for p in pairs]


def load_config(path: str | os.PathLike[str], extra_keys: Iterable[str] | None = None) -> ModelConfig:
    """Read and validate one YAML config."""
    import yaml

    from ..core.safe_yaml import YamlError, load_yaml_text

    p = Path(path).expanduser().resolve()
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(p, tr("cannot read the config ({0})").format(exc.strerror or exc)) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(p, tr("not UTF-8 text (byte {0}: {1})").format(exc.start, exc.reason)) from None
    try:
        data = load_yaml_text(text, p)
    except yaml.YAMLError as exc:
        # YamlError.problem says what is wrong without the file name (ConfigError adds it once)
        problem = exc.problem if isinstance(exc, YamlError) else f"not valid YAML ({exc})"
        raise ConfigError(p, problem) from exc
    cfg = config_from_dict(data, p, extra_keys)
    report_warnings(cfg)
    return cfg


def shipped_configs(directory: str | os.PathLike[str] | None = None) -> tuple[list[ModelConfig], list[ConfigError]]:
    """All configs shipped with AnyLabel and the user's own (``~/.anylabel/configs``, e.g. the
    models ``anylabel train`` writes), or those in ``directory``; sorted by provider then title.

    Broken configs do not hide the others; they are returned as errors to show.
    """
    from .config_paths import user_config_dir

    folders = [Path(directory)] if directory else [shipped_config_dir(), user_config_dir()]
    configs: list[ModelConfig] = []
    errors: list[ConfigError] = []
    for p in [p for folder in folders if folder.is_dir() for p in sorted(folder.glob("*.yaml"))]:
        try:
            configs.append(load_config(p))
        except ConfigError as exc:
            errors.append(exc)
    configs.sort(key=lambda c: (c.provider.lower(), c.title.lower()))
    return configs, errors


def find_config(name_or_path: str) -> ModelConfig:
    """A config by shipped model name (``yolov8n``) or by YAML path."""
    p = Path(name_or_path).expanduser()
    if p.suffix.lower() in (".yaml", ".yml") or p.is_file():
        return load_config(p)
    folder = shipped_config_dir()
    direct = folder / f"{name_or_path}.yaml"
    if direct.is_file():
        return load_config(direct)
    configs, _ = shipped_configs()
    for c in configs:
        if c.name == name_or_path:
            return c
    names = [c.name for c in configs]
    raise ConfigError(None, tr("no model named {0!r}{1}; run 'anylabel predict --list-models' or pass the "
                               "path "
                               "of a YAML config").format(name_or_path, _closest(name_or_path, names)))
