"""scripts/make_demo_folder.py writes the label files it promises (readable, with shapes)."""
from __future__ import annotations

from pathlib import Path

from PIL import Image

import make_demo_folder
from anylabel.core.folder_index import scan_folder
from anylabel.core.label_file import read_label_file


def test_synthetic_demo_has_labelled_scenes_whose_shapes_are_drawn(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(make_demo_folder, "DARKNET_PHOTOS", tmp_path / "absent")
    out = tmp_path / "demo"
    assert make_demo_folder.main(str(out)) == 0
    index = scan_folder(out)
    assert len(index) == 6 and index.labelled_count == make_demo_folder.LABELLED_SCENES
    for name in sorted(index.labelled):
        ann = read_label_file(out / (Path(name).stem + ".json"))
        assert ann.shapes and ann.image_width == 800 and ann.image_height == 600
        for sh in ann.shapes:
            assert sh.label in ("rectangle", "circle", "triangle")
            assert (sh.points >= 0).all() and (sh.points[:, 0] <= 800).all() and (sh.points[:, 1] <= 600).all()


def test_demo_with_photos_labels_the_dog_photo(tmp_path, monkeypatch) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    Image.new("RGB", (768, 576), (90, 90, 90)).save(photos / "dog.jpg")
    Image.new("RGB", (640, 480), (90, 90, 90)).save(photos / "eagle.jpg")
    monkeypatch.setattr(make_demo_folder, "DARKNET_PHOTOS", photos)
    out = tmp_path / "demo"
    make_demo_folder.main(str(out))
    ann = read_label_file(out / "dog.json")
    assert [s.label for s in ann.shapes] == ["dog", "bicycle", "truck"]
    assert not (out / "eagle.json").exists()
    assert make_demo_folder.main(str(out)) == 0 and read_label_file(out / "dog.json").shapes  # kept on rerun
