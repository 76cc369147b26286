"""Is a downloaded file a model, and is a cached one still the file that was downloaded?

A server behind a captive portal, a mirror with a broken path or a proxy's error answers
with HTTP 200 and an HTML page; kept as ``model.onnx`` it fails on every later run with an
ONNX Runtime parse error that names no cause. So before a download is kept its bytes are
checked: an ``.onnx`` file must be an ONNX ``ModelProto`` (a protobuf whose top-level
fields are well formed, end exactly at the end of the file and include ``ir_version``
and ``graph``: reading the field headers only, a few seeks even for a 2 GB model), and
no model file may be a text page.

The pin: the sha256 of the first download is written beside it (``<file>.pin``, JSON),
so that a file swapped in the cache later is noticed even when the config gives no hash.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from ..core.atomic import atomic_write_text
from ..core.i18n import tr

#: ModelProto: 1 ir_version, 7 graph (both required by the ONNX spec).
_ONNX_REQUIRED = {1: "ir_version", 7: "graph"}
_TEXT_STARTS = (b"<", b"{", b"[")  # HTML / XML / JSON error bodies


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _varint(f: BinaryIO) -> int | None:
    value, shift = 0, 0
    while True:
        b = f.read(1)
        if not b:
            return None
        value |= (b[0] & 0x7F) << shift
        if not b[0] & 0x80:
            return value
        shift += 7
        if shift > 63:
            return None


def _onnx_problem(path: Path, size: int) -> str | None:
    seen: set[int] = set()
    with open(path, "rb") as f:
        while f.tell() < size:
            key = _varint(f)
            if key is None:
                return tr("it ends inside a protobuf field header (cut short?)")
            field, wire = key >> 3, key & 7
            if field == 0 or wire not in (0, 1, 2, 5):
                return tr("byte {0} is not a protobuf field header").format(f.tell() - 1)
            if wire == 0:
                if _varint(f) is None:
                    return tr("it ends inside a number (cut short?)")
            elif wire == 2:
                length = _varint(f)
                if length is None or f.tell() + length > size:
                    return tr("field {0} claims more bytes than the file has (cut short?)").format(field)
                f.seek(length, os.SEEK_CUR)
            else:
                f.seek(8 if wire == 1 else 4, os.SEEK_CUR)
                if f.tell() > size:
                    return tr("it ends inside a fixed-size field (cut short?)")
            seen.add(field)
    missing = [name for num, name in _ONNX_REQUIRED.items() if num not in seen]
    return f"it has no {' and no '.join(missing)}" if missing else None


def model_file_problem(path: Path, kept_as: str | None = None) -> str | None:
    """Why ``path`` cannot be a model file (None when it can be): empty, a text page, or
    for ``.onnx`` not an ONNX protobuf. ``kept_as``: the name it will have (for a part file)."""
    size = path.stat().st_size
    if size == 0:
        return tr("the file is empty")
    with open(path, "rb") as f:
        head = f.read(512)
    text = head.lstrip().lower()
    if text.startswith(_TEXT_STARTS) or b"<html" in text or b"<!doctype" in text:
        snippet = head[:80].decode("utf-8", "replace").strip().replace("\n", " ")
        return tr("the server sent a text/HTML page, not a model (it begins {0!r})").format(snippet)
    if Path(kept_as or path.name).suffix.lower() == ".onnx":
        problem = _onnx_problem(path, size)
        if problem:
            return tr("not an ONNX model: {0}").format(problem)
    return None


@dataclass
class Pin:
    """What was downloaded: the hash and size of the file, and where it came from."""

    sha256: str
    size: int
    url: str

    @staticmethod
    def path_for(model_file: Path) -> Path:
        return model_file.with_name(model_file.name + ".pin")

    @classmethod
    def read(cls, model_file: Path) -> "Pin | None":
        """The pin of ``model_file``; None when there is none or it cannot be read (a broken
        record is replaced by the next verification)."""
        try:
            data = json.loads(cls.path_for(model_file).read_text(encoding="utf-8"))
            return cls(str(data["sha256"]).lower(), int(data["size"]), str(data.get("url", "")))
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None

    def write(self, model_file: Path) -> None:
        atomic_write_text(self.path_for(model_file), json.dumps(asdict(self), indent=1) + "\n")
