"""Bad label files among good ones: every export goes on, names the file and the problem,
and exits 1; what a format leaves out is named file by file."""
from __future__ import annotations

import json

import pytest

from anylabel.cli.main import main
from anylabel.core.class_list import ClassListError, class_list_text, read_class_list, write_class_list
from anylabel.formats import driver
from anylabel.formats.base import ExportOptions
from anylabel.formats.driver import export_dataset
from anylabel.formats.registry import FORMATS

from formats_helpers import make_dataset, make_image, rect

GOOD = {"a.png": [rect(2, 3, 20, 30, label="cat")], "c.png": [rect(5, 5, 30, 30, label="dog")]}

# (label file text, what the summary must say about it)
BAD_FILES = {
    "kie_linking": ('{"shapes": [{"label": "cat", "points": [[1, 1], [9, 9]], "shape_type": "rectangle", '
                    '"kie_linking": 5}]}', "'kie_linking' must be a list"),
    "categories": ('{"shapes": [{"label": "cat", "points": [[1, 1], [9, 9]], "shape_type": "rectangle", '
                   '"flags": 5}]}', "'flags' must be a JSON object"),
    "deep": ('{"shapes": %s}' % ("[" * 2000 + "]" * 2000), "nest more than 100 levels"),
    "surrogate": ('{"shapes": [{"label": "c\\udc80t", "points": [[1, 1], [9, 9]], "shape_type": "rectangle"}]}',
                  "half of a UTF-16 surrogate pair"),
    "difficult": ('{"shapes": [{"label": "cat", "points": [[1, 1], [9, 9]], "shape_type": "rectangle", '
                  '"difficult": "false"}]}', "'difficult' must be true or false, got 'false'"),
    "width": ('{"shapes": [], "imageWidth": true, "imageHeight": 48}', "'imageWidth' must be a whole number"),
    "newline": ('{"shapes": [{"label": "cat\\nzebra", "points": [[1, 1], [9, 9]], "shape_type": "rectangle"}]}',
                "holds a line break, so it cannot be a class name"),
    "empty": ('{"shapes": [{"label": "", "points": [[1, 1], [9, 9]], "shape_type": "rectangle"}]}',
              "the label is empty"),
    "space": ('{"shapes": [{"label": "dog ", "points": [[1, 1], [9, 9]], "shape_type": "rectangle"}]}',
              "begins or ends with white space"),
}

EXPORT_FORMATS = [f for f in FORMATS if f != "yolo-pose"] + ["yolo-pose"]


@pytest.mark.parametrize("case", list(BAD_FILES))
@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_one_bad_label_file_is_named_and_the_others_are_exported(tmp_path, capsys, fmt, case):
    text, message = BAD_FILES[case]
    if fmt == "ppocr" and case in ("newline", "empty", "space"):
        pytest.skip("PPOCR writes no class file: such labels are written as they are")
    src = make_dataset(tmp_path / "src", GOOD)
    make_image(src / "b.png")
    (src / "b.json").write_text(text, encoding="utf-8")
    code = main(["export", "--format", fmt, "--input", str(src), "--output", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{src / 'b.json'}: " in err and message in err, err
    assert "Traceback" not in err
    assert "export %s: 2 image(s)" % fmt in err
    if fmt in ("yolo", "yolo-seg", "voc", "dota"):
        suffix = ".xml" if fmt == "voc" else ".txt"
        assert {p.name for p in (tmp_path / "out").iterdir() if p.suffix == suffix} - {"classes.txt"} == {
            "a" + suffix,
            "c" + suffix,
        }
    if (tmp_path / "out" / "classes.txt").exists():
        assert read_class_list(tmp_path / "out" / "classes.txt", strict=True) in (["cat", "dog"], [])


def test_difficult_false_as_text_is_not_exported_as_difficult(tmp_path):
    src = make_dataset(tmp_path / "src", GOOD)
    (src / "a.json").write_text(json.dumps({"shapes": [
        {"label": "cat", "points": [[1, 1], [9, 9]], "shape_type": "rectangle", "difficult": "false"}]}))
    s = export_dataset("voc", src, tmp_path / "out")
    assert not (tmp_path / "out" / "a.xml").exists() and s.failures[0][0] == str(src / "a.json")


def test_a_label_file_without_its_image_is_named(tmp_path, capsys):
    src = make_dataset(tmp_path / "src", GOOD)
    (src / "ghost.json").write_text(json.dumps({"shapes": [], "imagePath": "ghost.png"}))
    code = main(["export", "--format", "yolo", "--input", str(src), "--output", str(tmp_path / "out"), "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert "1 file(s) left out:" in out and f"{src / 'ghost.json'}: a label file with no image" in out
    s = export_dataset("coco", src, tmp_path / "out2")
    assert s.left_out == [(str(src / "ghost.json"), s.left_out[0][1])] and s.ok


def test_skipped_shapes_name_their_files(tmp_path):
    line = {"label": "edge", "points": [[0, 0], [5, 5]], "shape_type": "line"}
    src = make_dataset(tmp_path / "src", GOOD)
    for name in ("a", "c"):
        data = json.loads((src / f"{name}.json").read_text())
        data["shapes"].append(line)
        (src / f"{name}.json").write_text(json.dumps(data))
    s = export_dataset("yolo", src, tmp_path / "out")
    key = ("line", "lines, line strips and points cover no area")
    assert s.skipped[key] == 2 and s.skipped_in[key] == [str(src / "a.json"), str(src / "c.json")]
    text = "\n".join(s.lines())
    assert f"skipped 2 line shape(s)" in text and f"in {src / 'a.json'}, {src / 'c.json'}" in text


def test_workers_name_the_same_files(tmp_path, monkeypatch):
    monkeypatch.setattr(driver, "PARALLEL_MIN_IMAGES", 10)
    monkeypatch.setattr(driver, "MIN_IMAGES_PER_WORKER", 5)
    line = {"label": "edge", "points": [[0, 0], [5, 5]], "shape_type": "line"}
    src = make_dataset(tmp_path / "src", {f"f{i}.png": [rect(2, 3, 20, 30)] for i in range(30)})
    for i in (3, 17, 29):
        data = json.loads((src / f"f{i}.json").read_text())
        data["shapes"].append(line)
        (src / f"f{i}.json").write_text(json.dumps(data))
    (src / "f9.json").write_text('{"shapes": [{"label": "a\\nb", "points": [[1, 1], [9, 9]]}]}')
    serial = export_dataset("coco", src, tmp_path / "one", options=ExportOptions(workers=1))
    parallel = export_dataset("coco", src, tmp_path / "two", options=ExportOptions(workers=2))
    key = ("line", "lines, line strips and points cover no area")
    assert parallel.skipped_in == serial.skipped_in
    assert serial.skipped_in[key] == [str(src / f"f{i}.json") for i in (3, 17, 29)]
    assert parallel.failures == serial.failures == [(str(src / "f9.json"), serial.failures[0][1])]


def test_class_files_are_written_only_when_they_read_back_the_same(tmp_path):
    p = tmp_path / "classes.txt"
    with pytest.raises(ClassListError, match=r"classes.txt: class 1 'cat\\nzebra' holds a line break"):
        write_class_list(p, ["dog", "cat\nzebra"])
    assert not p.exists()
    with pytest.raises(ClassListError, match="line break"):
        class_list_text(["a\u2028b"])  # str.splitlines ends a line there too
    write_class_list(p, [" dog ", "", "cat"])  # the GUI's lenient list: stripped, blanks dropped
    assert read_class_list(p, strict=True) == ["dog", "cat"]


def test_a_pose_config_class_that_cannot_be_a_line_is_refused_before_writing(tmp_path):
    src = make_dataset(tmp_path / "src", GOOD)
    s = export_dataset("yolo-pose", src, tmp_path / "out", options=ExportOptions(pose_config={"cat\nx": ["nose"]}))
    assert not s.ok and "holds a line break" in s.failures[0][1]
    assert not (tmp_path / "out" / "classes.txt").exists()


def test_import_reads_a_relative_class_file_from_the_current_folder(tmp_path, monkeypatch, capsys):
    images = tmp_path / "imgs"
    make_image(images / "a.png")
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("0 0.5 0.5 0.2 0.2\n", encoding="utf-8")
    (src / "classes.txt").write_text("cat\n", encoding="utf-8")
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    args = ["import", "--format", "yolo", "--source", str(src), "--output", str(images), "--quiet"]
    assert main(args + ["--classes", "classes.txt"]) == 1
    err = capsys.readouterr().err
    assert f"{here / 'classes.txt'}: class file not found" in err  # not "src: classes.txt: ..."
    (here / "classes.txt").write_text("zebra\n", encoding="utf-8")
    assert main(args + ["--classes", "classes.txt"]) == 0
    from anylabel.core.label_file import read_label_file

    assert read_label_file(images / "a.json").shapes[0].label == "zebra"


def test_a_long_list_of_files_is_shortened_in_the_lines_but_kept_whole(tmp_path):
    from anylabel.formats.base import Skip, Summary

    s = Summary("export", "yolo")
    for i in range(8):
        s.skip([Skip("edge", "line", "no area"), Skip("edge", "line", "no area")], f"f{i}.json")
    assert s.skipped[("line", "no area")] == 16 and len(s.skipped_in[("line", "no area")]) == 8
    assert "    in f0.json, f1.json, f2.json, f3.json, f4.json and 3 more file(s)" in s.lines()
