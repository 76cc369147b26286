"""The ``remote_server`` model type: a model that runs on an inference server.

The server is ``anylabel serve`` or X-AnyLabeling-Server (same API, see
``anylabel/serve/api.py``). X-AnyLabeling's config keys are read::

    type: remote_server
    name: gpu-box-yolo
    remote_server_settings:
      server_url: http://gpu-box:8000
      api_key: ...            # or $ANYLABEL_SERVER_TOKEN
      timeout: 180            # seconds (a top-level ``timeout`` works too)
      model: fixture_shapes_det   # which of the server's models (AnyLabel's key; optional
                                  # when the server serves one model)

What the model can do (thresholds, prompts, classes) comes from the server's
``/v1/models`` answer, so the panel, ``anylabel predict`` and SAM's box-to-segment use it
like a local model. Thresholds the config or the user set are sent with each request;
those left unset keep the server's own values.
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import threading
from concurrent.futures import Future
from dataclasses import fields
from typing import Any, Sequence
from urllib.parse import urlsplit

import numpy as np

from ...core.errors import AnyLabelError
from ...core.i18n import tr
from ...core.label_file import shape_from_dict, shape_to_dict
from ...core.shape import Shape
from ..base import Model, Prediction, ProgressCallback
from ..config import ALIASES, ConfigError, ModelConfig
from ..registry import Capabilities, register

SETTINGS_KEYS = ("server_url", "api_key", "timeout", "model")
DEFAULT_URL = "http://127.0.0.1:8000"
URL_ENV = "XANYLABELING_SERVER_URL"  # X-AnyLabeling's variable for the same setting
TOKEN_ENV = "ANYLABEL_SERVER_TOKEN"
#: Options sent per request when set; unset ones keep the server's values.
SENT_OPTIONS = ("conf_threshold", "iou_threshold", "filter_classes")


class RemoteServerError(AnyLabelError):
    """The server cannot be reached or refused the request; the message names its URL."""


@register("remote_server", capabilities=Capabilities(conf=True, iou=True),
          config_keys=("remote_server_settings", "timeout"))
class RemoteServerModel(Model):
    pipelined = False

    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None,
                 **_: Any) -> None:
        super().__init__(config, device, progress)
        settings = config.options.get("remote_server_settings") or {}
        if not isinstance(settings, dict):
            raise ConfigError(config.source, tr("remote_server_settings: expected a map "
                                                "(server_url, api_key, timeout, model)"))
        unknown = sorted(set(map(str, settings)) - set(SETTINGS_KEYS))
        if unknown:
            raise ConfigError(config.source, tr("unknown key "
                                                "'remote_server_settings.{0}'; known: {1}").format(
                unknown[0], ", ".join(SETTINGS_KEYS)))
        self.server_url = str(settings.get("server_url") or os.environ.get(URL_ENV) or DEFAULT_URL).rstrip("/")
        parts = urlsplit(self.server_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(config.source, tr("remote_server_settings.server_url: "
                                                "expected http://host:port, got {0!r}").format(
                                                    self.server_url))
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port or (443 if self._https else 80)
        self._prefix = parts.path.rstrip("/")
        self.api_key = str(settings.get("api_key") or os.environ.get(TOKEN_ENV) or "")
        timeout = settings.get("timeout", config.options.get("timeout", 30))
        try:
            self.timeout = float(timeout)
            if self.timeout <= 0:
                raise ValueError
        except (TypeError, ValueError):
            raise ConfigError(config.source, tr("timeout: expected a positive "
                                                "number of seconds, got {0!r}").format(
                timeout)) from None
        self._local = threading.local()
        self._explicit = _explicit_options(config)

        models = self._call("GET", "/v1/models")
        if not isinstance(models, dict) or not models:
            raise RemoteServerError(tr("{0}: the server serves no models").format(self.server_url))
        wanted = settings.get("model")
        if wanted is None:
            if len(models) != 1:
                raise ConfigError(config.source, tr("{0} serves {1} models ({2}); choose "
                                                    "one with remote_server_settings.model").format(
                    self.server_url, len(models), ", ".join(sorted(models))))
            wanted = next(iter(models))
        if wanted not in models:
            raise ConfigError(config.source, tr("{0} does not serve {1!r}; it serves {2}").format(
                self.server_url, wanted, ", ".join(sorted(models))))
        self.remote_model = str(wanted)
        meta = models[wanted] if isinstance(models[wanted], dict) else {}
        self.capabilities = _capabilities(meta.get("capabilities"), meta.get("widgets"))
        # AnyLabel's server takes raw pixels (no base64 and codec on either side); others the JSON body
        self.raw_rgb = meta.get("accepts_raw_rgb") is True
        self._adopt_server_values(meta)
        self.notes.append(tr("runs on {0} ({1})").format(self.server_url, self.remote_model))
        # What the SAM tools of the app use on a prompted model (see RemoteImage)
        self.model_id = f"remote:{self.server_url}:{self.remote_model}"
        self.output_mode = "polygon"
        self.tolerance = 1.0
        self.store = RemoteImageStore(self.model_id)

    # -- configuration -------------------------------------------------------------------
    def _adopt_server_values(self, meta: dict[str, Any]) -> None:
        """Show the server's thresholds and classes where the config set none."""
        params = meta.get("params") if isinstance(meta.get("params"), dict) else {}
        changes: dict[str, Any] = {}
        for key in ("conf_threshold", "iou_threshold"):
            value = params.get(key)
            if key not in self._explicit and isinstance(value, (int, float)) and 0 <= value <= 1:
                changes[key] = float(value)
        classes = meta.get("classes")
        if not self.config.classes and isinstance(classes, list):
            changes["classes"] = [str(c) for c in classes]
        if changes:
            self.config = self.config.with_overrides(**changes)

    def set_options(self, **changes: Any) -> None:
        """As a local model's; ``output_mode`` and ``tolerance`` (SAM's) are applied here, to the
        mask the server sends back."""
        if "output_mode" in changes:
            from ..sam.mask_output import OUTPUT_MODES

            mode = changes.pop("output_mode")
            if mode not in OUTPUT_MODES:
                raise ValueError(tr("output_mode must be one of {0}").format(", ".join(OUTPUT_MODES)))
            self.output_mode = mode
        if "tolerance" in changes:
            self.tolerance = max(0.0, float(changes.pop("tolerance")))
        self._explicit |= {k for k in changes if k in SENT_OPTIONS}
        if changes:
            super().set_options(**changes)

    @property
    def device(self) -> str:
        return "remote"

    # -- HTTP ----------------------------------------------------------------------------
    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            conn = cls(self._host, self._port, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def _drop_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
        self._local.conn = None

    def _call(self, method: str, route: str, payload: dict[str, Any] | bytes | None = None,
              content_type: str = "application/json") -> Any:
        """The ``data`` of the server's answer; RemoteServerError naming the URL otherwise."""
        body = payload if isinstance(payload, bytes) or payload is None else json.dumps(payload).encode("utf-8")
        headers = {"Content-Type": content_type, "Accept": "application/json"}
        if self.api_key:
            headers["Token"] = self.api_key
        url = f"{self.server_url}{route}"
        for attempt in (0, 1):  # a kept-alive connection the server closed meanwhile: once more
            conn = self._connection()
            try:
                if conn.sock is None:
                    conn.connect()
                    # a large body's last segment would otherwise wait for the server's delayed ACK
                    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                try:
                    conn.request(method, self._prefix + route, body=body, headers=headers)
                except (BrokenPipeError, ConnectionResetError):
                    if not body or attempt:
                        raise
                    # the server answered before taking the whole body (413): read its answer
                resp = conn.getresponse()
                raw = resp.read()
                break
            except ConnectionRefusedError:
                self._drop_connection()
                raise RemoteServerError(tr("{0}: connection refused; is the server running "
                                           "('anylabel serve --model ...') and is the address right?").format(
                                               url)) from None
            except TimeoutError:
                self._drop_connection()
                raise RemoteServerError(tr("{0}: no answer within {1:g} s (raise "
                                           "remote_server_settings.timeout)").format(
                    url, self.timeout)) from None
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self._drop_connection()
                if attempt:
                    raise RemoteServerError(tr("{0}: the server closed the connection ({1})").format(
                        url, exc)) from None
            except OSError as exc:
                self._drop_connection()
                raise RemoteServerError(tr("{0}: cannot connect ({1})").format(
                    url, exc.strerror or exc)) from None
        if resp.getheader("Connection", "").lower() == "close":
            self._drop_connection()
        try:
            answer = json.loads(raw.decode("utf-8")) if raw else {}
        except (UnicodeDecodeError, json.JSONDecodeError):
            answer = {}
        error = answer.get("error") if isinstance(answer, dict) else None
        message = error.get("message") if isinstance(error, dict) else None
        if resp.status == 401:
            raise RemoteServerError(tr("{0}: the server refused the API token (401); "
                                       "set remote_server_settings.api_key or ${1}").format(url, TOKEN_ENV))
        if resp.status != 200 or not isinstance(answer, dict) or answer.get("success") is False:
            raise RemoteServerError(f"{url}: {message or f'HTTP {resp.status} {resp.reason}'}")
        return answer.get("data", {})

    # -- predictions ---------------------------------------------------------------------
    def _params(self) -> dict[str, Any]:
        return {k: getattr(self.config, k) for k in SENT_OPTIONS if k in self._explicit}

    def _predict(self, image_rgb: np.ndarray, params: dict[str, Any]) -> dict[str, Any]:
        from ...serve.api import BMP_MAX_BYTES, RAW_ROUTE, encode_image, encode_raw_request

        if (self.raw_rgb and image_rgb.dtype == np.uint8 and image_rgb.ndim == 3 and image_rgb.shape[2] == 3
                and image_rgb.nbytes <= BMP_MAX_BYTES):
            body = encode_raw_request(self.remote_model, params, image_rgb)
            data = self._call("POST", RAW_ROUTE, body, content_type="application/octet-stream")
            return data if isinstance(data, dict) else {}
        # The image (base64: nothing to escape) is spliced in, not passed through json.dumps,
        # which would scan its megabytes again.
        body = b"".join([b'{"model": ', json.dumps(self.remote_model).encode("utf-8"), b', "image": "',
                         encode_image(image_rgb).encode("ascii"), b'", "params": ',
                         json.dumps(params).encode("utf-8"), b"}"])
        data = self._call("POST", "/v1/predict", body)
        return data if isinstance(data, dict) else {}

    def _prediction(self, data: dict[str, Any]) -> Prediction:
        url = f"{self.server_url}/v1/predict"
        try:
            shapes = [shape_from_dict(d, tr("shape {0}").format(
                i)) for i, d in enumerate(data.get("shapes") or [])]
        except ValueError as exc:
            raise RemoteServerError(tr("{0}: the server sent a shape that cannot be read ({1})").format(
                url, exc)) from None
        flags = data.get("flags") if isinstance(data.get("flags"), dict) else {}
        return Prediction(shapes=shapes, flags={str(k): bool(v) for k, v in flags.items()},
                          description=data.get("description") or None,
                          keep_group_ids=bool(data.get("keep_group_ids")))

    def predict_result(self, image_rgb: np.ndarray) -> Prediction:
        return self.finish_remote(self._prediction(self._predict(image_rgb, self._params())))

    def finish_remote(self, pred: Prediction) -> Prediction:
        """Only the local choice the server does not know: the output shape type."""
        if self.config.output_type:
            from ..postprocess.convert import convert_shapes

            pred.shapes = convert_shapes(pred.shapes, self.config.output_type)
        return pred

    def predict_with_annotation(self, image_rgb: np.ndarray, existing_shapes: Sequence[Shape],
                                path: Any = None) -> Prediction:
        """For a model that uses the image's shapes (SAM from boxes): they go with the image."""
        params = {**self._params(), "shapes": [shape_to_dict(s) for s in existing_shapes]}
        return self._prediction(self._predict(image_rgb, params))

    def segment_prompts(self, image_rgb: np.ndarray, points: Sequence[tuple[float, float]] = (),
                        labels: Sequence[int] = (), box: tuple[float, float, float, float] | None = None,
                        label: str = "", mode: str | None = None) -> list[Shape]:
        """SAM on the server: positive (1) / negative (0) clicks and an optional box."""
        marks: list[dict[str, Any]] = [{"type": "point", "data": [float(x), float(y)], "label": int(lab)}
                                       for (x, y), lab in zip(points, labels)]
        if box is not None:
            marks.append({"type": "rectangle", "data": [float(v) for v in box], "label": 1})
        params: dict[str, Any] = {"marks": marks, "label": label}
        if mode:
            params["output_mode"] = mode
        return self._prediction(self._predict(image_rgb, params)).shapes

    # -- the SAM prompt interface (what a local SamModel offers the app's SAM tools) ------
    def embed(self, image_rgb: np.ndarray, path: Any = None) -> "RemoteImage":
        return RemoteImage(image_rgb, self.model_id)

    def segment(self, embedding: "RemoteImage", prompt: Any, mask_input: Any = None) -> Any:
        """The server's mask for a prompt, as the local decoder returns it. (The previous
        mask is not sent back as a hint: each request carries all the prompt's clicks.)"""
        from ...core import mask_shape
        from ..sam.decoder import MaskPrediction

        image = embedding.image
        h, w = image.shape[:2]
        from ...core.geometry import shape_to_mask

        shapes = self.segment_prompts(image, prompt.points, prompt.labels, prompt.box, mode="mask")
        full = np.zeros((h, w), dtype=bool)
        for s in shapes:
            if mask_shape.is_mask(s):
                mask_shape.paint(s, full, True)
            else:  # X-AnyLabeling-Server sends polygons whatever the output mode asked
                full |= shape_to_mask(s, h, w)
        score = max((s.score for s in shapes if s.score is not None), default=0.0)
        return MaskPrediction(mask=full, score=float(score), low_res=None, image_size=(w, h))

    def to_shapes(self, mask: Any, label: str = "", group_id: int | None = None, score: float | None = None,
                  mode: str | None = None) -> list[Shape]:
        from ..sam.decoder import MaskPrediction
        from ..sam.mask_output import mask_to_shapes

        scale = (1.0, 1.0)
        if isinstance(mask, MaskPrediction):
            scale, mask = mask.scale, mask.mask
        return mask_to_shapes(mask, mode or self.output_mode, label, self.tolerance, group_id, score, scale=scale)

    def close(self, wait: bool = True) -> None:
        self._drop_connection()
        super().close()

    def __repr__(self) -> str:
        return f"<RemoteServerModel {self.remote_model!r} at {self.server_url}>"


class RemoteImage:
    """Stands for an embedding: the server computes (and caches) the real one, so the client
    only keeps the image to send with each prompt."""

    def __init__(self, image: np.ndarray, model_id: str) -> None:
        self.image = image
        self.model_id = model_id


class RemoteImageStore:
    """The embedding store's interface for a remote model: nothing to encode or prefetch here."""

    def __init__(self, model_id: str) -> None:
        self.model_id = model_id
        self.capacity = 1

    def get(self, path: Any, image: np.ndarray | None = None) -> "Future[RemoteImage]":
        from ...core.image_io import read_image_rgb

        fut: Future[RemoteImage] = Future()
        try:
            fut.set_result(RemoteImage(image if image is not None else read_image_rgb(path), self.model_id))
        except Exception as exc:  # noqa: BLE001  # delivered through the future, as the local store does
            fut.set_exception(exc)
        return fut

    def embedding(self, path: Any, image: np.ndarray | None = None) -> RemoteImage:
        return self.get(path, image).result()

    def prefetch(self, paths: Any) -> None:
        """The server encodes an image when it first sees it."""

    def pause_prefetch(self, seconds: float) -> None:
        pass

    def close(self, timeout: float | None = None) -> None:
        pass


def _capabilities(raw: Any, widgets: Any = None) -> Capabilities:
    """The server's capabilities record; for an X-AnyLabeling-Server model (whose
    ``capabilities`` are its own keys), what its app ``widgets`` show."""
    names = {f.name for f in fields(Capabilities)}
    if not isinstance(raw, dict) or not names & set(raw):
        widgets = {w.get("name") for w in (widgets or []) if isinstance(w, dict)}
        if "button_add_point" in widgets or "button_add_rect" in widgets:  # X-AnyLabeling-Server's SAM
            return Capabilities(conf=False, point_prompts="button_add_point" in widgets,
                                box_prompts="button_add_rect" in widgets, output_types=("polygon", "rectangle"))
        return Capabilities(conf="edit_conf" in widgets or not widgets, iou="edit_iou" in widgets or not widgets)
    kw: dict[str, Any] = {k: bool(v) for k, v in raw.items() if k in names and k != "output_types"}
    types = raw.get("output_types")
    if isinstance(types, list) and types and all(isinstance(t, str) for t in types):
        kw["output_types"] = tuple(types)
    # the server runs whole requests: no batching, tracking or slicing through it
    kw.update(batch=False, tracking=False, sahi=False)
    return Capabilities(**kw)


def _explicit_options(config: ModelConfig) -> set[str]:
    """The options the user chose: written in the YAML, or changed from the defaults
    (``anylabel predict --conf`` applies its values to the config before the model exists)."""
    written: set[str] = set()
    if config.source is not None and config.source.is_file():
        from ...core.safe_yaml import load_yaml_file

        try:
            data = load_yaml_file(config.source)
        except Exception:  # noqa: BLE001  # it loaded a moment ago; a race only loses this hint
            data = {}
        if isinstance(data, dict):
            written = {ALIASES.get(str(k), str(k)) for k in data}
    defaults = ModelConfig(type="", name="")
    return {k for k in SENT_OPTIONS if k in written or getattr(config, k) != getattr(defaults, k)}
