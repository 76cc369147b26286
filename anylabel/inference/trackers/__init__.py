"""Multi-object trackers as post-processors for any detector (or hand-drawn boxes).

``create_tracker(name, tracker_config)`` builds one from the ``TRACKERS`` table;
``tracker.update(shapes, frame_rgb)`` returns the shapes with their track id in
``group_id``; ``tracker.reset()`` starts over. Settings come from the model YAML's
``tracker:`` map (X-AnyLabeling's keys accepted), see ``config.TrackerConfig``.
"""
from __future__ import annotations

import os
from typing import Any, Callable

from ...core.i18n import tr

from .base import TRACKABLE_TYPES, Tracker, detections_from_shapes
from .botsort import BotSortTracker
from .bytetrack import ByteTracker
from .config import TRACKER_KEYS, TrackerConfig, TrackerConfigError, parse_tracker_config
from .ocsort import OcSortTracker

#: Tracker name -> class. Names are lower case without separators ("oc-sort" -> "ocsort").
TRACKERS: dict[str, Callable[[TrackerConfig], Tracker]] = {
    "bytetrack": ByteTracker,
    "ocsort": OcSortTracker,
    "botsort": BotSortTracker,
}


def create_tracker(name: str | None = None, tracker_config: dict[str, Any] | TrackerConfig | None = None,
                   base_dir: str | os.PathLike[str] | None = None) -> Tracker:
    """A tracker by name (``bytetrack``, ``ocsort``, ``botsort``) with validated settings.

    ``name`` wins over the config's ``tracker_type``; with neither, ByteTrack. A relative
    ``reid_model`` path is taken relative to ``base_dir`` (the model YAML's folder).
    Raises TrackerConfigError for an unknown name or a bad setting, ModelLoadError for an
    embedder that cannot be loaded.
    """
    cfg = parse_tracker_config(tracker_config, tracker_type=name)
    if cfg.reid_model and base_dir is not None and not os.path.isabs(os.path.expanduser(cfg.reid_model)):
        cfg.reid_model = os.path.join(os.fspath(base_dir), cfg.reid_model)
    if cfg.reid_model:
        cfg.reid_model = os.path.expanduser(cfg.reid_model)
    cls = TRACKERS.get(cfg.tracker_type)
    if cls is None:
        raise TrackerConfigError(tr("unknown tracker {0!r} (choose from: {1})").format(
            cfg.tracker_type, ", ".join(TRACKERS)))
    return cls(cfg)


__all__ = ["TRACKERS", "TRACKER_KEYS", "TRACKABLE_TYPES", "Tracker", "TrackerConfig", "TrackerConfigError", "create_tracker",
           "parse_tracker_config", "detections_from_shapes", "ByteTracker", "OcSortTracker", "BotSortTracker"]
