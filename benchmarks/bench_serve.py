"""What the inference server adds per request: ``remote_server`` -> ``anylabel serve`` on
localhost against the same model called in-process.

Usage: python benchmarks/bench_serve.py [--rounds 60] [--size 640x480] [--model fixture_shapes_det]

Prints, for the demo detector on a real photo (``/usr/share/darknet/data``, resized):
1. p50 / p95 ms of a local ``model.predict`` and of the same call through the server
   (interleaved, so machine load hits both alike), and the added time per request;
2. the parts of that addition measured alone: building the raw-RGB body (what the client
   sends AnyLabel's server), the BMP/PNG + base64 body (what it sends X-AnyLabeling-Server),
   and an empty round trip (``GET /v1/models``) on the kept-alive connection;
   then the detector through the base64 JSON body too (``--json-body``), as a client of a
   server without the raw route pays;
3. with --sam, the same for one SAM click (contract fixture, polygon output), the server
   keeping the image's embedding;
4. with --ray, the detector through ``anylabel serve --engine ray`` (needs ``ray[serve]``).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from anylabel.inference.config import config_from_dict  # noqa: E402
from anylabel.inference.registry import create_model  # noqa: E402
from anylabel.serve.api import InferenceApi, encode_image, encode_raw_request  # noqa: E402
from anylabel.serve.http_runner import ApiServer  # noqa: E402

PHOTOS = Path("/usr/share/darknet/data")


def photo(width: int, height: int) -> np.ndarray:
    import cv2

    for name in ("dog.jpg", "person.jpg", "horses.jpg"):
        p = PHOTOS / name
        if p.is_file():
            img = cv2.imread(str(p))
            return cv2.cvtColor(cv2.resize(img, (width, height)), cv2.COLOR_BGR2RGB)
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (height, width, 3), dtype=np.uint8)


def ms(samples: list[float]) -> tuple[float, float]:
    s = sorted(samples)
    return 1000 * statistics.median(s), 1000 * s[min(len(s) - 1, int(0.95 * len(s)))]


def timed(fn, *a) -> float:
    t = time.perf_counter()
    fn(*a)
    return time.perf_counter() - t


def serve(models: dict) -> ApiServer:
    srv = ApiServer(InferenceApi(models), "127.0.0.1", 0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def remote_for(srv: ApiServer, model_id: str):
    return create_model(config_from_dict({"type": "remote_server", "name": "bench",
                                          "remote_server_settings": {"server_url": srv.url, "model": model_id}}))


def paired(local_fn, remote_fn, rounds: int) -> tuple[list[float], list[float], list[float]]:
    local_fn(), remote_fn()  # warm-up
    loc, rem, diff = [], [], []
    for i in range(rounds):
        order = (local_fn, remote_fn) if i % 2 else (remote_fn, local_fn)
        t = {f: timed(f) for f in order}
        loc.append(t[local_fn])
        rem.append(t[remote_fn])
        diff.append(t[remote_fn] - t[local_fn])
    return loc, rem, diff


def report(title: str, loc: list[float], rem: list[float], diff: list[float]) -> None:
    lp, l95 = ms(loc)
    rp, r95 = ms(rem)
    dp, d95 = ms(diff)
    print(f"{title}: local p50 {lp:.2f} ms (p95 {l95:.2f}); through the server p50 {rp:.2f} ms (p95 {r95:.2f}); "
          f"added per request (paired) p50 {dp:.2f} ms, p95 {d95:.2f} ms; goal < 10 ms: "
          f"{'met' if dp < 10 else 'NOT met'}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=60)
    ap.add_argument("--size", default="640x480")
    ap.add_argument("--model", default="fixture_shapes_det")
    ap.add_argument("--json-body", action="store_true", help="also time the base64 JSON body (X-AnyLabeling-Server's)")
    ap.add_argument("--sam", action="store_true", help="also time a SAM click (contract fixture)")
    ap.add_argument("--ray", action="store_true", help="also time the detector on Ray Serve")
    args = ap.parse_args()
    w, h = map(int, args.size.lower().split("x"))
    img = photo(w, h)

    local = create_model(args.model, device="cpu")
    served = create_model(args.model, device="cpu")
    srv = serve({served.config.name: served})
    rem = remote_for(srv, served.config.name)
    print(f"{args.model} on a {w}x{h} photo, {args.rounds} rounds, server {srv.url}")
    report("detector", *paired(lambda: local.predict(img), lambda: rem.predict(img), args.rounds))
    raw = [timed(encode_raw_request, "m", {}, img) for _ in range(20)]
    enc = [timed(encode_image, img) for _ in range(20)]
    rtt = [timed(rem._call, "GET", "/v1/models") for _ in range(50)]
    print(f"  parts: raw RGB body p50 {ms(raw)[0]:.2f} ms; BMP/PNG + base64 body p50 {ms(enc)[0]:.2f} ms; "
          f"empty round trip (GET /v1/models) p50 {ms(rtt)[0]:.2f} ms")
    if args.json_body:
        legacy = remote_for(srv, served.config.name)
        legacy.raw_rgb = False  # as against a server that does not announce /v1/predict/raw
        report("detector, base64 JSON body", *paired(lambda: local.predict(img), lambda: legacy.predict(img), args.rounds))
    srv.shutdown()

    if args.sam:
        from anylabel.inference.sam import Prompt

        fx = REPO / "models" / "fixtures"
        cfg = config_from_dict({"type": "segment_anything", "name": "sam-contract", "input_size": 1024,
                                "encoder_model_path": str(fx / "sam_contract_encoder.onnx"),
                                "decoder_model_path": str(fx / "sam_contract_decoder.onnx")})
        lsam, ssam = create_model(cfg, device="cpu"), create_model(cfg, device="cpu")
        srv = serve({"sam-contract": ssam})
        rsam = remote_for(srv, "sam-contract")
        emb = lsam.embed(img)
        pt = (w / 2, h / 2)
        report("SAM click -> polygon",
               *paired(lambda: lsam.to_shapes(lsam.segment(emb, Prompt(points=[pt], labels=[1]))),
                       lambda: rsam.segment_prompts(img, [pt], [1]), args.rounds))
        srv.shutdown()

    if args.ray:
        import os
        import socket

        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        from ray import serve as ray_serve

        from anylabel.serve.ray_runner import run_ray

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        run_ray([args.model], "127.0.0.1", port, None, 50 * 1024 * 1024, device="cpu", block=False)
        rray = create_model(config_from_dict({"type": "remote_server", "name": "bench-ray",
                                              "remote_server_settings": {"server_url": f"http://127.0.0.1:{port}"}}))
        report("detector on Ray Serve", *paired(lambda: local.predict(img), lambda: rray.predict(img), args.rounds))
        ray_serve.shutdown()


if __name__ == "__main__":
    main()
