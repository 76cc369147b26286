"""Worker processes give exactly the serial output (and report the same failures)."""

import json

import pytest

from anylabel.formats import driver
from anylabel.formats.base import ExportOptions

from formats_helpers import make_dataset, mixed_shapes


@pytest.fixture
def small_thresholds(monkeypatch):
    """Workers for small folders, and a count of the runs that really used them."""
    from anylabel.formats import parallel

    monkeypatch.setattr(driver, "PARALLEL_MIN_IMAGES", 10)
    monkeypatch.setattr(driver, "MIN_IMAGES_PER_WORKER", 5)
    calls = []
    real = parallel.export_parallel

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(parallel, "export_parallel", counted)
    return calls


@pytest.fixture
def classes(tmp_path):
    path = tmp_path / "classes.txt"
    path.write_text("ball\ncar\ncat\n狗 dog\n", encoding="utf-8")
    return path


def _tree(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_parallel_export_matches_serial(tmp_path, small_thresholds, classes):
    src = make_dataset(tmp_path / "src é", {f"f{i}.png": mixed_shapes(i % 5) for i in range(40)})
    (src / "f13.json").write_text("{broken", encoding="utf-8")
    for fmt, opts in (("coco", {}), ("yolo", {"split": (0.7, 0.3, 0.0)})):
        one = driver.export_dataset(
            fmt, src, tmp_path / f"{fmt}1", classes, options=ExportOptions(workers=1, **opts)
        )
        two = driver.export_dataset(
            fmt, src, tmp_path / f"{fmt}2", classes, options=ExportOptions(workers=2, **opts)
        )
        assert [p for p, _ in one.failures] == [p for p, _ in two.failures] == [str(src / "f13.json")]
        assert (one.images, one.shapes_written, one.files_written, one.skipped) == (
            two.images,
            two.shapes_written,
            two.files_written,
            two.skipped,
        )
        a, b = _tree(tmp_path / f"{fmt}1"), _tree(tmp_path / f"{fmt}2")
        if fmt == "coco":
            ja, jb = (json.loads(x["annotations.json"]) for x in (a, b))
            ja["info"].pop("date_created"), jb["info"].pop("date_created")
            assert ja == jb and len(ja["images"]) == 39
        else:
            b["data.yaml"] = b["data.yaml"].replace(b"yolo2", b"yolo1")
            assert a == b
    assert small_thresholds == [1, 1]  # both workers=2 runs really used worker processes


def test_parallel_export_can_be_cancelled(tmp_path, small_thresholds, classes):
    src = make_dataset(tmp_path / "src", {f"f{i}.png": mixed_shapes(0) for i in range(30)})
    s = driver.export_dataset(
        "coco", src, tmp_path / "o", classes, options=ExportOptions(workers=2), cancelled=lambda: True
    )
    assert s.cancelled and not (tmp_path / "o" / "annotations.json").exists()
    assert small_thresholds == [1]


def test_without_a_class_list_one_process_reads_each_file_once(tmp_path, small_thresholds):
    src = make_dataset(tmp_path / "src", {f"f{i}.png": mixed_shapes(0) for i in range(20)})
    s = driver.export_dataset("coco", src, tmp_path / "o", options=ExportOptions(workers=2))
    assert s.ok and s.images == 20 and small_thresholds == []


def test_broken_worker_pool_falls_back_to_one_process(tmp_path, small_thresholds, classes, monkeypatch):
    import concurrent.futures.process as cfp

    from anylabel.formats import parallel

    def broken(*args, **kwargs):
        raise cfp.BrokenProcessPool("a worker died at start")

    monkeypatch.setattr(parallel, "_export_parallel", broken)
    src = make_dataset(tmp_path / "src", {f"f{i}.png": mixed_shapes(0) for i in range(20)})
    s = driver.export_dataset("yolo", src, tmp_path / "o", classes, options=ExportOptions(workers=2))
    assert small_thresholds == [1]
    assert s.ok and s.images == 20 and any("converted in one process" in n for n in s.notes)
    assert len(list((tmp_path / "o").glob("f*.txt"))) == 20
