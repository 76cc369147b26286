"""``anylabel compare``: how far two label folders of the same images agree."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.i18n import tr

NAME = "compare"
HELP = "agreement between two label folders of the same images (precision, recall, F1, IoU, confusions)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reference", required=True, metavar="DIR_A",
                        help="the labels taken as reference (ground truth, or the first annotator)")
    parser.add_argument("--candidate", required=True, metavar="DIR_B",
                        help="the labels compared with it (a second annotator, or a model's predictions)")
    parser.add_argument("--output", required=True, metavar="OUT", help="folder for report.json and report.html")
    parser.add_argument("--iou", type=float, default=0.5, help="IoU at which two shapes match (default 0.5)")
    parser.add_argument("--classes-map", metavar="FILE",
                        help="YAML/JSON mapping 'label: canonical label' applied to both sides; null drops a label")
    parser.add_argument("--matching", choices=("greedy", "optimal"), default="greedy",
                        help="greedy: COCOeval's rule, by descending score (default); optimal: most matches")
    parser.add_argument("--point-distance", type=float, default=10.0, metavar="PX",
                        help="points match within this many pixels (default 10)")
    parser.add_argument("--line-width", type=float, default=4.0, metavar="PX",
                        help="lines are compared as corridors this wide (default 4)")
    parser.add_argument("--worst", type=int, default=12, metavar="N",
                        help="thumbnails of the N images with the most disagreement (default 12)")
    parser.add_argument("--no-html", action="store_true", help="write report.json only")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from ..core.agreement import MatchOptions
    from ..core.errors import AnyLabelError
    from ..review.folders import compare_folders, load_class_map
    from ..review.report import write_report
    from .progress import Progress

    try:
        options = MatchOptions(iou=args.iou, point_distance=args.point_distance,
                               line_width=args.line_width, matching=args.matching)
    except ValueError as exc:
        print(f"anylabel compare: {exc}", file=sys.stderr)
        return 2
    try:
        class_map = load_class_map(args.classes_map) if args.classes_map else None
        bar: Progress | None = None

        def on_image(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = Progress(total, "compare", enabled=False if args.quiet else None)
            bar.advance()

        try:
            result = compare_folders(args.reference, args.candidate, options, class_map, skip=args.output,
                                     on_image=on_image)
        finally:
            if bar is not None:
                bar.close()
        data = write_report(result, args.output, worst=max(0, args.worst), html=not args.no_html)
    except AnyLabelError as exc:
        print(f"anylabel compare: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"anylabel compare: {exc.filename or args.output}: {exc.strerror}", file=sys.stderr)
        return 2
    for err in result.errors:
        print("anylabel compare: " + tr("skipped {0}").format(err), file=sys.stderr)
    o = data["overall"]

    def f(v: float | None) -> str:
        return "-" if v is None else f"{v:.3f}"

    print(tr("{0} images, {1} classes: precision {2}, recall "
             "{3}, F1 {4}, mean IoU {5} (tp {6}, fp {7}, fn {8})").format(
        data["image_count"], len(data["classes"]), f(o["precision"]), f(o["recall"]), f(o["f1"]),
        f(o["mean_iou"]), o["tp"], o["fp"], o["fn"]))
    out = Path(args.output)
    reports = [out / "report.json"] + ([] if args.no_html else [out / "report.html"])
    print(tr("report: {0}").format(", ".join(map(str, reports))))
    return 1 if result.errors else 0
