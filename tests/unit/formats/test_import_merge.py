"""``import --merge`` adds only shapes that are not there yet and leaves other files alone."""

import hashlib
import json

from anylabel.core.label_file import read_label_file
from anylabel.formats.driver import export_dataset
from anylabel.formats.import_driver import import_dataset
from anylabel.formats.merge import same_shape, shapes_to_add

from formats_helpers import make_dataset, make_image, poly, rect


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _yolo_source(tmp_path):
    src = make_dataset(
        tmp_path / "src",
        {"a.png": [rect(8, 8, 40, 30, label="cat"), rect(1, 2, 20, 20, label="dog")], "b.png": []},
    )
    assert export_dataset("yolo", src, tmp_path / "yolo").ok
    return tmp_path / "yolo"


def test_merging_the_same_dataset_twice_does_not_double_the_shapes(tmp_path):
    yolo = _yolo_source(tmp_path)
    images = tmp_path / "imgs"
    make_image(images / "a.png")
    make_image(images / "b.png")
    first = import_dataset("yolo", yolo, images, on_exists="merge")
    assert first.ok and first.shapes_written == 2
    one = read_label_file(images / "a.json")
    again = import_dataset("yolo", yolo, images, on_exists="merge")
    assert again.ok, again.lines()
    assert again.shapes_written == 0 and again.files_written == 0
    assert len(read_label_file(images / "a.json").shapes) == len(one.shapes) == 2
    assert any("not added again" in n for n in again.notes)


def test_a_file_with_nothing_new_keeps_its_bytes(tmp_path):
    yolo = _yolo_source(tmp_path)
    images = tmp_path / "imgs"
    make_image(images / "a.png")
    make_image(images / "b.png")
    # b.json is an older, hand-written LabelMe file: no version bump, no added keys
    labelme = {"version": "5.0.1", "flags": {}, "shapes": [], "imagePath": "b.png",
               "imageData": None, "imageHeight": 48, "imageWidth": 64}
    (images / "b.json").write_text(json.dumps(labelme), encoding="utf-8")
    before = _digest(images / "b.json")
    s = import_dataset("yolo", yolo, images, on_exists="merge")
    assert s.ok, s.lines()
    assert _digest(images / "b.json") == before
    assert s.files_written == 1  # a.json only


def test_merge_adds_the_new_shapes_and_keeps_the_existing_ones(tmp_path):
    yolo = _yolo_source(tmp_path)
    images = make_dataset(tmp_path / "imgs", {"a.png": [poly([[1, 1], [9, 1], [5, 8]], label="tri")], "b.png": []})
    s = import_dataset("yolo", yolo, images, on_exists="merge")
    assert s.ok and s.shapes_written == 2
    assert [sh.label for sh in read_label_file(images / "a.json").shapes] == ["tri", "cat", "dog"]


def test_same_shape_needs_type_label_group_and_points_within_tolerance():
    a = rect(1, 2, 3, 4, label="cat", group_id=1)
    assert same_shape(a, rect(1 + 5e-7, 2, 3, 4, label="cat", group_id=1))
    assert not same_shape(a, rect(1 + 1e-5, 2, 3, 4, label="cat", group_id=1))
    assert not same_shape(a, rect(1, 2, 3, 4, label="dog", group_id=1))
    assert not same_shape(a, rect(1, 2, 3, 4, label="cat", group_id=2))
    assert not same_shape(a, poly([[1, 2], [3, 4]], label="cat", group_id=1))
    assert not same_shape(poly([[1, 2], [3, 4], [5, 5]]), poly([[1, 2], [3, 4]]))
    # two identical imported shapes over one existing: one of them is new
    assert len(shapes_to_add([a], [a, a])) == 1


def _two_entries_for_one_image(tmp_path):
    # Some COCO files list one image twice (ids 1 and 2, the same file name): the second
    # entry must see the file the first one wrote, although writes run in the background.
    coco = {
        "images": [
            {"id": 1, "file_name": "a.png", "width": 64, "height": 48},
            {"id": 2, "file_name": "sub/a.png", "width": 64, "height": 48},
        ],
        "categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 10, 10]},
            {"id": 2, "image_id": 2, "category_id": 2, "bbox": [20, 20, 10, 10]},
        ],
    }
    path = tmp_path / "coco.json"
    path.write_text(json.dumps(coco), encoding="utf-8")
    make_image(tmp_path / "imgs" / "a.png")
    return path, tmp_path / "imgs"


def test_an_image_listed_twice_is_merged_or_refused_as_if_written_one_by_one(tmp_path):
    src, images = _two_entries_for_one_image(tmp_path)
    s = import_dataset("coco", src, images, on_exists="merge")
    assert s.ok and s.files_written == 2
    assert sorted(x.label for x in read_label_file(images / "a.json").shapes) == ["cat", "dog"]
    (images / "a.json").unlink()
    s = import_dataset("coco", src, images)
    assert [p for p, _ in s.failures] == [str(images / "a.json")] and s.files_written == 1
    assert [x.label for x in read_label_file(images / "a.json").shapes] == ["cat"]


def test_write_failures_are_reported_per_image_and_the_rest_are_written(tmp_path):
    src, images = _two_entries_for_one_image(tmp_path)
    for i in range(100):
        make_image(images / f"m{i}.png")
    coco = json.loads(src.read_text(encoding="utf-8"))
    coco["images"] = [{"id": 10 + i, "file_name": f"m{i}.png", "width": 64, "height": 48} for i in range(100)]
    coco["annotations"] = [
        {"id": 10 + i, "image_id": 10 + i, "category_id": 1, "bbox": [1, 1, 5, 5]} for i in range(100)
    ]
    src.write_text(json.dumps(coco), encoding="utf-8")
    (images / "m50.json").mkdir()  # a folder where the label file should go: that write fails
    s = import_dataset("coco", src, images, on_exists="overwrite")
    assert [p for p, _ in s.failures] == [str(images / "m50.json")], s.lines()
    assert s.files_written == 99 and s.shapes_written == 99
    assert read_label_file(images / "m99.json").shapes[0].label == "cat"
