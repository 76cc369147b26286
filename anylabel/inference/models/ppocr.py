"""PP-OCR text detection + direction classification + recognition -> text regions whose
``description`` holds the recognised text (label ``text``).

I/O facts (PP-OCRv4 ONNX as shipped in the ``rapidocr-onnxruntime`` wheel): det input
``x`` [N,3,H,W] BGR, (x/255 - 0.5)/0.5, sides multiples of 32 -> probability map
[N,1,H,W]; cls [N,3,48,192] -> [N,2] (0 / 180 degrees); rec [N,3,48,W] -> [N,T,6625]
CTC, characters in the ONNX metadata key ``character`` (index 0 = blank, a space last).
PP-OCRv5 / v6 use the same pipeline (PP-OCRv6 small ships in the ``rapidocr`` 3.10 wheel,
its characters in the same metadata key); exports without the metadata take a character
dictionary file (``rec_char_dict_path``, one character per line, PaddleOCR's form).
X-AnyLabeling's DB and recognition keys are used: ``det_db_thresh``, ``det_db_box_thresh``,
``det_db_unclip_ratio``, ``det_db_max_candidates``, ``drop_score``, ``use_angle_cls``.
"""
from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np

from ...core.i18n import tr
from ...core.shape import POLYGON, Shape
from ..base import Model, Prediction
from ..config import ModelConfig
from ..download import ProgressCallback
from ..registry import Capabilities, register

DET_THRESH = 0.3        # probability that makes a pixel "text"
UNCLIP_RATIO = 1.6      # how far a shrunk text kernel is grown back
MIN_SIDE = 736          # det input: short side scaled up to this (small images)
MAX_SIDE = 2000         # det input: long side capped
REC_HEIGHT = 48
CLS_SHAPE = (48, 192)
CLS_THRESH = 0.9


def _normalise(img_bgr: np.ndarray) -> np.ndarray:
    x = img_bgr.astype(np.float32) * (2.0 / 255.0) - 1.0  # (x/255 - 0.5) / 0.5
    return x.transpose(2, 0, 1)


def _order_corners(pts: np.ndarray) -> np.ndarray:
    """tl, tr, br, bl for a quadrilateral."""
    pts = pts[np.argsort(pts[:, 0])]
    left, right = pts[:2], pts[2:]
    tl, bl = left[np.argsort(left[:, 1])]
    tr, br = right[np.argsort(right[:, 1])]
    return np.array([tl, tr, br, bl], dtype=np.float32)


def _unclip(box: np.ndarray, ratio: float) -> np.ndarray:
    """Grow a polygon outward by area * ratio / perimeter (the DB text-detector rule)."""
    from shapely.geometry import Polygon

    poly = Polygon(box)
    if poly.length == 0:
        return box
    grown = poly.buffer(poly.area * ratio / poly.length, join_style=2, mitre_limit=2.0)
    if grown.is_empty or grown.geom_type != "Polygon":
        return box
    return np.asarray(grown.exterior.coords, dtype=np.float32)[:-1]


def _crop_quad(img: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Perspective-crop a text quadrilateral (tl, tr, br, bl) to an upright strip."""
    w = int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3])))
    h = int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
    w, h = max(w, 1), max(h, 1)
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    crop = cv2.warpPerspective(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    if h / w >= 1.5:  # vertical text: read it rotated
        crop = np.rot90(crop)
    return crop


#: X-AnyLabeling's PP-OCR config keys (``lang`` names a dictionary bundled with it; the rec
#: model's own character list or ``rec_char_dict_path`` is used instead).
OCR_KEYS = ("det_db_thresh", "det_db_box_thresh", "det_db_unclip_ratio", "det_db_max_candidates",
            "drop_score", "use_angle_cls", "rec_char_dict_path")
#: Largest character dictionary read (PP-OCRv6's has 18,708 lines, about 80 kB).
MAX_DICT_BYTES = 4 * 1024 * 1024


def read_char_dict(config: ModelConfig, value: str) -> list[str] | None:
    """The characters of a dictionary file (relative to the config's folder); None when the
    file does not exist. One character per line, as PaddleOCR writes them."""
    from ..config import ConfigError

    path = Path(value).expanduser()
    if not path.is_absolute():
        path = config.base_dir() / path
    if not path.is_file():
        return None
    if path.stat().st_size > MAX_DICT_BYTES:
        raise ConfigError(config.source, tr("rec_char_dict_path: {0} is larger than {1} bytes").format(
            path, MAX_DICT_BYTES))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(config.source, tr("rec_char_dict_path: cannot read {0} ({1})").format(
            path, exc)) from exc
    return [ln.rstrip("\r\n") for ln in text.split("\n") if ln.rstrip("\r\n")]


@register("ppocr_v4", aliases=("ppocr_v3", "ppocr", "ppocr_v5", "ppocr_v6"), config_keys=OCR_KEYS,
          ignored_keys={"lang": "the character set comes from the rec model (or rec_char_dict_path)"},
          capabilities=Capabilities(conf=True, iou=False, output_types=("polygon", "rotation", "rectangle")))
class PPOCR(Model):
    """Detects text lines, straightens each, fixes upside-down ones, reads them."""

    pipelined = False

    def __init__(self, config: ModelConfig, device: str = "auto", progress: ProgressCallback | None = None) -> None:
        from ..config import ConfigError

        super().__init__(config, device, progress)
        opts = config.options
        self.det = self.load_session("det_model_path")
        self.rec = self.load_session("rec_model_path")
        use_cls = opts.get("use_angle_cls", True) is not False
        self.cls = self.load_session("cls_model_path") if config.cls_model_path and use_cls else None
        self.det_thresh = float(opts.get("det_db_thresh", DET_THRESH))
        self.box_thresh = float(opts["det_db_box_thresh"]) if "det_db_box_thresh" in opts else None
        self.unclip_ratio = float(opts.get("det_db_unclip_ratio", UNCLIP_RATIO))
        self.max_candidates = int(opts.get("det_db_max_candidates", 1000))
        self.drop_score = float(opts.get("drop_score", 0.0))
        chars = self.rec.metadata.get("character")
        listed = chars.splitlines() if chars else None
        dict_path = opts.get("rec_char_dict_path")
        if dict_path:
            from_file = read_char_dict(config, str(dict_path))
            if from_file is None and listed is None:
                raise ConfigError(config.source, tr("rec_char_dict_path: {0!r} not found next to the config, "
                                                    "and {1} has no 'character' list of its own").format(
                                                        dict_path, self.rec.path.name))
            if from_file is None:
                self.notes.append(tr("{0} not found; using the characters stored in {1}").format(
                    dict_path, self.rec.path.name))
            listed = from_file or listed
        if not listed:
            from ..runtime import ModelLoadError

            lang = config.ignored.get("lang")
            hint = tr(" (lang {0!r} names a dictionary bundled with X-AnyLabeling)").format(lang) if lang else ""
            raise ModelLoadError(tr("{0}: no 'character' list in the ONNX metadata; give "
                                    "the character dictionary as rec_char_dict_path{1}").format(
                                        self.rec.path, hint))
        self.characters = ["<blank>"] + listed + [" "]
        classes = self.rec.outputs[0].fixed_dim(len(self.rec.outputs[0].shape) - 1) if self.rec.outputs else None
        if classes and classes != len(self.characters):
            raise ConfigError(config.source, tr("{0} scores {1} classes but the character list "
                                                "gives {2} (blank + {3} characters + space)").format(
                                                    self.rec.path.name, classes, len(self.characters),
                                                    len(listed)))

    # -- detection -------------------------------------------------------------------------
    def detect(self, img_bgr: np.ndarray) -> list[np.ndarray]:
        h, w = img_bgr.shape[:2]
        r = 1.0
        if min(h, w) < MIN_SIDE:
            r = MIN_SIDE / min(h, w)
        if max(h, w) * r > MAX_SIDE:
            r = MAX_SIDE / max(h, w)
        rh = max(32, int(round(h * r / 32)) * 32)
        rw = max(32, int(round(w * r / 32)) * 32)
        x = _normalise(cv2.resize(img_bgr, (rw, rh)))[None]
        prob = self.det.run({self.det.input_names[0]: x})[0][0, 0]
        bitmap = cv2.dilate((prob > self.det_thresh).astype(np.uint8), np.ones((2, 2), np.uint8))
        contours, _ = cv2.findContours(bitmap, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        sx, sy = w / rw, h / rh
        quads: list[tuple[np.ndarray, float]] = []
        for c in contours[:self.max_candidates]:
            rect = cv2.minAreaRect(c)
            if min(rect[1]) < 3:
                continue
            box = cv2.boxPoints(rect)
            score = self._box_score(prob, c.reshape(-1, 2))
            if score < (self.box_thresh if self.box_thresh is not None else self.config.conf_threshold):
                continue
            grown = _unclip(box, self.unclip_ratio)
            rect = cv2.minAreaRect(grown.astype(np.float32))
            if min(rect[1]) < 5:
                continue
            quad = _order_corners(cv2.boxPoints(rect))
            quad[:, 0] = np.clip(quad[:, 0] * sx, 0, w)
            quad[:, 1] = np.clip(quad[:, 1] * sy, 0, h)
            quads.append((quad, score))
        # reading order: top to bottom, then left to right within a line
        quads.sort(key=lambda q: (round(float(q[0][0, 1]) / 10), float(q[0][0, 0])))
        return [q for q, _ in quads]

    @staticmethod
    def _box_score(prob: np.ndarray, contour: np.ndarray) -> float:
        x0, y0 = contour.min(axis=0)
        x1, y1 = contour.max(axis=0)
        mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), np.uint8)
        cv2.fillPoly(mask, [(contour - [x0, y0]).astype(np.int32)], 1)
        return float(cv2.mean(prob[y0:y1 + 1, x0:x1 + 1], mask)[0])

    # -- classification + recognition --------------------------------------------------------
    @staticmethod
    def _fit(crop: np.ndarray, height: int, width: int) -> np.ndarray:
        h, w = crop.shape[:2]
        nw = min(width, max(1, int(math.ceil(height * w / h))))
        out = np.zeros((3, height, width), np.float32)
        out[:, :, :nw] = _normalise(cv2.resize(crop, (nw, height)))
        return out

    def fix_orientation(self, crops: list[np.ndarray]) -> list[np.ndarray]:
        if self.cls is None or not crops:
            return crops
        batch = np.stack([self._fit(c, *CLS_SHAPE) for c in crops])
        probs = self.cls.run({self.cls.input_names[0]: batch})[0]
        return [np.rot90(c, 2) if p.argmax() == 1 and p[1] > CLS_THRESH else c for c, p in zip(crops, probs)]

    def recognise(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        out: list[tuple[str, float]] = []
        order = np.argsort([c.shape[1] / c.shape[0] for c in crops])
        results: dict[int, tuple[str, float]] = {}
        for start in range(0, len(order), 6):  # similar widths batched together
            idx = order[start:start + 6]
            ratio = max(max(crops[i].shape[1] / crops[i].shape[0] for i in idx), 320 / REC_HEIGHT)
            width = int(math.ceil(REC_HEIGHT * ratio))
            batch = np.stack([self._fit(crops[i], REC_HEIGHT, width) for i in idx])
            probs = self.rec.run({self.rec.input_names[0]: batch})[0]
            for i, p in zip(idx, probs):
                results[int(i)] = self._ctc_decode(p)
        for i in range(len(crops)):
            out.append(results[i])
        return out

    def _ctc_decode(self, probs: np.ndarray) -> tuple[str, float]:
        ids = probs.argmax(axis=1)
        conf = probs.max(axis=1)
        keep = ids != 0
        keep[1:] &= ids[1:] != ids[:-1]
        chars = [self.characters[i] if i < len(self.characters) else "" for i in ids[keep]]
        return "".join(chars), float(conf[keep].mean()) if keep.any() else 0.0

    # -- model interface -------------------------------------------------------------------
    def infer(self, image_rgb: np.ndarray) -> Prediction:
        img = np.ascontiguousarray(image_rgb[:, :, ::-1])  # PP-OCR expects BGR
        quads = self.detect(img)
        crops = self.fix_orientation([_crop_quad(img, q) for q in quads])
        texts = self.recognise(crops) if crops else []
        shapes = []
        for quad, (text, score) in zip(quads, texts):
            if not text.strip() or score < self.drop_score:
                continue
            shapes.append(Shape(POLYGON, quad.astype(np.float64), label="text", description=text,
                                score=round(score, 4)))
        return Prediction(shapes=shapes)
