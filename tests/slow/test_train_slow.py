"""`anylabel train` with the real Ultralytics (slow; scripts/test_training.sh).

For each task: a synthetic label folder, 1 epoch at imgsz 64 on CPU from the model YAML
(no weights, nothing downloaded), then the ONNX model and the config it wrote are loaded
and run by `anylabel predict`. The training Python is $ANYLABEL_TRAIN_PYTHON (the script
builds a venv with torch and Ultralytics); the test skips with that reason without one.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from anylabel.cli.main import main
from anylabel.inference.config import find_config
from synthetic_label_folder import make_label_folder

pytestmark = pytest.mark.slow

PYTHON = os.environ.get("ANYLABEL_TRAIN_PYTHON") or "/work/venvs/train/bin/python"
TYPES = {"detect": "yolov8", "segment": "yolov8_seg", "obb": "yolov8_obb", "pose": "yolov8_pose",
         "classify": "yolov8_cls"}


@pytest.fixture(autouse=True)
def training_python(monkeypatch, tmp_path):
    if not Path(PYTHON).exists():
        pytest.skip(f"no training Python at {PYTHON} (scripts/test_training.sh makes one with torch + Ultralytics)")
    monkeypatch.setenv("YOLO_CONFIG_DIR", str(tmp_path / "yolo-settings"))  # never the user's settings
    monkeypatch.setenv("OMP_NUM_THREADS", os.environ.get("OMP_NUM_THREADS", "1"))


@pytest.mark.parametrize("task", list(TYPES))
def test_one_epoch_gives_a_model_that_predict_runs(task, tmp_path, capsys):
    src = make_label_folder(tmp_path / "labelled", task, count=12, size=96)
    run = tmp_path / f"run_{task}"
    code = main(["train", "--task", task, "--input", str(src), "--output", str(run), "--epochs", "1",
                 "--imgsz", "64", "--batch", "4", "--python", PYTHON])
    out, err = capsys.readouterr()
    assert code == 0, err + (run / "train.log").read_text(errors="replace")[-3000:]
    assert "epoch 1/1" in err
    assert (run / "model.onnx").stat().st_size > 10_000
    epochs = [json.loads(ln) for ln in (run / "metrics.jsonl").read_text().splitlines()]
    assert [e["epoch"] for e in epochs] == [1] and epochs[0]["loss"]
    cfg = find_config(f"run_{task}")
    assert cfg.type == TYPES[task] and cfg.provider == "Trained here"
    if task == "pose":
        assert cfg.keypoints == ["apex", "base_a", "base_b"]

    target = tmp_path / "unlabelled"
    target.mkdir()
    for p in sorted(src.glob("*.png"))[:3]:
        shutil.copyfile(p, target / p.name)
    extra = [] if task == "classify" else ["--conf", "0.0001"]
    assert main(["predict", "--model", f"run_{task}", "--input", str(target), "--quiet", *extra]) == 0
    summary = capsys.readouterr().err  # predict prints its summary on stderr
    assert "3 images" in summary and "0 failed" in summary, summary
    if task == "detect":  # an untrained-ish detector at conf 1e-4 still proposes boxes
        shapes = sum(len(json.loads(p.read_text())["shapes"]) for p in target.glob("*.json"))
        assert shapes > 0
