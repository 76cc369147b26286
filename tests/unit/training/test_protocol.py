"""Runner protocol lines: events, metric names, and lines that are not the protocol."""
from __future__ import annotations

import json

from anylabel.training.protocol import epoch_report, metric_name, parse_line


def test_events_and_log_lines():
    assert parse_line('{"event": "hello", "protocol": 1}\n').kind == "hello"
    for text in ("Ultralytics 8.4 Python-3.11", "{broken", "[1, 2]", '{"event": "shout"}', '{"no": 1}', ""):
        ev = parse_line(text + "\n")
        assert ev.kind == "log" and ev.data["text"] == text


def test_epoch_report_names_metrics_and_drops_non_numbers():
    line = json.dumps({"event": "epoch", "epoch": 3, "epochs": 10,
                       "loss": {"train/box_loss": 1.5, "train/cls_loss": 0.5, "train/x": "nan?"},
                       "metrics": {"metrics/mAP50(B)": 0.4, "metrics/mAP50-95(B)": 0.2,
                                   "metrics/mAP50-95(M)": 0.1, "metrics/mAP50-95(P)": 0.05,
                                   "metrics/accuracy_top1": 0.9, "val/box_loss": float("inf")}})
    r = epoch_report(parse_line(line))
    assert (r.epoch, r.epochs) == (3, 10)
    assert r.loss == {"box_loss": 1.5, "cls_loss": 0.5}
    assert r.total_loss() == 2.0
    assert r.metrics == {"mAP50": 0.4, "mAP50-95": 0.2, "mask_mAP50-95": 0.1, "pose_mAP50-95": 0.05,
                         "accuracy_top1": 0.9}
    assert r.headline("detect") == 0.2 and r.headline("segment") == 0.1 and r.headline("classify") == 0.9
    assert r.text("detect") == "epoch 3/10  loss 2.000  mAP50-95 0.200  mAP50 0.400"


def test_metric_name():
    assert metric_name("metrics/recall(B)") == "recall"
    assert metric_name("metrics/precision(M)") == "mask_precision"
    assert metric_name("fitness") == "fitness"


def test_epoch_without_numbers_is_not_an_error():
    r = epoch_report(parse_line('{"event": "epoch", "epoch": "x", "loss": [1], "metrics": null}'))
    assert (r.epoch, r.loss, r.metrics, r.total_loss(), r.headline("detect")) == (0, {}, {}, None, None)
