"""The folder -> Ultralytics dataset step: the exporters' output, split, and what is refused."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from anylabel.core.label_file import label_path_for, new_annotation_for, write_label_file
from anylabel.core.shape import Shape
from anylabel.training.dataset import keypoint_names, prepare_dataset
from anylabel.training.errors import TrainingError
from synthetic_label_folder import make_label_folder


def _labels_written(folder: Path) -> int:
    return sum(len(p.read_text().splitlines()) for p in folder.rglob("*.txt") if p.parent.parent.name == "labels")


def test_detect_export_split_and_data_yaml(det_folder, tmp_path):
    before = sorted((p.name, p.stat().st_mtime_ns) for p in det_folder.iterdir())
    ds = prepare_dataset("detect", det_folder, tmp_path / "ds", val=0.3, seed=1)
    assert (ds.train_images, ds.val_images) == (7, 3)
    assert ds.classes == ["circle", "rectangle", "triangle"]
    shapes = sum(len([s for s in __import__("json").load(open(p))["shapes"]]) for p in det_folder.glob("*.json"))
    assert ds.instances == shapes == _labels_written(tmp_path / "ds")
    data = yaml.safe_load((tmp_path / "ds" / "data.yaml").read_text())
    assert data["train"] == "images/train" and data["val"] == "images/val"
    assert data["names"] == {0: "circle", 1: "rectangle", 2: "triangle"}
    # the same seed gives the same split; the input folder is untouched
    again = prepare_dataset("detect", det_folder, tmp_path / "ds2", val=0.3, seed=1)
    assert sorted(p.name for p in (tmp_path / "ds2/images/val").iterdir()) == \
        sorted(p.name for p in (tmp_path / "ds/images/val").iterdir())
    assert again.classes == ds.classes
    assert sorted((p.name, p.stat().st_mtime_ns) for p in det_folder.iterdir()) == before


def test_segment_obb_pose_use_their_exporters(tmp_path):
    seg = prepare_dataset("segment", make_label_folder(tmp_path / "s", "segment", 6, 64), tmp_path / "sd")
    line = next(p for p in (tmp_path / "sd/labels").rglob("*.txt") if p.read_text().strip()).read_text().split("\n")[0]
    assert len(line.split()) > 7  # class + a polygon, not a box
    obb = prepare_dataset("obb", make_label_folder(tmp_path / "o", "obb", 6, 64), tmp_path / "od")
    line = next(p for p in (tmp_path / "od/labels").rglob("*.txt") if p.read_text().strip()).read_text().split("\n")[0]
    assert len(line.split()) == 9 and seg.instances > 0 and obb.classes == ["bar", "plate"]
    pose = prepare_dataset("pose", make_label_folder(tmp_path / "p", "pose", 6, 64), tmp_path / "pd")
    assert pose.keypoints == ["apex", "base_a", "base_b"]
    assert yaml.safe_load((tmp_path / "pd/data.yaml").read_text())["kpt_shape"] == [3, 3]


def test_keypoint_order_is_the_first_one_used(tmp_path):
    img = tmp_path / "a.png"
    img.write_bytes(b"")
    shapes = [Shape("rectangle", np.array([[0, 0], [10, 10]]), label="hand", group_id=1),
              Shape("point", np.array([[1, 1]]), label="thumb", group_id=1),
              Shape("point", np.array([[2, 2]]), label="index", group_id=1),
              Shape("point", np.array([[3, 3]]), label="stray")]  # no box: not a keypoint
    write_label_file(label_path_for(img), new_annotation_for(img, shapes, (20, 20)))
    assert keypoint_names(tmp_path) == {"hand": ["thumb", "index"]}


def test_classify_copies_flagged_images_into_class_folders(tmp_path):
    src = make_label_folder(tmp_path / "c", "classify", 12, 64)
    ds = prepare_dataset("classify", src, tmp_path / "cd", val=0.25)
    assert ds.data == tmp_path / "cd"
    per_class = {p.name: len(list(p.iterdir())) for p in (tmp_path / "cd/train").iterdir()}
    per_class_val = {p.name: len(list(p.iterdir())) for p in (tmp_path / "cd/val").iterdir()}
    assert sum(per_class.values()) + sum(per_class_val.values()) == 12 == ds.instances
    assert ds.classes == sorted(set(per_class) | set(per_class_val))


def test_empty_folder_and_folder_without_label_files(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(TrainingError, match="has no images"):
        prepare_dataset("detect", tmp_path / "empty", tmp_path / "out")
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.png").write_bytes(b"\x89PNG")
    with pytest.raises(TrainingError, match="none of its 1 images has a label file"):
        prepare_dataset("detect", tmp_path / "raw", tmp_path / "out")
    with pytest.raises(TrainingError, match="not a folder"):
        prepare_dataset("detect", tmp_path / "missing", tmp_path / "out")


def test_no_labels_of_that_task(det_folder, tmp_path):
    # rectangles teach no classifier and no pose model: named, with what is needed
    with pytest.raises(TrainingError, match="no labels a classify model can learn from .*image flags"):
        prepare_dataset("classify", det_folder, tmp_path / "c")
    with pytest.raises(TrainingError, match="no labels a pose model can learn from"):
        prepare_dataset("pose", det_folder, tmp_path / "p")
    lines = tmp_path / "lines"
    lines.mkdir()
    img = lines / "a.png"
    from PIL import Image
    Image.new("RGB", (32, 32)).save(img)
    write_label_file(label_path_for(img), new_annotation_for(
        img, [Shape("line", np.array([[0, 0], [9, 9]]), label="edge")], (32, 32)))
    with pytest.raises(TrainingError, match=r"no labels a detect model can learn from \(it needs rectangles"):
        prepare_dataset("detect", lines, tmp_path / "d")


def test_bad_val_share_and_task(det_folder, tmp_path):
    with pytest.raises(TrainingError, match="validation share"):
        prepare_dataset("detect", det_folder, tmp_path / "o", val=1.0)
    with pytest.raises(TrainingError, match="unknown task"):
        prepare_dataset("count", det_folder, tmp_path / "o")


def test_a_second_export_forgets_images_removed_from_the_source(det_folder, tmp_path):
    prepare_dataset("detect", det_folder, tmp_path / "ds", val=0.3)
    (det_folder / "img_000.png").unlink()
    (det_folder / "img_000.json").unlink()
    again = prepare_dataset("detect", det_folder, tmp_path / "ds", val=0.3)
    exported = sorted(p.name for p in (tmp_path / "ds" / "images").rglob("*.png"))
    assert "img_000.png" not in exported and len(exported) == 9 == again.train_images + again.val_images
