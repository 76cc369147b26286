"""The downloader against a local HTTP server (127.0.0.1, Range support): no internet."""
from __future__ import annotations

import hashlib
import http.server
import os
import socket
import threading

import pytest

from anylabel.inference import download
from anylabel.inference.config import config_from_dict
from anylabel.inference.download import DownloadError, resolve_model_file
from anylabel.inference.runtime import ModelLoadError

PAYLOAD = os.urandom(300_000)


class RangeHandler(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    requests: list[tuple[str, str | None]] = []

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        data = self.files.get(self.path)
        rng = self.headers.get("Range")
        self.requests.append((self.path, rng))
        if data is None:
            self.send_error(404, "Not Found")
            return
        start = 0
        if rng and rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        self.wfile.write(data[start:])


@pytest.fixture
def server():
    RangeHandler.files = {"/m/model.onnx": PAYLOAD, "/mirror/model.onnx": PAYLOAD}
    RangeHandler.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RangeHandler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(download.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(download.MIRROR_ENV, raising=False)
    monkeypatch.delenv(download.NO_DOWNLOAD_ENV, raising=False)
    return tmp_path / "cache"


def cfg(url: str, **kw):
    return config_from_dict({"type": "yolov8", "name": "demo", "model_path": url, **kw}, "/tmp/demo.yaml",
                            extra_keys=())


def test_full_download_with_progress_and_checksum(server, cache) -> None:
    seen = []
    c = cfg(f"{server}/m/model.onnx", sha256=hashlib.sha256(PAYLOAD).hexdigest())
    p = resolve_model_file(c, progress=lambda done, total, name: seen.append((done, total, name)))
    assert p == cache / "demo" / "model.onnx" and p.read_bytes() == PAYLOAD
    assert seen[-1] == (len(PAYLOAD), len(PAYLOAD), "model.onnx")
    assert not list(p.parent.glob("*.part"))
    RangeHandler.requests.clear()
    assert resolve_model_file(c) == p and RangeHandler.requests == []  # cached: no request


def test_resume_after_truncated_partial_file(server, cache) -> None:
    part = cache / "demo" / "model.onnx.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(PAYLOAD[:123_456])
    p = resolve_model_file(cfg(f"{server}/m/model.onnx"))
    assert p.read_bytes() == PAYLOAD
    assert RangeHandler.requests == [("/m/model.onnx", "bytes=123456-")]


def test_checksum_mismatch_deletes_and_explains(server, cache) -> None:
    with pytest.raises(DownloadError, match="checksum mismatch"):
        resolve_model_file(cfg(f"{server}/m/model.onnx", sha256="0" * 64))
    assert not (cache / "demo" / "model.onnx").exists()
    assert not (cache / "demo" / "model.onnx.part").exists()


def test_404_says_what_to_download_by_hand(server, cache) -> None:
    with pytest.raises(DownloadError) as e:
        resolve_model_file(cfg(f"{server}/m/missing.onnx"))
    msg = str(e.value)
    assert "HTTP 404" in msg and f"{server}/m/missing.onnx" in msg and str(cache / "demo" / "missing.onnx") in msg


def test_connection_refused_gives_offline_message(cache) -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    url = f"http://127.0.0.1:{port}/m/model.onnx"
    with pytest.raises(DownloadError) as e:
        resolve_model_file(cfg(url))
    msg = str(e.value)
    assert "refused" in msg.lower() and "download the file by hand" in msg and download.MIRROR_ENV in msg
    assert str(cache / "demo" / "model.onnx") in msg


def test_mirror_is_tried_first(server, cache, monkeypatch) -> None:
    monkeypatch.setenv(download.MIRROR_ENV, f"{server}/mirror/")
    p = resolve_model_file(cfg("https://github.invalid/releases/model.onnx"))
    assert p.read_bytes() == PAYLOAD and RangeHandler.requests[0][0] == "/mirror/model.onnx"


def test_no_download_env(server, monkeypatch) -> None:
    monkeypatch.setenv(download.NO_DOWNLOAD_ENV, "1")
    with pytest.raises(DownloadError, match="downloads are disabled"):
        resolve_model_file(cfg(f"{server}/m/model.onnx"))


def test_local_relative_and_package_paths(tmp_path) -> None:
    (tmp_path / "w.onnx").write_bytes(b"x")
    c = config_from_dict({"type": "t", "name": "n", "model_path": "w.onnx"}, tmp_path / "c.yaml", extra_keys=())
    assert resolve_model_file(c) == tmp_path / "w.onnx"
    c = config_from_dict({"type": "t", "name": "n", "model_path": "nope.onnx"}, tmp_path / "c.yaml", extra_keys=())
    with pytest.raises(ModelLoadError, match="does not exist"):
        resolve_model_file(c)
    c = config_from_dict({"type": "t", "name": "n",
                          "model_path": "pkg://rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx"},
                         tmp_path / "c.yaml", extra_keys=())
    assert resolve_model_file(c).name == "ch_PP-OCRv4_det_infer.onnx"
    c = config_from_dict({"type": "t", "name": "n", "model_path": "pkg://no_such_pkg_xyz/m.onnx"},
                         tmp_path / "c.yaml", extra_keys=())
    with pytest.raises(ModelLoadError, match="not installed"):
        resolve_model_file(c)
