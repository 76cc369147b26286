"""The batch engine (``anylabel.inference.batch``): provenance records, --skip-done and
resuming an interrupted run, replacing a model's own earlier predictions while manual and
edited shapes stay, the per-file "written" callback, and the Ray engine's clear errors."""
from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from anylabel.cli.main import main
from anylabel.core.label_file import new_annotation_for, read_label_file, write_label_file
from anylabel.core.provenance import PREDICTED_KEY, predicted_shapes, shape_digest
from anylabel.core.shape import rectangle
from anylabel.inference import create_model
from anylabel.inference.batch import BatchJob, BatchOptions, config_digest
from anylabel.inference.config import find_config
from anylabel.inference.engines.local import LocalEngine

from _accuracy import synthetic

MODEL = "fixture_shapes_det"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    rng = np.random.default_rng(7)
    for i in range(8):
        img, _ = synthetic().make_sample(rng, "det", 160, 160, max_objects=3)
        cv2.imwrite(str(tmp_path / f"img{i}.png"), img[:, :, ::-1])
    write_label_file(tmp_path / "img0.json",
                     new_annotation_for(tmp_path / "img0.png", [rectangle(1, 1, 9, 9, "manual")]))
    return tmp_path


@pytest.fixture(scope="module")
def model():
    return create_model(find_config(MODEL), device="cpu")


def images(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.png"))


def test_written_files_record_model_settings_and_image(folder: Path, model) -> None:
    written: list[Path] = []
    summary = BatchJob(model, images(folder), on_file_written=written.append).run()
    assert summary.written == 8 and written == images(folder)  # in input order, image paths
    ann = read_label_file(folder / "img3.json")
    rec = ann.extra[PREDICTED_KEY][MODEL]
    st = (folder / "img3.png").stat()
    assert rec["config"] == config_digest(model)
    assert rec["image"] == {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
    assert rec["shapes"] == [shape_digest(s) for s in ann.shapes]
    # The manual shape is not the model's.
    ann0 = read_label_file(folder / "img0.json")
    assert shape_digest(ann0.shapes[0]) not in predicted_shapes(ann0, MODEL)
    assert {shape_digest(s) for s in ann0.shapes[1:]} == predicted_shapes(ann0, MODEL)


def test_config_digest_follows_the_settings(model) -> None:
    other = create_model(find_config(MODEL).with_overrides(conf_threshold=0.2), device="cpu")
    assert config_digest(other) != config_digest(model)
    assert config_digest(create_model(find_config(MODEL), device="cpu")) == config_digest(model)


def test_skip_done_resumes_an_interrupted_run(folder: Path, model) -> None:
    job = BatchJob(model, images(folder))
    done: list[Path] = []
    job.on_file_written = lambda path: (done.append(path), len(done) >= 3 and job.cancel())
    first = job.run(LocalEngine(loaders=1, lookahead=1))  # cancel stops after the images in flight
    assert first.cancelled and 3 <= first.written < 8
    mtimes = {p: p.stat().st_mtime_ns for p in folder.glob("*.json")}
    ran: list[Path] = []
    second = BatchJob(model, images(folder), BatchOptions(skip_done=True), on_file_written=ran.append).run()
    assert second.skipped == first.written and second.processed == 8 - first.written and not second.failed
    assert set(ran) == set(images(folder)) - set(done)  # exactly the rest
    assert all(p.stat().st_mtime_ns == t for p, t in mtimes.items() if p.with_suffix(".png") in done)
    assert all(p.stat().st_mtime_ns == t for p, t in mtimes.items())  # done files untouched
    # Everything is done now; a changed image (new mtime) and changed settings run again.
    third = BatchJob(model, images(folder), BatchOptions(skip_done=True)).run()
    assert third.skipped == 8 and third.processed == 0
    p5 = folder / "img5.png"
    p5.write_bytes(p5.read_bytes())
    fourth = BatchJob(model, images(folder), BatchOptions(skip_done=True)).run()
    assert fourth.processed == 1 and fourth.skipped == 7


def test_skip_done_on_the_command_line(folder: Path, capsys) -> None:
    assert main(["predict", "--model", MODEL, "--input", str(folder), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["predict", "--model", MODEL, "--input", str(folder), "--quiet", "--skip-done"]) == 0
    assert "0 images in" in (err := capsys.readouterr().err) and "8 skipped (already done)" in err
    # Other settings are another job: nothing is skipped.
    assert main(["predict", "--model", MODEL, "--input", str(folder), "--quiet", "--skip-done",
                 "--conf", "0.3"]) == 0
    assert "8 images in" in capsys.readouterr().err


def test_replace_own_swaps_earlier_predictions_and_keeps_manual_and_edited(folder: Path) -> None:
    path = folder / "img0.png"
    assert main(["predict", "--model", MODEL, "--input", str(path), "--quiet",
                 "--output-type", "polygon"]) == 0
    ann = read_label_file(folder / "img0.json")
    assert len(ann.shapes) > 2 and ann.shapes[0].label == "manual"
    assert {s.shape_type for s in ann.shapes[1:]} == {"polygon"}
    # The user moves one predicted polygon: it is theirs now.
    ann.shapes[1].points = ann.shapes[1].points + 3.0
    edited = ann.shapes[1].points.copy()
    write_label_file(folder / "img0.json", ann)
    # Without --replace-own, a run with other settings adds its boxes beside the polygons
    # (the old behaviour: two shapes for every object).
    assert main(["predict", "--model", MODEL, "--input", str(path), "--quiet"]) == 0
    boxes = [s for s in read_label_file(folder / "img0.json").shapes if s.shape_type == "rectangle"]
    assert len(read_label_file(folder / "img0.json").shapes) == len(ann.shapes) + len(boxes) - 1  # manual
    # --replace-own: this model's unedited polygons go; the manual and the edited shape stay.
    write_label_file(folder / "img0.json", ann)
    assert main(["predict", "--model", MODEL, "--input", str(path), "--quiet", "--replace-own"]) == 0
    after = read_label_file(folder / "img0.json").shapes
    assert after[0].label == "manual" and np.allclose(after[1].points, edited)
    assert [s.shape_type for s in after[2:]] == ["rectangle"] * (len(boxes) - 1)
    # Running the same again changes nothing (no duplicates, no rewrite).
    before = (folder / "img0.json").read_bytes()
    assert main(["predict", "--model", MODEL, "--input", str(path), "--quiet", "--replace-own"]) == 0
    assert (folder / "img0.json").read_bytes() == before


def test_ray_engine_without_ray_names_the_extra(folder: Path, capsys, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    assert main(["predict", "--model", MODEL, "--input", str(folder), "--engine", "ray", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "pip install anylabel[ray]" in err and "Traceback" not in err
    assert not list(folder.glob("img[1-7].json"))


def test_ray_options_need_the_ray_engine(folder: Path, capsys) -> None:
    assert main(["predict", "--model", MODEL, "--input", str(folder), "--workers", "2", "--quiet"]) == 2
    assert "--engine ray" in capsys.readouterr().err
