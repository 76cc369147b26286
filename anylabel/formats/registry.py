"""Format names (as typed after ``--format``) mapped to their exporter and importer.

Adding a format is one module with pure ``dump``/``parse`` functions and one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..core.i18n import tr
from . import coco, coco_import, dota, masks, mot, ppocr, voc, yolo
from .base import ExportContext, Exporter, FormatError, ImportContext, Importer
from .perimage import PerImageExporter, PerImageImporter


@dataclass(frozen=True)
class FormatSpec:
    name: str
    summary: str
    exporter: Callable[[ExportContext], Exporter]
    importer: Callable[[ImportContext], Importer] | None
    task: str | None = None  # Ultralytics task: a split writes its folder layout and data.yaml
    splittable: bool = False
    uses_classes: bool = True  # writes classes.txt next to the output
    needs_class_names: bool = False  # the files hold indices, not names (YOLO)
    needs_pose: bool = False
    parallel: bool = False  # the exporter has state()/merge(): big folders use worker processes
    # The exporter also works with ``ctx.classes`` None (files hold names, or ids are given at
    # the end), so workers run before the class list is known: no class file, still parallel.
    classes_at_end: bool = False


def _per_image(suffix: str, dump, parse):
    return (lambda ctx: PerImageExporter(ctx, suffix, dump)), (
        lambda ctx: PerImageImporter(ctx, suffix, parse)
    )


def _yolo(name: str, task: str, summary: str, dump, parse, **kw) -> FormatSpec:
    exp, imp = _per_image(".txt", dump, parse)
    return FormatSpec(
        name, summary, exp, imp, task=task, splittable=True, needs_class_names=True, parallel=True, **kw
    )


FORMATS: dict[str, FormatSpec] = {}


def register(spec: FormatSpec) -> FormatSpec:
    FORMATS[spec.name] = spec
    return spec


register(
    _yolo(
        "yolo",
        "detect",
        "YOLO detection: cls cx cy w h (normalised), one .txt per image",
        yolo.export_detect,
        yolo.import_detect,
    )
)
register(
    _yolo(
        "yolo-seg",
        "segment",
        "YOLO segmentation: cls x1 y1 ... xn yn (normalised)",
        yolo.export_segment,
        yolo.import_segment,
    )
)
register(
    _yolo(
        "yolo-obb",
        "obb",
        "YOLO oriented boxes: cls and 4 normalised corners",
        yolo.export_obb,
        yolo.import_obb,
    )
)
register(
    _yolo(
        "yolo-pose",
        "pose",
        "YOLO pose: box then kx ky v per keypoint (names from --pose-config, else from the point labels)",
        yolo.export_pose,
        yolo.import_pose,
        needs_pose=True,
    )
)
register(
    FormatSpec(
        "coco",
        "COCO instances json (boxes, polygons, keypoints with a pose config)",
        coco.CocoExporter,
        coco_import.CocoImporter,
        splittable=True,
        parallel=True,
        classes_at_end=True,
    )
)
register(
    FormatSpec(
        "voc",
        "Pascal VOC xml, one per image (boxes, difficult)",
        *_per_image(".xml", voc.export_item, voc.import_item),
        parallel=True,
        classes_at_end=True,
    )
)
register(
    FormatSpec(
        "dota",
        "DOTA txt, one per image (4 absolute corners, class, difficult)",
        *_per_image(".txt", dota.export_item, dota.import_item),
        parallel=True,
        classes_at_end=True,
    )
)
register(
    FormatSpec(
        "mot",
        "MOTChallenge gt.txt + seqinfo.ini per video (frames <video>_<n>.<ext>)",
        mot.MotExporter,
        mot.MotImporter,
    )
)
register(
    FormatSpec(
        "mask",
        "PNG masks: class indices (masks/), colours (colour/), mapping.json",
        masks.MaskExporter,
        masks.MaskImporter,
        splittable=True,
        parallel=True,
    )
)
register(
    FormatSpec(
        "ppocr",
        "PaddleOCR Label.txt (+ rec_gt.txt and crop_img/), text in description",
        ppocr.PpocrExporter,
        ppocr.PpocrImporter,
        uses_classes=False,
    )
)


def get_format(name: str) -> FormatSpec:
    try:
        return FORMATS[name]
    except KeyError:
        raise FormatError(tr("unknown format {0!r}; choose one of: {1}").format(
            name, ', '.join(FORMATS))) from None
