"""Keypoint names per class when no pose config names them: taken from the labels.

In a label file a pose is a box (any area shape) and the points that share its
``group_id``; each point's label is the keypoint's name. Without a pose config the
exporters (YOLO pose, COCO keypoints) make the config from the files: for each box class,
the point labels met with its boxes, in the order first met (images in the order given,
shapes in file order). The same files in the same order always give the same names, and
a dataset whose every box carries all its points in one drawing order gets that order.
"""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from ..core.geometry import is_area_shape
from ..core.i18n import tr
from ..core.shape import POINT, Shape

KeypointNames = dict[str, list[str]]  # box class -> keypoint names, in index order


def keypoint_names_by_class(images: Iterable[Iterable[Shape]]) -> KeypointNames:
    """The keypoint names of each box class found in ``images`` (each the shapes of one
    image). A group id's points belong to the first box of that group id in the file, as
    the exporters pair them; points with no box and unlabelled points name nothing. Box
    classes whose boxes have no points are absent (the caller gives them ``[]``)."""
    names: KeypointNames = {}
    seen: dict[str, set[str]] = {}
    for shapes in images:
        boxes: dict[int, str] = {}
        points: dict[int, list[str]] = {}
        for s in shapes:
            gid = s.group_id
            if gid is None:
                continue
            if s.shape_type == POINT:
                if s.label:
                    points.setdefault(gid, []).append(s.label)
            elif gid not in boxes and is_area_shape(s):
                boxes[gid] = s.label
        for gid, cls in boxes.items():
            labels = points.get(gid)
            if not labels:
                continue
            known = seen.setdefault(cls, set())
            out = names.setdefault(cls, [])
            for label in labels:
                if label not in known:
                    known.add(label)
                    out.append(label)
    return names


def merge_keypoint_names(parts: Iterable[Mapping[str, Sequence[str]]]) -> KeypointNames:
    """Join the names found in consecutive chunks of one dataset (worker processes), in
    chunk order: the result equals ``keypoint_names_by_class`` over all the images."""
    merged: KeypointNames = {}
    for part in parts:
        for cls, labels in part.items():
            out = merged.setdefault(cls, [])
            out.extend(label for label in labels if label not in out)
    return merged


def describe_derived(names: Mapping[str, Sequence[str]]) -> str:
    """The summary's note, the same for every exporter that derives names."""
    none = tr("(none)")
    listed = "; ".join(f"{cls}: {', '.join(kps) or none}" for cls, kps in names.items())
    return tr("no pose config given: keypoint names taken from the labels of the points grouped (group_id) "
              "with each box, in the order first met - {0}").format(listed or tr("none found"))
