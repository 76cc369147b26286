"""``anylabel track``: give the boxes already in a folder of frames track ids, or, with
``--model`` (a SAM 2 video config) and ``--prompts``, follow prompted objects through the
frames with SAM 2 (``track_sam2``).

Only rectangles and rotated boxes get ids; ids already on boxes are kept and continued
unless ``--reassign``; other shapes keep their group ids (see docs/video.md).
"""
from __future__ import annotations

import argparse
import sys

from ..core.i18n import tr

NAME = "track"
HELP = ("assign track ids (group_id) to the boxes (rectangles, rotated boxes) already in a folder of "
        "frames' label files; ids already set are kept unless --reassign. With --model SAM2_VIDEO_CONFIG "
        "--prompts PROMPTS.json: follow the prompted objects through the frames with SAM 2")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..inference.trackers import TRACKERS

    parser.add_argument("--input", required=True, metavar="FRAMES_DIR",
                        help="folder of frames (natural order = time order) with their .json label files")
    parser.add_argument("--tracker", default=None, choices=list(TRACKERS),
                        help="tracker to use (default: the config's tracker_type, else bytetrack)")
    parser.add_argument("--config", metavar="YAML",
                        help="tracker settings: a model YAML with a 'tracker:' map, or a file holding just that map")
    parser.add_argument("--start", type=int, metavar="N", help="first frame (1-based position in the folder)")
    parser.add_argument("--end", type=int, metavar="N", help="last frame (1-based, inclusive)")
    parser.add_argument("--reassign", action="store_true",
                        help="recompute every box's id, also ids already set (by default a box's id is kept and "
                             "its track continued); shapes grouped with a box follow its new id")
    parser.add_argument("--dry-run", action="store_true", help="list the label files that would change, write nothing")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    sam2 = parser.add_argument_group("SAM 2 video (segment the prompted objects on every frame)")
    sam2.add_argument("--model", metavar="SAM2_VIDEO_CONFIG",
                      help="a segment_anything_2_video config (YAML or shipped name); needs --prompts")
    sam2.add_argument("--prompts", metavar="PROMPTS.json",
                      help="points or boxes per frame and object (format: docs/video.md)")
    sam2.add_argument("--direction", choices=("forward", "backward", "both"), default="both",
                      help="which way from the prompted frames (default both)")
    sam2.add_argument("--output-mode", choices=("polygon", "rectangle", "rotation", "mask"),
                      help="shape written per object and frame (default: the config's output_mode, else polygon)")
    sam2.add_argument("--device", choices=("auto", "cpu", "cuda"), default=None, help="where the model runs")


def load_tracker_settings(path: str) -> dict:
    """The ``tracker:`` map of a model YAML, or the whole file when it is just the map."""
    from ..core.safe_yaml import load_yaml_file

    data = load_yaml_file(path) or {}
    if not isinstance(data, dict):
        raise ValueError(tr("{0}: expected a mapping").format(path))
    if "tracker" in data:
        section = data["tracker"] or {}
        if not isinstance(section, dict):
            raise ValueError(tr("{0}: 'tracker' must be a mapping").format(path))
        return dict(section)
    return dict(data)


def run(args: argparse.Namespace) -> int:
    if args.model or args.prompts:
        from .track_sam2 import run_sam2

        if not args.model:
            print("anylabel track: " + tr("--prompts needs --model SAM2_VIDEO_CONFIG"), file=sys.stderr)
            return 2
        return run_sam2(args)
    from ..core.errors import AnyLabelError
    from ..core.frame_folder import FrameFolder
    from ..inference.runtime import ModelLoadError
    from ..inference.trackers import create_tracker
    from ..inference.trackers.folder import EXISTING_BOX_SETTINGS, track_folder
    from .progress import Progress

    try:
        settings: dict = dict(EXISTING_BOX_SETTINGS)
        if args.config:
            settings.update(load_tracker_settings(args.config))
        tracker = create_tracker(args.tracker, settings)
        frames = FrameFolder(args.input)
    except (AnyLabelError, ModelLoadError, OSError, ValueError) as exc:
        print(f"anylabel track: {exc}", file=sys.stderr)
        return 2
    if len(frames) == 0:
        print("anylabel track: " + tr("{0}: no images found").format(args.input), file=sys.stderr)
        return 2
    start = None if args.start is None else args.start - 1
    end = None if args.end is None else args.end - 1
    total = len(frames.clamp_range(start, end))
    with Progress(total, "track", enabled=None if not args.quiet else False) as bar:
        report = track_folder(frames, tracker, start, end, progress=lambda d, t: bar.advance(d - bar.done),
                              dry_run=args.dry_run, reassign=args.reassign)
    if not report.changed and not report.unchanged and not report.protected and not report.errors:
        print(no_boxes_message(frames, start, end))
        return 0
    if args.dry_run:
        print(tr("would change {0} label file(s), {1} unchanged (dry run: nothing written)").format(
            len(report.changed), report.unchanged))
        for path in report.changed:
            print(f"  {path}")
        for err in report.errors:
            print(tr("error: {0}").format(err), file=sys.stderr)
        return 0 if report.ok else 1
    for line in report.summary_lines():
        print(line)
    for line in report.error_lines():
        print(line, file=sys.stderr)
    return 0 if report.ok else 1


def no_boxes_message(frames, start: int | None, end: int | None) -> str:
    """Why a run wrote nothing when no frame in the range had a box to track."""
    positions = frames.clamp_range(start, end)
    labelled = sum(1 for i in positions if frames.index.has_label(i))
    return tr("nothing to track: none of the {0} frame(s) in {1} ({2} with a label "
              "file) has a rectangle or rotated box. 'track' gives ids to boxes already "
              "drawn: draw them, or run 'anylabel predict' with a detector first.").format(
                  len(positions), frames.folder, labelled)
