"""Serve an ``InferenceApi`` with the standard library's threading HTTP server.

HTTP/1.1 with keep-alive, so a client's requests reuse one connection (no TCP set-up per
prediction). The headers are checked before the body is read (``InferenceApi.precheck``):
an over-size upload is answered with 413 and the connection closed unread.
"""
from __future__ import annotations

import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .api import InferenceApi, Response, error_response

log = logging.getLogger(__name__)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without TCP_NODELAY the second waits for
    # the client's delayed ACK (40 ms per request on Linux).
    disable_nagle_algorithm = True
    server: "ApiServer"

    def do_GET(self) -> None:  # noqa: N802  # http.server's naming
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._serve("PUT")

    def do_DELETE(self) -> None:  # noqa: N802
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        api = self.server.api
        early = api.precheck(method, self.path, self.headers)
        if early is not None:
            self._send(early)
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if len(body) != length:  # the client went away mid-upload
            self.close_connection = True
            return
        self._send(api.handle(method, self.path, body))

    def _send(self, resp: Response) -> None:
        payload = resp.json_bytes()
        try:
            self.send_response(resp.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            if resp.close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed request lines get the same JSON error body as everything else."""
        self._send(error_response(code, "BAD_REQUEST", message or "malformed HTTP request", close=True))

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002  # the base class's name
        log.info("%s %s", self.address_string(), format % args)


class ApiServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, api: InferenceApi, host: str = "127.0.0.1", port: int = 8000) -> None:
        self.api = api
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"
