"""The one rule for where per-image dataset files go, with and without a split."""

from pathlib import Path

from anylabel.formats.base import ExportItem
from anylabel.formats.output import path_for


def _item(subset: str = "") -> ExportItem:
    return ExportItem(Path("/imgs/a b.jpg"), (4, 3), [], subset)


def test_path_for_in_a_split_uses_kind_and_subset_folders():
    out = Path("/out")
    assert path_for(out, "labels", _item("val"), ".txt", flat=True) == out / "labels" / "val" / "a b.txt"
    assert path_for(out, "masks", _item("train"), ".png") == out / "masks" / "train" / "a b.png"
    assert path_for(out, "images", _item("test"), ".jpg") == out / "images" / "test" / "a b.jpg"


def test_path_for_without_a_split_is_flat_or_in_the_kind_folder():
    out = Path("/out")
    assert path_for(out, "labels", _item(), ".xml", flat=True) == out / "a b.xml"
    assert path_for(out, "colour", _item(), ".png") == out / "colour" / "a b.png"
