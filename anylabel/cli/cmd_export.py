"""``anylabel export``: write a folder's labels as a training dataset (YOLO, COCO, VOC, ...)."""

from __future__ import annotations

import argparse
import os
import sys

NAME = "export"
HELP = "export a folder of labelled images to a dataset format (yolo, coco, voc, ...)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..formats.registry import FORMATS

    parser.add_argument(
        "--format", required=True, choices=list(FORMATS), metavar="FMT", help="one of: " + ", ".join(FORMATS)
    )
    parser.add_argument(
        "--input",
        required=True,
        metavar="IMAGES_DIR",
        help="folder of images with their AnyLabel/LabelMe .json label files",
    )
    parser.add_argument("--output", required=True, metavar="OUT_DIR", help="folder to write the dataset to")
    parser.add_argument(
        "--classes",
        metavar="CLASSES_TXT",
        help="one label per line; class index = line number from 0 (default: classes.txt of "
        "OUT_DIR, else of IMAGES_DIR, else the labels found, in natural order); an existing "
        "OUT_DIR/classes.txt is never replaced by a different list",
    )
    parser.add_argument(
        "--add-new-classes",
        action="store_true",
        help="append labels missing from the class list after its names (default: their shapes are skipped)",
    )
    parser.add_argument(
        "--pose-config",
        metavar="YAML",
        help="keypoint names per class, in order (yolo-pose, coco keypoints); without it the names are "
        "the labels of the points grouped (group_id) with each box, in the order first met",
    )
    parser.add_argument(
        "--split",
        metavar="TRAIN,VAL[,TEST]",
        help="fractions, e.g. 0.8,0.2: writes images/<split>, labels/<split> "
        "and data.yaml (yolo formats) or instances_<split>.json (coco)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the deterministic split (default 0)")
    parser.add_argument(
        "--labelled-only",
        action="store_true",
        help="leave out images without a label file (default: they are background images)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="N",
        help="processes for folders of 1,000+ images (default 0: one per CPU core; 1: no workers); "
        "yolo formats use them only when the class list is known (--classes, a classes.txt, "
        "or --pose-config)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from ..formats.base import ExportOptions, FormatError
    from ..formats.driver import export_dataset, load_pose_config, parse_split
    from .progress import Progress

    options = ExportOptions(
        seed=args.seed,
        include_unlabelled=not args.labelled_only,
        workers=max(0, args.workers),
        add_new_classes=args.add_new_classes,
    )
    try:
        if args.split:
            options.split = parse_split(args.split)
        if args.pose_config:
            options.pose_config, extras = load_pose_config(args.pose_config)
            options.extra["pose_config_path"] = args.pose_config
            if "skeleton" in extras:
                options.extra["pose_skeleton"] = extras["skeleton"]
            if "flip_idx" in extras:
                options.extra["flip_idx"] = extras["flip_idx"]
    except FormatError as exc:
        print(f"anylabel export: {exc}", file=sys.stderr)
        return 2
    summary = _run_with_progress(
        lambda progress: export_dataset(
            args.format, args.input, args.output, _from_here(args.classes), options, progress=progress
        ),
        args.quiet,
        Progress,
    )
    for line in summary.lines():
        print(line, file=sys.stdout if summary.ok else sys.stderr)
    return 0 if summary.ok else 1


def _from_here(path: str | None) -> str | None:
    """A path typed on the command line, made absolute against the current folder (so that
    messages name the file that was meant, whatever folder the run reads from)."""
    return os.path.abspath(path) if path else path


def _run_with_progress(call, quiet: bool, progress_cls):
    """One progress bar per stage (reading labels, writing the dataset)."""
    bars: dict[str, object] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if quiet:
            return
        bar = bars.get(stage)
        if bar is None:
            for other in bars.values():
                other.close()  # type: ignore[attr-defined]
            bars.clear()
            bar = bars[stage] = progress_cls(total, stage)
        bar.advance(done - bar.done)  # type: ignore[attr-defined]

    try:
        return call(progress)
    finally:
        for bar in bars.values():
            bar.close()  # type: ignore[attr-defined]
