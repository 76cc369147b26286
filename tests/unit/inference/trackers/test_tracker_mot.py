"""MOT scores (py-motmetrics) of each tracker on synthetic sequences with known ids.

Detections are the truth with jitter, misses, low scores under occlusion and false
positives. The floors are a little under what the trackers reach (recorded in
docs/video.md), so a regression in association shows up here.
"""
from __future__ import annotations

import pytest

from anylabel.inference.trackers import create_tracker
from anylabel.inference.trackers.evaluation import make_sequence, noisy_detections, run_tracker, score

FLOORS = {  # sequence: (MOTA, IDF1, max id switches)
    "easy": (0.85, 0.90, 1),
    "crowded": (0.80, 0.85, 3),
}


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("kind", sorted(FLOORS))
@pytest.mark.parametrize("name", ["bytetrack", "ocsort", "botsort"])
def test_mot_floors(name, kind, seed):
    seq = make_sequence(kind, 120, seed=seed)
    result = score(seq, run_tracker(create_tracker(name), noisy_detections(seq, seed=seed)))
    mota, idf1, switches = FLOORS[kind]
    assert result["mota"] > mota, result
    assert result["idf1"] > idf1, result
    assert result["num_switches"] <= switches, result


def test_clean_detections_score_near_perfect():
    seq = make_sequence("crowded", 120)
    dets = noisy_detections(seq, miss_rate=0.0, fp_per_frame=0.0, jitter=0.0)
    result = score(seq, run_tracker(create_tracker("bytetrack"), dets))
    assert result["num_switches"] == 0 and result["num_false_positives"] == 0


def test_a_tracker_that_ignores_motion_scores_badly():
    """The scoring can fail: shuffling ids every frame must wreck IDF1."""
    seq = make_sequence("easy", 60)
    hyp = [[(f * 100 + i, b) for i, (_, b) in enumerate(objs)] for f, objs in enumerate(seq.frames)]
    assert score(seq, hyp)["idf1"] < 0.2
