#!/usr/bin/env python3
"""INT8 against FP32: speed and accuracy of ``anylabel models quantize`` on this CPU.

Each INT8 model is measured beside its float model, in alternating rounds (the machine may
be shared: a paired ratio per round, then the median of the ratios):

- the demo detector (``fixture_shapes_det``, YOLOv8 trained on synthetic shapes at 160 px),
  quantised ``--mode static`` on 32 synthetic images: mAP50 of both on a held-out synthetic
  set (other seeds than training and calibration; goal: INT8 within 0.02 of FP32), and time
  per image of bare ``session.run`` and of the whole ``predict`` (goal: >= 1.5x);
- the untrained 320 px YOLOv8n (``scripts/train_fixture_models.py --bench-model``), static:
  speed only (random weights have no accuracy to keep);
- the same detector with ONNX Runtime's default dynamic quantisation (Conv included, as
  ``ConvInteger``): why ``--mode dynamic`` leaves convolutions float;
- the MobileSAM encoder of ``../shared/models`` (random weights), dynamic and static
  (calibrated on 4 photos): encoder time and cosine similarity of the image embeddings on
  photos not used for calibration. Skipped, with the reason, when the files are absent.

    .venv/bin/python benchmarks/bench_quantize.py [--rounds 7] [--held-out 200] [--no-sam]
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "tests" / "unit" / "inference"))

BENCH_MODEL = Path(os.environ.get("FIXTURE_WORK", "/tmp/anylabel_fixture_training")) / "yolov8n_320_untrained.onnx"
SHARED = REPO.parent / "shared" / "models"
PHOTOS = Path("/usr/share/darknet/data")
CALIBRATION_PHOTOS = ("dog.jpg", "eagle.jpg", "giraffe.jpg", "horses.jpg")
HELD_OUT_PHOTOS = ("kite.jpg", "person.jpg", "scream.jpg")
HELD_OUT_SEED = 4242  # as tests/unit/inference/test_fixture_models.py; training used 1000-2003
CALIBRATION_SEED = 77


def synthetic_folder(folder: Path, n: int, seed: int, size: int = 160) -> list[Path]:
    from synthetic_shapes import make_sample

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(n):
        img, _ = make_sample(rng, "det", size, size)
        p = folder / f"{i:04d}.png"
        cv2.imwrite(str(p), img[:, :, ::-1])
        paths.append(p)
    return paths


def paired(fns: dict[str, callable], rounds: int, repeat: int, clock=time.perf_counter) -> dict[str, list[float]]:
    """Seconds per call of each function, per round, the functions alternating within a round.

    ``clock=time.thread_time`` counts the CPU time of this thread only: with a one-thread
    session the work runs on the calling thread, so the figure is not moved by other
    processes taking the CPU (wall time on a shared 2-core machine is)."""
    for fn in fns.values():
        fn()  # warm-up
    times: dict[str, list[float]] = {k: [] for k in fns}
    for r in range(rounds):
        order = list(fns) if r % 2 == 0 else list(fns)[::-1]
        for k in order:
            t = clock()
            for _ in range(repeat):
                fns[k]()
            times[k].append((clock() - t) / repeat)
    return times


def ratio_line(label: str, t_float: list[float], t_int8: list[float]) -> str:
    ratios = np.array(t_float) / np.array(t_int8)
    return (f"| {label} | {np.median(t_float) * 1e3:.2f} ms | {np.median(t_int8) * 1e3:.2f} ms | "
            f"{np.median(ratios):.2f}x ({ratios.min():.2f}-{ratios.max():.2f}) |")


def detector_map(cfg: Path, held_out: list) -> float:
    from _accuracy import box_overlap, map50
    from anylabel.core.geometry import bounding_box
    from anylabel.inference import create_model
    from synthetic_shapes import CLASSES

    names = CLASSES["det"]
    model = create_model(cfg, device="cpu")
    samples = [([(names.index(s.label), s.score, bounding_box(s)) for s in model.predict(img)],
                [(o.cls, tuple(o.box)) for o in objs]) for img, objs in held_out]
    return map50(samples, len(names), box_overlap)


def speed_rows(label: str, float_cfg: Path, int8_cfg: Path, image: np.ndarray, rounds: int, repeat: int) -> list[str]:
    from anylabel.inference import create_model

    f, q = create_model(float_cfg, device="cpu"), create_model(int8_cfg, device="cpu")
    feed_f, _ = f.preprocess(image)  # {input name: pre-processed tensor}
    sf, sq = f.sessions[0], q.sessions[0]
    bare = paired({"float": lambda: sf.run(feed_f), "int8": lambda: sq.run(feed_f)}, rounds, repeat)
    whole = paired({"float": lambda: f.predict(image), "int8": lambda: q.predict(image)}, rounds, repeat)
    rows = [ratio_line(f"{label}, session.run", bare["float"], bare["int8"]),
            ratio_line(f"{label}, predict", whole["float"], whole["int8"])]
    from anylabel.inference.runtime import OnnxModel

    # One intra-op thread, so that the inference runs on this thread and thread_time sees all of it.
    one_f = OnnxModel(sf.path, device="cpu", intra_threads=1)
    one_q = OnnxModel(sq.path, device="cpu", intra_threads=1)
    cpu = paired({"float": lambda: one_f.run(feed_f), "int8": lambda: one_q.run(feed_f)}, rounds, repeat,
                 clock=time.thread_time)
    rows.append(ratio_line(f"{label}, session.run, 1 thread, CPU time", cpu["float"], cpu["int8"]))
    return rows


def ort_dynamic_with_conv(src: Path, dest: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(src), str(dest), weight_type=QuantType.QInt8)
    return dest


def bare_speed(label: str, a: Path, b: Path, feed: dict, rounds: int, repeat: int) -> str:
    from anylabel.inference.runtime import OnnxModel

    sa, sb = OnnxModel(a, device="cpu"), OnnxModel(b, device="cpu")
    t = paired({"float": lambda: sa.run(feed), "int8": lambda: sb.run(feed)}, rounds, repeat)
    return ratio_line(label, t["float"], t["int8"])


def embedding_vector(emb) -> np.ndarray:
    """All encoder outputs of one image as one vector (MobileSAM has one: image_embeddings)."""
    return np.concatenate([t.ravel() for _, t in sorted(emb.tensors.items())])


def sam_rows(tmp: Path, rounds: int) -> list[str]:
    from anylabel.core.image_io import read_image_rgb
    from anylabel.inference import create_model
    from anylabel.inference.quantize import quantize

    enc, dec = SHARED / "mobile_sam.encoder.onnx", SHARED / "mobile_sam.decoder.onnx"
    missing = [p for p in (enc, dec) if not p.is_file()]
    if missing:
        return [f"MobileSAM skipped: {', '.join(map(str, missing))} not found (the shared test models)"]
    photos = [PHOTOS / n for n in CALIBRATION_PHOTOS + HELD_OUT_PHOTOS]
    if not all(p.is_file() for p in photos):
        return [f"MobileSAM skipped: the photos in {PHOTOS} are missing"]
    cfg = tmp / "mobile_sam_local.yaml"
    cfg.write_text(f"type: segment_anything\nname: mobile_sam_local\nencoder_model_path: {enc}\n"
                   f"decoder_model_path: {dec}\ninput_size: 1024\n")
    cal = tmp / "sam_calibration"
    cal.mkdir()
    for n in CALIBRATION_PHOTOS:
        shutil.copyfile(PHOTOS / n, cal / n)
    held = [read_image_rgb(PHOTOS / n) for n in HELD_OUT_PHOTOS]
    fm = create_model(cfg, device="cpu")
    ref = [embedding_vector(fm.embed(im)).astype(np.float64) for im in held]
    rows = []
    for mode in ("dynamic", "static"):
        t0 = time.perf_counter()
        res = quantize(str(cfg), tmp / f"sam_{mode}", mode, str(cal) if mode == "static" else None)
        took = time.perf_counter() - t0
        qm = create_model(res.config, device="cpu")
        emb = [embedding_vector(qm.embed(im)).astype(np.float64) for im in held]
        cos = [float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b))) for a, b in zip(ref, emb)]
        t = paired({"float": lambda: fm.embed(held[0]), "int8": lambda: qm.embed(held[0])}, rounds, 1)
        enc_file = next(f for f in res.files if f.key == "encoder_model_path")
        rows.append(ratio_line(f"MobileSAM encoder, {mode} ({enc_file.bytes_after / 1e6:.1f} MB)",
                               t["float"], t["int8"]))
        rows.append(f"|   embedding cosine similarity on {len(held)} held-out photos: min {min(cos):.4f}, "
                    f"mean {np.mean(cos):.4f}; quantising took {took:.1f} s | | | |")
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=30, help="calls per round (detectors)")
    ap.add_argument("--held-out", type=int, default=200, help="held-out synthetic images for mAP50")
    ap.add_argument("--no-sam", action="store_true")
    args = ap.parse_args()
    from anylabel.inference.config import shipped_config_dir
    from anylabel.inference.quantize import quantize
    from synthetic_shapes import make_sample

    tmp = Path(tempfile.mkdtemp(prefix="anylabel_bench_quantize_"))
    try:
        det_cfg = shipped_config_dir() / "fixture_shapes_det.yaml"
        cal = tmp / "calibration"
        synthetic_folder(cal, 32, CALIBRATION_SEED)
        res = quantize(str(det_cfg), tmp / "det_static", "static", str(cal))
        rng = np.random.default_rng(HELD_OUT_SEED)
        held = [make_sample(rng, "det", 160, 160) for _ in range(args.held_out)]
        m_float, m_int8 = detector_map(det_cfg, held), detector_map(res.config, held)
        print(f"demo detector mAP50 on {args.held_out} held-out synthetic images: FP32 {m_float:.4f}, "
              f"INT8 static {m_int8:.4f}, difference {m_int8 - m_float:+.4f} (goal: within 0.02)")
        print(f"demo detector file: {res.files[0].bytes_before / 1e6:.1f} MB -> {res.files[0].bytes_after / 1e6:.1f} MB, "
              f"output cosine similarity on calibration inputs {res.files[0].similarity:.4f}\n")
        print("| model, what is timed | FP32 | INT8 | speed-up (median, min-max of rounds) |")
        print("| --- | ---: | ---: | ---: |")
        image = held[0][0]
        for row in speed_rows("demo detector 160 px, static", det_cfg, res.config, image, args.rounds, args.repeat):
            print(row, flush=True)
        from anylabel.inference import create_model

        f = create_model(det_cfg, device="cpu")
        feed = f.preprocess(image)[0]
        dyn = ort_dynamic_with_conv(f.sessions[0].path, tmp / "det_dynamic_conv.onnx")
        print(bare_speed("demo detector, ORT default dynamic (ConvInteger), session.run",
                         f.sessions[0].path, dyn, feed, args.rounds, args.repeat), flush=True)
        if BENCH_MODEL.is_file():
            bcfg = tmp / "bench.yaml"
            bcfg.write_text(f"type: yolov8\nname: bench\nmodel_path: {BENCH_MODEL}\nconf_threshold: 0.25\n"
                            "classes: coco80\n")
            photos = tmp / "bench_calibration"
            synthetic_folder(photos, 32, CALIBRATION_SEED, size=320)
            bres = quantize(str(bcfg), tmp / "bench_static", "static", str(photos))
            big = make_sample(np.random.default_rng(5), "det", 480, 640)[0]
            for row in speed_rows("YOLOv8n 320 px (untrained), static", bcfg, bres.config, big,
                                  args.rounds, max(5, args.repeat // 3)):
                print(row, flush=True)
        else:
            print(f"YOLOv8n 320 px skipped: {BENCH_MODEL} not built "
                  "(python scripts/train_fixture_models.py --bench-model)")
        if not args.no_sam:
            for row in sam_rows(tmp, max(3, args.rounds // 2)):
                print(row, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
