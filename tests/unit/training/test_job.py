"""A training run end to end with a stand-in runner (a real script speaking the protocol),
the real runner without Ultralytics, cancel, failures, and the model config it writes."""
from __future__ import annotations

import json
import os
import sys
import threading
import time

import pytest

from anylabel.cli.main import main
from anylabel.inference.config import find_config, shipped_configs
from anylabel.training.errors import TrainingCancelled, TrainingError, UltralyticsMissing
from anylabel.training.job import TrainJob, TrainRequest, find_python
from anylabel.training.model_config import config_name

from pathlib import Path

FAKE_RUNNER = Path(__file__).with_name("fake_runner.py")
FIXTURE_ONNX = Path(__file__).resolve().parents[3] / "models" / "fixtures" / "shapes_det.onnx"


def _request(src, out, **kw) -> TrainRequest:
    return TrainRequest(task="detect", input=str(src), output=str(out), epochs=3, imgsz=64,
                        python=sys.executable, **kw)


def test_run_reports_epochs_writes_model_and_config(det_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_RUNNER", json.dumps({"onnx": str(FIXTURE_ONNX), "noise": True}))
    events = []
    result = TrainJob(_request(det_folder, tmp_path / "run one"), runner=FAKE_RUNNER).run(
        lambda kind, payload: events.append((kind, payload)))
    epochs = [p for k, p in events if k == "epoch"]
    assert [e.epoch for e in epochs] == [1, 2, 3] and epochs[-1].metrics["mAP50-95"] == pytest.approx(0.15)
    assert [e.epoch for e in result.epochs] == [1, 2, 3]
    assert any(k == "hello" for k, _ in events)
    run = tmp_path / "run one"
    assert result.onnx == run / "model.onnx" and result.onnx.read_bytes() == FIXTURE_ONNX.read_bytes()
    assert len((run / "metrics.jsonl").read_text().splitlines()) == 3
    log = (run / "train.log").read_text()
    assert "a library printing to stdout" in log and "{not json" in log  # kept, not lost, not an error
    # the config is in the user's folder, named after the run, and is what predict and the panel list
    assert result.name == "run_one"
    assert result.config_path == Path(os.environ["ANYLABEL_CONFIGS_DIR"]) / "run_one.yaml"
    cfg = find_config("run_one")
    assert cfg.type == "yolov8" and cfg.classes == ["circle", "rectangle", "triangle"]
    assert cfg.provider == "Trained here" and os.path.samefile(cfg.path_value("model_path"), result.onnx)
    assert "run_one" in [c.name for c in shipped_configs()[0]]


def test_config_loads_into_a_model_that_predicts(det_folder, tmp_path, monkeypatch):
    """The written config and the copied ONNX are what `anylabel predict` runs."""
    monkeypatch.setenv("FAKE_RUNNER", json.dumps({"onnx": str(FIXTURE_ONNX)}))
    TrainJob(_request(det_folder, tmp_path / "boxes"), runner=FAKE_RUNNER).run()
    target = tmp_path / "unlabelled"
    target.mkdir()
    (target / "a.png").write_bytes((det_folder / "img_000.png").read_bytes())
    assert main(["predict", "--model", "boxes", "--input", str(target), "--quiet"]) == 0
    assert (target / "a.json").is_file()


def test_cancel_ends_the_runner(det_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_RUNNER", json.dumps({"onnx": str(FIXTURE_ONNX), "sleep": 60}))
    job = TrainJob(_request(det_folder, tmp_path / "run"), runner=FAKE_RUNNER)

    def on_event(kind, payload):
        if kind == "epoch":
            threading.Timer(0.2, job.cancel).start()  # as the dialog's Cancel button, from another thread

    with pytest.raises(TrainingCancelled):  # a cancel that did not work hangs into the test timeout
        job.run(on_event)
    pid = int((tmp_path / "run" / "ultralytics.pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not (tmp_path / "run" / "model.onnx").exists()


def test_failing_runner_shows_the_end_of_its_log(det_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_RUNNER", json.dumps({"fail": True, "epochs": 1}))
    with pytest.raises(TrainingError, match=r"(?s)exited with code 1.*out of memory in the fake.*full log"):
        TrainJob(_request(det_folder, tmp_path / "run"), runner=FAKE_RUNNER).run()


def test_real_runner_without_ultralytics_says_how_to_install(det_folder, tmp_path):
    import importlib.util  # the dev venv has no Ultralytics (it is AGPL and an optional extra)

    if importlib.util.find_spec("ultralytics") is not None:
        pytest.skip("this Python has Ultralytics")
    with pytest.raises(UltralyticsMissing, match=r"cannot import (torch|ultralytics).*pip install 'anylabel\[train\]'"):
        TrainJob(_request(det_folder, tmp_path / "run")).run()


def test_cli_messages(det_folder, tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["train", "--task", "detect", "--input", str(empty), "--output", str(tmp_path / "r"),
                 "--python", sys.executable]) == 1
    assert "the folder has no images" in capsys.readouterr().err
    assert main(["train", "--task", "detect", "--input", str(det_folder), "--output", str(tmp_path / "r2"),
                 "--python", str(tmp_path / "no-python")]) == 1
    err = capsys.readouterr().err
    assert "does not exist" in err and "pip install 'anylabel[train]'" in err
    assert main(["train", "--task", "detect", "--input", str(det_folder), "--output", str(tmp_path / "r3"),
                 "--python", sys.executable, "--model", str(tmp_path / "none.pt")]) == 1
    assert "no such weights file" in capsys.readouterr().err
    if __import__("importlib").util.find_spec("ultralytics") is None:
        assert main(["train", "--task", "detect", "--input", str(det_folder), "--output", str(tmp_path / "r4"),
                     "--python", sys.executable, "--epochs", "1"]) == 1
        assert "pip install 'anylabel[train]'" in capsys.readouterr().err


def test_python_choice(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("ANYLABEL_TRAIN_PYTHON", raising=False)
    assert find_python() == sys.executable
    monkeypatch.setenv("ANYLABEL_TRAIN_PYTHON", sys.executable)
    assert find_python() == sys.executable
    with pytest.raises(UltralyticsMissing):
        find_python(str(tmp_path / "nope"))


def test_config_name_is_a_plain_name(tmp_path):
    assert config_name(tmp_path / "my boxes (v2)") == "my_boxes_v2"
    assert config_name(tmp_path / "..") != ".."


def test_a_second_run_of_the_same_name_gets_its_own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_RUNNER", json.dumps({"onnx": str(FIXTURE_ONNX)}))
    from synthetic_label_folder import make_label_folder

    a = make_label_folder(tmp_path / "a", "detect", 4, 64)
    first = TrainJob(_request(a, tmp_path / "one" / "boxes"), runner=FAKE_RUNNER).run()
    again = TrainJob(_request(a, tmp_path / "one" / "boxes"), runner=FAKE_RUNNER).run()
    other = TrainJob(_request(a, tmp_path / "two" / "boxes"), runner=FAKE_RUNNER).run()
    assert (first.name, again.name, other.name) == ("boxes", "boxes", "boxes_2")
    assert os.path.samefile(find_config("boxes").path_value("model_path"), first.onnx)
    assert os.path.samefile(find_config("boxes_2").path_value("model_path"), other.onnx)


def test_ctrl_c_ends_the_runner(det_folder, tmp_path, monkeypatch):
    """Ctrl+C reaches only AnyLabel (the runner has its own process group): the job ends it."""
    monkeypatch.setenv("FAKE_RUNNER", json.dumps({"onnx": str(FIXTURE_ONNX), "sleep": 60}))

    def on_event(kind, payload):
        if kind == "epoch":
            deadline = time.monotonic() + 10
            while not (tmp_path / "run" / "ultralytics.pid").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        TrainJob(_request(det_folder, tmp_path / "run"), runner=FAKE_RUNNER).run(on_event)
    pid = int((tmp_path / "run" / "ultralytics.pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
