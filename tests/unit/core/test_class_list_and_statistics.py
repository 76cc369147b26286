import pytest

from anylabel.core.class_list import ClassListError, read_class_list, write_class_list
from anylabel.core.folder_index import scan_folder
from anylabel.core.label_file import new_annotation_for, write_label_file
from anylabel.core.shape import Shape, rectangle
from anylabel.core.statistics import folder_statistics


def test_class_list_round_trip(tmp_path):
    p = tmp_path / "classes.txt"
    write_class_list(p, ["cat", " dog ", "", "cat", "bird"])
    assert p.read_text() == "cat\ndog\nbird\n"
    assert read_class_list(p) == ["cat", "dog", "bird"]


def test_class_list_errors_name_the_file(tmp_path):
    with pytest.raises(ClassListError, match="missing.txt"):
        read_class_list(tmp_path / "missing.txt")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa")
    with pytest.raises(ClassListError, match="UTF-8"):
        read_class_list(bad)


def test_folder_statistics_counts_and_survives_a_bad_file(tmp_path):
    from PIL import Image

    for i in range(4):
        Image.new("RGB", (20, 10)).save(tmp_path / f"im{i}.png")
    write_label_file(tmp_path / "im0.json", new_annotation_for(tmp_path / "im0.png", [
        rectangle(0, 0, 5, 5, label="cat"), rectangle(1, 1, 3, 3, label="dog")]))
    write_label_file(tmp_path / "im1.json", new_annotation_for(tmp_path / "im1.png", [
        Shape("point", [[1, 1]], label="cat")]))
    (tmp_path / "im2.json").write_text("{ not json")
    st = folder_statistics(scan_folder(tmp_path))
    assert st.images_total == 4 and st.images_labelled == 2
    assert st.per_label == {"cat": 2, "dog": 1}
    assert st.per_type == {"rectangle": 2, "point": 1}
    assert len(st.errors) == 1 and "im2.json" in st.errors[0]
