"""An inference server on 127.0.0.1 for tests: the real HTTP runner in a thread, on a free port."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

from anylabel.serve.api import InferenceApi
from anylabel.serve.http_runner import ApiServer


@contextmanager
def serving(api: InferenceApi) -> Iterator[ApiServer]:
    """``api`` served until the block ends; then the server, its socket and the models are closed."""
    srv = ApiServer(api, "127.0.0.1", 0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        api.close()
