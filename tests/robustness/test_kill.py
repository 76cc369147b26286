"""``kill -9`` during export, import and predict (slow group: scripts/test_heavy.sh).

Each trial starts the real command line, kills it with SIGKILL after a random delay, and
then checks what a user would find:
- every label file (the inputs of export; what import and predict wrote) parses, and the
  inputs of export are byte for byte unchanged;
- no worker process outlives the killed parent (export runs with 2 workers);
- after the next, uninterrupted run of the same command, no temp file of this tool is
  left anywhere in the folders.
The counts of every trial are printed (run with ``-s`` to see them);
``ANYLABEL_KILL_TRIALS`` sets the number of kills per command (default 4).
"""
from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from anylabel.core.atomic import DEAD_WRITER_GRACE_S
from anylabel.core.errors import LabelFileError
from anylabel.core.label_file import new_annotation_for, read_label_file, write_label_file
from anylabel.core.shape import Shape, rectangle

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGKILL and /proc (Linux)"),
]

TRIALS = int(os.environ.get("ANYLABEL_KILL_TRIALS", "4"))
EXPORT_IMAGES = 1500  # above the 1,000 images from which export uses worker processes
PREDICT_IMAGES = 120
REPO = Path(__file__).resolve().parents[2]


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "anylabel", *args, "--quiet"]


def env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")


def state(pid: int) -> tuple[str, int] | None:
    """(state letter, parent pid) of a process, None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return fields[0], int(fields[1])


def alive(pid: int) -> bool:
    s = state(pid)
    return s is not None and s[0] not in ("Z", "X")


def descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            s = state(int(d))
            if s is not None:
                parents[int(d)] = s[1]
    found, frontier = set(), {root}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier} - found
        found |= frontier
    return found


def temp_files(*folders: Path) -> list[Path]:
    return [p for f in folders for p in f.rglob("*.tmp")]


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def kill_during(argv: list[str], delay: float) -> tuple[bool, set[int], list[int]]:
    """Run ``argv``, SIGKILL it after ``delay`` s. Returns (finished before the kill,
    descendants seen, descendants still running 5 s after the kill)."""
    proc = subprocess.Popen(argv, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: set[int] = set()
    end = time.monotonic() + delay
    while time.monotonic() < end and proc.poll() is None:
        seen |= descendants(proc.pid)
        time.sleep(0.02)
    if proc.poll() is not None:
        return True, seen, []
    seen |= descendants(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while any(alive(p) for p in seen) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = [p for p in seen if alive(p)]
    for p in survivors:  # never leave them running, even when the test fails
        os.kill(p, signal.SIGKILL)
    return False, seen, survivors


def duration(argv: list[str]) -> float:
    """Seconds of one uninterrupted run: the kills land at random moments within it."""
    t0 = time.monotonic()
    r = subprocess.run(argv, env=env(), capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return time.monotonic() - t0


def run_to_end(argv: list[str]) -> subprocess.CompletedProcess:
    time.sleep(DEAD_WRITER_GRACE_S + 0.2)  # a killed writer's temp files are removed after this grace
    return subprocess.run(argv, env=env(), capture_output=True, text=True, timeout=600)


def unreadable_labels(folder: Path) -> list[str]:
    bad = []
    for p in sorted(folder.glob("*.json")):
        try:
            read_label_file(p)
        except LabelFileError as exc:
            bad.append(str(exc))
    return bad


def report(name: str, rows: list[dict]) -> None:
    keys = list(rows[0])
    print(f"\n[kill test] {name}: {len(rows)} trials")
    for r in rows:
        print("  " + ", ".join(f"{k}={r[k]}" for k in keys))


@pytest.fixture(scope="module")
def labelled(tmp_path_factory) -> Path:
    """EXPORT_IMAGES small images, each with a label file of a few rectangles and a polygon."""
    folder = tmp_path_factory.mktemp("labelled")
    rng = np.random.default_rng(7)
    for i in range(EXPORT_IMAGES):
        img = folder / f"img{i:05d}.png"
        Image.fromarray(rng.integers(0, 255, (24, 32, 3), dtype=np.uint8)).save(img)
        shapes = [rectangle(1 + k, 1, 10 + k, 12, f"c{k % 3}") for k in range(3)]
        shapes.append(Shape("polygon", np.array([[1.0, 1.0], [20.0, 2.0], [12.0, 20.0]]), "road"))
        write_label_file(folder / f"img{i:05d}.json", new_annotation_for(img, shapes, (32, 24)))
    (folder / "classes.txt").write_text("c0\nc1\nc2\nroad\n")
    return folder


def test_kill_export(labelled: Path, tmp_path: Path) -> None:
    before = digest(labelled)
    full = duration(cli("export", "--format", "voc", "--input", str(labelled), "--output", str(tmp_path / "ref"),
                        "--workers", "2"))
    rows = []
    for trial in range(TRIALS):
        out = tmp_path / f"out{trial}"
        argv = cli("export", "--format", "voc", "--input", str(labelled), "--output", str(out), "--workers", "2")
        finished, seen, survivors = kill_during(argv, full * random.Random(trial).uniform(0.3, 0.9))
        written = list(out.rglob("*.xml")) if out.exists() else []
        broken_xml = []
        for x in written:
            try:
                ET.parse(x)
            except ET.ParseError:
                broken_xml.append(x.name)
        tmp_after_kill = len(temp_files(out)) if out.exists() else 0
        again = run_to_end(argv)
        rows.append(dict(trial=trial, finished_before_kill=finished, processes=len(seen), survivors=len(survivors),
                         xml_written=len(written), xml_broken=len(broken_xml), tmp_after_kill=tmp_after_kill,
                         next_run_exit=again.returncode, tmp_after_next_run=len(temp_files(out, labelled))))
        assert survivors == [], f"workers outlived the killed export: {survivors}"
        assert broken_xml == []
        assert again.returncode == 0, again.stderr
        assert temp_files(out, labelled) == []
        assert len(list(out.rglob("*.xml"))) == EXPORT_IMAGES
    assert digest(labelled) == before  # the input is never modified
    assert unreadable_labels(labelled) == []
    report("export (voc, 2 workers)", rows)
    assert any(r["processes"] >= 2 for r in rows if not r["finished_before_kill"]), "no kill hit the workers"


def test_kill_import(labelled: Path, tmp_path: Path) -> None:
    coco = tmp_path / "coco"
    r = subprocess.run(cli("export", "--format", "coco", "--input", str(labelled), "--output", str(coco)),
                       env=env(), capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    source = next(coco.rglob("*.json"))
    rows = []
    full = 0.0
    for trial in range(-1, TRIALS):  # -1: the uninterrupted run that measures the duration
        images = tmp_path / f"images{trial}"
        images.mkdir()
        for p in labelled.glob("*.png"):
            os.link(p, images / p.name)
        argv = cli("import", "--format", "coco", "--source", str(source), "--output", str(images), "--overwrite")
        if trial < 0:
            full = duration(argv)
            continue
        finished, _, survivors = kill_during(argv, full * random.Random(100 + trial).uniform(0.2, 0.9))
        written = len(list(images.glob("*.json")))
        bad = unreadable_labels(images)
        tmp_after_kill = len(temp_files(images))
        again = run_to_end(argv)
        rows.append(dict(trial=trial, finished_before_kill=finished, labels_written=written, labels_broken=len(bad),
                         tmp_after_kill=tmp_after_kill, next_run_exit=again.returncode,
                         tmp_after_next_run=len(temp_files(images))))
        assert survivors == []
        assert bad == []
        assert again.returncode == 0, again.stderr
        assert temp_files(images) == []
        assert len(list(images.glob("*.json"))) == EXPORT_IMAGES and unreadable_labels(images) == []
    report("import (coco)", rows)


def test_kill_import_leaves_each_label_file_old_or_new(labelled: Path, tmp_path: Path) -> None:
    """Imports commit label files in batches (docs/adr/0014-import-durability.md): killed at
    any moment, every label file is byte for byte its old version or its new one (or, for
    an image that had none, absent or new), and the next run completes them."""
    coco = tmp_path / "coco"
    r = subprocess.run(cli("export", "--format", "coco", "--input", str(labelled), "--output", str(coco)),
                       env=env(), capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    source = next(coco.rglob("*.json"))
    pngs = sorted(labelled.glob("*.png"))

    def start_state(folder: Path) -> dict[str, str]:
        """Images, and an old label file (one shape, unlike the import's) for every other one."""
        folder.mkdir()
        for i, p in enumerate(pngs):
            os.link(p, folder / p.name)
            if i % 2 == 0:
                old = new_annotation_for(folder / p.name, [rectangle(2, 2, 9, 9, "old")], (32, 24))
                write_label_file(folder / f"{p.stem}.json", old)
        return {k: v for k, v in digest(folder).items() if k.endswith(".json")}

    argv_for = lambda folder: cli("import", "--format", "coco", "--source", str(source), "--output",  # noqa: E731
                                  str(folder), "--overwrite")
    ref = tmp_path / "reference"
    start_state(ref)
    full = duration(argv_for(ref))
    new = {k: v for k, v in digest(ref).items() if k.endswith(".json")}
    assert len(new) == EXPORT_IMAGES
    trials = max(TRIALS, 8)
    rows = []
    for trial in range(trials):
        folder = tmp_path / f"images{trial}"
        old = start_state(folder)
        finished, _, survivors = kill_during(argv_for(folder), full * random.Random(300 + trial).uniform(0.05, 1.0))
        now = {k: v for k, v in digest(folder).items() if k.endswith(".json")}
        neither = [k for k, v in now.items() if v != new[k] and v != old.get(k)]
        vanished = [k for k in old if k not in now]
        n_new = sum(1 for k, v in now.items() if v == new[k])
        tmp_after_kill = len(temp_files(folder))
        again = run_to_end(argv_for(folder))
        rows.append(dict(trial=trial, finished_before_kill=finished, new=n_new, old=len(now) - n_new - len(neither),
                         absent=EXPORT_IMAGES - len(now), partial_or_foreign=len(neither), vanished=len(vanished),
                         tmp_after_kill=tmp_after_kill, next_run_exit=again.returncode,
                         tmp_after_next_run=len(temp_files(folder))))
        assert survivors == []
        assert neither == [], f"label files neither old nor new after the kill: {neither[:5]}"
        assert vanished == []
        assert again.returncode == 0, again.stderr
        assert temp_files(folder) == []
        assert {k: v for k, v in digest(folder).items() if k.endswith(".json")} == new
    report("import (coco, --overwrite): each label file old or new", rows)
    assert any(0 < r["new"] < EXPORT_IMAGES for r in rows), "no kill landed while label files were being committed"


def test_kill_predict(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    import synthetic_shapes

    base = tmp_path / "base"
    base.mkdir()
    rng = np.random.default_rng(3)
    for i in range(PREDICT_IMAGES):
        img, _ = synthetic_shapes.make_sample(rng, "det", 160, 160)
        Image.fromarray(img).save(base / f"f{i:04d}.png")
    rows = []
    full = 0.0
    for trial in range(-1, TRIALS):  # -1: the uninterrupted run that measures the duration
        folder = tmp_path / f"predict{trial}"
        shutil.copytree(base, folder)
        argv = cli("predict", "--model", "fixture_shapes_det", "--input", str(folder))
        if trial < 0:
            full = duration(argv)
            continue
        finished, _, survivors = kill_during(argv, full * random.Random(200 + trial).uniform(0.3, 0.9))
        written = len(list(folder.glob("*.json")))
        bad = unreadable_labels(folder)
        tmp_after_kill = len(temp_files(folder))
        again = run_to_end(argv)
        rows.append(dict(trial=trial, finished_before_kill=finished, labels_written=written, labels_broken=len(bad),
                         tmp_after_kill=tmp_after_kill, next_run_exit=again.returncode,
                         tmp_after_next_run=len(temp_files(folder))))
        assert survivors == []
        assert bad == []
        assert again.returncode == 0, again.stderr
        assert temp_files(folder) == []
        assert unreadable_labels(folder) == []
    report("predict (fixture_shapes_det)", rows)
