"""Train with Ultralytics and export ONNX; run as a script by the training environment's Python.

    python runner_script.py REQUEST.json

Never imported by AnyLabel: Ultralytics is AGPL-3.0, so it runs in its own process, and
this file needs nothing but the standard library and the training environment (it does
not import anylabel, which that environment may not have). It speaks the protocol of
``anylabel/training/protocol.py``: JSON lines on stdout, everything else on stderr.

The request (written by ``anylabel.training.job``) holds: task, data, model, epochs,
imgsz, batch, device, project, name, seed, workers, offline.
"""
from __future__ import annotations

import json
import os
import sys
import traceback

PROTOCOL_VERSION = 1
_out = None  # the real stdout; sys.stdout is pointed at stderr so library prints stay out of the protocol


def send(event: str, **data) -> None:  # type: ignore[no-untyped-def]
    _out.write(json.dumps({"event": event, **data}, default=str) + "\n")
    _out.flush()


def _numbers(d) -> dict:  # type: ignore[no-untyped-def]
    out = {}
    for k, v in (d or {}).items():
        try:
            out[str(k)] = float(v)
        except (TypeError, ValueError):
            pass
    return out


def _epoch_callback(epochs: int):  # type: ignore[no-untyped-def]
    sent: set[int] = set()

    def on_fit_epoch_end(trainer) -> None:  # type: ignore[no-untyped-def]
        # Ultralytics calls this once more after the last epoch, for the final validation of
        # the best weights (with the epoch counter past the end): one report per epoch only.
        number = int(trainer.epoch) + 1
        if number in sent or number > int(trainer.epochs or epochs):
            return
        sent.add(number)
        try:
            loss = trainer.label_loss_items(trainer.tloss, prefix="train")
        except Exception:  # a trainer without named losses: send the mean total
            loss = {"train/loss": float(getattr(trainer.tloss, "sum", lambda: trainer.tloss)())}
        send("epoch", epoch=number, epochs=int(trainer.epochs or epochs),
             loss=_numbers(loss), metrics=_numbers(getattr(trainer, "metrics", {})))
    return on_fit_epoch_end


def _quiet_settings(offline: bool) -> None:
    """No analytics, and nothing fetched that a run does not need (fonts, hub checks)."""
    if offline:
        os.environ["YOLO_OFFLINE"] = "1"
    from ultralytics.utils import SETTINGS

    try:
        SETTINGS.update(sync=False)
    except Exception:  # older settings objects: the env var above still applies
        pass


def main(argv: list[str]) -> int:
    global _out
    _out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)  # Ultralytics and torch print to stdout: their lines go to the log
    sys.stdout = sys.stderr
    if len(argv) != 2:
        send("error", kind="failed", message="usage: runner_script.py REQUEST.json")
        return 2
    with open(argv[1], encoding="utf-8") as f:
        req = json.load(f)
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        import torch
        import ultralytics
        from ultralytics import YOLO
    except ImportError as exc:
        send("error", kind="missing", message=f"{sys.executable} cannot import {exc.name or exc}")
        return 3
    send("hello", protocol=PROTOCOL_VERSION, ultralytics=ultralytics.__version__, torch=torch.__version__,
         python=sys.executable)
    try:
        _quiet_settings(bool(req.get("offline", True)))
        model = YOLO(req["model"], task=req["task"])
        model.add_callback("on_fit_epoch_end", _epoch_callback(int(req["epochs"])))
        model.train(data=req["data"], epochs=int(req["epochs"]), imgsz=int(req["imgsz"]),
                    batch=int(req.get("batch", 16)), device=req.get("device") or "cpu",
                    workers=int(req.get("workers", 0)), project=req["project"], name=req["name"],
                    exist_ok=True, seed=int(req.get("seed", 0)), plots=False, amp=False,
                    pretrained=str(req["model"]).endswith(".pt"), verbose=False, val=True)
        trainer = model.trainer
        weights = str(trainer.best if os.path.exists(str(trainer.best)) else trainer.last)
        send("trained", weights=weights)
        trained = YOLO(weights, task=req["task"])
        onnx = trained.export(format="onnx", imgsz=int(req["imgsz"]), opset=int(req.get("opset", 13)),
                              simplify=False, dynamic=False, device="cpu")
        names = trained.names
        names = [names[i] for i in sorted(names)] if isinstance(names, dict) else list(names)
        send("exported", onnx=str(onnx), imgsz=int(req["imgsz"]), names=names)
        return 0
    except KeyboardInterrupt:
        send("error", kind="cancelled", message="stopped")
        return 130
    except Exception as exc:  # noqa: BLE001  every failure is reported over the protocol
        traceback.print_exc()
        send("error", kind="failed", message=f"{type(exc).__name__}: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
