"""A stand-in for runner_script.py that speaks the same protocol without Ultralytics.

What it does is steered by the JSON in $FAKE_RUNNER (set by the tests):
  epochs: how many epoch lines to send;  onnx: a real ONNX file to report as the export
  (copied into the project folder, as Ultralytics writes beside its weights);
  fail: exit 1 after printing a traceback-like line to stderr;  sleep: seconds to wait
  after the first epoch (cancel tests);  noise: print non-protocol lines to stdout.
"""
import json
import os
import shutil
import sys
import time

req = json.load(open(sys.argv[1], encoding="utf-8"))
fake = json.loads(os.environ.get("FAKE_RUNNER", "{}"))
out = sys.stdout
out.write(json.dumps({"event": "hello", "protocol": 1, "ultralytics": "fake", "torch": "none"}) + "\n")
if fake.get("noise"):
    out.write("a library printing to stdout\n{not json\n[1, 2]\n")
out.flush()
n = int(fake.get("epochs", req["epochs"]))
for e in range(1, n + 1):
    out.write(json.dumps({"event": "epoch", "epoch": e, "epochs": n,
                          "loss": {"train/box_loss": 2.0 / e, "train/cls_loss": 1.0 / e, "train/dfl_loss": 0.5},
                          "metrics": {"metrics/mAP50(B)": 0.1 * e, "metrics/mAP50-95(B)": 0.05 * e,
                                      "metrics/mAP50(M)": 0.2 * e, "bad": "x"}}) + "\n")
    out.flush()
    if fake.get("sleep"):
        with open(os.path.join(req["project"] + ".pid"), "w") as f:
            f.write(str(os.getpid()))
        time.sleep(float(fake["sleep"]))
if fake.get("fail"):
    sys.stderr.write("Traceback (most recent call last):\nRuntimeError: out of memory in the fake\n")
    sys.exit(1)
os.makedirs(req["project"], exist_ok=True)
onnx = os.path.join(req["project"], "best.onnx")
shutil.copyfile(fake["onnx"], onnx)
out.write(json.dumps({"event": "exported", "onnx": onnx, "imgsz": req["imgsz"], "names": []}) + "\n")
