"""Regressions found by the fuzzing: a dataset's class-name file that cannot be used is
named in the import summary (it was ignored without a word, and the shapes got indices)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from anylabel.formats.import_driver import import_dataset

from fuzz_datasets import exported
from test_fuzz_imports import YAML_ATTACKS

BOMB = YAML_ATTACKS[0]


@pytest.mark.parametrize(
    "text, problem",
    [
        (BOMB, "expands to more than"),
        ("names: [cat\n", "not valid YAML"),
        ("names: 5\n", "'names' must be a list or a map"),
        ("names: {0: cat, x: dog}\n", "'names' must map class indices"),
        ("- a\n- b\n", "is not a mapping"),
    ],
)
def test_a_data_yaml_that_cannot_be_used_is_named(tmp_path: Path, text: str, problem: str) -> None:
    box = tmp_path / "box"
    shutil.copytree(exported("yolo", split=True), box)
    (box / "source" / "data.yaml").write_text(text, encoding="utf-8")
    summary = import_dataset("yolo", box / "source" / "labels" / "train", box / "images")
    assert [Path(p).name for p, _ in summary.failures] == ["data.yaml"], summary.lines()
    assert problem in summary.failures[0][1]
    assert not list((box / "images").glob("*.json"))  # nothing imported with wrong labels


def test_a_data_yaml_without_names_imports_indices(tmp_path: Path) -> None:
    box = tmp_path / "box"
    shutil.copytree(exported("yolo", split=True), box)
    (box / "source" / "data.yaml").write_text("path: .\ntrain: images/train\n", encoding="utf-8")
    summary = import_dataset("yolo", box / "source" / "labels" / "train", box / "images")
    assert summary.ok, summary.lines()
    assert any("class indices" in n for n in summary.notes)


def test_a_broken_classes_txt_is_named_once(tmp_path: Path) -> None:
    box = tmp_path / "box"
    shutil.copytree(exported("yolo"), box)
    (box / "source" / "classes.txt").write_text("cat\n\ndog\n", encoding="utf-8")
    summary = import_dataset("yolo", box / "source", box / "images")
    (path, problem), = summary.failures
    assert Path(path).name == "classes.txt" and "classes.txt" not in problem, summary.lines()


@pytest.mark.parametrize("text", ["[" * 3000 + "]" * 3000, '{"classes": ' * 2000 + "1" + "}" * 2000])
def test_a_mapping_json_nested_too_deep_is_named(tmp_path: Path, text: str) -> None:
    box = tmp_path / "box"
    shutil.copytree(exported("mask"), box)
    (box / "source" / "mapping.json").write_text(text, encoding="utf-8")
    summary = import_dataset("mask", box / "source", box / "images")  # was a RecursionError
    (path, problem), = summary.failures
    assert "mapping.json" in path + problem and "nested too deep" in problem, summary.lines()


@pytest.mark.parametrize(
    "fmt, source, damage",
    [
        ("coco", "source/annotations.json", b"[" * 3000 + b"]" * 3000),
        ("coco", "source/annotations.json", b"\xff{}"),
        ("mot", "source/clip/gt/gt.txt", b"1,1,\xff\n"),
        ("ppocr", "source/Label.txt", b"\xfe\n"),
    ],
)
def test_an_unreadable_dataset_file_is_named_once(tmp_path: Path, fmt: str, source: str, damage: bytes) -> None:
    box = tmp_path / "box"
    shutil.copytree(exported(fmt), box)
    (box / source).write_bytes(damage)
    summary = import_dataset(fmt, box / source, box / "images")
    (path, problem), = summary.failures
    assert Path(path) == box / source and str(box) not in problem, summary.lines()


@pytest.mark.parametrize("group_id", [[1], {"a": 1}, "7", 1.5, float("inf"), float("nan"), 10**30])
def test_a_coco_group_id_of_another_type_does_not_stop_the_import(tmp_path: Path, group_id: object) -> None:
    import json

    box = tmp_path / "box"
    shutil.copytree(exported("coco"), box)
    path = box / "source" / "annotations.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    bad_id = next(im["id"] for im in doc["images"] if im["file_name"] == "bad.png")
    next(a for a in doc["annotations"] if a["image_id"] == bad_id)["attributes"]["group_id"] = group_id
    path.write_text(json.dumps(doc), encoding="utf-8")
    # a list was a TypeError (unhashable), Infinity an OverflowError, NaN a ValueError
    summary = import_dataset("coco", path, box / "images")
    assert (box / "images" / "good.json").is_file(), summary.lines()
    assert all("good" not in p for p, _ in summary.failures), summary.lines()


def test_a_number_of_5000_digits_is_named_not_a_traceback(tmp_path: Path) -> None:
    from anylabel.core.errors import LabelFileError
    from anylabel.core.label_file import read_label_file

    path = tmp_path / "a.json"
    path.write_text('{"shapes": [], "imageWidth": ' + "1" * 5000 + "}", encoding="utf-8")
    with pytest.raises(LabelFileError, match="a number too long to read"):
        read_label_file(path)  # was a ValueError (int max str digits)
    box = tmp_path / "box"
    shutil.copytree(exported("ppocr"), box)
    label = box / "source" / "Label.txt"
    lines = label.read_text(encoding="utf-8").splitlines()
    lines = [ln.replace('"difficult": false', '"difficult": ' + "1" * 5000) if "bad" in ln.split("\t")[0] else ln
             for ln in lines]
    label.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = import_dataset("ppocr", label, box / "images")
    assert (box / "images" / "good.json").is_file(), summary.lines()
    assert any("too long to read" in p for _, p in summary.failures), summary.lines()
