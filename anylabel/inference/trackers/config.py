"""Tracker settings: the ``tracker:`` map of a model YAML, validated into a dataclass.

X-AnyLabeling's keys (``tracker_type``, ``track_high_thresh``, ``track_low_thresh``,
``new_track_thresh``, ``track_buffer``, ``match_thresh``, ``fuse_score``) are accepted
as they are, so users can bring their configs; the OC-SORT and appearance keys are ours.
An unknown or misspelled key is an error that names the key: a silently ignored
threshold is worse than a refusal.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from ...core.errors import AnyLabelError
from ...core.i18n import tr


class TrackerConfigError(AnyLabelError, ValueError):
    """A ``tracker:`` map that cannot be used; the message names the key."""


@dataclass
class TrackerConfig:
    """All tracker settings; each tracker reads the ones it uses."""

    tracker_type: str = "bytetrack"
    # --- ByteTrack family (X-AnyLabeling / Ultralytics names) ---------------------------
    #: Detections at or above this score take part in the first association.
    track_high_thresh: float = 0.5
    #: Detections between this and ``track_high_thresh`` only rescue tracks already running.
    track_low_thresh: float = 0.1
    #: A detection left unmatched starts a new track only at or above this score.
    new_track_thresh: float = 0.6
    #: Frames (at 30 fps) a lost track is kept waiting for its object to come back.
    track_buffer: int = 30
    #: Maximum (1 - IoU) cost of a first-round match.
    match_thresh: float = 0.8
    #: Weight IoU by the detection score in the first association.
    fuse_score: bool = True
    #: Frame rate of the sequence; scales ``track_buffer`` (which assumes 30 fps).
    frame_rate: float = 30.0
    # --- ours ------------------------------------------------------------------------------
    #: Consecutive matches a new track needs before it gets an id (the first frame after a
    #: reset is exempt). 1 = every detection above ``new_track_thresh`` gets an id at once,
    #: which is what tracking hand-drawn boxes wants.
    min_hits: int = 2
    #: Only match a detection to a track of the same label.
    class_aware: bool = True
    # --- OC-SORT ---------------------------------------------------------------------------
    #: Minimum IoU of a match (OC-SORT association and its observation-centric recovery).
    iou_thresh: float = 0.3
    #: Frames between the two observations that give a track's direction of motion.
    delta_t: int = 3
    #: Weight of the direction-consistency term against IoU.
    inertia: float = 0.2
    #: Also use low-score detections in a second round (as ByteTrack does).
    use_byte: bool = False
    #: OC-SORT's association function; only IoU is implemented (accepted for its configs).
    asso_func: str = "iou"
    # --- appearance (BoT-SORT style) ---------------------------------------------------------
    #: ONNX embedder (crop -> feature vector). Relative paths are resolved by the caller.
    reid_model: str | None = None
    with_reid: bool = True
    #: IoU distance above which appearance is not trusted for a pair (too far apart).
    proximity_thresh: float = 0.5
    #: Cosine distance (halved, as BoT-SORT does) above which two crops are different objects.
    appearance_thresh: float = 0.25
    #: Re-identify lost tracks by appearance alone (within ``lost_reid_radius``), so an object
    #: that changed speed or direction while hidden keeps its id.
    reid_lost: bool = True
    #: Halved cosine distance under which a detection is the lost track's object (stricter
    #: than ``appearance_thresh``: there is no motion evidence to back it).
    lost_reid_thresh: float = 0.12
    #: How far (in box sizes, growing by half a size per missing frame, at most 10) from its
    #: last observation a lost track may be found again.
    lost_reid_radius: float = 1.0
    #: Exponential moving average factor of a track's appearance feature.
    feature_momentum: float = 0.9
    #: Crop size fed to the embedder when the model does not fix it: (height, width).
    reid_input_height: int = 256
    reid_input_width: int = 128
    #: ``onnxruntime`` device for the embedder.
    device: str = "auto"
    #: Camera motion compensation: ``sparseOptFlow`` (needs the frames) or none.
    gmc_method: str | None = None

    @property
    def max_time_lost(self) -> int:
        """``track_buffer`` converted to frames of this sequence."""
        return max(1, int(round(self.frame_rate / 30.0 * self.track_buffer)))


# Other spellings seen in users' configs -> our field.
_ALIASES = {
    "model": "reid_model",           # Ultralytics botsort.yaml names the ReID weights 'model'
    "reid_model_path": "reid_model",
    "max_age": "track_buffer",       # OC-SORT's name for the same thing
    "det_thresh": "track_high_thresh",
    "iou_threshold": "iou_thresh",
    "type": "tracker_type",
}

_FIELD_TYPES = {f.name: f.type for f in fields(TrackerConfig)}

#: Every key a ``tracker:`` map may hold (fields and aliases); config validators can use it.
TRACKER_KEYS: frozenset[str] = frozenset(_FIELD_TYPES) | frozenset(_ALIASES)


def _coerce(key: str, value: Any, kind: str) -> Any:
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "1", "0"):
            return value.lower() in ("true", "yes", "1")
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise TrackerConfigError(tr("tracker: '{0}' must be true or false, got {1!r}").format(key, value))
    if kind in ("float", "int"):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise TrackerConfigError(tr("tracker: '{0}' must be a number, got {1!r}").format(key, value))
        try:
            num = float(value)
        except ValueError:
            raise TrackerConfigError(tr("tracker: '{0}' must be a number, got {1!r}").format(
                key, value)) from None
        if kind == "int":
            if not num.is_integer():
                raise TrackerConfigError(tr("tracker: '{0}' must be an integer, got {1!r}").format(
                    key, value))
            return int(num)
        return num
    if value is None:
        return None
    return str(value)


def parse_tracker_config(raw: dict[str, Any] | TrackerConfig | None, tracker_type: str | None = None) -> TrackerConfig:
    """Validate a ``tracker:`` map (None = defaults); ``tracker_type`` overrides the map's."""
    if isinstance(raw, TrackerConfig):
        cfg = TrackerConfig(**{f.name: getattr(raw, f.name) for f in fields(TrackerConfig)})
    else:
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise TrackerConfigError(tr("tracker: must be a mapping of settings, got {0}").format(
                type(raw).__name__))
        values: dict[str, Any] = {}
        for key, value in raw.items():
            name = _ALIASES.get(str(key), str(key))
            if name not in _FIELD_TYPES:
                known = ", ".join(sorted(_FIELD_TYPES))
                raise TrackerConfigError(tr("tracker: unknown key '{0}' (known keys: {1})").format(
                    key, known))
            kind = str(_FIELD_TYPES[name]).replace(" | None", "")
            values[name] = _coerce(str(key), value, kind)
        cfg = TrackerConfig(**values)
    if tracker_type:
        cfg.tracker_type = tracker_type
    cfg.tracker_type = cfg.tracker_type.lower().replace("-", "").replace("_", "")
    _check_ranges(cfg)
    return cfg


def _check_ranges(cfg: TrackerConfig) -> None:
    for name in ("track_high_thresh", "track_low_thresh", "new_track_thresh", "match_thresh",
                 "iou_thresh", "proximity_thresh", "appearance_thresh", "feature_momentum", "lost_reid_thresh"):
        v = getattr(cfg, name)
        if not 0.0 <= v <= 1.0:
            raise TrackerConfigError(tr("tracker: '{0}' must be between 0 and 1, got {1}").format(name, v))
    if cfg.track_low_thresh > cfg.track_high_thresh:
        raise TrackerConfigError(tr("tracker: 'track_low_thresh' must not exceed 'track_high_thresh'"))
    for name in ("track_buffer", "min_hits", "delta_t", "reid_input_height", "reid_input_width"):
        if getattr(cfg, name) < 1:
            raise TrackerConfigError(tr("tracker: '{0}' must be at least 1, got {1}").format(
                name, getattr(cfg, name)))
    if cfg.frame_rate <= 0:
        raise TrackerConfigError(tr("tracker: 'frame_rate' must be positive, got {0}").format(cfg.frame_rate))
    if cfg.asso_func.lower() != "iou":
        raise TrackerConfigError(tr("tracker: asso_func {0!r} is not supported (only iou)").format(
            cfg.asso_func))
    from .gmc import OFF, SUPPORTED

    if cfg.gmc_method is not None and str(cfg.gmc_method).lower() in OFF:
        cfg.gmc_method = None
    elif cfg.gmc_method is not None:
        name = SUPPORTED.get(str(cfg.gmc_method).lower())
        if name is None:
            raise TrackerConfigError(
                tr("tracker: gmc_method {0!r} (camera motion compensation) is not supported; use "
                   "sparseOptFlow or none").format(cfg.gmc_method))
        cfg.gmc_method = name
