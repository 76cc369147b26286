"""classes.txt on export: an existing list is the class list, never silently renumbered;
an empty one is never written (our own importer would refuse it)."""

from pathlib import Path

from anylabel.core.label_file import read_label_file
from anylabel.formats.base import ExportOptions
from anylabel.formats.driver import export_dataset
from anylabel.formats.import_driver import import_dataset

from formats_helpers import make_dataset, make_image, rect
from test_cli_round_trips import cli


def _three_labels(folder: Path) -> Path:
    return make_dataset(
        folder,
        {
            "a.png": [rect(1, 1, 10, 10, label="cat")],
            "b.png": [rect(2, 2, 12, 12, label="dog")],
            "c.png": [rect(3, 3, 13, 13, label="猫")],
        },
    )


def _first_class(txt: Path) -> int:
    return int(txt.read_text(encoding="utf-8").split()[0])


def test_export_in_place_keeps_the_users_classes_txt_and_its_indices(tmp_path):
    ds = _three_labels(tmp_path / "ds3")
    user_list = "zebra\ndog\ncat\n猫\n".encode("utf-8")
    (ds / "classes.txt").write_bytes(user_list)
    s = export_dataset("yolo", ds, ds)
    assert s.ok and s.files_written == 3  # the three .txt files; classes.txt is kept as it is
    assert (ds / "classes.txt").read_bytes() == user_list
    assert [_first_class(ds / f"{s}.txt") for s in "abc"] == [2, 1, 3]


def test_existing_output_classes_txt_is_used_and_missing_labels_are_named(tmp_path, capsys):
    ds = _three_labels(tmp_path / "ds")
    out = tmp_path / "out"
    out.mkdir()
    (out / "classes.txt").write_text("dog\ncat\n", encoding="utf-8")
    assert cli("export", "--format", "yolo", "--input", ds, "--output", out) == 0
    text = capsys.readouterr().out
    assert "not in" in text and "猫" in text and "skipped 1 rectangle" in text
    assert (out / "classes.txt").read_text(encoding="utf-8") == "dog\ncat\n"
    assert _first_class(out / "a.txt") == 1 and _first_class(out / "b.txt") == 0
    assert (out / "c.txt").read_text(encoding="utf-8").strip() == ""


def test_add_new_classes_appends_after_the_existing_indices(tmp_path):
    ds = _three_labels(tmp_path / "ds")
    out = tmp_path / "out"
    out.mkdir()
    (out / "classes.txt").write_text("dog\ncat\n", encoding="utf-8")
    assert cli("export", "--format", "yolo", "--input", ds, "--output", out, "--add-new-classes") == 0
    assert (out / "classes.txt").read_text(encoding="utf-8") == "dog\ncat\n猫\n"
    assert [_first_class(out / f"{s}.txt") for s in "abc"] == [1, 0, 2]


def test_the_input_folders_classes_txt_is_used_when_the_output_has_none(tmp_path):
    ds = _three_labels(tmp_path / "ds")
    (ds / "classes.txt").write_text("猫\ncat\ndog\n", encoding="utf-8")
    s = export_dataset("yolo", ds, tmp_path / "out")
    assert s.ok, s.lines()
    assert (tmp_path / "out" / "classes.txt").read_text(encoding="utf-8") == "猫\ncat\ndog\n"
    assert _first_class(tmp_path / "out" / "c.txt") == 0


def test_a_different_explicit_class_list_never_overwrites_the_output_one(tmp_path):
    ds = _three_labels(tmp_path / "ds")
    out = tmp_path / "out"
    out.mkdir()
    (out / "classes.txt").write_text("zebra\ndog\ncat\n猫\n", encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text("cat\ndog\n猫\n", encoding="utf-8")
    s = export_dataset("coco", ds, out, other)
    assert not s.ok and "not overwritten" in s.failures[0][1] and "classes.txt" in s.failures[0][0]
    assert (out / "classes.txt").read_text(encoding="utf-8") == "zebra\ndog\ncat\n猫\n"
    assert not (out / "annotations.json").exists()
    # a list that only adds names after the existing ones keeps every index: allowed
    other.write_text("zebra\ndog\ncat\n猫\nbird\n", encoding="utf-8")
    assert export_dataset("coco", ds, out, other).ok
    assert (out / "classes.txt").read_text(encoding="utf-8").splitlines()[-1] == "bird"


def test_input_and_output_class_files_that_disagree_are_refused(tmp_path):
    ds = _three_labels(tmp_path / "ds")
    (ds / "classes.txt").write_text("cat\ndog\n猫\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "classes.txt").write_text("dog\ncat\n猫\n", encoding="utf-8")
    s = export_dataset("yolo", ds, out)
    assert not s.ok and "pass --classes" in s.failures[0][1]
    assert (out / "classes.txt").read_text(encoding="utf-8") == "dog\ncat\n猫\n"
    assert not (out / "a.txt").exists()


def test_many_images_with_an_existing_list_use_it_in_worker_processes_too(tmp_path, monkeypatch):
    from anylabel.formats import driver

    monkeypatch.setattr(driver, "PARALLEL_MIN_IMAGES", 4)
    monkeypatch.setattr(driver, "MIN_IMAGES_PER_WORKER", 2)
    ds = make_dataset(tmp_path / "ds", {f"i{i}.png": [rect(1, 1, 9, 9, label="cat")] for i in range(4)})
    out = tmp_path / "out"
    out.mkdir()
    (out / "classes.txt").write_text("dog\ncat\n", encoding="utf-8")
    s = export_dataset("yolo", ds, out, options=ExportOptions(workers=2))
    assert s.ok, s.lines()
    assert _first_class(out / "i3.txt") == 1


def test_exporting_an_unlabelled_folder_writes_no_empty_class_file_and_round_trips(tmp_path):
    images = tmp_path / "imgs"
    for n in ("a.png", "b.png"):
        make_image(images / n)
    out = tmp_path / "out"
    assert cli("export", "--format", "yolo", "--input", images, "--output", out) == 0
    assert not (out / "classes.txt").exists()
    assert cli("import", "--format", "yolo", "--source", out, "--output", images) == 0
    assert read_label_file(images / "a.json").shapes == []


def test_an_empty_class_file_left_by_an_older_export_is_replaced(tmp_path):
    ds = _three_labels(tmp_path / "ds")
    out = tmp_path / "out"
    out.mkdir()
    (out / "classes.txt").write_text("", encoding="utf-8")
    s = export_dataset("yolo", ds, out)
    assert s.ok, s.lines()
    assert (out / "classes.txt").read_text(encoding="utf-8") == "cat\ndog\n猫\n"
    assert import_dataset("yolo", out, ds, on_exists="overwrite").ok


def test_an_empty_class_file_in_the_import_source_means_no_class_list(tmp_path):
    images = tmp_path / "imgs"
    make_image(images / "a.png")
    src = tmp_path / "yolo"
    src.mkdir()
    (src / "classes.txt").write_text("", encoding="utf-8")
    (src / "a.txt").write_text("0 0.5 0.5 0.2 0.2\n", encoding="utf-8")
    s = import_dataset("yolo", src, images)
    assert s.ok, s.lines()
    assert [sh.label for sh in read_label_file(images / "a.json").shapes] == ["0"]


def test_class_file_problems_name_the_file_they_are_about(tmp_path):
    ds = _three_labels(tmp_path / "ds")
    bad = tmp_path / "bad.txt"
    bad.write_text("cat\n\ndog\n", encoding="utf-8")
    s = export_dataset("yolo", ds, tmp_path / "o1", bad)
    assert s.failures == [(str(bad), "line 2 is blank; every line up to the last must name a class")]
    out = tmp_path / "o2"
    out.mkdir()
    (out / "classes.txt").write_text("cat\ndog\ncat\n", encoding="utf-8")
    s = export_dataset("yolo", ds, out)
    assert s.failures == [(str(out / "classes.txt"), "'cat' appears on lines 1 and 3")]
    assert (out / "classes.txt").read_text(encoding="utf-8") == "cat\ndog\ncat\n"
    assert sorted(p.name for p in out.iterdir()) == ["classes.txt"]
