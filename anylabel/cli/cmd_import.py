"""``anylabel import``: turn a dataset (YOLO, COCO, VOC, ...) into label files next to the images."""

from __future__ import annotations

import argparse
import sys

NAME = "import"
HELP = "import a dataset (yolo, coco, voc, ...) as label files next to its images"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..formats.registry import FORMATS

    names = [n for n, s in FORMATS.items() if s.importer is not None]
    parser.add_argument(
        "--format", required=True, choices=names, metavar="FMT", help="one of: " + ", ".join(names)
    )
    parser.add_argument(
        "--source",
        required=True,
        metavar="PATH",
        help="the COCO json, the MOT gt.txt, the PPOCR Label.txt, or the folder of "
        "per-image files (yolo, voc, dota, mask)",
    )
    parser.add_argument(
        "--output",
        required=True,
        metavar="IMAGES_DIR",
        help="folder of the images; label files are written next to them",
    )
    parser.add_argument(
        "--classes",
        metavar="CLASSES_TXT",
        help="one label per line, index = line number from 0; a relative path is read from the current "
        "folder (default: classes.txt in the source folder)",
    )
    parser.add_argument("--pose-config", metavar="YAML", help="keypoint names per class (yolo-pose)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--merge", action="store_true", help="add to existing label files the imported shapes they do not already have")
    group.add_argument("--overwrite", action="store_true", help="replace existing label files")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="N",
        help="processes for datasets of 1,000+ images (default 0: one per CPU core; 1: no workers)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from ..formats.base import ExportOptions, FormatError
    from ..formats.driver import load_pose_config
    from ..formats.import_driver import import_dataset
    from .cmd_export import _from_here, _run_with_progress
    from .progress import Progress

    options = ExportOptions(workers=max(0, args.workers))
    try:
        if args.pose_config:
            options.pose_config, _ = load_pose_config(args.pose_config)
    except FormatError as exc:
        print(f"anylabel import: {exc}", file=sys.stderr)
        return 2
    on_exists = "merge" if args.merge else "overwrite" if args.overwrite else "refuse"
    summary = _run_with_progress(
        lambda progress: import_dataset(
            args.format, args.source, args.output, _from_here(args.classes), options, on_exists, progress=progress
        ),
        args.quiet,
        Progress,
    )
    for line in summary.lines():
        print(line, file=sys.stdout if summary.ok else sys.stderr)
    return 0 if summary.ok else 1
