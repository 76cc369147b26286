"""``anylabel extract-frames VIDEO``."""
from __future__ import annotations

import argparse

import cv2
import numpy as np

from anylabel.cli import cmd_extract_frames


def run(*argv: str) -> int:
    p = argparse.ArgumentParser()
    cmd_extract_frames.add_arguments(p)
    return cmd_extract_frames.run(p.parse_args(list(argv) + ["--quiet"]))


def test_extract_and_errors(tmp_path, capsys):
    video = tmp_path / "walk.avi"
    w = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    for i in range(10):
        w.write(np.full((48, 64, 3), 20 * i, np.uint8))
    w.release()
    assert run(str(video), "--interval", "2", "--start", "2") == 0
    assert sorted(p.name for p in (tmp_path / "walk").glob("*.jpg")) == [
        "walk_000002.jpg", "walk_000004.jpg", "walk_000006.jpg", "walk_000008.jpg", "walk_000010.jpg"]
    assert "5 frames written" in capsys.readouterr().out
    bad = tmp_path / "bad.mkv"
    bad.write_text("nope")
    assert run(str(bad)) == 2
    assert "bad.mkv" in capsys.readouterr().err
