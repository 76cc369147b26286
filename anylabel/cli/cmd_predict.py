"""``anylabel predict``: auto-label images with a model, writing label files next to them.

The run is a ``anylabel.inference.batch.BatchJob`` (the panel's "run all images" runs the
same): existing (manual) shapes are kept unless ``--replace``; ``--replace-own`` swaps this
model's earlier predictions for the new ones; a label file is written only when its content
changes, atomically, with a record of the model and settings, so ``--skip-done`` resumes an
interrupted run. One unreadable image or label file is reported and skipped; the others are
labelled. ``--engine ray`` runs the model on a Ray cluster; the files written are the same.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..core.i18n import tr
from ..inference.providers import DEVICES

NAME = "predict"
HELP = "auto-label images with a model (writes LabelMe-style JSON next to each image)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help="a shipped model name (see --list-models) or the path of a model YAML")
    p.add_argument("--input", help="an image or a folder of images")
    p.add_argument("--conf", type=float, help="confidence threshold (default: the model's)")
    p.add_argument("--iou", type=float, help="IoU threshold for NMS (default: the model's)")
    p.add_argument("--nms", choices=["nms", "soft_nms_linear", "soft_nms_gaussian", "weighted_nms", "diou_nms"],
                   help="NMS method (default: the model's)")
    p.add_argument("--agnostic", action="store_true", help="class-agnostic NMS")
    p.add_argument("--output-type", choices=["rectangle", "polygon", "rotation"],
                   help="shape type to write (default: the model's natural type)")
    p.add_argument("--classes", nargs="+", metavar="NAME", help="keep only these classes")
    p.add_argument("--sahi", action="store_true", help="sliced inference for small objects (tiles of --slice)")
    p.add_argument("--slice", type=int, metavar="PX", help="tile size for --sahi (default: the model's or 640)")
    p.add_argument("--replace", action="store_true", help="replace existing shapes instead of keeping them")
    p.add_argument("--device", choices=list(DEVICES), default=None,
                   help="where to run (default: the config's, else auto); a device that cannot start "
                        "falls back to CPU and says why")
    p.add_argument("--tracker", metavar="NAME",
                   help="link detections across frames (images in name order) with a tracker, e.g. bytetrack")
    p.add_argument("--prompt-from-boxes", action="store_true",
                   help="for models that take prompts (SAM): use each image's existing rectangles as prompts")
    p.add_argument("--no-download", action="store_true", help="fail instead of downloading model files")
    p.add_argument("--list-models", action="store_true", help="list the shipped models and exit")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--replace-own", action="store_true",
                   help="replace this model's earlier predictions (those nobody edited) instead of adding "
                        "beside them; other shapes stay")
    p.add_argument("--skip-done", action="store_true",
                   help="skip images whose label file records a run of this model, with these settings, "
                        "on this very image file (resumes an interrupted run)")
    p.add_argument("--engine", choices=["local", "ray"], default="local",
                   help="where the model runs: this machine (default) or a Ray cluster (pip install anylabel[ray])")
    p.add_argument("--ray-address", metavar="ADDRESS",
                   help="Ray cluster to join, e.g. 10.0.0.5:6379 or auto (default: start a local Ray)")
    p.add_argument("--workers", type=int, metavar="N",
                   help="--engine ray: model actors, each holding one loaded model (default: one per 2 CPUs)")


def list_models() -> int:
    from ..inference.config import shipped_configs

    configs, errors = shipped_configs()
    for c in configs:
        print(f"{c.name:28s} {c.type:18s} {c.provider}: {c.title}")
    for e in errors:
        print(f"(broken config) {e}", file=sys.stderr)
    return 0


def collect_images(path: Path) -> list[Path]:
    from ..core.folder_index import scan_folder

    if path.is_dir():
        idx = scan_folder(path)
        return [idx.path(i) for i in range(len(idx))]
    return [path]


def build_model(args: argparse.Namespace):
    from ..inference.config import find_config
    from ..inference.registry import create_model

    cfg = find_config(args.model)
    changes: dict[str, Any] = {}
    if args.conf is not None:
        changes["conf_threshold"] = args.conf
    if args.iou is not None:
        changes["iou_threshold"] = args.iou
    if args.nms:
        changes["nms"] = args.nms
    if args.agnostic:
        changes["agnostic"] = True
    if args.output_type:
        changes["output_type"] = args.output_type
    if args.classes:
        changes["filter_classes"] = list(args.classes)
    if args.sahi or args.slice:
        changes.update(sahi=True, slice_height=args.slice or cfg.slice_height or 640,
                       slice_width=args.slice or cfg.slice_width or 640)
    cfg = cfg.with_overrides(**changes) if changes else cfg

    def show_download(done: int, total: int | None, name: str) -> None:
        if not args.quiet and sys.stderr.isatty():
            pct = f"{100 * done / total:5.1f}%" if total else f"{done / 1e6:.1f} MB"
            sys.stderr.write("\r" + tr("downloading {0}: {1}").format(name, pct))

    if args.no_download:
        from ..inference.download import downloads_disabled

        with downloads_disabled():
            return create_model(cfg, device=args.device, progress=show_download)
    return create_model(cfg, device=args.device, progress=show_download)


def make_tracker(name: str | None, model) -> Any:  # type: ignore[no-untyped-def]
    try:
        from ..inference.trackers import create_tracker  # type: ignore[attr-defined]
    except ImportError as exc:
        raise RuntimeError(tr("tracking is not available in this build ({0})").format(exc)) from None
    return create_tracker(name, model.config.tracker)


def make_engine(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from ..inference.engines import make_engine as engine_named

    if args.engine == "ray":
        return engine_named("ray", address=args.ray_address, workers=args.workers, device=args.device,
                            no_download=args.no_download)
    if args.ray_address or args.workers:
        raise ValueError(tr("--ray-address and --workers need --engine ray"))
    return engine_named("local")


def run(args: argparse.Namespace) -> int:
    if args.list_models:
        return list_models()
    if not args.model or not args.input:
        print("anylabel predict: " + tr("--model and --input are required (or --list-models)"),
              file=sys.stderr)
        return 2
    from ..core.errors import AnyLabelError
    from ..inference.batch import BatchJob, BatchOptions
    from ..inference.runtime import ModelLoadError
    from .progress import Progress

    src = Path(args.input).expanduser()
    if not src.exists():
        print("anylabel predict: " + tr("{0}: no such file or folder").format(src), file=sys.stderr)
        return 2
    if args.tracker and args.engine != "local":
        print("anylabel predict: " + tr("--tracker needs the images in order "
                                        "on one machine: use --engine local"),
              file=sys.stderr)
        return 2
    try:
        engine = make_engine(args)
    except (AnyLabelError, ValueError) as exc:
        print(f"anylabel predict: {exc}", file=sys.stderr)
        return 2
    images = collect_images(src)
    if not images:
        print("anylabel predict: " + tr("{0}: no images found").format(src), file=sys.stderr)
        return 1
    try:
        model = build_model(args)
    except (AnyLabelError, ModelLoadError) as exc:
        print("anylabel predict: " + tr("model {0}: {1}").format(args.model, exc), file=sys.stderr)
        return 2
    if model.fallback_reason:  # a device was asked for (or auto found one) and did not start
        print("anylabel predict: " + tr("running on CPU: {0}").format(model.fallback_reason), file=sys.stderr)
    try:
        # A tracking-capable model whose config has a tracker: map tracks without --tracker.
        own = model.capabilities.tracking and bool(model.config.tracker)
        tracker = make_tracker(args.tracker or None, model) if args.tracker or own else None
    except Exception as exc:  # noqa: BLE001  # unknown tracker name, bad tracker: settings
        print(f"anylabel predict: --tracker {args.tracker}: {exc}", file=sys.stderr)
        return 2
    options = BatchOptions(replace=args.replace, replace_own=args.replace_own, skip_done=args.skip_done,
                           prompt_from_boxes=args.prompt_from_boxes, tracker=tracker)
    progress = Progress(len(images), f"predict {model.config.name}",
                        enabled=None if not args.quiet else False)

    def show(done: int, total: int, eta: float) -> None:
        progress.advance(done - progress.done)

    try:
        job = BatchJob(model, images, options, on_progress=show)
    except AnyLabelError as exc:  # e.g. --prompt-from-boxes with a model that takes no prompts
        print(f"anylabel predict: {exc}", file=sys.stderr)
        return 2
    try:
        with progress:
            summary = job.run(engine)
    except AnyLabelError as exc:  # the engine could not start (Ray missing, cluster unreachable)
        print(f"anylabel predict: {exc}", file=sys.stderr)
        return 2
    print(summary.line(), file=sys.stderr)
    for f in summary.failed[:20]:
        print("  " + tr("failed: {0}").format(f), file=sys.stderr)
    if len(summary.failed) > 20:
        print("  " + tr("... and {0} more").format(len(summary.failed) - 20), file=sys.stderr)
    return 1 if summary.failed else 0  # scripts must notice any image that was not labelled
