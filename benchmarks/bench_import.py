"""``anylabel import`` start to end for N images x S shapes (default 10,000 x 20): coco, yolo, voc.

Usage: python benchmarks/bench_import.py [N] [S] [FORMAT ...]

The datasets are exported (``anylabel.formats.driver.export_dataset``) from the label
folder ``bench_export.make_folder`` builds, so the import reads what an export writes. The
images are one real 1920x1080 JPEG hard-linked N times (YOLO needs the image size from the
header). Each round imports every format into a fresh folder of images twice, with this
checkout's code and with the reference code (``BENCH_BASELINE``: a git revision, default
the last commit before imports batched their fsyncs, or the folder of another checkout,
e.g. the code before import workers), alternating which goes first; the
command line runs in a subprocess, so interpreter start and imports are counted. The two
runs must write byte-identical label files (checked).

Prints per run the wall time and the CPU time of the process and its worker processes
(user + system: ``wait4`` counts the children it waited for), of which user time, the
ratios reference / new, and the load average: on a shared machine CPU time is the steadier
figure, the wall time is what a user waits. User time is what this code controls: the
system time of creating 10,000 files depends on the file system's state (on an ext4
without a journal, inode allocation skips inodes freed in the last minutes, one by one,
so it grows with every folder of files deleted before: the runs keep their folders until the
end, and a second invocation right after a first pays for the first's clean-up).
BENCH_ROUNDS (default 3) sets the rounds.
BENCH_BASELINE=none skips the reference runs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_export import make_folder  # noqa: E402

from anylabel.formats.driver import export_dataset  # noqa: E402

#: The last commit whose imports fsynced every label file on its own (OrderedWrites).
DEFAULT_BASELINE = "ac8d986"


def reference_checkout(rev: str, into: Path) -> Path:
    """The ``anylabel`` package of ``rev`` unpacked into ``into`` (git archive; no worktree)."""
    data = subprocess.run(["git", "-C", str(REPO), "archive", rev, "anylabel"], check=True,
                          capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def one_jpeg(path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (1920, 1080), (90, 90, 90)).save(path, quality=50)


def run_folder(tmp: Path, tag: str, names: list[str], jpeg: Path) -> Path:
    """``tmp/im_<tag>``: a fresh folder of the images ``names``, for one import run to write into.

    The images are hard links of a copy of ``jpeg`` made for this run (ext4 allows 65,000
    links per file). Callers keep the folders until the end: inodes freed minutes before
    make ext4 slower to create files, which would bill one run for the previous one's clean-up.
    """
    folder = tmp / f"im_{tag}"
    own = tmp / f"one_{tag}.jpg"
    shutil.copyfile(jpeg, own)
    folder.mkdir()
    for n in names:
        os.link(own, folder / n)
    return folder


def make_dataset(tmp: Path, n: int, s: int) -> tuple[Path, Path, list[str]]:
    """``tmp/labelled``: n images x s shapes whose images are one real JPEG hard-linked.

    Returns the folder, the JPEG and the sorted image names. Real image headers matter:
    the YOLO import reads each image's size from them.
    """
    labelled = tmp / "labelled"
    labelled.mkdir()
    make_folder(labelled, n, s)
    jpeg = tmp / "one.jpg"
    one_jpeg(jpeg)
    names = sorted(p.name for p in labelled.glob("*.jpg"))
    for name in names:
        os.unlink(labelled / name)
        os.link(jpeg, labelled / name)
    return labelled, jpeg, names


def source_of(dataset: Path, fmt: str) -> Path:
    """The COCO json; the folder of per-image files (with classes.txt) for the others."""
    if fmt != "coco":
        return dataset
    found = sorted(dataset.rglob("*.json"))
    if len(found) != 1:
        raise SystemExit(f"{dataset}: expected one COCO json, found {len(found)}")
    return found[0]


def run_import(code: Path, fmt: str, source: Path, images: Path) -> tuple[float, float, float]:
    """(wall s, CPU s, of which user s) of one ``anylabel import`` run with the package at ``code``."""
    env = dict(os.environ, PYTHONPATH=str(code))
    argv = [sys.executable, "-m", "anylabel", "import", "--format", fmt, "--source", str(source),
            "--output", str(images), "--quiet"]
    t0 = time.perf_counter()
    # cwd: ``-m`` puts the working folder first on sys.path, ahead of PYTHONPATH; run from this
    # checkout, the reference runs would import this checkout's code.
    proc = subprocess.Popen(argv, env=env, cwd=code, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"import {fmt} with {code} failed ({proc.returncode}):\n{err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_utime


def label_digests(images: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in images.glob("*.json")}


def main() -> None:
    args = sys.argv[1:]
    n = int(args.pop(0)) if args and args[0].isdigit() else 10_000
    s = int(args.pop(0)) if args and args[0].isdigit() else 20
    formats = args or ["coco", "yolo", "voc"]
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    baseline = os.environ.get("BENCH_BASELINE", DEFAULT_BASELINE)
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp_name:
        tmp = Path(tmp_name)
        labelled, jpeg, names = make_dataset(tmp, n, s)
        codes = {"new": REPO}
        if baseline != "none" and Path(baseline, "anylabel").is_dir():  # a checkout, e.g. /work/old
            codes["reference"] = Path(baseline).resolve()
        elif baseline != "none":
            codes["reference"] = reference_checkout(baseline, tmp / "reference")
        print(f"{n} images x {s} shapes; reference code: {baseline}; {rounds} round(s)")
        results: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
        for fmt in formats:
            dataset = tmp / f"ds_{fmt}"
            summary = export_dataset(fmt, labelled, dataset)
            assert summary.ok, summary.lines()[:5]
            source = source_of(dataset, fmt)
            for r in range(rounds):
                order = list(codes) if r % 2 == 0 else list(reversed(codes))
                digests = {}
                for which in order:
                    images = run_folder(tmp, f"{fmt}_{r}_{which}", names, jpeg)
                    wall, cpu, user = run_import(codes[which], fmt, source, images)
                    results.setdefault((fmt, which), []).append((wall, cpu, user))
                    digests[which] = label_digests(images)
                    assert len(digests[which]) == n, f"{which}: {len(digests[which])} label files, expected {n}"
                    print(f"import {fmt} round {r} {which:9}: {wall:6.2f} s wall, {cpu:6.2f} s CPU "
                          f"({user:5.2f} s user); "
                          f"load average {os.getloadavg()[0]:.1f}", flush=True)
                if len(digests) == 2:
                    assert digests["new"] == digests["reference"], "the two runs wrote different label files"
        print("\nmedians (wall / CPU / user CPU):")
        for fmt in formats:
            nw, nc, nu = (statistics.median(run[i] for run in results[(fmt, "new")]) for i in range(3))
            line = f"  {fmt:5} new {nw:6.2f} s / {nc:5.2f} s / {nu:5.2f} s"
            if (fmt, "reference") in results:
                rw, rc, ru = (statistics.median(run[i] for run in results[(fmt, "reference")]) for i in range(3))
                line += (f"   reference {rw:6.2f} s / {rc:5.2f} s / {ru:5.2f} s   ratio reference/new "
                         f"{rw / nw:4.1f}x wall, {rc / nc:4.1f}x CPU, {ru / nu:4.1f}x user")
            print(line)


if __name__ == "__main__":
    main()
