"""The export/import commands end to end: round trips, exit codes, bad inputs named."""

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from anylabel.cli import cmd_export, cmd_import
from anylabel.core.label_file import read_label_file
from anylabel.formats.driver import export_dataset, load_classes
from anylabel.formats.import_driver import import_dataset

from formats_helpers import make_dataset, make_image, mixed_shapes, rect


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()
    }


def cli(command, *args) -> int:
    """Run one of our sub-commands exactly as ``anylabel`` does, without importing the others."""
    mod = {"export": cmd_export, "import": cmd_import}[command]
    parser = argparse.ArgumentParser(prog=f"anylabel {command}")
    mod.add_arguments(parser)
    return mod.run(parser.parse_args([str(a) for a in args] + ["--quiet"]))


def test_export_names_skipped_shapes_and_leaves_inputs_alone(dataset, tmp_path, capsys):
    before = snapshot(dataset)
    assert cli("export", "--format", "yolo", "--input", dataset, "--output", tmp_path / "out dir ü") == 0
    out = capsys.readouterr().out
    assert "skipped 3 line shape(s)" in out and "skipped 3 point shape(s)" in out
    assert snapshot(dataset) == before
    assert load_classes(tmp_path / "out dir ü" / "classes.txt") == ["ball", "car", "cat", "狗 dog"]


@pytest.mark.parametrize(
    "fmt, kinds",
    [
        ("yolo", {"rectangle"}),
        ("yolo-seg", {"polygon", "rectangle"}),
        ("yolo-obb", {"rotation"}),
        ("voc", {"rectangle"}),
        ("dota", {"rotation"}),
        ("coco", {"rectangle", "polygon", "rotation", "circle"}),
    ],
)
def test_export_then_import_round_trip(dataset, tmp_path, fmt, kinds):
    out = tmp_path / "ds"
    assert cli("export", "--format", fmt, "--input", dataset, "--output", out) == 0
    images = tmp_path / "target é"
    for p in dataset.glob("*.png"):
        make_image(images / p.name)
    source = out / "annotations.json" if fmt == "coco" else out
    assert cli("import", "--format", fmt, "--source", source, "--output", images) == 0
    for i in range(3):
        ann = read_label_file(images / f"img_{i}.json")
        assert (ann.image_width, ann.image_height) == (64, 48)
        assert {s.shape_type for s in ann.shapes} <= kinds | ({"polygon"} if fmt == "coco" else set())
        labels = {s.label for s in ann.shapes}
        assert "cat" in labels and "edge" not in labels and "dot" not in labels
        cat = next(s for s in ann.shapes if s.label == "cat")
        assert np.allclose(cat.points.min(axis=0), [2 + i, 3], atol=1e-3)
        if fmt in ("voc", "dota", "coco"):
            assert cat.difficult  # these formats carry the flag
        if fmt in ("yolo", "yolo-seg", "voc", "coco"):
            assert "狗 dog" in labels


def test_corrupt_label_file_is_named_and_the_rest_exported(dataset, tmp_path, capsys):
    (dataset / "img_1.json").write_text("{not json", encoding="utf-8")
    nan = dataset / "img_2.json"
    nan.write_text(nan.read_text(encoding="utf-8").replace("30.0", "NaN", 1), encoding="utf-8")
    assert cli("export", "--format", "coco", "--input", dataset, "--output", tmp_path / "o") == 1
    err = capsys.readouterr().err
    assert "img_1.json: not valid JSON" in err and "img_2.json" in err and "NaN" in err
    data = json.loads((tmp_path / "o" / "annotations.json").read_text(encoding="utf-8"))
    assert [im["file_name"] for im in data["images"]] == ["img_0.png"]


def test_missing_folder_and_unknown_classes_file(tmp_path, capsys):
    assert cli("export", "--format", "yolo", "--input", tmp_path / "nope", "--output", tmp_path / "o") == 1
    assert "nope: not a folder of images" in capsys.readouterr().err
    make_dataset(tmp_path / "d", {"a.png": [rect(1, 1, 5, 5)]})
    assert (
        cli(
            "export",
            "--format",
            "yolo",
            "--input",
            tmp_path / "d",
            "--output",
            tmp_path / "o",
            "--classes",
            tmp_path / "missing.txt",
        )
        == 1
    )
    assert "missing.txt: class file not found" in capsys.readouterr().err


def test_classes_file_sets_indices_and_unknown_labels_are_reported(tmp_path, capsys):
    src = make_dataset(
        tmp_path / "d", {"a.png": [rect(1, 1, 5, 5, label="dog"), rect(1, 1, 5, 5, label="cow")]}
    )
    (tmp_path / "c.txt").write_text("cat\ndog\n\n", encoding="utf-8")
    assert (
        cli(
            "export",
            "--format",
            "yolo",
            "--input",
            src,
            "--output",
            tmp_path / "o",
            "--classes",
            tmp_path / "c.txt",
        )
        == 0
    )
    assert (tmp_path / "o" / "a.txt").read_text().split()[0] == "1"
    assert "label not in the class list" in capsys.readouterr().out


def test_import_refuses_to_overwrite_by_default_then_merges_or_overwrites(tmp_path, capsys):
    src = make_dataset(
        tmp_path / "d", {"a.png": [rect(1, 1, 5, 5, label="dog")], "b.png": [rect(2, 2, 9, 9)]}
    )
    export_dataset("voc", src, tmp_path / "voc")
    before = snapshot(src)
    assert cli("import", "--format", "voc", "--source", tmp_path / "voc", "--output", src) == 1
    err = capsys.readouterr().err
    assert "a.json: a label file already exists" in err and "b.json" in err
    assert snapshot(src) == before
    assert cli("import", "--format", "voc", "--source", tmp_path / "voc", "--output", src, "--merge") == 0
    assert snapshot(src) == before  # the same boxes are already there: nothing added, nothing rewritten
    assert cli("import", "--format", "voc", "--source", tmp_path / "voc", "--output", src, "--overwrite") == 0
    assert len(read_label_file(src / "a.json").shapes) == 1


def test_import_names_label_files_without_images_and_bad_lines(tmp_path, capsys):
    images = tmp_path / "imgs"
    make_image(images / "a.png")
    make_image(images / "c.png")
    yolo_dir = tmp_path / "y"
    yolo_dir.mkdir()
    (yolo_dir / "a.txt").write_text("0 0.5 0.5 0.2 0.2\n", encoding="utf-8")
    (yolo_dir / "b.txt").write_text("0 0.5 0.5 0.2 0.2\n", encoding="utf-8")
    (yolo_dir / "c.txt").write_text("0 0.5 nan 0.2 0.2\n", encoding="utf-8")
    assert cli("import", "--format", "yolo", "--source", yolo_dir, "--output", images) == 1
    err = capsys.readouterr().err
    assert "b.txt: no image named b.*" in err and "c.txt: line 1: NaN" in err
    shapes = read_label_file(images / "a.json").shapes
    assert shapes[0].label == "0" and np.allclose(shapes[0].points, [[25.6, 19.2], [38.4, 28.8]])


def test_import_corrupt_coco_json_and_missing_image(tmp_path, capsys):
    images = tmp_path / "imgs"
    make_image(images / "a.png")
    bad = tmp_path / "bad.json"
    bad.write_text('{"images": [', encoding="utf-8")
    assert cli("import", "--format", "coco", "--source", bad, "--output", images) == 1
    assert "bad.json: not valid JSON" in capsys.readouterr().err
    good = tmp_path / "c.json"
    good.write_text(
        json.dumps(
            {
                "images": [
                    {"id": 1, "file_name": "a.png", "width": 64, "height": 48},
                    {"id": 2, "file_name": "gone.png", "width": 64, "height": 48},
                ],
                "categories": [{"id": 1, "name": "ü"}],
                "annotations": [
                    {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "segmentation": []},
                    {"id": 2, "image_id": 2, "category_id": 1, "bbox": [1, 2, 3, 4]},
                ],
            }
        ),
        encoding="utf-8",
    )
    assert cli("import", "--format", "coco", "--source", good, "--output", images) == 1
    assert "'gone.png' (id 2) not found" in capsys.readouterr().err
    (shape,) = read_label_file(images / "a.json").shapes
    assert shape.label == "ü" and np.allclose(shape.points, [[1, 2], [4, 6]])


def test_missing_image_size_is_read_from_the_image(tmp_path):
    img = make_image(tmp_path / "d" / "a.png", (40, 20))
    (tmp_path / "d" / "a.json").write_text(
        json.dumps({"shapes": [{"label": "x", "points": [[0, 0], [20, 10]], "shape_type": "rectangle"}]}),
        encoding="utf-8",
    )
    s = export_dataset("yolo", img.parent, tmp_path / "o")
    assert s.ok and (tmp_path / "o" / "a.txt").read_text() == "0 0.25 0.25 0.5 0.5\n"


def test_unreadable_image_without_size_is_named(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "a.png").write_bytes(b"not a png")
    (d / "a.json").write_text(json.dumps({"shapes": []}), encoding="utf-8")
    s = export_dataset("yolo", d, tmp_path / "o")
    assert not s.ok and s.failures[0][0].endswith("a.png") and "size unknown" in s.failures[0][1]


def test_import_reads_classes_txt_from_the_source_folder(dataset, tmp_path):
    export_dataset("yolo", dataset, tmp_path / "y")
    images = tmp_path / "i"
    for i in range(3):
        make_image(images / f"img_{i}.png")
    s = import_dataset("yolo", tmp_path / "y", images)
    assert s.ok and s.files_written == 3
    assert {x.label for x in read_label_file(images / "img_0.json").shapes} == {
        "ball",
        "car",
        "cat",
        "狗 dog",
    }


def test_every_file_converted_except_the_bad_one(tmp_path):
    per = {f"f{i}.png": mixed_shapes(i) for i in range(20)}
    src = make_dataset(tmp_path / "d", per)
    (src / "f7.json").write_text("[]", encoding="utf-8")
    s = export_dataset("yolo-seg", src, tmp_path / "o")
    assert [Path(p).name for p, _ in s.failures] == ["f7.json"]
    assert s.images == 19 and len(list((tmp_path / "o").glob("f*.txt"))) == 19


def test_pose_export_import_round_trip_with_pose_config(tmp_path):
    from anylabel.core.shape import Shape

    pose_yaml = tmp_path / "pose.yaml"
    pose_yaml.write_text("classes:\n  person: [nose, left_eye, right_eye]\n", encoding="utf-8")
    shapes = [
        rect(10, 10, 50, 40, label="person", group_id=3),
        Shape("point", np.array([[20.0, 15]]), label="nose", group_id=3),
        Shape("point", np.array([[30.0, 15]]), label="right_eye", group_id=3, difficult=True),
    ]
    src = make_dataset(tmp_path / "src", {"a.png": shapes})
    assert (
        cli(
            "export",
            "--format",
            "yolo-pose",
            "--input",
            src,
            "--output",
            tmp_path / "p",
            "--pose-config",
            pose_yaml,
        )
        == 0
    )
    assert (tmp_path / "p" / "a.txt").read_text().split()[5:] == [
        "0.3125",
        "0.3125",
        "2",
        "0",
        "0",
        "0",
        "0.46875",
        "0.3125",
        "1",
    ]
    target = tmp_path / "t"
    make_image(target / "a.png")
    assert (
        cli(
            "import",
            "--format",
            "yolo-pose",
            "--source",
            tmp_path / "p",
            "--output",
            target,
            "--pose-config",
            pose_yaml,
        )
        == 0
    )
    back = read_label_file(target / "a.json").shapes
    assert [(s.shape_type, s.label, s.difficult) for s in back] == [
        ("rectangle", "person", False),
        ("point", "nose", False),
        ("point", "right_eye", True),
    ]
    assert len({s.group_id for s in back}) == 1 and np.allclose(back[2].points, [[30, 15]])
