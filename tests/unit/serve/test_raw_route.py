"""``POST /v1/predict/raw``: AnyLabel's client sends raw RGB to AnyLabel's server (no base64,
no codec) and gets the local predictions; servers that do not announce it get the base64
JSON body; a bad raw request is a 400 that says what is wrong, never a traceback."""
from __future__ import annotations

import http.client
import json
from typing import Iterator

import numpy as np
import pytest
import synthetic_shapes  # scripts/: the generator the demo models were trained on

from anylabel.inference.config import config_from_dict
from anylabel.inference.registry import create_model
from anylabel.serve.api import RAW_ROUTE, InferenceApi, encode_raw_request, load_models
from anylabel.serve.http_runner import ApiServer
from serve_helpers import serving

MODEL = "fixture_shapes_det"


class RecordingApi(InferenceApi):
    """Records the route of each request, so a test can tell which body the client chose."""

    def handle(self, method: str, path: str, body: bytes = b""):  # type: ignore[override]
        self.routes.append(path)
        return super().handle(method, path, body)


@pytest.fixture(scope="module")
def server() -> Iterator[ApiServer]:
    api = RecordingApi(load_models([MODEL], device="cpu"))
    api.routes = []
    with serving(api) as srv:
        yield srv


def _remote(server: ApiServer):
    cfg = config_from_dict({"type": "remote_server", "name": "r", "remote_server_settings": {"server_url": server.url}})
    return create_model(cfg)


def _images(n: int) -> list[np.ndarray]:
    rng = np.random.default_rng(11)
    return [synthetic_shapes.make_sample(rng, "det", 192, 160, max_objects=3)[0] for _ in range(n)]


def _same(want, got) -> None:
    assert len(got) == len(want)
    for a, b in zip(want, got):
        assert (a.label, a.shape_type) == (b.label, b.shape_type)
        assert np.allclose(a.points, b.points, atol=1e-4) and abs(a.score - b.score) < 1e-6


def test_raw_and_base64_bodies_give_the_local_predictions(server: ApiServer) -> None:
    local = create_model(MODEL, device="cpu")
    raw, legacy = _remote(server), _remote(server)
    assert raw.raw_rgb  # our server announces the route
    legacy.raw_rgb = False  # what a server without it (X-AnyLabeling-Server) gets
    found = 0
    for img in _images(4):
        want = local.predict(img)
        found += len(want)
        server.api.routes.clear()
        _same(want, raw.predict(img))
        assert server.api.routes == [RAW_ROUTE]
        server.api.routes.clear()
        _same(want, legacy.predict(img))
        assert server.api.routes == ["/v1/predict"]
    assert found > 0
    # a view that is not contiguous (a crop of a wider image) travels as its own pixels
    one = _images(1)[0]
    wide = np.concatenate([one, np.zeros((one.shape[0], 40, 3), np.uint8)], axis=1)[:, :one.shape[1]]
    assert not wide.flags.c_contiguous
    _same(local.predict(np.ascontiguousarray(wide)), raw.predict(wide))


def _post(server: ApiServer, body: bytes) -> tuple[int, dict]:
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request("POST", RAW_ROUTE, body=body, headers={"Content-Type": "application/octet-stream"})
    resp = conn.getresponse()
    data = json.loads(resp.read())
    conn.close()
    return resp.status, data


def test_bad_raw_requests_are_refused_with_the_reason(server: ApiServer) -> None:
    img = _images(1)[0]
    good = encode_raw_request(MODEL, {}, img)
    status, data = _post(server, good)
    assert status == 200 and data["success"] is True
    h, w = img.shape[:2]
    need = f"needs {h * w * 3} bytes"
    head = lambda **kw: json.dumps({"model": MODEL, "params": {}, "shape": [h, w, 3], **kw}).encode()  # noqa: E731
    cases = {
        "no newline": (bytes(np.full(5000, 7, np.uint8)), "one line of JSON"),
        "not json": (b"{oops\n" + img.tobytes(), "not JSON"),
        "a list": (b"[1]\n" + img.tobytes(), "JSON object"),
        "short": (good[:-5], need),
        "long": (good + b"xx", need),
        "four channels": (head(shape=[h, w, 4]) + b"\n" + img.tobytes(), "[height, width, 3]"),
        "a float": (head(shape=[float(h), w, 3]) + b"\n" + img.tobytes(), "[height, width, 3]"),
        # declares 10^10 pixels: refused by the pixel bound before anything is allocated
        "a bomb": (head(shape=[100000, 100000, 3]) + b"\n" + img.tobytes(), "pixels"),
        "unknown model": (head(model="nope") + b"\n" + img.tobytes(), MODEL),
        "bad params": (head(params={"conf_threshold": 7}) + b"\n" + img.tobytes(), "conf_threshold"),
    }
    for name, (body, words) in cases.items():
        status, data = _post(server, body)
        assert status in (400, 404) and data["success"] is False, name
        assert words in data["error"]["message"], (name, data)
        assert "Traceback" not in json.dumps(data)


def test_images_too_large_to_send_uncompressed_take_the_png_body(server: ApiServer, monkeypatch) -> None:
    from anylabel.serve import api

    rem = _remote(server)
    img = _images(1)[0]
    monkeypatch.setattr(api, "BMP_MAX_BYTES", img.nbytes - 1)
    server.api.routes.clear()
    _same(create_model(MODEL, device="cpu").predict(img), rem.predict(img))
    assert server.api.routes == ["/v1/predict"]
