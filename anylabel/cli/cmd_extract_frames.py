"""``anylabel extract-frames``: split a video into numbered frames to annotate as a folder."""
from __future__ import annotations

import argparse
import sys

from ..core.i18n import tr

NAME = "extract-frames"
HELP = "split a video into frames <video>_<000001>.jpg (plus seqinfo.ini) in a folder beside it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("video", help="the video file")
    parser.add_argument("--output", metavar="DIR", help="frames folder (default: beside the video, named after it)")
    parser.add_argument("--interval", type=int, default=1, metavar="N", help="keep every N-th frame (default 1)")
    parser.add_argument("--start", type=int, default=1, metavar="N", help="first frame, 1-based (default 1)")
    parser.add_argument("--end", type=int, metavar="N", help="last frame, inclusive (default: the last)")
    parser.add_argument("--ext", default=".jpg", choices=[".jpg", ".png"], help="image format (default .jpg)")
    parser.add_argument("--overwrite", action="store_true", help="rewrite frames that are already there")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from ..core.video_frames import VideoError, extract_frames, probe_video
    from .progress import Progress

    try:
        info = probe_video(args.video)
        last = args.end or info.frame_count
        total = len(range(args.start, last + 1, max(1, args.interval))) if last else 0
        with Progress(total, "extract", enabled=None if not args.quiet else False) as bar:
            result = extract_frames(args.video, args.output, interval=args.interval, start=args.start, end=args.end,
                                    ext=args.ext, overwrite=args.overwrite,
                                    progress=lambda d, t: bar.advance(d - bar.done))
    except (VideoError, ValueError, OSError) as exc:
        print(f"anylabel extract-frames: {exc}", file=sys.stderr)
        return 2
    print(tr("{0}: {1} frames written, {2} already there ({3}x{4}, {5:g} fps)").format(
        result.folder, len(result.written), result.existing, info.width, info.height, info.fps))
    if result.warning:
        print(tr("warning: {0}").format(result.warning), file=sys.stderr)
        return 1
    return 0
