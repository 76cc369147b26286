"""The batch pipeline: same results as one-by-one prediction, input order, per-item errors, cancel."""
from __future__ import annotations

import threading

import numpy as np

from anylabel.inference import create_model
from anylabel.inference.pipeline import run_pipeline

from _accuracy import synthetic


def images(n: int):
    rng = np.random.default_rng(5)
    return [synthetic().make_sample(rng, "det", 160, 160)[0] for _ in range(n)]


def test_pipeline_matches_sequential_and_keeps_order() -> None:
    model = create_model("fixture_shapes_det", device="cpu")
    imgs = images(12)
    expected = [model.predict(im) for im in imgs]
    got: list = []

    def load(i):
        if i == 5:
            raise ValueError("img5.png: not a readable image")
        return imgs[i], f"ctx{i}"

    def consume(i, pred, ctx, err):
        got.append((i, pred, ctx, err))

    assert run_pipeline(model, range(12), load, consume) == 12
    assert [g[0] for g in got] == list(range(12))
    for i, pred, ctx, err in got:
        if i == 5:
            assert pred is None and "img5.png" in str(err)
        else:
            assert err is None and ctx == f"ctx{i}" and pred.shapes == expected[i]


def test_cancel_stops_early() -> None:
    model = create_model("fixture_shapes_det", device="cpu")
    imgs = images(3)
    cancel = threading.Event()
    seen = []

    def consume(i, pred, ctx, err):
        seen.append(i)
        cancel.set()

    run_pipeline(model, range(200), lambda i: (imgs[i % 3], None), consume, cancel=cancel)
    assert len(seen) < 200
