#!/usr/bin/env python3
"""X-AnyLabeling's "run all images" path against the bare ``session.run`` floor.

Runs in a venv that has X-AnyLabeling (PyPI ``x-anylabeling-cvhub``, with onnxruntime and
onnx) installed, not in the project venv; X-AnyLabeling is only called, as a black box:

    QT_QPA_PLATFORM=offscreen /work/venvs/xany/bin/python benchmarks/bench_xanylabeling_predict.py \\
        --model /tmp/anylabel_fixture_training/yolov8n_320_untrained.onnx --images /tmp/bench_images

Per image it does what X-AnyLabeling's batch run does for a detector: its YOLOv8 model's
``predict_shapes(image, image_path)`` (which reads the file from disk, letterboxes, runs
the session and post-processes) and then its batch saver ``save_auto_labeling_result``
(writes the label JSON). Label files go to a temporary output folder (X-AnyLabeling's
``--output``), so the image folder is not modified; they are removed before every round,
as ``bench_predict.py`` does, so every round writes new files.

The floor is a bare onnxruntime ``InferenceSession.run`` on the same model with a
pre-processed 320x320 input and the same intra-op threads as ``bench_predict.py`` (every
core). Floor and X-AnyLabeling runs alternate (floor, X, floor, X, ..., floor) and each
X-AnyLabeling run is compared with the mean of the two floor runs around it, so load from
other jobs on a shared machine hits both sides.

If ``--images`` names a folder that does not exist it is created with the images of
``bench_predict.py`` (same generator and seed: 640x480 JPEGs), ``--count`` of them.
"""
from __future__ import annotations

import argparse
import ast
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = Path(os.environ.get("FIXTURE_WORK", "/tmp/anylabel_fixture_training")) / "yolov8n_320_untrained.onnx"
JPEG_SUFFIXES = (".jpg", ".jpeg", ".png")


def image_paths(folder: Path, count: int) -> list[Path]:
    """The benchmark images: the folder's images, or bench_predict.py's set written there first."""
    if not folder.exists():
        sys.path.insert(0, str(REPO / "scripts"))
        sys.path.insert(0, str(REPO / "benchmarks"))
        from bench_predict import make_images  # project code: same generator and seed

        folder.mkdir(parents=True)
        make_images(folder, count)
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in JPEG_SUFFIXES)
    if not paths:
        raise SystemExit(f"{folder}: no images (.jpg/.jpeg/.png) in this folder")
    return paths


def class_names(session) -> list[str]:
    """Class names from the model's metadata (Ultralytics exports store them), else class0..N-1."""
    meta = session.get_modelmeta().custom_metadata_map
    if "names" in meta:
        try:
            names = ast.literal_eval(meta["names"])
            return [str(names[k]) for k in sorted(names)]
        except (ValueError, SyntaxError, TypeError):
            pass
    channels = session.get_outputs()[0].shape[1]  # YOLOv8 detect output: (1, 4 + classes, anchors)
    return [f"class{i}" for i in range(int(channels) - 4)]


def floor_input(path: Path, hw: tuple[int, int]) -> np.ndarray:
    """One image resized to the model input, NCHW float32 in [0, 1] (content does not change the time)."""
    import cv2

    img = cv2.imread(str(path))[:, :, ::-1]
    img = cv2.resize(img, (hw[1], hw[0]), interpolation=cv2.INTER_LINEAR)
    return np.ascontiguousarray(img.transpose(2, 0, 1)[None], dtype=np.float32) / 255.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(DEFAULT_MODEL))
    ap.add_argument("--images", required=True, help="image folder (created with bench_predict.py's images if missing)")
    ap.add_argument("--count", type=int, default=100, help="images to create when --images does not exist")
    ap.add_argument("--conf", type=float, default=1e-4, help="same default as bench_predict.py (untrained model)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    model_path = Path(args.model).resolve()
    if not model_path.is_file():
        print(f"{model_path} is missing: run 'python scripts/train_fixture_models.py --bench-model' first")
        return 2
    paths = image_paths(Path(args.images), args.count)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import onnxruntime as ort

    tmp = Path(tempfile.mkdtemp(prefix="xany_bench_"))
    try:
        # X-AnyLabeling keeps its settings (~/.xanylabelingrc) in its work directory: point it at
        # a temporary one holding an empty settings file, i.e. its defaults (store_data: false).
        import anylabeling.config as xconfig

        xconfig.set_work_directory(str(tmp))
        rc = tmp / ".xanylabelingrc"
        rc.write_text("{}\n")
        xconfig.current_config_file = str(rc)

        from PyQt6.QtGui import QImage
        from PyQt6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication([])  # noqa: F841 - the GUI has one alive
        from anylabeling.services.auto_labeling.yolov8 import YOLOv8
        from anylabeling.views.labeling.utils.batch import save_auto_labeling_result

        probe = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
        names = class_names(probe)
        del probe
        xmodel = YOLOv8({"type": "yolov8", "name": "bench", "display_name": "bench", "model_path": str(model_path),
                         "conf_threshold": args.conf, "classes": names}, on_message=lambda *_: None)
        out_dir = tmp / "labels"
        out_dir.mkdir()
        # What save_auto_labeling_result reads from the main window: the output folder and settings.
        window = SimpleNamespace(output_dir=str(out_dir), _config=xmodel._config)
        current = QImage(str(paths[0]))  # the canvas image the window passes (unused: the path is read)

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = max(1, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(str(model_path), opts, providers=["CPUExecutionProvider"])
        feeds = {session.get_inputs()[0].name: floor_input(paths[0], xmodel.input_shape)}
        n = len(paths)
        x_threads = xmodel.net.ort_session.get_session_options().intra_op_num_threads
        print(f"model {model_path} input {xmodel.input_shape}, {len(names)} classes, {os.cpu_count()} cores, "
              f"{n} images from {args.images}")
        print(f"X-AnyLabeling {_version()} session intra-op threads: {x_threads or 'onnxruntime default'}; "
              f"floor session: {opts.intra_op_num_threads}")

        def floor_run() -> float:
            t0 = time.perf_counter()
            for _ in range(n):
                session.run(None, feeds)
            return n / (time.perf_counter() - t0)

        boxes: list[int] = []

        def xany_run() -> float:
            for j in out_dir.glob("*.json"):
                j.unlink()
            total = 0
            t0 = time.perf_counter()
            for p in paths:
                result = xmodel.predict_shapes(current, str(p))
                result.image_path = str(p)  # as its model manager does before returning a batch result
                save_auto_labeling_result(window, str(p), result)
                total += len(result.shapes)
            ips = n / (time.perf_counter() - t0)
            written = len(list(out_dir.glob("*.json")))
            if written != n:
                raise SystemExit(f"X-AnyLabeling wrote {written} label files for {n} images (see its log above)")
            boxes.append(total)
            return ips

        for _ in range(5):
            session.run(None, feeds)
        for p in paths[:3]:
            xmodel.predict_shapes(current, str(p))

        load_before = os.getloadavg()
        floors = [floor_run()]
        xs: list[float] = []
        ratios: list[float] = []
        for _ in range(args.rounds):
            xs.append(xany_run())
            floors.append(floor_run())
            ratios.append(xs[-1] / ((floors[-2] + floors[-1]) / 2))
        load_after = os.getloadavg()

        print(f"{'':34s} {'best':>8s} {'median':>8s} images/s   paired ratio to floor: median (min-max)")
        print(f"{'floor (session.run only)':34s} {max(floors):8.2f} {float(np.median(floors)):8.2f}")
        print(f"{'X-AnyLabeling predict_shapes+save':34s} {max(xs):8.2f} {float(np.median(xs)):8.2f}   "
              f"{float(np.median(ratios)):.2f} ({min(ratios):.2f}-{max(ratios):.2f})")
        print(f"boxes written per image: {boxes[-1] / n:.1f}; "
              f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("x-anylabeling-cvhub")
    except Exception:  # noqa: BLE001 - only for the printout
        return "(version unknown)"


if __name__ == "__main__":
    sys.exit(main())
