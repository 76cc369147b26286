"""X-AnyLabeling-Server's API over AnyLabel's models: request in, JSON response out.

The routes and bodies are those of X-AnyLabeling-Server, so the X-AnyLabeling app's
``remote_server`` model type (and ours, ``inference/models/remote_server.py``) can use it:

- ``GET /health`` (no token needed): ``{"status", "models_loaded", "timestamp"}``
- ``GET /v1/models``: ``{"success": true, "data": {model id: metadata}}``
- ``GET /v1/models/{id}/info``: ``{"success": true, "data": {"model_id": id, ...metadata}}``
- ``POST /v1/predict`` with ``{"model", "image" (base64, optionally a data URI), "params"}``:
  ``{"success": true, "data": {"shapes": [...], "description": "", ...}}``
- ``POST /v1/predict/raw`` (AnyLabel's own, same answer): one line of JSON ``{"model",
  "params", "shape": [height, width, 3]}``, a newline, then the image's RGB bytes. Each
  model's metadata says ``"accepts_raw_rgb": true``, so our client knows to use it.

Why a second predict route: at 1280 x 960, base64 + JSON + an image codec cost 40-45 ms per
request on both sides, several times the model itself; raw pixels cost one copy over the
socket. X-AnyLabeling's app never sees the route, and our client falls back to the base64
body for servers that do not announce it (X-AnyLabeling-Server) and for images too large to
send uncompressed.

``params`` understood: ``conf_threshold``, ``iou_threshold``, ``filter_classes`` (what the
app sends), ``marks`` (SAM prompts, X-AnyLabeling's ``{"type": "point", "data": [x, y],
"label": 1|0}`` and ``{"type": "rectangle", "data": [x0, y0, x1, y1]}``), and AnyLabel's own
``shapes`` (the image's shapes, for models that use them, e.g. SAM from boxes),
``output_mode`` and ``label`` for SAM results.

Errors are ``{"success": false, "error": {"code", "message"}}`` with an HTTP status (401
token, 404 unknown model or route, 400 bad request or image, 411/413 body size, 500 a model
failure): a client never sees a traceback; the server logs it.

Why two steps (``precheck`` then ``handle``): the token and the declared body size are
checked from the headers alone, so a runner refuses a 100 MB upload without reading it.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import io
import json
import logging
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping

import numpy as np

from ..core.errors import AnyLabelError
from ..core.label_file import shape_from_dict, shape_to_dict
from ..core.shape import Shape

log = logging.getLogger(__name__)

DEFAULT_MAX_REQUEST_MB = 50.0
#: X-AnyLabeling-Server's header for the API key; ``Authorization: Bearer`` works too.
TOKEN_HEADER = "Token"
#: Embeddings kept per SAM model, so each click on the same image only runs the decoder.
EMBEDDING_CACHE = 4
#: Label X-AnyLabeling-Server gives prompted segments (the app asks for the real one).
PROMPT_LABEL = "AUTOLABEL_OBJECT"


@dataclass
class Response:
    status: int
    body: dict[str, Any]
    #: The request body was not read: the connection must be closed after this answer.
    close: bool = False

    def json_bytes(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False, allow_nan=False).encode("utf-8")


class ApiError(Exception):
    """A request the server refuses; becomes an error response."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str, close: bool = False) -> Response:
    return Response(status, {"success": False, "error": {"code": code, "message": message}}, close)


def ok(data: Any) -> Response:
    return Response(200, {"success": True, "data": data})


# ----------------------------------------------------------------------------- images

def decode_image(value: Any) -> tuple[np.ndarray, bytes]:
    """(RGB array, the encoded bytes) from the request's base64 image; ApiError(400) if bad.

    The size in the header is checked against the pixel bound before any pixel is decoded."""
    import cv2
    from PIL import Image

    from ..core.image_io import check_decoded_size

    if not isinstance(value, str) or not value:
        raise ApiError(400, "INVALID_IMAGE", "'image' must be a base64 string (optionally a data: URI)")
    text = value.split(",", 1)[1] if value.startswith("data:") and "," in value else value
    try:
        # not validate=True: it costs 2 ms per 1 MB; stray characters are dropped and what
        # remains must still decode as an image below
        raw = base64.b64decode(text)
    except (binascii.Error, ValueError):
        raise ApiError(400, "INVALID_IMAGE", "'image' is not valid base64") from None
    try:
        with Image.open(io.BytesIO(raw)) as im:
            w, h = im.size
        check_decoded_size("<request image>", w, h)
    except ValueError as exc:  # ImageTooLargeError is a ValueError
        raise ApiError(400, "INVALID_IMAGE", str(exc)) from None
    except Exception:  # noqa: BLE001  # Pillow raises many types for bytes it cannot parse
        raise ApiError(400, "INVALID_IMAGE", "'image' is not a readable image (PNG, JPEG, BMP, WebP, TIFF)") from None
    bgr = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ApiError(400, "INVALID_IMAGE", "'image' is not a readable image (PNG, JPEG, BMP, WebP, TIFF)")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), raw


#: Images up to this many raw bytes travel as BMP (no compression: ~1 ms to encode 640 x 480,
#: where PNG takes 10-40 ms); larger ones as PNG, so a 12 MP photo stays well under the
#: server's request limit. Both are lossless: the server sees exactly these pixels.
BMP_MAX_BYTES = 8 * 1024 * 1024


def encode_image(image_rgb: np.ndarray) -> str:
    """An RGB array as a lossless image data URI (BMP when small, else PNG)."""
    import cv2

    bgr = cv2.cvtColor(image_rgb, cv2.COLOR_RGB2BGR)
    if bgr.nbytes <= BMP_MAX_BYTES:
        okay, buf = cv2.imencode(".bmp", bgr)
        mime = "image/bmp"
    else:
        okay, buf = cv2.imencode(".png", bgr, [cv2.IMWRITE_PNG_COMPRESSION, 1])
        mime = "image/png"
    if not okay:
        raise ValueError("the image could not be encoded")
    return f"data:{mime};base64," + base64.b64encode(buf.tobytes()).decode("ascii")


RAW_ROUTE = "/v1/predict/raw"
#: The JSON line in front of the pixels is small (model id, thresholds, maybe shapes).
RAW_HEADER_MAX_BYTES = 4 * 1024 * 1024


def encode_raw_request(model_id: str, params: Mapping[str, Any], image_rgb: np.ndarray) -> bytes:
    """The body of ``POST /v1/predict/raw`` for an (H, W, 3) uint8 RGB image."""
    if image_rgb.dtype != np.uint8 or image_rgb.ndim != 3 or image_rgb.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) uint8 RGB image, got {image_rgb.dtype} {image_rgb.shape}")
    head = json.dumps({"model": model_id, "params": dict(params), "shape": list(image_rgb.shape)})
    return b"".join([head.encode("utf-8"), b"\n", np.ascontiguousarray(image_rgb).data])


def decode_raw_request(body: bytes) -> tuple[dict[str, Any], np.ndarray, memoryview]:
    """(the JSON head, the image as a read-only view of the body, its bytes); ApiError(400) if
    the head is bad or the pixel count it declares is over the bound or not what was sent."""
    from ..core.image_io import check_decoded_size

    end = body.find(b"\n", 0, RAW_HEADER_MAX_BYTES)
    if end < 0:
        raise ApiError(400, "INVALID_REQUEST", "a raw request starts with one line of JSON "
                       f"(at most {RAW_HEADER_MAX_BYTES // (1024 * 1024)} MB) and a newline")
    try:
        head = json.loads(body[:end].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, "INVALID_REQUEST", f"the raw request's first line is not JSON ({exc})") from None
    if not isinstance(head, dict):
        raise ApiError(400, "INVALID_REQUEST", "the raw request's first line must be a JSON object {model, params, shape}")
    shape = head.get("shape")
    if (not isinstance(shape, list) or len(shape) != 3 or shape[2] != 3
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in shape)):
        raise ApiError(400, "INVALID_IMAGE", "'shape' must be [height, width, 3], positive integers")
    height, width = shape[0], shape[1]
    try:
        check_decoded_size("<request image>", width, height)
    except ValueError as exc:
        raise ApiError(400, "INVALID_IMAGE", str(exc)) from None
    pixels = memoryview(body)[end + 1:]
    if len(pixels) != height * width * 3:
        raise ApiError(400, "INVALID_IMAGE", f"'shape' {height}x{width}x3 needs {height * width * 3} bytes "
                       f"of RGB after the first line; the request has {len(pixels)}")
    image = np.frombuffer(pixels, dtype=np.uint8).reshape(height, width, 3)
    return head, image, pixels


# ----------------------------------------------------------------------------- prompts

def marks_to_prompts(marks: Any) -> list[Any]:
    """X-AnyLabeling's ``marks`` -> SAM prompts: the points go with every box (one object per
    box), or make one prompt alone."""
    from ..inference.sam.decoder import Prompt

    if not isinstance(marks, list):
        raise ApiError(400, "INVALID_REQUEST", "'params.marks' must be a list")
    points: list[tuple[float, float]] = []
    labels: list[int] = []
    boxes: list[tuple[float, float, float, float]] = []
    for i, mark in enumerate(marks):
        if not isinstance(mark, dict):
            raise ApiError(400, "INVALID_REQUEST", f"params.marks[{i}] must be an object")
        data = mark.get("data")
        kind = mark.get("type")
        want = {"point": 2, "rectangle": 4}.get(kind)  # type: ignore[arg-type]
        if want is None:
            raise ApiError(400, "INVALID_REQUEST", f"params.marks[{i}].type must be 'point' or 'rectangle', got {kind!r}")
        if (not isinstance(data, list) or len(data) != want
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v) for v in data)):
            raise ApiError(400, "INVALID_REQUEST", f"params.marks[{i}].data must be {want} numbers")
        if kind == "point":
            label = mark.get("label", 1)
            if label not in (0, 1) or isinstance(label, bool):
                raise ApiError(400, "INVALID_REQUEST", f"params.marks[{i}].label must be 1 (positive) or 0 (negative)")
            points.append((float(data[0]), float(data[1])))
            labels.append(int(label))
        else:
            x0, y0, x1, y1 = map(float, data)
            boxes.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    if boxes:
        return [Prompt(points=list(points), labels=list(labels), box=b) for b in boxes]
    return [Prompt(points=points, labels=labels)] if points else []


# ----------------------------------------------------------------------------- models

def widgets_for(caps: Any, config: Any) -> list[dict[str, Any]]:
    """The X-AnyLabeling app's controls for a model (what its ``widgets`` list names)."""
    if caps.point_prompts or caps.box_prompts:
        names = ["button_add_point", "button_remove_point", "button_add_rect", "button_clear",
                 "button_finish_object"]
        return [{"name": n, "value": None} for n in names]
    out: list[dict[str, Any]] = [{"name": "button_run", "value": None}]
    if caps.conf:
        out += [{"name": "input_conf", "value": None}, {"name": "edit_conf", "value": config.conf_threshold}]
    if caps.iou:
        out += [{"name": "input_iou", "value": None}, {"name": "edit_iou", "value": config.iou_threshold}]
    out.append({"name": "toggle_preserve_existing_annotations", "value": False})
    return out


class ServedModel:
    """One loaded model: its metadata, and predictions with per-request thresholds.

    Requests may set thresholds, which live on the model's config: predictions of one model
    are therefore serialised by a lock (different models run in parallel)."""

    def __init__(self, model_id: str, model: Any) -> None:
        self.model_id = model_id
        self.model = model
        self.base = model.config
        self.lock = threading.Lock()
        self._embeddings: OrderedDict[str, Any] = OrderedDict()

    @property
    def caps(self) -> Any:
        return self.model.capabilities

    @property
    def prompted(self) -> bool:
        return bool(self.caps.point_prompts or self.caps.box_prompts)

    def metadata(self) -> dict[str, Any]:
        cfg, caps = self.base, self.caps
        return {
            "display_name": cfg.title,
            "widgets": widgets_for(caps, cfg),
            "params": {"conf_threshold": cfg.conf_threshold, "iou_threshold": cfg.iou_threshold},
            "capabilities": asdict(caps),
            "batch_processing_mode": None if self.prompted else "default",
            "classes": list(cfg.classes),
            "type": cfg.type,
            "accepts_raw_rgb": True,
        }

    def _options(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Config values this request asks for (the served config's own where it asks nothing)."""
        want: dict[str, Any] = {}
        for key, allowed in (("conf_threshold", self.caps.conf), ("iou_threshold", self.caps.iou)):
            value = params.get(key)
            if value is None or not allowed:
                want[key] = getattr(self.base, key)
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
                raise ApiError(400, "INVALID_REQUEST", f"'params.{key}' must be a number between 0 and 1")
            want[key] = float(value)
        classes = params.get("filter_classes")
        if classes is None or classes == []:
            want["filter_classes"] = list(self.base.filter_classes)
        elif not isinstance(classes, list) or not all(isinstance(c, str) for c in classes):
            raise ApiError(400, "INVALID_REQUEST", "'params.filter_classes' must be a list of class names")
        else:
            want["filter_classes"] = list(classes)
        cfg = self.model.config
        return {k: v for k, v in want.items() if getattr(cfg, k) != v}

    def predict(self, image: np.ndarray, raw: bytes | memoryview, params: Mapping[str, Any]) -> dict[str, Any]:
        marks = params.get("marks")
        existing = params.get("shapes")
        with self.lock:
            changes = self._options(params)
            if changes:
                self.model.set_options(**changes)
            if marks:
                if not self.prompted:
                    raise ApiError(400, "INVALID_REQUEST", f"model {self.model_id!r} takes no point or box prompts")
                return {"shapes": self._segment(image, raw, marks, params), "description": "", "replace": False}
            if existing is not None and getattr(self.caps, "uses_annotation", False):
                pred = self.model.predict_with_annotation(image, _shapes_from(existing))
            elif self.prompted:  # nothing to segment: what X-AnyLabeling-Server answers too
                return {"shapes": [], "description": "", "replace": False}
            else:
                pred = self.model.predict_result(image)
        data: dict[str, Any] = {"shapes": [shape_to_dict(s) for s in pred.shapes],
                                "description": pred.description or ""}
        if pred.flags:
            data["flags"] = dict(pred.flags)
        if pred.keep_group_ids:
            data["keep_group_ids"] = True
        return data

    def _segment(self, image: np.ndarray, raw: bytes | memoryview, marks: Any, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        from ..inference.sam.mask_output import OUTPUT_MODES

        prompts = marks_to_prompts(marks)
        mode = params.get("output_mode")
        if mode is not None and mode not in OUTPUT_MODES:
            raise ApiError(400, "INVALID_REQUEST", f"'params.output_mode' must be one of {', '.join(OUTPUT_MODES)}")
        label = params.get("label", PROMPT_LABEL)
        if not isinstance(label, str):
            raise ApiError(400, "INVALID_REQUEST", "'params.label' must be a string")
        emb = self._embedding(image, raw)
        shapes: list[Shape] = []
        for prompt in prompts:
            mp = self.model.segment(emb, prompt)
            shapes += self.model.to_shapes(mp, label=label, score=float(mp.score), mode=mode)
        return [shape_to_dict(s) for s in shapes]

    def _embedding(self, image: np.ndarray, raw: bytes | memoryview) -> Any:
        """The image's embedding, from a small cache keyed by its bytes (each click of a
        prompt session sends the same image again)."""
        key = hashlib.sha1(raw).hexdigest()
        emb = self._embeddings.get(key)
        if emb is None:
            emb = self.model.embed(image)
            self._embeddings[key] = emb
            while len(self._embeddings) > EMBEDDING_CACHE:
                self._embeddings.popitem(last=False)
        else:
            self._embeddings.move_to_end(key)
        return emb


def _shapes_from(value: Any) -> list[Shape]:
    if not isinstance(value, list):
        raise ApiError(400, "INVALID_REQUEST", "'params.shapes' must be a list of label-file shapes")
    try:
        return [shape_from_dict(d, f"params.shapes[{i}]") for i, d in enumerate(value)]
    except ValueError as exc:
        raise ApiError(400, "INVALID_REQUEST", str(exc)) from None


def load_models(specs: Iterable[Any], device: str | None = None) -> dict[str, Any]:
    """Models by id (their config ``name``) from shipped names, YAML paths or configs."""
    from ..inference.config import ConfigError
    from ..inference.registry import create_model

    models: dict[str, Any] = {}
    for spec in specs:
        model = create_model(spec, device=device)
        name = model.config.name
        if name in models:
            model.close()
            raise ConfigError(model.config.source, f"two served models are named {name!r}; give one another 'name'")
        models[name] = model
    return models


# ----------------------------------------------------------------------------- the API

@dataclass
class InferenceApi:
    """The request -> response functions over a set of loaded models."""

    models: Mapping[str, Any]
    token: str | None = None
    max_request_bytes: int = int(DEFAULT_MAX_REQUEST_MB * 1024 * 1024)
    served: dict[str, ServedModel] = field(init=False)

    def __post_init__(self) -> None:
        self.served = {mid: ServedModel(mid, m) for mid, m in self.models.items()}

    # -- step 1: headers only ------------------------------------------------------------
    def precheck(self, method: str, path: str, headers: Mapping[str, str]) -> Response | None:
        """A refusal decided from the headers (token, body size), or None to go on and read
        the body. A refusal of a request with a body says the connection must close."""
        h = {str(k).lower(): str(v) for k, v in headers.items()}
        length_text = h.get("content-length")
        has_body = bool(length_text and length_text.strip() != "0") or "transfer-encoding" in h
        route = path.split("?", 1)[0]
        if route != "/health" and not self._token_ok(h):
            return error_response(401, "UNAUTHORIZED", "invalid or missing API token (header 'Token')", has_body)
        if "transfer-encoding" in h:
            return error_response(411, "LENGTH_REQUIRED", "send the body with a Content-Length (no chunked uploads)", True)
        if method == "POST" and length_text is None:
            return error_response(411, "LENGTH_REQUIRED", "a POST needs a Content-Length header", False)
        if length_text is not None:
            try:
                length = int(length_text)
                if length < 0:
                    raise ValueError
            except ValueError:
                return error_response(400, "INVALID_REQUEST", f"bad Content-Length {length_text!r}", True)
            if length > self.max_request_bytes:
                limit = self.max_request_bytes / (1024 * 1024)
                return error_response(413, "REQUEST_TOO_LARGE",
                                      f"the request is {length / (1024 * 1024):.1f} MB; this server takes at most "
                                      f"{limit:g} MB (anylabel serve --max-request-mb)", True)
        return None

    def _token_ok(self, h: Mapping[str, str]) -> bool:
        if not self.token:
            return True
        given = h.get(TOKEN_HEADER.lower(), "")
        auth = h.get("authorization", "")
        if not given and auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        return hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8"))

    # -- step 2: the whole request -------------------------------------------------------
    def handle(self, method: str, path: str, body: bytes = b"") -> Response:
        """The answer to a request whose headers passed ``precheck``; never raises."""
        route = path.split("?", 1)[0].rstrip("/") or "/"
        try:
            if method == "GET" and route == "/health":
                return Response(200, {"status": "healthy", "models_loaded": len(self.served),
                                      "timestamp": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")})
            if method == "GET" and route == "/v1/models":
                return ok({mid: s.metadata() for mid, s in self.served.items()})
            if method == "GET" and route.startswith("/v1/models/") and route.endswith("/info"):
                served = self._model(route[len("/v1/models/"):-len("/info")])
                return ok({"model_id": served.model_id, **served.metadata()})
            if route in ("/v1/predict", RAW_ROUTE):
                if method != "POST":
                    return error_response(405, "METHOD_NOT_ALLOWED", f"use POST for {route}")
                return ok(self.predict_raw(body) if route == RAW_ROUTE else self.predict(body))
            return error_response(404, "NOT_FOUND", f"no route {method} {route}; this server has GET /v1/models, "
                                  "GET /v1/models/{id}/info, POST /v1/predict, GET /health")
        except ApiError as exc:
            return error_response(exc.status, exc.code, exc.message)
        except (AnyLabelError, ValueError) as exc:  # what a model says about this input
            return error_response(400, "INFERENCE_ERROR", str(exc))
        except Exception as exc:  # noqa: BLE001  # the client gets a sentence, the log the traceback
            log.exception("request %s %s failed", method, route)
            return error_response(500, "INFERENCE_ERROR", f"the model failed on this request ({type(exc).__name__}: {exc})")

    def _model(self, model_id: Any) -> ServedModel:
        served = self.served.get(model_id) if isinstance(model_id, str) else None
        if served is None:
            known = ", ".join(sorted(self.served)) or "none"
            raise ApiError(404, "MODEL_NOT_FOUND", f"model {model_id!r} is not served here; served models: {known}")
        return served

    def predict(self, body: bytes) -> dict[str, Any]:
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ApiError(400, "INVALID_REQUEST", f"the body is not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise ApiError(400, "INVALID_REQUEST", "the body must be a JSON object {model, image, params}")
        served, params = self._request_model(data)
        image, raw = decode_image(data.get("image"))
        return served.predict(image, raw, params)

    def predict_raw(self, body: bytes) -> dict[str, Any]:
        head, image, pixels = decode_raw_request(body)
        served, params = self._request_model(head)
        return served.predict(image, pixels, params)

    def _request_model(self, data: Mapping[str, Any]) -> tuple[ServedModel, dict[str, Any]]:
        served = self._model(data.get("model"))
        params = data.get("params") or {}
        if not isinstance(params, dict):
            raise ApiError(400, "INVALID_REQUEST", "'params' must be an object")
        return served, params

    def close(self) -> None:
        for m in self.models.values():
            m.close()
