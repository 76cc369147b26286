"""Cancelling a batch run stops a sliced (SAHI) prediction between its tiles, not only
between images: the real detect fixture on a huge image (the decode bound lowered so a
640 px mosaic counts as one), with its session's runs counted."""
from __future__ import annotations

from pathlib import Path

import cv2
import pytest

from anylabel.core import image_io
from anylabel.inference import create_model
from anylabel.inference.batch import BatchJob
from anylabel.inference.engines.local import LocalEngine

from test_sahi_real import mosaic

pytest.importorskip("pyvips", reason="huge images need libvips (pip install 'anylabel[huge]')")


def _sliced_job(tmp_path: Path, cancel_at: int | None):
    big, _ = mosaic()
    paths = []
    for name in ("a.png", "b.png"):
        paths.append(tmp_path / name)
        cv2.imwrite(str(paths[-1]), big[:, :, ::-1])
    model = create_model("fixture_shapes_det", device="cpu")
    model.set_options(sahi=True, slice_height=160, slice_width=160)  # 5 x 5 tiles and the whole image
    job = BatchJob(model, paths)
    runs = []
    real_infer = model.infer

    def counted_infer(inputs):  # the real session run, counted; the user cancels during run ``cancel_at``
        runs.append(1)
        if len(runs) == cancel_at:
            job.cancel()
        return real_infer(inputs)

    model.infer = counted_infer
    return job, runs, paths


def test_a_cancel_during_a_tile_stops_before_the_next_tile(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(image_io.MAX_PIXELS_ENV, "300000")  # 410 K pixels: windows read from the pyramid
    job, runs, paths = _sliced_job(tmp_path, cancel_at=None)
    summary = job.run(LocalEngine(loaders=1, lookahead=1))
    per_image = len(runs) // 2
    assert per_image == 26 and summary.written == 2 and not summary.cancelled

    (tmp_path / "again").mkdir()
    job, runs, paths = _sliced_job(tmp_path / "again", cancel_at=3)
    summary = job.run(LocalEngine(loaders=1, lookahead=1))
    assert len(runs) == 3  # tile 3 finished, tile 4 never ran, nor the second image
    assert summary.cancelled and summary.written == 0 and summary.failed == []
    assert not any(p.with_suffix(".json").exists() for p in paths)
    assert "cancelled" in summary.line()
