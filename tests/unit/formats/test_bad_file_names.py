"""An image whose file name is not valid UTF-8 (Linux allows any bytes) is named as a bad
file; the others are exported and the run exits non-zero, instead of a traceback."""

import json
import os
from pathlib import Path

import pytest

from anylabel.core.label_file import read_label_file
from anylabel.formats.driver import export_dataset
from anylabel.formats.import_driver import import_dataset

from formats_helpers import make_dataset, make_image, rect
from test_cli_round_trips import cli


def _bad_name(folder: Path, suffix: str) -> Path:
    path = Path(os.fsdecode(os.fsencode(folder) + b"/\xff" + suffix.encode()))
    try:
        make_image(path) if suffix == ".png" else path.write_text("", encoding="utf-8")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system does not take non-UTF-8 file names")
    return path


@pytest.mark.parametrize(
    "fmt, main_output", [("coco", "annotations.json"), ("voc", "a.xml"), ("yolo", "a.txt")]
)
def test_export_names_the_undecodable_image_and_exports_the_rest(tmp_path, capsys, fmt, main_output):
    ds = make_dataset(tmp_path / "ds", {"a.png": [rect(1, 1, 10, 10, label="cat")]})
    _bad_name(ds, ".png")
    out = tmp_path / "out"
    assert cli("export", "--format", fmt, "--input", ds, "--output", out) == 1
    err = capsys.readouterr().err
    assert "\\xff.png: the file name is not valid UTF-8" in err
    assert (out / main_output).is_file()
    if fmt == "coco":
        data = json.loads((out / "annotations.json").read_text(encoding="utf-8"))
        assert [im["file_name"] for im in data["images"]] == ["a.png"] and len(data["annotations"]) == 1


def test_parallel_export_reports_it_too(tmp_path, monkeypatch):
    from anylabel.formats import driver
    from anylabel.formats.base import ExportOptions

    monkeypatch.setattr(driver, "PARALLEL_MIN_IMAGES", 2)
    monkeypatch.setattr(driver, "MIN_IMAGES_PER_WORKER", 1)
    ds = make_dataset(tmp_path / "ds", {f"i{i}.png": [rect(1, 1, 9, 9)] for i in range(3)})
    _bad_name(ds, ".png")
    classes = tmp_path / "c.txt"
    classes.write_text("cat\n", encoding="utf-8")
    s = export_dataset("coco", ds, tmp_path / "out", classes, ExportOptions(workers=2))
    assert [p for p, _ in s.failures] == [str(ds) + "/\\xff.png"] and s.images == 3
    assert (tmp_path / "out" / "annotations.json").is_file()


def test_import_names_an_image_whose_label_file_cannot_be_named(tmp_path):
    images = tmp_path / "imgs"
    make_image(images / "a.png")
    _bad_name(images, ".png")
    src = tmp_path / "yolo"
    src.mkdir()
    (src / "a.txt").write_text("0 0.5 0.5 0.2 0.2\n", encoding="utf-8")
    bad_txt = _bad_name(src, ".txt")
    bad_txt.write_text("0 0.5 0.5 0.2 0.2\n", encoding="utf-8")
    s = import_dataset("yolo", src, images)
    assert not s.ok and len(read_label_file(images / "a.json").shapes) == 1
    assert all(p.encode("utf-8") for p, _ in s.failures)  # printable: no surrogates
    assert [pr for _, pr in s.failures] == [
        "the image file name is not valid UTF-8; rename the image to save its labels"
    ]
