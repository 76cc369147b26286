"""``anylabel serve``: run models as an inference server (X-AnyLabeling-Server's API).

Laptops label with the ``remote_server`` model type (here or in X-AnyLabeling) while one
machine with the GPU runs the models. The token can come from ``ANYLABEL_SERVE_TOKEN``
so it does not show in the process list.
"""
from __future__ import annotations

import argparse
import ipaddress
import os
import sys

from ..core.i18n import DEFAULT_LANGUAGE, set_language, tr
from ..inference.providers import DEVICES

NAME = "serve"
HELP = "serve models over HTTP with X-AnyLabeling-Server's API (/v1/models, /v1/predict)"
TOKEN_ENV = "ANYLABEL_SERVE_TOKEN"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", action="append", required=True, metavar="NAME_OR_YAML",
                   help="a shipped model name or a model YAML; repeat to serve several")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--token", help=f"API token clients must send (header 'Token'); default: ${TOKEN_ENV}")
    p.add_argument("--max-request-mb", type=float, default=50.0, help="largest request body accepted (default: 50)")
    p.add_argument("--device", choices=list(DEVICES), help="where the models run (default: each config's)")
    p.add_argument("--engine", choices=["http", "ray"], default="http",
                   help="http: the built-in threaded server; ray: a Ray Serve deployment")
    p.add_argument("--ray-address", help="with --engine ray: the cluster to join (default: start a local Ray)")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    from ..core.errors import AnyLabelError

    token = args.token or os.environ.get(TOKEN_ENV) or None
    if args.max_request_mb <= 0:
        print("anylabel serve: " + tr("--max-request-mb must be positive"), file=sys.stderr)
        return 2
    max_bytes = int(args.max_request_mb * 1024 * 1024)
    if not token and not _is_loopback(args.host):
        warning = tr("warning: listening on {0} without a token: anyone who "
                     "can reach it can run the models (set --token or ${1})").format(args.host, TOKEN_ENV)
        print(f"anylabel serve: {warning}", file=sys.stderr)
    try:
        if args.engine == "ray":
            from ..serve.ray_runner import run_ray

            print(tr("Serving {0} on Ray Serve at http://{1}:{2}").format(
                ", ".join(args.model), args.host, args.port),
                  file=sys.stderr)
            run_ray(args.model, args.host, args.port, token, max_bytes, args.device, args.ray_address)
            return 0
        return _run_http(args, token, max_bytes)
    except AnyLabelError as exc:
        print(f"anylabel serve: {exc}", file=sys.stderr)
        return 2


def _run_http(args: argparse.Namespace, token: str | None, max_bytes: int) -> int:
    from ..serve.api import InferenceApi, load_models
    from ..serve.http_runner import ApiServer

    api = InferenceApi(load_models(args.model, args.device), token, max_bytes)
    try:
        server = ApiServer(api, args.host, args.port)
    except OSError as exc:
        api.close()
        print("anylabel serve: " + tr("cannot listen on {0}:{1} ({2})").format(
            args.host, args.port, exc.strerror or exc),
              file=sys.stderr)
        return 2
    names = ", ".join(sorted(api.served))
    serving = (tr("Serving {0} on {1} (GET /v1/models, POST /v1/predict) with a token; Ctrl+C stops") if token
               else tr("Serving {0} on {1} (GET /v1/models, POST /v1/predict); Ctrl+C stops"))
    print(serving.format(names, server.url), file=sys.stderr)
    # The lines above are for the operator, in their language (--lang). The answers go to
    # clients whose language the server does not know: their messages, including the core's
    # messages they carry (an image too large, a shape that cannot be read), are English
    # (ADR 0033). The language is one per process, so it is switched once, before serving.
    set_language(DEFAULT_LANGUAGE)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        api.close()
    return 0
