"""``anylabel predict --engine ray`` on a local two-node Ray cluster (127.0.0.1, one worker
CPU per node), started and stopped here: the same label files as the local engine on 200
images, a worker killed mid-run and the job still complete, and ``--skip-done`` after an
interruption running only the rest. Slow and optional (Ray is an extra):
``scripts/test_ray.sh`` installs Ray into .venv-ray and runs this file."""
from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import cv2
import numpy as np
import pytest

# Ray replaces 127.0.0.1 in an address with the machine's network address; this keeps the
# test cluster, and every connection to it, on the loopback interface (read when Ray is imported).
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
ray = pytest.importorskip("ray", reason="Ray is an optional extra: scripts/test_ray.sh installs it")

from anylabel.cli.main import main  # noqa: E402
from anylabel.inference import create_model  # noqa: E402
from anylabel.inference.batch import BatchJob  # noqa: E402
from anylabel.inference.config import find_config  # noqa: E402
from anylabel.inference.engines.ray_engine import RayEngine  # noqa: E402

pytestmark = pytest.mark.slow

MODEL = "fixture_shapes_det"
N = 200


@pytest.fixture(scope="module")
def cluster():
    from ray.cluster_utils import Cluster

    c = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "node_ip_address": "127.0.0.1",
                                                      "include_dashboard": False})
    c.add_node(num_cpus=1, node_ip_address="127.0.0.1")
    c.wait_for_nodes()
    yield c
    c.shutdown()


@pytest.fixture(scope="module")
def originals(tmp_path_factory) -> Path:
    from synthetic_shapes import make_sample

    folder = tmp_path_factory.mktemp("originals")
    rng = np.random.default_rng(3)
    for i in range(N):
        img, _ = make_sample(rng, "det", 160, 160, max_objects=3)
        cv2.imwrite(str(folder / f"img{i:04d}.jpg"), img[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 92])
    return folder


@pytest.fixture(scope="module")
def local_labels(originals: Path, tmp_path_factory) -> dict[str, bytes]:
    """The label files the local engine writes on the 200 images."""
    folder = copy_folder(originals, tmp_path_factory.mktemp("local"))
    assert main(["predict", "--model", MODEL, "--input", str(folder), "--quiet"]) == 0
    labels = read_labels(folder)
    assert len(labels) > N * 0.9  # nearly every image has an object; some may have none
    return labels


def copy_folder(src: Path, dst: Path) -> Path:
    for p in src.iterdir():
        shutil.copy2(p, dst / p.name)  # keeps the modification time the records name
    return dst


def read_labels(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.json"))}


def test_ray_writes_the_same_label_files_as_local(cluster, originals, local_labels, tmp_path, capsys) -> None:
    folder = copy_folder(originals, tmp_path)
    rc = main(["predict", "--model", MODEL, "--input", str(folder), "--engine", "ray",
               "--ray-address", cluster.address, "--workers", "2", "--quiet"])
    err = capsys.readouterr().err
    assert rc == 0, err
    assert f"{N} images in" in err and "0 failed" in err
    assert read_labels(folder) == local_labels


def test_a_killed_worker_does_not_stop_the_job(cluster, originals, local_labels, tmp_path) -> None:
    folder = copy_folder(originals, tmp_path)
    model = create_model(find_config(MODEL), device="cpu")
    engine = RayEngine(address=cluster.address, workers=2, batch_size=8)
    killed: list[int] = []

    def kill_one_worker(path: Path) -> None:
        if not killed and job.summary.written >= 40:
            pid = engine.worker_pids()[0]
            os.kill(pid, signal.SIGKILL)  # the actor's process dies with its batches in flight
            killed.append(pid)

    job = BatchJob(model, sorted(folder.glob("*.jpg")), on_file_written=kill_one_worker)
    summary = job.run(engine)
    assert killed, "the run ended before a worker could be killed"
    assert summary.processed == N and not summary.failed and not summary.cancelled
    assert read_labels(folder) == local_labels


def test_skip_done_after_an_interruption_runs_only_the_rest(cluster, originals, local_labels, tmp_path,
                                                             capsys) -> None:
    folder = copy_folder(originals, tmp_path)
    model = create_model(find_config(MODEL), device="cpu")
    job = BatchJob(model, sorted(folder.glob("*.jpg")))
    job.on_file_written = lambda path: job.cancel() if job.summary.written >= 60 else None
    first = job.run(RayEngine(address=cluster.address, workers=2, batch_size=8))
    assert first.cancelled and 60 <= first.written < N
    done = set(read_labels(folder))
    rc = main(["predict", "--model", MODEL, "--input", str(folder), "--engine", "ray",
               "--ray-address", cluster.address, "--workers", "2", "--skip-done", "--quiet"])
    err = capsys.readouterr().err
    assert rc == 0, err
    # Images with a record were skipped; those without a label file (done or not) ran.
    assert f"{N - first.written} images in" in err and f"{first.written} skipped" in err
    labels = read_labels(folder)
    assert labels == local_labels
    assert all(labels[name] == local_labels[name] for name in done)  # what the first run wrote stays


def test_an_unreachable_cluster_is_a_clear_error(originals, tmp_path, capsys) -> None:
    folder = copy_folder(originals, tmp_path)
    rc = main(["predict", "--model", MODEL, "--input", str(folder), "--engine", "ray",
               "--ray-address", "127.0.0.1:1", "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2 and "cannot reach the Ray cluster at 127.0.0.1:1" in err and "Traceback" not in err
    assert not list(folder.glob("*.json"))


def test_a_local_ray_is_started_without_an_address(originals, local_labels, tmp_path, capsys) -> None:
    folder = copy_folder(originals, tmp_path)
    for p in sorted(folder.glob("*.jpg"))[40:]:
        p.unlink()
    rc = main(["predict", "--model", MODEL, "--input", str(folder), "--engine", "ray", "--workers", "1",
               "--quiet"])
    assert rc == 0, capsys.readouterr().err
    assert not ray.is_initialized()  # the engine shut down the Ray it started
    kept = {k: v for k, v in local_labels.items() if (folder / k).with_suffix(".jpg").exists()}
    assert read_labels(folder) == kept


def test_a_local_ray_runs_its_workers_at_normal_priority(monkeypatch) -> None:
    """Ray starts workers at niceness 15; the engine's own local Ray runs them at 0, or they lose
    the CPU to the driver writing label files (+20 % per image at 1 worker on 2 cores)."""
    monkeypatch.delenv("RAY_worker_niceness", raising=False)
    engine = RayEngine(workers=1)
    assert engine._connect()
    try:
        assert "RAY_worker_niceness" not in os.environ  # set only while Ray started
        assert ray.get(ray.remote(lambda: os.nice(0)).options(num_cpus=1).remote()) == 0
    finally:
        ray.shutdown()
