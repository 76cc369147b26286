"""Serve the same ``InferenceApi`` on Ray Serve (``anylabel serve --engine ray``).

One deployment holds the models and answers every route with ``InferenceApi``: the
routes, token check, size limit and errors are exactly those of the standard-library
runner. Ray Serve's proxy receives the body; the replica checks the headers before
reading it.
"""
from __future__ import annotations

from typing import Any, Sequence

from ..core.errors import AnyLabelError
from ..core.i18n import tr, tr_noop

RAY_HINT = tr_noop("Ray Serve is not installed: pip install anylabel[ray] 'ray[serve]'")


def _import_serve() -> Any:
    try:
        import starlette.responses  # noqa: F401  # part of ray[serve]
        from ray import serve  # noqa: F401
    except ImportError as exc:
        raise AnyLabelError(f"{tr(RAY_HINT)} ({exc})") from None
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

    try:
        ray.init(address=address, ignore_reinit_error=True, log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise AnyLabelError((tr("cannot start or reach Ray at {0}: {1}").format(address, exc) if address else
                             tr("cannot start or reach Ray: {0}").format(exc))) from None
    serve.start(http_options={"host": host, "port": port})
    try:
        handle = serve.run(build_app(model_specs, token, max_request_bytes, device), route_prefix="/",
                           blocking=False)
    except RuntimeError as exc:  # a replica failed to start (e.g. a model that does not load)
        serve.shutdown()
        raise AnyLabelError(tr("the server could not start on Ray Serve: {0} (the replica's "
                               "error is in Ray's logs, /tmp/ray/session_latest/logs/serve/)").format(
                                   str(exc).splitlines()[0])) from None
    if block:
        import time

        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            serve.shutdown()
    return handle
