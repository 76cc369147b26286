"""``anylabel predict`` on a folder: writes label files, keeps manual shapes, skips unchanged files,
survives a corrupt image and a corrupt label file."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from anylabel.cli.main import main
from anylabel.core.label_file import new_annotation_for, read_label_file, write_label_file
from anylabel.core.shape import rectangle

from _accuracy import synthetic

MODEL = "fixture_shapes_det"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    rng = np.random.default_rng(99)
    for i in range(4):
        img, _ = synthetic().make_sample(rng, "det", 160, 160, max_objects=3)
        cv2.imwrite(str(tmp_path / f"img{i}.png"), img[:, :, ::-1])
    (tmp_path / "broken.jpg").write_bytes(b"not an image")
    write_label_file(tmp_path / "img0.json",
                     new_annotation_for(tmp_path / "img0.png", [rectangle(1, 1, 9, 9, "manual")]))
    return tmp_path


def test_predict_folder_keeps_manual_and_is_idempotent(folder: Path, capsys) -> None:
    assert main(["predict", "--model", MODEL, "--input", str(folder), "--quiet"]) == 1  # broken.jpg
    err = capsys.readouterr().err
    assert "broken.jpg" in err and "1 failed" in err
    ann0 = read_label_file(folder / "img0.json")
    assert ann0.shapes[0].label == "manual" and len(ann0.shapes) > 1
    assert all(s.label in ("circle", "rectangle", "triangle") for s in ann0.shapes[1:])
    for i in range(1, 4):
        assert read_label_file(folder / f"img{i}.json").shapes
    assert not (folder / "broken.json").exists()
    mtimes = {p: p.stat().st_mtime_ns for p in folder.glob("*.json")}
    (folder / "broken.jpg").unlink()
    assert main(["predict", "--model", MODEL, "--input", str(folder), "--quiet"]) == 0
    assert "0 label files written" in capsys.readouterr().err
    assert {p: p.stat().st_mtime_ns for p in folder.glob("*.json")} == mtimes
    # --replace drops the manual shape.
    assert main(["predict", "--model", MODEL, "--input", str(folder / "img0.png"), "--replace", "--quiet"]) == 0
    assert all(s.label != "manual" for s in read_label_file(folder / "img0.json").shapes)


def test_corrupt_label_file_is_reported_and_left_alone(folder: Path, capsys) -> None:
    (folder / "img1.json").write_text("{ broken")
    assert main(["predict", "--model", MODEL, "--input", str(folder), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "img1.json" in err
    assert (folder / "img1.json").read_text() == "{ broken"
    assert read_label_file(folder / "img2.json").shapes


def test_options_conf_output_type_and_classes(folder: Path) -> None:
    img = str(folder / "img2.png")
    assert main(["predict", "--model", MODEL, "--input", img, "--output-type", "polygon", "--conf", "0.3",
                 "--classes", "circle", "--quiet"]) == 0
    shapes = read_label_file(folder / "img2.json").shapes
    assert all(s.shape_type == "polygon" and s.label == "circle" and s.score >= 0.3 for s in shapes)


def test_errors_are_clear(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ANYLABEL_MODELS_DIR", str(tmp_path / "cache"))
    assert main(["predict", "--model", "yolov8nn", "--input", str(tmp_path)]) == 1  # no images: checked first
    (tmp_path / "a.png").write_bytes(cv2.imencode(".png", np.zeros((8, 8, 3), np.uint8))[1].tobytes())
    assert main(["predict", "--model", "yolov8nn", "--input", str(tmp_path)]) == 2
    assert "did you mean 'yolov8n'" in capsys.readouterr().err
    assert main(["predict", "--model", "yolov8n", "--input", str(tmp_path), "--no-download"]) == 2
    err = capsys.readouterr().err
    assert "yolov8n.onnx" in err and "by hand" in err


def test_list_models(capsys) -> None:
    assert main(["predict", "--list-models"]) == 0
    out = capsys.readouterr().out
    assert "yolov8n" in out and "ppocr-v4" in out and MODEL in out


def test_tracker_links_detections_across_frames(tmp_path: Path) -> None:
    pytest.importorskip("anylabel.inference.trackers")
    bg = synthetic()._background(np.random.default_rng(3), 160, 160)
    for i in range(8):  # a circle moving right, a rectangle moving down
        im = bg.copy()
        cv2.circle(im, (40 + 3 * i, 50), 18, (250, 30, 30), -1)
        cv2.rectangle(im, (90, 90 + 2 * i), (130, 120 + 2 * i), (20, 240, 20), -1)
        cv2.imwrite(str(tmp_path / f"f{i:03d}.png"), im[:, :, ::-1])
    assert main(["predict", "--model", MODEL, "--input", str(tmp_path), "--tracker", "bytetrack", "--quiet"]) == 0
    ids: dict[str, set] = {}
    for i in range(1, 8):  # a new track may need a frame to be confirmed
        for s in read_label_file(tmp_path / f"f{i:03d}.json").shapes:
            ids.setdefault(s.label, set()).add(s.group_id)
    assert set(ids) == {"circle", "rectangle"}
    assert all(len(v) == 1 for v in ids.values()) and ids["circle"] != ids["rectangle"]


def test_unknown_tracker_is_a_clean_error(folder: Path, capsys) -> None:
    pytest.importorskip("anylabel.inference.trackers")
    assert main(["predict", "--model", MODEL, "--input", str(folder), "--tracker", "nosuch", "--quiet"]) == 2
    assert "--tracker nosuch" in capsys.readouterr().err
    assert not (folder / "img1.json").exists()


def test_prompt_from_boxes_feeds_existing_shapes_to_prompted_models(tmp_path: Path, shared_models, darknet_photo) -> None:
    """Plumbing only (the shared MobileSAM has random weights): each rectangle becomes a prompt
    and one new shape comes back per box; the boxes stay."""
    import shutil

    img = tmp_path / "dog.jpg"
    shutil.copy(darknet_photo, img)
    write_label_file(tmp_path / "dog.json", new_annotation_for(img, [rectangle(120, 200, 320, 540, "dog"),
                                                                     rectangle(100, 100, 300, 300, "bike")]))
    cfg = tmp_path / "sam.yaml"
    cfg.write_text(f"type: segment_anything\nname: sam_test\n"
                   f"encoder_model_path: {shared_models / 'mobile_sam.encoder.onnx'}\n"
                   f"decoder_model_path: {shared_models / 'mobile_sam.decoder.onnx'}\n")
    assert main(["predict", "--model", str(cfg), "--input", str(tmp_path), "--prompt-from-boxes", "--quiet"]) == 0
    shapes = read_label_file(tmp_path / "dog.json").shapes
    assert [s.label for s in shapes[:2]] == ["dog", "bike"] and len(shapes) == 4
    assert {s.label for s in shapes[2:]} == {"dog", "bike"}
    assert main(["predict", "--model", MODEL, "--input", str(tmp_path), "--prompt-from-boxes"]) == 2
