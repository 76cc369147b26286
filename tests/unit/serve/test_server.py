"""``anylabel serve`` on 127.0.0.1 with the demo detector, used through the ``remote_server``
model type: same predictions as the local model, token refused, over-size upload refused
without being read, unknown model 404, clear client errors."""
from __future__ import annotations

import http.client
import json
import socket
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest
import synthetic_shapes  # scripts/: the generator the demo models were trained on

from anylabel.core.errors import AnyLabelError
from anylabel.inference.config import config_from_dict
from anylabel.inference.registry import create_model
from anylabel.serve.api import InferenceApi, encode_image, load_models
from anylabel.serve.http_runner import ApiServer
from serve_helpers import serving

MODEL = "fixture_shapes_det"
TOKEN = "s3cret-token"


def _images(n: int = 4) -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    return [synthetic_shapes.make_sample(rng, "det", 192, 160, max_objects=3)[0] for _ in range(n)]


@pytest.fixture(scope="module")
def server() -> Iterator[ApiServer]:
    api = InferenceApi(load_models([MODEL], device="cpu"), token=TOKEN, max_request_bytes=5 * 1024 * 1024)
    with serving(api) as srv:
        yield srv


def remote(server: ApiServer, **settings) -> object:
    base = {"server_url": server.url, "api_key": TOKEN}
    base.update(settings)
    cfg = config_from_dict({"type": "remote_server", "name": "remote", "remote_server_settings": base})
    return create_model(cfg)


def _request(server: ApiServer, method: str, path: str, body: bytes | None = None,
             headers: dict | None = None) -> tuple[int, dict]:
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = json.loads(resp.read())
    conn.close()
    return resp.status, data


def test_remote_predictions_equal_local(server: ApiServer) -> None:
    local = create_model(MODEL, device="cpu")
    rem = remote(server)
    assert rem.capabilities.conf and rem.capabilities.iou and not rem.capabilities.point_prompts
    assert rem.config.classes == local.config.classes
    assert rem.config.conf_threshold == local.config.conf_threshold  # the server's, not the default
    found = 0
    for img in _images():
        want, got = local.predict(img), rem.predict(img)
        found += len(want)
        assert len(got) == len(want)
        for a, b in zip(want, got):
            assert (a.label, a.shape_type) == (b.label, b.shape_type)
            assert np.allclose(a.points, b.points, atol=1e-4) and abs(a.score - b.score) < 1e-6
    assert found > 0  # the images do have objects
    rem.close()


def test_thresholds_set_on_the_client_are_applied_by_the_server(server: ApiServer) -> None:
    local = create_model(MODEL, device="cpu")
    rem = remote(server)
    img = _images(1)[0]
    local.set_options(conf_threshold=0.9)
    rem.set_options(conf_threshold=0.9)
    assert [s.label for s in rem.predict(img)] == [s.label for s in local.predict(img)]
    local.set_options(filter_classes=["circle"])
    rem.set_options(filter_classes=["circle"])
    got = rem.predict(img)
    assert [s.label for s in got] == [s.label for s in local.predict(img)]
    assert all(s.label == "circle" for s in got)
    # another client that set nothing still gets the server's own threshold
    other = remote(server)
    plain = create_model(MODEL, device="cpu")
    assert len(other.predict(img)) == len(plain.predict(img))


def test_wrong_or_missing_token_is_refused(server: ApiServer) -> None:
    status, data = _request(server, "GET", "/v1/models", headers={"Token": "wrong"})
    assert status == 401 and data["success"] is False and data["error"]["code"] == "UNAUTHORIZED"
    status, _ = _request(server, "GET", "/v1/models")
    assert status == 401
    status, data = _request(server, "GET", "/v1/models", headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 200 and MODEL in data["data"]
    with pytest.raises(AnyLabelError, match=r"401.*api_key") as exc:
        remote(server, api_key="wrong")
    assert server.url in str(exc.value)
    status, data = _request(server, "GET", "/health")  # the health check needs no token
    assert status == 200 and data["models_loaded"] == 1


def test_a_100_mb_request_is_refused_without_being_read(server: ApiServer) -> None:
    host, port = server.server_address[:2]
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(b"POST /v1/predict HTTP/1.1\r\nHost: x\r\nToken: " + TOKEN.encode() +
                     b"\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{\"model\":")
        # Only the headers and 9 bytes were sent: an answer now means the body was not waited for.
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert b"Connection: close" in head
    err = json.loads(body)["error"]
    assert err["code"] == "REQUEST_TOO_LARGE" and "100.0 MB" in err["message"] and "5 MB" in err["message"]
    status, _ = _request(server, "GET", "/v1/models", headers={"Token": TOKEN})  # still serving
    assert status == 200


def test_client_upload_over_the_limit_gets_a_clear_error(server: ApiServer) -> None:
    rem = remote(server)
    noise = np.random.default_rng(0).integers(0, 256, (1500, 1500, 3), dtype=np.uint8)  # ~6.7 MB as PNG
    with pytest.raises(AnyLabelError, match=server.url) as exc:
        rem.predict(noise)
    # the 413 answer is read when it arrives before the server's reset (usual on loopback)
    assert "at most 5 MB" in str(exc.value) or "closed the connection" in str(exc.value)
    assert rem.predict(_images(1)[0]) is not None  # the client recovers on a new connection


def test_unknown_model_bad_image_and_bad_body(server: ApiServer) -> None:
    h = {"Token": TOKEN, "Content-Type": "application/json"}
    img = encode_image(_images(1)[0])
    status, data = _request(server, "POST", "/v1/predict", json.dumps({"model": "nope", "image": img}).encode(), h)
    assert status == 404 and data["error"]["code"] == "MODEL_NOT_FOUND" and MODEL in data["error"]["message"]
    status, data = _request(server, "GET", "/v1/models/nope/info", headers=h)
    assert status == 404
    status, data = _request(server, "GET", f"/v1/models/{MODEL}/info", headers=h)
    assert status == 200 and data["data"]["model_id"] == MODEL
    for bad in ("not base64 !!", "aGVsbG8gd29ybGQ=", 42):
        status, data = _request(server, "POST", "/v1/predict", json.dumps({"model": MODEL, "image": bad}).encode(), h)
        assert status == 400 and data["error"]["code"] == "INVALID_IMAGE", bad
    status, data = _request(server, "POST", "/v1/predict", b"{not json", h)
    assert status == 400 and data["error"]["code"] == "INVALID_REQUEST"
    status, data = _request(server, "POST", "/v1/predict",
                            json.dumps({"model": MODEL, "image": img, "params": {"conf_threshold": 7}}).encode(), h)
    assert status == 400 and "conf_threshold" in data["error"]["message"]
    status, data = _request(server, "GET", "/v2/whatever", headers=h)
    assert status == 404 and "/v1/predict" in data["error"]["message"]
    for _, payload in [_request(server, "POST", "/v1/predict", b"[1]", h)]:
        assert "Traceback" not in json.dumps(payload)


def test_client_errors_name_the_server(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    cfg = config_from_dict({"type": "remote_server", "name": "r",
                            "remote_server_settings": {"server_url": f"http://127.0.0.1:{port}"}})
    with pytest.raises(AnyLabelError, match=rf"127\.0\.0\.1:{port}.*connection refused"):
        create_model(cfg)
    # a server that accepts but never answers
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    try:
        cfg = config_from_dict({"type": "remote_server", "name": "r", "timeout": 0.5,
                                "remote_server_settings": {"server_url": f"http://127.0.0.1:{silent.getsockname()[1]}"}})
        with pytest.raises(AnyLabelError, match=r"no answer within 0\.5 s"):
            create_model(cfg)
    finally:
        silent.close()
    bad = {"type": "remote_server", "name": "r", "remote_server_settings": {"server_ur": "http://x"}}
    with pytest.raises(AnyLabelError, match="server_ur"):
        create_model(config_from_dict(bad))


def test_choosing_among_several_served_models(server: ApiServer) -> None:
    with pytest.raises(AnyLabelError, match="does not serve 'other'"):
        remote(server, model="other")
    assert remote(server, model=MODEL).remote_model == MODEL


def test_anylabel_predict_through_the_server_writes_the_local_label_files(server: ApiServer, tmp_path: Path) -> None:
    import cv2

    from anylabel.cli.main import main
    from anylabel.core.label_file import read_label_file

    folders = [tmp_path / "local", tmp_path / "remote"]
    for folder in folders:
        folder.mkdir()
        for i, img in enumerate(_images(3)):
            cv2.imwrite(str(folder / f"im{i}.jpg"), img[:, :, ::-1])
    yaml = tmp_path / "remote.yaml"
    yaml.write_text(f"type: remote_server\nname: gpu-box\nremote_server_settings:\n  server_url: {server.url}\n"
                    f"  api_key: {TOKEN}\n  timeout: 20\n")
    assert main(["predict", "--model", MODEL, "--device", "cpu", "--input", str(folders[0]), "--quiet"]) == 0
    assert main(["predict", "--model", str(yaml), "--input", str(folders[1]), "--quiet"]) == 0
    total = 0
    for i in range(3):
        a, b = (read_label_file(f / f"im{i}.json").shapes for f in folders)
        total += len(a)
        assert [(s.label, s.shape_type) for s in a] == [(s.label, s.shape_type) for s in b]
        assert all(np.allclose(x.points, y.points, atol=1e-3) for x, y in zip(a, b))
    assert total > 0
