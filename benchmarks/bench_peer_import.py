"""Importing a COCO / YOLO / VOC dataset into label files: AnyLabel against X-AnyLabeling.

Usage (from the dev venv; the peer runs in its own Python 3.12 venv):
    python benchmarks/bench_peer_import.py --peer-python /work/venvs/xany/bin/python [N] [S] [FORMAT ...]

The dataset is the one ``bench_import.py`` imports: N images x S shapes (default 10,000 x 20)
from ``bench_export.make_folder``, exported by AnyLabel's own exporter, with one real JPEG
hard-linked N times. Each round imports it into a fresh folder of images:
- AnyLabel: ``anylabel import --format F --source ... --output ...`` in a subprocess;
- X-AnyLabeling 4.2.1: a subprocess of the peer's Python that runs the converter calls its
  Upload actions run once the dialogs are answered (``views/labeling/utils/upload.py``):
  ``LabelConverter().coco_to_custom(json, out, "polygon")`` once for COCO, and per image
  ``yolo_to_custom(txt, json, image, "hbb")`` (with the classes file) or
  ``voc_to_custom(xml, json, image_name, "rectangle")``, over the image list in name order.
Interpreter start and imports are counted for both. The order alternates between rounds;
the load average is printed beside each run. Both must write N label files (checked).
LabelMe has no import of these formats, so it is not in this comparison.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: Run by the peer's Python: argv = format, source, images folder.
PEER_DRIVER = r'''
import os, sys, os.path as osp
from anylabeling.views.labeling.label_converter import LabelConverter
fmt, source, images = sys.argv[1:4]
names = sorted(n for n in os.listdir(images) if n.endswith(".jpg"))
if fmt == "coco":
    LabelConverter().coco_to_custom(source, images, "polygon")
elif fmt == "yolo":
    conv = LabelConverter(classes_file=osp.join(source, "classes.txt"))
    labels = osp.join(source, "labels") if osp.isdir(osp.join(source, "labels")) else source
    for n in names:
        stem = osp.splitext(n)[0]
        txt = osp.join(labels, stem + ".txt")
        if osp.exists(txt):
            conv.yolo_to_custom(txt, osp.join(images, stem + ".json"), osp.join(images, n), "hbb")
else:
    conv = LabelConverter()
    xmls = osp.join(source, "Annotations") if osp.isdir(osp.join(source, "Annotations")) else source
    present = set(os.listdir(xmls))
    for n in names:
        stem = osp.splitext(n)[0]
        if stem + ".xml" in present:
            conv.voc_to_custom(osp.join(xmls, stem + ".xml"), osp.join(images, stem + ".json"), n, "rectangle")
'''


def timed_run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall s, CPU s of the process and its children) of one command."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv[0]} failed:\n{err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_import import make_dataset, run_folder, source_of

    from anylabel.formats.driver import export_dataset

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer-python", required=True, help="the Python of X-AnyLabeling's venv")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("rest", nargs="*", help="[N] [S] [FORMAT ...]")
    args = ap.parse_args()
    rest = list(args.rest)
    n = int(rest.pop(0)) if rest and rest[0].isdigit() else 10_000
    s = int(rest.pop(0)) if rest and rest[0].isdigit() else 20
    formats = rest or ["coco", "yolo", "voc"]
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp_name:
        tmp = Path(tmp_name)
        labelled, jpeg, names = make_dataset(tmp, n, s)
        driver = tmp / "peer_driver.py"
        driver.write_text(PEER_DRIVER)
        peer_env = dict(os.environ, HOME=str(tmp), QT_QPA_PLATFORM="offscreen")
        ours_env = dict(os.environ, PYTHONPATH=str(REPO))
        print(f"{n} images x {s} shapes; {args.rounds} round(s)")
        for fmt in formats:
            dataset = tmp / f"ds_{fmt}"
            summary = export_dataset(fmt, labelled, dataset)
            assert summary.ok, summary.lines()[:5]
            source = source_of(dataset, fmt)
            runs = {
                "AnyLabel": ([sys.executable, "-m", "anylabel", "import", "--format", fmt, "--source", str(source),
                              "--output", "{images}", "--quiet"], ours_env),
                "X-AnyLabeling": ([args.peer_python, str(driver), fmt, str(source), "{images}"], peer_env),
            }
            for r in range(args.rounds):
                order = list(runs) if r % 2 == 0 else list(reversed(runs))
                for who in order:
                    images = run_folder(tmp, f"{fmt}_{r}_{who.replace('-', '')}", names, jpeg)
                    argv, env = runs[who]
                    wall, cpu = timed_run([a.replace("{images}", str(images)) for a in argv], env)
                    written = sorted(images.glob("*.json"))
                    shapes = len(json.loads(written[-1].read_text(encoding="utf-8"))["shapes"]) if written else 0
                    # same work for both: every label file, each with all its shapes
                    assert len(written) == n and shapes == s, f"{who} {fmt}: {len(written)} label files " \
                        f"(expected {n}), the last with {shapes} shapes (expected {s})"
                    results.setdefault((fmt, who), []).append((wall, cpu))
                    print(f"import {fmt} round {r} {who:13}: {wall:6.2f} s wall, {cpu:6.2f} s CPU; "
                          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    print("\nmedians (wall / CPU):")
    for fmt in formats:
        ours, peer = results[(fmt, "AnyLabel")], results[(fmt, "X-AnyLabeling")]
        ow, oc = statistics.median(w for w, _ in ours), statistics.median(c for _, c in ours)
        pw, pc = statistics.median(w for w, _ in peer), statistics.median(c for _, c in peer)
        print(f"  {fmt:5} AnyLabel {ow:6.2f} s / {oc:5.2f} s   X-AnyLabeling {pw:6.2f} s / {pc:5.2f} s   "
              f"ratio {pw / ow:4.1f}x wall, {pc / oc:4.1f}x CPU")


if __name__ == "__main__":
    main()
