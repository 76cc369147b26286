"""Train/val/test split and the Ultralytics layout with data.yaml."""

import json

import pytest
import yaml

from anylabel.core.shape import Shape
from anylabel.formats.base import ExportOptions, FormatError
from anylabel.formats.driver import assign_subsets, export_dataset, parse_split

from formats_helpers import make_dataset, rect


@pytest.mark.parametrize(
    "text, expected", [("0.8,0.2", (0.8, 0.2, 0.0)), ("70,20,10", (0.7, 0.2, 0.1)), ("1,1", (0.5, 0.5, 0.0))]
)
def test_parse_split(text, expected):
    assert parse_split(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["0.8", "a,b", "-1,2", "0,0", "1,1,1,1"])
def test_parse_split_rejects(text):
    with pytest.raises(FormatError):
        parse_split(text)


def test_split_is_deterministic_and_covers_every_image():
    names = [f"img{i}.jpg" for i in range(50)]
    a = assign_subsets(names, (0.7, 0.2, 0.1), seed=3)
    assert a == assign_subsets(list(reversed(names)), (0.7, 0.2, 0.1), seed=3)
    assert a != assign_subsets(names, (0.7, 0.2, 0.1), seed=4)
    counts = {s: sum(1 for v in a.values() if v == s) for s in ("train", "val", "test")}
    assert counts == {"train": 35, "val": 10, "test": 5}
    assert set(assign_subsets(names[:2], (0.9, 0.1, 0), 0).values()) == {"train", "val"}


def test_yolo_split_writes_ultralytics_layout_and_data_yaml(tmp_path):
    src = make_dataset(
        tmp_path / "src",
        {f"p{i}.png": [rect(1, 1, 20, 20, label="猫"), rect(5, 5, 9, 9, label="b")] for i in range(10)},
    )
    s = export_dataset("yolo", src, tmp_path / "ds", options=ExportOptions(split=(0.8, 0.2, 0.0), seed=1))
    assert s.ok, s.lines()
    data = yaml.safe_load((tmp_path / "ds" / "data.yaml").read_text(encoding="utf-8"))
    assert data["train"] == "images/train" and data["val"] == "images/val" and "test" not in data
    assert data["names"] == {0: "b", 1: "猫"} and data["path"] == str((tmp_path / "ds").resolve())
    for subset, n in (("train", 8), ("val", 2)):
        imgs = sorted(p.stem for p in (tmp_path / "ds" / "images" / subset).glob("*.png"))
        labels = sorted(p.stem for p in (tmp_path / "ds" / "labels" / subset).glob("*.txt"))
        assert imgs == labels and len(imgs) == n


def test_pose_split_data_yaml_has_kpt_shape(tmp_path):
    src = make_dataset(
        tmp_path / "src",
        {
            f"p{i}.png": [
                rect(1, 1, 20, 20, label="person", group_id=1),
                Shape("point", [[5, 5]], label="b", group_id=1),
            ]
            for i in range(4)
        },
    )
    opts = ExportOptions(split=(0.5, 0.5, 0), pose_config={"person": ["a", "b", "c"]})
    opts.extra["flip_idx"] = [0, 2, 1]
    s = export_dataset("yolo-pose", src, tmp_path / "ds", options=opts)
    assert s.ok, s.lines()
    data = yaml.safe_load((tmp_path / "ds" / "data.yaml").read_text())
    assert data["kpt_shape"] == [3, 3] and data["flip_idx"] == [0, 2, 1] and data["names"] == {0: "person"}


def test_coco_split_writes_one_json_per_subset(tmp_path):
    src = make_dataset(tmp_path / "src", {f"p{i}.png": [rect(1, 1, 20, 20)] for i in range(5)})
    s = export_dataset("coco", src, tmp_path / "ds", options=ExportOptions(split=(0.6, 0.4, 0)))
    assert s.ok, s.lines()
    train = json.loads((tmp_path / "ds" / "annotations" / "instances_train.json").read_text())
    val = json.loads((tmp_path / "ds" / "annotations" / "instances_val.json").read_text())
    assert len(train["images"]) == 3 and len(val["images"]) == 2
    assert all((tmp_path / "ds" / "images" / im["file_name"]).is_file() for im in train["images"])


def test_split_refused_for_formats_without_a_layout(tmp_path):
    src = make_dataset(tmp_path / "src", {"a.png": [rect(1, 1, 20, 20)]})
    s = export_dataset("voc", src, tmp_path / "ds", options=ExportOptions(split=(0.5, 0.5, 0)))
    assert not s.ok and "--split is available for" in s.failures[0][1]


def test_pose_without_config_takes_the_keypoint_names_from_the_labels(tmp_path):
    def person(gid, *names):
        pts = [Shape("point", [[2 + 3 * i, 4]], label=n, group_id=gid) for i, n in enumerate(names)]
        return [rect(1, 1, 20, 20, label="person", group_id=gid), *pts]

    src = make_dataset(
        tmp_path / "src",
        {
            "a.png": person(1, "nose", "l_eye"),
            "b.png": [*person(4, "l_eye", "r_eye"), rect(30, 5, 50, 40, label="car")],
        },
    )
    s = export_dataset("yolo-pose", src, tmp_path / "ds")
    assert s.ok, s.lines()
    assert any("keypoint names taken from the labels" in n and "person: nose, l_eye, r_eye" in n for n in s.notes)
    data = yaml.safe_load((tmp_path / "ds" / "data.yaml").read_text())
    assert data["names"] == {0: "car", 1: "person"} and data["kpt_shape"] == [3, 3]
    assert data["kpt_names"] == {0: [], 1: ["nose", "l_eye", "r_eye"]}
    b = (tmp_path / "ds" / "b.txt").read_text().splitlines()
    # person's keypoints in the derived order: nose absent, l_eye, r_eye visible
    assert b[0].split()[5:] == ["0", "0", "0", "0.03125", "0.083333", "2", "0.078125", "0.083333", "2"]
    assert b[1].split()[5:] == ["0"] * 9


def test_import_from_a_split_folder_reads_names_from_data_yaml(tmp_path):
    from anylabel.core.label_file import read_label_file
    from anylabel.formats.import_driver import import_dataset
    from formats_helpers import make_image

    src = make_dataset(tmp_path / "src", {f"p{i}.png": [rect(1, 1, 20, 20, label="猫")] for i in range(4)})
    export_dataset("yolo", src, tmp_path / "ds", options=ExportOptions(split=(0.5, 0.5, 0)))
    (tmp_path / "ds" / "classes.txt").unlink()
    target = tmp_path / "t"
    for p in (tmp_path / "ds" / "images" / "train").iterdir():
        make_image(target / p.name)
    s = import_dataset("yolo", tmp_path / "ds" / "labels" / "train", target)
    assert s.ok and s.files_written == 2 and any("data.yaml" in n for n in s.notes), s.lines()
    assert read_label_file(next(target.glob("*.json"))).shapes[0].label == "猫"
