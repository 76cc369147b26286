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

def onnx_like(inner: bytes) -> bytes:
    """The top-level layout of an ONNX ModelProto: ir_version (field 1), graph (field 7)."""
    n, length = len(inner), b""
    while True:
        length += bytes([(n & 0x7F) | (0x80 if n > 0x7F else 0)])
        n >>= 7
        if not n:
            break
    return b"\x08\x08" + b"\x3a" + length + inner


PAYLOAD = onnx_like(os.urandom(300_000))
HTML = b"<!DOCTYPE html><html><body>Please log in to the hotel Wi-Fi</body></html>\n"


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
        self.send_header("Content-Type", "text/html" if data.startswith(b"<") else "application/octet-stream")
        self.end_headers()
        self.wfile.write(data[start:])


@pytest.fixture
def server():
    RangeHandler.files = {"/m/model.onnx": PAYLOAD, "/mirror/model.onnx": PAYLOAD}
    RangeHandler.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RangeHandler)
    t = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
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
    (tmp_path / "w.onnx").write_bytes(b"x")  # local files are not checked here: ONNX Runtime reads them
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


# --------------------------------------------------------------------------- verification


def test_html_error_page_is_not_kept_and_says_so(server, cache) -> None:
    RangeHandler.files["/m/model.onnx"] = HTML  # HTTP 200 from a captive portal
    with pytest.raises(DownloadError, match="HTML page, not a model") as e:
        resolve_model_file(cfg(f"{server}/m/model.onnx"))
    assert "Wi-Fi" in str(e.value)
    assert not any((cache / "demo").iterdir())  # neither the page nor a part file is left
    RangeHandler.files["/m/model.onnx"] = PAYLOAD  # the next run downloads the real file
    assert resolve_model_file(cfg(f"{server}/m/model.onnx")).read_bytes() == PAYLOAD


def test_truncated_or_foreign_binary_is_not_an_onnx_model(server, cache) -> None:
    for bad in (PAYLOAD[: len(PAYLOAD) // 2], os.urandom(5000), b"\x08\x08"):
        RangeHandler.files["/m/model.onnx"] = bad
        with pytest.raises(DownloadError, match="not an ONNX model"):
            resolve_model_file(cfg(f"{server}/m/model.onnx"))


def test_real_onnx_models_pass_the_check() -> None:
    from pathlib import Path

    from anylabel.inference.download_checks import model_file_problem

    import importlib.util

    fixtures = sorted((Path(__file__).parents[3] / "models" / "fixtures").glob("*.onnx"))
    assert fixtures
    ocr = importlib.util.find_spec("rapidocr_onnxruntime")  # real PP-OCR models, 0.6-11 MB
    if ocr is not None and ocr.submodule_search_locations:
        fixtures += sorted(Path(list(ocr.submodule_search_locations)[0], "models").glob("*.onnx"))
    fixtures += sorted((Path(__file__).parents[4] / "shared" / "models").glob("*.onnx"))
    for f in fixtures:
        assert model_file_problem(f) is None, f


def test_mirror_file_is_checked_and_the_original_tried_after_a_bad_one(server, cache, monkeypatch) -> None:
    RangeHandler.files["/mirror/model.onnx"] = HTML
    monkeypatch.setenv(download.MIRROR_ENV, f"{server}/mirror/")
    p = resolve_model_file(cfg(f"{server}/m/model.onnx"))
    assert p.read_bytes() == PAYLOAD
    assert [r[0] for r in RangeHandler.requests] == ["/mirror/model.onnx", "/m/model.onnx"]


def test_mirror_with_a_wrong_hash_is_not_kept(server, cache, monkeypatch) -> None:
    other = onnx_like(os.urandom(1000))
    RangeHandler.files["/mirror/model.onnx"] = other
    monkeypatch.setenv(download.MIRROR_ENV, f"{server}/mirror/")
    p = resolve_model_file(cfg(f"{server}/m/model.onnx", sha256=hashlib.sha256(PAYLOAD).hexdigest()))
    assert p.read_bytes() == PAYLOAD
    monkeypatch.setenv(download.MIRROR_ENV, f"{server}/mirror/")
    p.unlink()
    with pytest.raises(DownloadError, match="checksum mismatch"):  # and the original is the same wrong file
        RangeHandler.files["/m/model.onnx"] = other
        resolve_model_file(cfg(f"{server}/m/model.onnx", sha256=hashlib.sha256(PAYLOAD).hexdigest()))


def test_first_download_is_pinned_and_a_swapped_file_noticed(server, cache) -> None:
    import json

    p = resolve_model_file(cfg(f"{server}/m/model.onnx"))
    pin = json.loads((p.parent / "model.onnx.pin").read_text())
    assert pin["sha256"] == hashlib.sha256(PAYLOAD).hexdigest() and pin["size"] == len(PAYLOAD)
    assert pin["url"] == f"{server}/m/model.onnx"
    download._verified.clear()  # a later run of the program
    assert resolve_model_file(cfg(f"{server}/m/model.onnx")) == p
    p.write_bytes(onnx_like(os.urandom(300_000)))  # swapped, same size
    download._verified.clear()
    with pytest.raises(DownloadError, match="differs from the one downloaded") as e:
        resolve_model_file(cfg(f"{server}/m/model.onnx"))
    assert "model.onnx.pin" in str(e.value)


def test_cached_file_with_the_wrong_hash_or_an_html_page_is_downloaded_again(server, cache) -> None:
    dest = cache / "demo" / "model.onnx"
    dest.parent.mkdir(parents=True)
    dest.write_bytes(HTML)  # what an older version kept
    assert resolve_model_file(cfg(f"{server}/m/model.onnx")).read_bytes() == PAYLOAD
    dest.write_bytes(onnx_like(b"old"))
    download._verified.clear()
    c = cfg(f"{server}/m/model.onnx", sha256=hashlib.sha256(PAYLOAD).hexdigest())
    assert resolve_model_file(c).read_bytes() == PAYLOAD


def test_cached_bad_file_offline_says_it_was_deleted(server, cache, monkeypatch) -> None:
    dest = cache / "demo" / "model.onnx"
    dest.parent.mkdir(parents=True)
    dest.write_bytes(HTML)
    monkeypatch.setenv(download.NO_DOWNLOAD_ENV, "1")
    with pytest.raises(DownloadError, match="was deleted"):
        resolve_model_file(cfg(f"{server}/m/model.onnx"))
    assert not dest.exists()


def test_a_file_put_in_the_cache_by_hand_is_pinned_on_first_use(server, cache) -> None:
    dest = cache / "demo" / "model.onnx"
    dest.parent.mkdir(parents=True)
    dest.write_bytes(PAYLOAD)
    assert resolve_model_file(cfg(f"{server}/m/model.onnx")) == dest and RangeHandler.requests == []
    assert (dest.parent / "model.onnx.pin").is_file()
