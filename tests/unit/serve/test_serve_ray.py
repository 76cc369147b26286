"""``anylabel serve --engine ray``: the same API on Ray Serve (slow; needs ``ray[serve]``).

Run by hand: PYTHONPATH=. <a venv with ray[serve]>/bin/python -m pytest -m slow tests/unit/serve/test_serve_ray.py
"""
from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.request

import numpy as np
import pytest

os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # keep Ray on the loopback address
pytest.importorskip("ray.serve", reason="Ray Serve is optional: pip install anylabel[ray] 'ray[serve]'")
pytest.importorskip("starlette", reason="Ray Serve is optional: pip install 'ray[serve]'")

pytestmark = pytest.mark.slow

MODEL = "fixture_shapes_det"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ray_serve_answers_like_the_local_model() -> None:
    import ray
    import synthetic_shapes
    from ray import serve

    from anylabel.inference.config import config_from_dict
    from anylabel.inference.registry import create_model
    from anylabel.serve.ray_runner import run_ray

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    run_ray([MODEL], "127.0.0.1", port, "tok", 5 * 1024 * 1024, device="cpu", block=False)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(url + "/health", timeout=5) as resp:
                    if json.loads(resp.read())["models_loaded"] == 1:
                        break
            except (OSError, urllib.error.URLError):
                pass
            assert time.monotonic() < deadline, "Ray Serve did not come up"
            time.sleep(0.5)
        req = urllib.request.Request(url + "/v1/models", headers={"Token": "wrong"})
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(req, timeout=10)
        assert exc.value.code == 401
        rem = create_model(config_from_dict({"type": "remote_server", "name": "r",
                                             "remote_server_settings": {"server_url": url, "api_key": "tok"}}))
        local = create_model(MODEL, device="cpu")
        rng = np.random.default_rng(3)
        found = 0
        for _ in range(3):
            img = synthetic_shapes.make_sample(rng, "det", 192, 160, max_objects=3)[0]
            want, got = local.predict(img), rem.predict(img)
            found += len(want)
            assert [(s.label, s.shape_type) for s in want] == [(s.label, s.shape_type) for s in got]
            assert all(np.allclose(a.points, b.points, atol=1e-4) for a, b in zip(want, got))
        assert found > 0
    finally:
        serve.shutdown()
        ray.shutdown()
