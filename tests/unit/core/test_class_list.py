"""The one classes.txt reader: lenient for the GUI, strict for datasets (index = line)."""

import pytest

from anylabel.core.class_list import ClassListError, class_list_text, read_class_list


def test_strict_rejects_a_blank_line_inside_naming_file_and_line(tmp_path):
    p = tmp_path / "classes.txt"
    p.write_text("cat\n\ndog\n", encoding="utf-8")
    assert read_class_list(p) == ["cat", "dog"]
    with pytest.raises(ClassListError, match=r"classes.txt: line 2 is blank"):
        read_class_list(p, strict=True)


def test_strict_rejects_a_repeated_name(tmp_path):
    p = tmp_path / "classes.txt"
    p.write_text("cat\ndog\ncat\n", encoding="utf-8")
    assert read_class_list(p) == ["cat", "dog"]
    with pytest.raises(ClassListError, match="lines 1 and 3"):
        read_class_list(p, strict=True)


def test_strict_ignores_trailing_blank_lines_and_bom(tmp_path):
    p = tmp_path / "classes.txt"
    p.write_bytes("\ufeffcat\n 猫 \n\n\n".encode("utf-8"))
    assert read_class_list(p, strict=True) == ["cat", "猫"]


def test_empty_file_is_an_empty_list_in_both_modes(tmp_path):
    p = tmp_path / "classes.txt"
    p.write_text("", encoding="utf-8")
    assert read_class_list(p) == [] and read_class_list(p, strict=True) == []


def test_strict_errors_name_the_file(tmp_path):
    with pytest.raises(ClassListError, match="missing.txt: class file not found"):
        read_class_list(tmp_path / "missing.txt", strict=True)


def test_text_round_trips_through_the_strict_reader(tmp_path):
    p = tmp_path / "c.txt"
    p.write_text(class_list_text(["zebra", " dog", "zebra", "", "猫"]), encoding="utf-8")
    assert read_class_list(p, strict=True) == ["zebra", "dog", "猫"]
