"""``anylabel train``: train a YOLO model on a folder's labels, export ONNX, add it to the models.

Ultralytics trains in a subprocess of the training Python (it is AGPL-3.0 and an optional
extra: ``pip install anylabel[train]``); see ``anylabel.training`` and docs/training.md.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading

from ..core.i18n import tr

NAME = "train"
HELP = "train a model (Ultralytics, optional extra) on a labelled folder and add it to the models"


def add_arguments(p: argparse.ArgumentParser) -> None:
    from ..training.dataset import TASKS

    p.add_argument("--task", required=True, choices=TASKS, help="what the model learns")
    p.add_argument("--input", required=True, metavar="DIR", help="folder of images with their label files")
    p.add_argument("--output", required=True, metavar="RUN", help="run folder (dataset, logs, model.onnx)")
    p.add_argument("--model", help="model YAML (default yolov8n.yaml, yolov8n-seg.yaml, ... by task) "
                                   "or a local .pt to start from")
    p.add_argument("--epochs", type=int, default=50, help="epochs (default 50)")
    p.add_argument("--imgsz", type=int, default=640, help="training image size in pixels (default 640)")
    p.add_argument("--val", type=float, default=0.2, help="share of images held out for validation (default 0.2)")
    p.add_argument("--batch", type=int, default=16, help="batch size (default 16)")
    p.add_argument("--device", default="cpu", help="cpu (default), 0 for the first GPU, ...")
    p.add_argument("--seed", type=int, default=0, help="seed of the split and of training (default 0)")
    p.add_argument("--name", help="model name in the model list (default: the run folder's name)")
    p.add_argument("--python", metavar="PYTHON", help="the Python that has Ultralytics (default: "
                   "$ANYLABEL_TRAIN_PYTHON, ~/.anylabel/train-venv, else this one)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from ..training.errors import TrainingCancelled, TrainingError
    from ..training.job import TrainJob, TrainRequest
    from .progress import Progress

    req = TrainRequest(task=args.task, input=args.input, output=args.output, model=args.model,
                       epochs=args.epochs, imgsz=args.imgsz, val=args.val, device=args.device,
                       batch=args.batch, seed=args.seed, python=args.python, name=args.name)
    job = TrainJob(req)
    bar: list[Progress] = []

    def on_event(kind: str, payload: object) -> None:
        if kind == "stage":
            if bar:  # the training bar is done: end its line before the next message
                bar.pop().close()
            print(f"anylabel train: {payload}", file=sys.stderr)
        elif kind == "hello" and isinstance(payload, dict):
            print(f"anylabel train: Ultralytics {payload.get('ultralytics')}, torch {payload.get('torch')}",
                  file=sys.stderr)
        elif kind == "epoch":
            if not bar:
                bar.append(Progress(payload.epochs, "train", enabled=None if not args.quiet else False))
            p = bar[0]
            p.title = payload.text(args.task)  # type: ignore[attr-defined]
            p.advance(payload.epoch - p.done)  # type: ignore[attr-defined]
            if not p.enabled and not args.quiet:  # not a terminal: one line per epoch
                print(payload.text(args.task), file=sys.stderr)  # type: ignore[attr-defined]

    previous = _stop_on_sigterm()
    try:
        result = job.run(on_event)
    except KeyboardInterrupt:
        print("\nanylabel train: " + tr("cancelled (the training process was stopped)"), file=sys.stderr)
        return 130
    except TrainingCancelled as exc:
        print(f"anylabel train: {exc}", file=sys.stderr)
        return 130
    except TrainingError as exc:
        print(f"anylabel train: {exc}", file=sys.stderr)
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        for p in bar:
            p.close()
    for note in result.dataset.notes:
        print(f"  {note}", file=sys.stderr)
    last = result.epochs[-1].text(args.task) if result.epochs else tr("no epoch reported")
    print(tr("trained {0}: {1}").format(result.name, last))
    print(tr("model: {0}").format(result.onnx))
    print(tr("config: {0} (anylabel predict --model {1} --input DIR)").format(
        result.config_path, result.name))
    return 0


def _stop_on_sigterm():  # type: ignore[no-untyped-def]
    """SIGTERM (kill, a closing session) ends the run as Ctrl+C does, so the training process
    (in its own process group, out of reach of signals sent to ours) is ended too."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(_signum, _frame):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)
