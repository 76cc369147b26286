#!/usr/bin/env python3
"""Train the tiny fixture models (YOLOv8 detect / segment / OBB / pose) on synthetic shapes,
export them to ONNX into models/fixtures/ and write their configs into models/configs/.

Real models, trained from scratch on CPU in minutes: no pretrained weights, no downloads.
They are small enough to commit and let tests measure real accuracy offline.

Usage (creates /work/venvs/train or $TRAIN_VENV with torch + ultralytics when missing):
    python scripts/train_fixture_models.py [--tasks det seg obb pose] [--epochs 40]
    python scripts/train_fixture_models.py --bench-model   # untrained 320px YOLOv8n-shaped export
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV = Path(os.environ.get("TRAIN_VENV", "/work/venvs/train"))
WORK = Path(os.environ.get("FIXTURE_WORK", "/tmp/anylabel_fixture_training"))
TASK_NAMES = {"det": "detect", "seg": "segment", "obb": "obb", "pose": "pose", "cls": "classify"}
TYPE_OF = {"det": "yolov8", "seg": "yolov8_seg", "obb": "yolov8_obb", "pose": "yolov8_pose", "cls": "image_classifier"}
IMGSZ = 160
CLS_IMGSZ = 64


def ensure_venv() -> None:
    """Re-run this script inside the training venv (created on first use)."""
    py = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not py.exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
        subprocess.check_call([str(py), "-m", "pip", "install", "torch==2.14.1", "torchvision==0.29.1"])
        subprocess.check_call([str(py), "-m", "pip", "install", "ultralytics", "onnx", "onnxslim"])
    os.execv(str(py), [str(py), __file__, *sys.argv[1:]])


def write_dataset(task: str, n_train: int, n_val: int) -> Path:
    sys.path.insert(0, str(REPO / "scripts"))
    import cv2
    import numpy as np
    from synthetic_shapes import CLASSES, make_sample, yolo_label_lines

    root = WORK / f"data_{task}"
    if root.exists():
        shutil.rmtree(root)
    for split, n, seed in (("train", n_train, 1000), ("val", n_val, 2000)):
        (root / "images" / split).mkdir(parents=True)
        (root / "labels" / split).mkdir(parents=True)
        rng = np.random.default_rng(seed + list(TASK_NAMES).index(task))
        for i in range(n):
            img, objs = make_sample(rng, task, IMGSZ, IMGSZ)
            cv2.imwrite(str(root / "images" / split / f"{i:05d}.png"), img[:, :, ::-1])
            lines = yolo_label_lines(objs, task, IMGSZ, IMGSZ)
            (root / "labels" / split / f"{i:05d}.txt").write_text("\n".join(lines) + "\n")
    names = "\n".join(f"  {i}: {n}" for i, n in enumerate(CLASSES[task]))
    extra = "kpt_shape: [3, 3]\nflip_idx: [0, 2, 1]\n" if task == "pose" else ""
    (root / "data.yaml").write_text(f"path: {root}\ntrain: images/train\nval: images/val\nnames:\n{names}\n{extra}")
    return root / "data.yaml"


def model_yaml(task: str, width: float, depth: float) -> Path:
    """The YOLOv8 architecture of the installed ultralytics, scaled down (fewer channels/layers)."""
    import yaml
    from ultralytics.nn.tasks import yaml_model_load

    suffix = {"det": "", "seg": "-seg", "obb": "-obb", "pose": "-pose"}[task]
    d = yaml_model_load(f"yolov8n{suffix}.yaml")
    d["scales"] = {"n": [depth, width, 1024]}
    d["scale"] = "n"
    d.pop("yaml_file", None)
    if task == "pose":
        d["kpt_shape"] = [3, 3]
    out = WORK / f"tiny_yolov8{suffix}.yaml"
    out.write_text(yaml.safe_dump(d, sort_keys=False))
    return out


def train(task: str, epochs: int, n_train: int, width: float) -> Path:
    from ultralytics import YOLO

    data = write_dataset(task, n_train, max(60, n_train // 6))
    model = YOLO(str(model_yaml(task, width, 0.33)), task=TASK_NAMES[task])
    t0 = time.time()
    imgsz = IMGSZ
    model.train(data=str(data), epochs=epochs, imgsz=imgsz, batch=16, workers=0, device="cpu",
                pretrained=False, amp=False, plots=False, project=str(WORK / "runs"), name=task,
                exist_ok=True, verbose=False, seed=0, deterministic=False, fliplr=0.0 if task == "pose" else 0.5,
                mosaic=1.0, close_mosaic=max(1, epochs // 5), patience=1000, cache=True, val=True)
    print(f"[train] {task}: {time.time() - t0:.0f} s", flush=True)
    best = WORK / "runs" / task / "weights" / "best.pt"
    onnx = YOLO(str(best)).export(format="onnx", imgsz=imgsz, opset=13, simplify=True, dynamic=False)
    dest = REPO / "models" / "fixtures" / f"shapes_{task}.onnx"
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(onnx, dest)
    print(f"[export] {dest} ({dest.stat().st_size / 1e6:.2f} MB)", flush=True)
    return dest


def write_config(task: str) -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    from synthetic_shapes import CLASSES, KEYPOINTS

    classes = CLASSES["det" if task == "cls" else task]

    lines = [
        ("# Small CNN image classifier" if task == "cls" else f"# Tiny YOLOv8 {TASK_NAMES[task]} model")
        + " trained on synthetic shapes by",
        "# scripts/train_fixture_models.py: a demo that works offline and a test fixture.",
        f"type: {TYPE_OF[task]}",
        f"name: fixture_shapes_{task}",
        f"display_name: Shapes demo ({TASK_NAMES[task]})",
        "provider: AnyLabel demo",
        f"model_path: ../fixtures/shapes_{task}.onnx",
        "conf_threshold: 0.4",
        "iou_threshold: 0.5",
        "classes: [" + ", ".join(classes) + "]",
    ]
    if task == "pose":
        lines.append("keypoints: [" + ", ".join(KEYPOINTS) + "]")
        lines.append("skeleton: [[0, 1], [1, 2], [2, 0]]")
    (REPO / "models" / "configs" / f"fixture_shapes_{task}.yaml").write_text("\n".join(lines) + "\n")


def v5_layout_model() -> None:
    """The detect fixture re-wired to YOLOv5's output layout ([1, N, 5+nc] with objectness).

    objectness = best class score and class scores divided by it, so objectness x class
    score equals the v8 score: the v5 decoder must give the v8 decoder's results.
    """
    import onnx
    from onnx import TensorProto, helper

    src = REPO / "models" / "fixtures" / "shapes_det.onnx"
    m = onnx.load(str(src))
    g = m.graph
    out = g.output[0].name
    nc = 3  # circle, rectangle, triangle
    nodes = [
        helper.make_node("Transpose", [out], ["v5_t"], perm=[0, 2, 1]),                       # [1, N, 4+nc]
        helper.make_node("Constant", [], ["v5_split"], value=helper.make_tensor("s", TensorProto.INT64, [2], [4, nc])),
        helper.make_node("Split", ["v5_t", "v5_split"], ["v5_box", "v5_cls"], axis=2),
        helper.make_node("ReduceMax", ["v5_cls"], ["v5_obj"], axes=[2], keepdims=1),
        helper.make_node("Constant", [], ["v5_eps"], value=helper.make_tensor("e", TensorProto.FLOAT, [], [1e-9])),
        helper.make_node("Add", ["v5_obj", "v5_eps"], ["v5_den"]),
        helper.make_node("Div", ["v5_cls", "v5_den"], ["v5_cls_n"]),
        helper.make_node("Concat", ["v5_box", "v5_obj", "v5_cls_n"], ["output0_v5"], axis=2),
    ]
    g.node.extend(nodes)
    del g.output[:]
    g.output.append(helper.make_tensor_value_info("output0_v5", TensorProto.FLOAT, None))
    dest = REPO / "models" / "fixtures" / "shapes_det_v5layout.onnx"
    onnx.save(m, str(dest))
    print(f"[export] {dest}")


def train_classifier(epochs: int, n_train: int) -> Path:
    """A small CNN image classifier (one shape per image) in plain torch, exported with the same
    contract as an Ultralytics classify export: ``images`` [1,3,64,64] RGB/255 -> class probabilities."""
    import numpy as np
    import torch
    from torch import nn
    sys.path.insert(0, str(REPO / "scripts"))
    from synthetic_shapes import make_sample

    def data(n: int, seed: int):
        rng = np.random.default_rng(seed)
        xs, ys = [], []
        for _ in range(n):
            img, objs = make_sample(rng, "det", CLS_IMGSZ, CLS_IMGSZ, max_objects=1, min_size=20, max_size=40)
            xs.append(img.transpose(2, 0, 1) / 255.0)
            ys.append(objs[0].cls)
        return torch.tensor(np.stack(xs), dtype=torch.float32), torch.tensor(ys)

    def block(i: int, o: int) -> nn.Module:
        return nn.Sequential(nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.SiLU(), nn.MaxPool2d(2))

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.features = nn.Sequential(block(3, 24), block(24, 48), block(48, 64), block(64, 64))
            self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(64 * 4 * 4, 3))  # keeps layout

        def forward(self, x):  # type: ignore[no-untyped-def]
            return torch.softmax(self.head(self.features(x)), dim=1)

    torch.manual_seed(0)
    x, y = data(n_train, 1004)
    xv, yv = data(200, 2004)
    net = Net()
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
    t0 = time.time()
    for epoch in range(epochs):
        net.train()
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 32):
            idx = perm[i:i + 32]
            xb = x[idx]
            if torch.rand(1) < 0.5:
                xb = xb.flip(3)
            loss = nn.functional.nll_loss(torch.log(net(xb) + 1e-9), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            acc = (net(xv).argmax(1) == yv).float().mean().item()
        print(f"[cls] epoch {epoch + 1}/{epochs} loss {loss.item():.3f} val top1 {acc:.3f}", flush=True)
    print(f"[train] cls: {time.time() - t0:.0f} s", flush=True)
    dest = REPO / "models" / "fixtures" / "shapes_cls.onnx"
    torch.onnx.export(net, torch.zeros(1, 3, CLS_IMGSZ, CLS_IMGSZ), str(dest), input_names=["images"],
                      output_names=["output0"], opset_version=13, dynamo=False)
    print(f"[export] {dest} ({dest.stat().st_size / 1e6:.2f} MB)", flush=True)
    return dest


def bench_model() -> None:
    """An untrained YOLOv8n-shaped detector exported at 320 px (speed benchmarks only)."""
    from ultralytics import YOLO

    model = YOLO("yolov8n.yaml", task="detect")
    WORK.mkdir(parents=True, exist_ok=True)
    pt = WORK / "yolov8n_untrained.pt"
    model.save(str(pt))
    onnx = YOLO(str(pt)).export(format="onnx", imgsz=320, opset=13, simplify=True, dynamic=False)
    dest = WORK / "yolov8n_320_untrained.onnx"
    shutil.copyfile(onnx, dest)
    print(f"[export] {dest}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", nargs="+", default=["det", "seg", "obb", "pose", "cls"], choices=list(TASK_NAMES))
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--images", type=int, default=400, help="training images per task")
    ap.add_argument("--width", type=float, default=None, help="channel multiplier (yolov8n: 0.25; default 0.125)")
    ap.add_argument("--bench-model", action="store_true")
    ap.add_argument("--v5-layout", action="store_true", help="re-wire the detect fixture to YOLOv5's output layout")
    args = ap.parse_args()
    ensure_venv()
    os.environ.setdefault("YOLO_OFFLINE", "1")
    os.environ.setdefault("YOLO_CONFIG_DIR", str(WORK / "ultralytics_config"))
    import torch

    torch.set_num_threads(2)
    if args.bench_model:
        bench_model()
        return 0
    if args.v5_layout:
        v5_layout_model()
        return 0
    for task in args.tasks:
        if task == "cls":
            train_classifier(min(args.epochs, 15), args.images)
        else:
            train(task, args.epochs, args.images, args.width or 0.125)
        write_config(task)
    return 0


if __name__ == "__main__":
    sys.exit(main())
