from anylabel.core import natural_key, scan_folder


def test_natural_order_and_labelled_set(tmp_path):
    for name in ["img10.jpg", "img2.JPG", "Img1.png", "notes.txt", "img2.json", ".hidden.jpg", "b 3.webp"]:
        (tmp_path / name).write_bytes(b"")
    idx = scan_folder(tmp_path)
    assert idx.names == ["b 3.webp", "Img1.png", "img2.JPG", "img10.jpg"]
    assert idx.labelled == {"img2.JPG"}
    assert idx.has_label(2) and not idx.has_label(3)
    assert idx.label_path(2).name == "img2.json"
    assert idx.index_of("img10.jpg") == 3
    idx.mark_labelled("img10.jpg")
    assert idx.labelled_count == 2


def test_natural_key_handles_frames():
    names = ["v_000010.jpg", "v_000009.jpg", "v_1.jpg", "a.jpg"]
    assert sorted(names, key=natural_key) == ["a.jpg", "v_1.jpg", "v_000009.jpg", "v_000010.jpg"]
