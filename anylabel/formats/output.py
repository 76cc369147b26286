"""Writing dataset files: each file appears whole or not at all (temp file + rename).

Unlike label files (``core.atomic``, fsync per save), exported files are not fsynced one by
one: an export of 10,000 images would spend most of its time waiting for the disk, and an
interrupted export is simply run again. The rename still guarantees that no reader (a
training job, a second export) ever sees a half-written file under its final name.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.atomic import temp_path_for
from .base import ExportItem


def write_bytes(path: Path, data: bytes) -> None:
    tmp = temp_path_for(path)
    try:
        try:
            fh = open(tmp, "wb")
        except FileNotFoundError:  # first file of a new folder
            path.parent.mkdir(parents=True, exist_ok=True)
            fh = open(tmp, "wb")
        with fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        if isinstance(exc, OSError) and exc.errno is not None:
            # Name the file the user asked for, not the temporary one.
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def path_for(out_dir: Path, kind: str, item: ExportItem, suffix: str, flat: bool = False) -> Path:
    """Where an image's ``kind`` file goes: ``<out>/<kind>/<subset>/<stem><suffix>`` in a
    train/val/test split (the Ultralytics layout), else ``<out>/<kind>/<stem><suffix>``, or
    ``<out>/<stem><suffix>`` when ``flat`` (YOLO/VOC/DOTA files sit in OUT_DIR itself)."""
    if item.subset:
        folder = out_dir / kind / item.subset
    else:
        folder = out_dir if flat else out_dir / kind
    return folder / (item.stem + suffix)
