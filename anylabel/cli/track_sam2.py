"""``anylabel track --model SAM2_VIDEO_CONFIG --prompts PROMPTS.json``: follow prompted
objects through a folder of frames (or a video, split into frames first) with SAM 2."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.i18n import tr


def frame_position(frames):
    """Maps a prompts file's ``frame`` (image name or 1-based number) to a 0-based position."""
    def lookup(ref):
        if isinstance(ref, int):
            return ref - 1 if 1 <= ref <= len(frames) else None
        try:
            return frames.position_of(ref)
        except (KeyError, ValueError, IndexError):
            return None
    return lookup


def run_sam2(args: argparse.Namespace) -> int:
    from ..core.errors import AnyLabelError
    from ..core.frame_folder import FrameFolder
    from ..core.video_frames import extract_frames, is_video_file
    from ..inference.config import ConfigError
    from ..inference.registry import create_model
    from ..inference.runtime import ModelLoadError
    from ..inference.sam2_video.folder import track_folder_sam2
    from ..inference.sam2_video.model import Sam2VideoModel
    from ..inference.sam2_video.prompts import read_prompts_file
    from .progress import Progress

    if not args.prompts:
        print("anylabel track: " + tr("--model needs --prompts PROMPTS.json (the "
                                      "objects to follow; see docs/video.md)"),
              file=sys.stderr)
        return 2
    try:
        folder = args.input
        if is_video_file(folder) and Path(folder).is_file():
            result = extract_frames(folder)
            print(tr("{0}: {1} frame(s) in {2}").format(folder, result.frame_count, result.folder))
            folder = result.folder
        frames = FrameFolder(folder)
        if len(frames) == 0:
            print("anylabel track: " + tr("{0}: no images found").format(args.input), file=sys.stderr)
            return 2
        objects = read_prompts_file(args.prompts, frame_position(frames), len(frames))
        model = create_model(args.model, device=args.device)
        if not isinstance(model, Sam2VideoModel):
            print("anylabel track: " + tr("{0}: a {1} model cannot follow prompts through frames; "
                                          "--model needs a segment_anything_2_video config").format(
                                              args.model, model.type_name),
                  file=sys.stderr)
            return 2
    except (AnyLabelError, ConfigError, ModelLoadError, OSError, ValueError) as exc:
        print(f"anylabel track: {exc}", file=sys.stderr)
        return 2
    start = None if args.start is None else args.start - 1
    end = None if args.end is None else args.end - 1
    with Progress(len(frames.clamp_range(start, end)), "track", enabled=None if not args.quiet else False) as bar:
        report = track_folder_sam2(frames, model.parts, objects, direction=args.direction, start=start, end=end,
                                   output_mode=args.output_mode or model.output_mode, tolerance=model.tolerance,
                                   progress=lambda d, t: bar.advance(d - bar.done))
    for tid, label in report.objects.items():
        print(tr("track {0} ({1}): found on {2} of {3} frame(s)").format(
            tid, label, len(report.found.get(tid, [])), report.frames_visited))
    if report.corrections:
        print(tr("{0} frame(s) you edited used as corrections").format(report.corrections))
    for line in report.summary_lines():
        print(line)
    for line in report.error_lines():
        print(line, file=sys.stderr)
    return 0 if report.ok else 1
