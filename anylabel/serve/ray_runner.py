"""Serve the same ``InferenceApi`` on Ray Serve (``anylabel serve --engine ray``).

One deployment holds the models and answers every route with ``InferenceApi``: the
routes, token check, size limit and errors are exactly those of the standard-library
runner. Ray Serve's proxy receives the body; the replica checks the headers before
reading it.
"""
from __future__ import annotations

from typing import Any, Sequence

from ..core.errors import AnyLabelError

RAY_HINT = "Ray Serve is not installed: pip install anylabel[ray]  (or: pip install 'ray[serve]')"


def _import_serve() -> Any:
    try:
        from ray import serve  # noqa: F401
        import starlette.responses  # noqa: F401  # part of ray[serve]
    except ImportError as exc:
        raise AnyLabelError(f"{RAY_HINT} ({exc})") from None
    return serve


def build_app(model_specs: Sequence[str], token: str | None, max_request_bytes: int, device: str | None = None) -> Any:
    """The Ray Serve application (``serve.run`` it, or deploy it on a cluster)."""
    serve = _import_serve()
    from starlette.requests import Request
    from starlette.responses import Response as HttpResponse

    @serve.deployment(name="anylabel")
    class AnyLabelServer:
        def __init__(self, specs: Sequence[str], token: str | None, max_bytes: int, device: str | None) -> None:
            from .api import InferenceApi, load_models

            self.api = InferenceApi(load_models(specs, device), token, max_bytes)

        async def __call__(self, request: Request) -> HttpResponse:
            import asyncio

            early = self.api.precheck(request.method, request.url.path, request.headers)
            if early is None:
                body = await request.body()
                # the model runs in a thread: the replica keeps answering other requests
                resp = await asyncio.to_thread(self.api.handle, request.method, request.url.path, body)
            else:
                resp = early
            return HttpResponse(resp.json_bytes(), status_code=resp.status, media_type="application/json")

    return AnyLabelServer.bind(list(model_specs), token, max_request_bytes, device)


def run_ray(model_specs: Sequence[str], host: str, port: int, token: str | None, max_request_bytes: int,
            device: str | None = None, address: str | None = None, block: bool = True) -> Any:
    """Start Ray (or join ``address``), deploy the server on host:port; blocks unless told not to."""
    serve = _import_serve()
    import ray

    ray.init(address=address, ignore_reinit_error=True, log_to_driver=False)
    serve.start(http_options={"host": host, "port": port})
    handle = serve.run(build_app(model_specs, token, max_request_bytes, device), route_prefix="/", blocking=False)
    if block:
        import time

        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            serve.shutdown()
    return handle
