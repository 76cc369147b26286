"""``anylabel predict``: auto-label images with a model, writing label files next to them.

Existing (manual) shapes are kept unless ``--replace``; a label file is written only when
its content changes, atomically. One unreadable image or label file is reported and
skipped; the others are labelled. Decoding, inference and writing overlap (see
``anylabel.inference.pipeline``).
"""
from __future__ import annotations

import argparse
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default=None, help="where to run (default auto)")
    p.add_argument("--tracker", metavar="NAME",
                   help="link detections across frames (images in name order) with a tracker, e.g. bytetrack")
    p.add_argument("--prompt-from-boxes", action="store_true",
                   help="for models that take prompts (SAM): use each image's existing rectangles as prompts")
    p.add_argument("--no-download", action="store_true", help="fail instead of downloading model files")
    p.add_argument("--list-models", action="store_true", help="list the shipped models and exit")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


@dataclass
class Summary:
    images: int = 0
    written: int = 0
    unchanged: int = 0
    shapes: int = 0
    failed: list[str] = field(default_factory=list)


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
            sys.stderr.write(f"\rdownloading {name}: {pct}")

    if args.no_download:
        from ..inference.download import downloads_disabled

        with downloads_disabled():
            return create_model(cfg, device=args.device, progress=show_download)
    return create_model(cfg, device=args.device, progress=show_download)


def make_tracker(name: str | None, model) -> Any:  # type: ignore[no-untyped-def]
    try:
        from ..inference.trackers import create_tracker  # type: ignore[attr-defined]
    except ImportError as exc:
        raise RuntimeError(f"tracking is not available in this build ({exc})") from None
    return create_tracker(name, model.config.tracker)


def run(args: argparse.Namespace) -> int:
    if args.list_models:
        return list_models()
    if not args.model or not args.input:
        print("anylabel predict: --model and --input are required (or --list-models)", file=sys.stderr)
        return 2
    from ..core.errors import AnyLabelError
    from ..core.image_io import read_image_rgb
    from ..core.label_file import label_path_for, read_label_file
    from ..inference.apply import predict_with_existing, write_prediction
    from ..inference.image_loading import read_for_model, rescale
    from ..inference.pipeline import run_pipeline
    from ..inference.runtime import ModelLoadError
    from .progress import Progress

    src = Path(args.input).expanduser()
    if not src.exists():
        print(f"anylabel predict: {src}: no such file or folder", file=sys.stderr)
        return 2
    images = collect_images(src)
    if not images:
        print(f"anylabel predict: {src}: no images found", file=sys.stderr)
        return 1
    try:
        model = build_model(args)
    except (AnyLabelError, ModelLoadError) as exc:
        print(f"anylabel predict: model {args.model}: {exc}", file=sys.stderr)
        return 2
    if model.fallback_reason and args.device == "cuda":
        print(f"anylabel predict: {model.fallback_reason}; running on CPU", file=sys.stderr)
    predictor = None
    if args.prompt_from_boxes:
        if not (model.capabilities.uses_annotation and hasattr(model, "predict_with_annotation")):
            print(f"anylabel predict: model {args.model} ({model.config.type}) does not take box prompts",
                  file=sys.stderr)
            return 2

        predictor = predict_with_existing
    try:
        # A tracking-capable model whose config has a tracker: map tracks without --tracker.
        own = model.capabilities.tracking and bool(model.config.tracker)
        tracker = make_tracker(args.tracker or None, model) if args.tracker or own else None
    except Exception as exc:  # noqa: BLE001  # unknown tracker name, bad tracker: settings
        print(f"anylabel predict: --tracker {args.tracker}: {exc}", file=sys.stderr)
        return 2

    full_resolution = tracker is not None or predictor is not None  # they work on full-image pixels

    def load(path: Path):  # type: ignore[no-untyped-def]
        if full_resolution:
            image, scale = read_image_rgb(path), (1.0, 1.0)
            size = (image.shape[1], image.shape[0])
        else:
            image, scale, size = read_for_model(path, model)  # big JPEGs decode at a reduced size
        lp = label_path_for(path)
        ann = read_label_file(lp) if lp.exists() else None
        return image, (ann, image if tracker is not None else None, scale, size)

    summary = Summary()
    lock = threading.Lock()
    progress = Progress(len(images), f"predict {model.config.name}", enabled=None if not args.quiet else False)

    def consume(path: Path, pred, context, error) -> None:  # type: ignore[no-untyped-def]
        with lock:
            summary.images += 1
        if error is None:
            try:
                ann, frame, scale, size = context
                pred = rescale(pred, scale)
                if tracker is not None:
                    pred.shapes = tracker.update(pred.shapes, frame)
                if write_prediction(path, pred, ann, size, args.replace, keep_group_ids=tracker is not None):
                    summary.written += 1
                else:
                    summary.unchanged += 1
                summary.shapes += len(pred.shapes)
            except (AnyLabelError, OSError, ValueError) as exc:
                error = exc
        if error is not None:
            summary.failed.append(f"{path}: {error}")
        progress.advance()

    t0 = time.monotonic()
    with progress:
        run_pipeline(model, images, load, consume, predictor=predictor)
    dt = time.monotonic() - t0
    print(f"{summary.images} images in {dt:.1f} s ({summary.images / max(dt, 1e-9):.1f}/s): "
          f"{summary.written} label files written, {summary.unchanged} unchanged, "
          f"{summary.shapes} shapes predicted, {len(summary.failed)} failed", file=sys.stderr)
    for f in summary.failed[:20]:
        print(f"  failed: {f}", file=sys.stderr)
    if len(summary.failed) > 20:
        print(f"  ... and {len(summary.failed) - 20} more", file=sys.stderr)
    return 1 if summary.failed else 0  # scripts must notice any image that was not labelled
