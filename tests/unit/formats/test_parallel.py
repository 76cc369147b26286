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
        assert [p for p, _ in one.failures] == [str(src / "f13.json")]
        _same_run(one, two)
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


def _same_run(one, two):
    assert one.failures == two.failures and one.notes == two.notes
    assert (one.images, one.shapes_written, one.files_written, one.skipped) == (
        two.images,
        two.shapes_written,
        two.files_written,
        two.skipped,
    )


@pytest.mark.parametrize("fmt", ["coco", "voc", "dota"])
def test_without_a_class_list_workers_learn_the_classes(tmp_path, small_thresholds, fmt):
    # No class file: the list is made from the labels every worker saw, in natural order,
    # exactly as one process makes it.
    shapes = {f"f{i}.png": mixed_shapes(i % 5) for i in range(40)}
    for name, label in (("f7.png", "cls10"), ("f31.png", "cls2")):
        extra = shapes[name][0].copy()
        extra.label = label
        shapes[name].append(extra)
    src = make_dataset(tmp_path / "src", shapes)
    (src / "f13.json").write_text("{broken", encoding="utf-8")
    one = driver.export_dataset(fmt, src, tmp_path / "o1", options=ExportOptions(workers=1))
    two = driver.export_dataset(fmt, src, tmp_path / "o2", options=ExportOptions(workers=2))
    assert small_thresholds == [1]
    _same_run(one, two)
    a, b = _tree(tmp_path / "o1"), _tree(tmp_path / "o2")
    classes = a["classes.txt"].decode("utf-8").splitlines()
    assert classes.index("cls2") < classes.index("cls10")
    if fmt == "coco":
        ja, jb = (json.loads(x["annotations.json"]) for x in (a, b))
        ja["info"].pop("date_created"), jb["info"].pop("date_created")
        assert ja == jb and [c["name"] for c in ja["categories"]] == classes
    else:
        assert a == b


def test_new_classes_appended_by_workers_match_one_process(tmp_path, small_thresholds):
    src = make_dataset(tmp_path / "src", {f"f{i}.png": mixed_shapes(i % 5) for i in range(30)})
    partial = tmp_path / "partial.txt"
    partial.write_text("zebra\ncat\n", encoding="utf-8")
    runs = []
    for workers in (1, 2):
        opts = ExportOptions(workers=workers, add_new_classes=True)
        runs.append(driver.export_dataset("coco", src, tmp_path / f"o{workers}", partial, options=opts))
    assert small_thresholds == [1]
    _same_run(*runs)
    names = (tmp_path / "o2" / "classes.txt").read_text(encoding="utf-8").split("\n")
    assert names[:2] == ["zebra", "cat"] and len(names) > 3
    ja, jb = (json.loads((tmp_path / f"o{w}" / "annotations.json").read_text("utf-8")) for w in (1, 2))
    assert ja["annotations"] == jb["annotations"] and ja["categories"] == jb["categories"]


@pytest.mark.parametrize("fmt", ["yolo", "yolo-seg", "yolo-obb"])
def test_yolo_without_a_class_list_scans_the_labels_in_the_workers(tmp_path, small_thresholds, fmt):
    # YOLO files hold class indices: the workers first read the labels in use, then export
    # with the list made from them, as one process does.
    shapes = {f"f{i}.png": mixed_shapes(i % 5) for i in range(40)}
    extra = shapes["f33.png"][0].copy()
    extra.label = "zebra"
    shapes["f33.png"].append(extra)
    src = make_dataset(tmp_path / "src", shapes)
    (src / "f13.json").write_text("{broken", encoding="utf-8")
    one = driver.export_dataset(fmt, src, tmp_path / "o1", options=ExportOptions(workers=1))
    two = driver.export_dataset(fmt, src, tmp_path / "o2", options=ExportOptions(workers=2))
    assert small_thresholds == [1]
    _same_run(one, two)
    assert _tree(tmp_path / "o1") == _tree(tmp_path / "o2")
    assert "zebra" in (tmp_path / "o2" / "classes.txt").read_text(encoding="utf-8").split("\n")


def test_small_yolo_folders_without_a_class_list_stay_in_one_process(tmp_path, small_thresholds):
    # Reading every file twice pays off only for bigger folders (three times the threshold).
    src = make_dataset(tmp_path / "src", {f"f{i}.png": mixed_shapes(0) for i in range(20)})
    s = driver.export_dataset("yolo", src, tmp_path / "o", options=ExportOptions(workers=2))
    assert s.ok and s.images == 20 and small_thresholds == []


def test_cancelling_during_the_label_scan_writes_nothing(tmp_path, small_thresholds):
    src = make_dataset(tmp_path / "src", {f"f{i}.png": mixed_shapes(0) for i in range(40)})
    stages = []

    def progress(stage, done, total):
        stages.append(stage)

    s = driver.export_dataset(
        "yolo", src, tmp_path / "o", options=ExportOptions(workers=2), progress=progress, cancelled=lambda: True
    )
    assert s.cancelled and set(stages) <= {"read"} and not list((tmp_path / "o").glob("*.txt"))


def test_broken_worker_pool_falls_back_to_one_process(tmp_path, small_thresholds, classes, monkeypatch):
    import concurrent.futures.process as cfp

    from anylabel.formats import parallel

    def broken(*args, **kwargs):
        raise cfp.BrokenProcessPool("a worker died at start")

    monkeypatch.setattr(parallel.cf, "ProcessPoolExecutor", broken)
    src = make_dataset(tmp_path / "src", {f"f{i}.png": mixed_shapes(0) for i in range(20)})
    s = driver.export_dataset("yolo", src, tmp_path / "o", classes, options=ExportOptions(workers=2))
    assert small_thresholds == [1]
    assert s.ok and s.images == 20 and any("converted in one process" in n for n in s.notes)
    assert len(list((tmp_path / "o").glob("f*.txt"))) == 20


_FORKED_EXPORT = """
import sys
from anylabel.formats import driver, parallel
from anylabel.formats.base import ExportOptions

driver.PARALLEL_MIN_IMAGES, driver.MIN_IMAGES_PER_WORKER = 10, 5
used = []
real = parallel._start_context
parallel._start_context = lambda: used.append(real()) or used[-1]
s = driver.export_dataset("coco", sys.argv[1], sys.argv[2], options=ExportOptions(workers=2))
print(s.ok, s.images, [c.get_start_method() for c in used])
"""


def test_a_process_without_threads_forks_its_workers(tmp_path):
    # The command line: no Qt, one thread. Forked workers skip the interpreter start and
    # the imports, and must give the output of one process.
    import subprocess
    import sys

    src = make_dataset(tmp_path / "src", {f"f{i}.png": mixed_shapes(i % 5) for i in range(30)})
    run = subprocess.run(
        [sys.executable, "-c", _FORKED_EXPORT, str(src), str(tmp_path / "forked")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[-2] == "True 30 ['fork']"
    one = driver.export_dataset("coco", src, tmp_path / "one", options=ExportOptions(workers=1))
    ja, jb = (json.loads((tmp_path / d / "annotations.json").read_text("utf-8")) for d in ("one", "forked"))
    ja["info"].pop("date_created"), jb["info"].pop("date_created")
    assert one.ok and ja == jb


def test_processes_with_threads_or_qt_spawn_their_workers(monkeypatch):
    import sys
    import threading

    from anylabel.formats import parallel

    monkeypatch.delitem(sys.modules, "PyQt5", raising=False)
    monkeypatch.delitem(sys.modules, "qtpy", raising=False)
    monkeypatch.delitem(sys.modules, "onnxruntime", raising=False)
    for name in ("PyQt6", "PySide2", "PySide6"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    if threading.active_count() == 1:
        assert parallel._start_context().get_start_method() == "fork"
    monkeypatch.setitem(sys.modules, "qtpy", object())
    assert parallel._start_context().get_start_method() == "spawn"
    monkeypatch.delitem(sys.modules, "qtpy")
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert parallel._start_context().get_start_method() == "spawn"
    finally:
        stop.set()
        t.join()


def test_pose_with_new_classes_appended_matches_one_process(tmp_path, small_thresholds):
    # A pose config makes the list known, but --add-new-classes with a class file still
    # needs every label first: the run must not skip the labels it then appends.
    from anylabel.core.shape import Shape
    from formats_helpers import rect

    per_image = {
        f"p{i}.png": [
            rect(1, 1, 20, 20, label="person", group_id=1),
            Shape("point", [[5, 5]], label="b", group_id=1),
            rect(30, 5, 40, 30, label="dog"),
        ]
        for i in range(30)
    }
    src = make_dataset(tmp_path / "src", per_image)
    listed = tmp_path / "c.txt"
    listed.write_text("person\n", encoding="utf-8")
    runs = []
    for workers in (1, 2):
        opts = ExportOptions(workers=workers, add_new_classes=True, pose_config={"person": ["a", "b"]})
        runs.append(driver.export_dataset("yolo-pose", src, tmp_path / f"o{workers}", listed, options=opts))
    _same_run(*runs)
    assert runs[0].shapes_written == 90 and not runs[0].skipped
    assert _tree(tmp_path / "o1") == _tree(tmp_path / "o2")


def test_write_failures_name_the_output_file_not_a_temporary_one(tmp_path, small_thresholds, classes):
    src = make_dataset(tmp_path / "src", {f"f{i}.png": mixed_shapes(0) for i in range(20)})
    (tmp_path / "o" / "f3.xml").mkdir(parents=True)  # a folder where f3's file should go
    for workers in (1, 2):
        s = driver.export_dataset("voc", src, tmp_path / "o", classes, options=ExportOptions(workers=workers))
        assert [p for p, _ in s.failures] == [str(tmp_path / "o" / "f3.xml")], s.failures


def test_rows_of_the_current_folder_have_plain_names(tmp_path, monkeypatch):
    make_dataset(tmp_path, {"a.png": mixed_shapes(0)})
    monkeypatch.chdir(tmp_path)
    assert driver.list_rows(driver.Path("."), ExportOptions()) == [("a.png", "a.json")]
