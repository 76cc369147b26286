"""Split a video into numbered frame images that are then annotated as a folder.

Frames are named ``<video stem>_<source frame number, 6 digits>.jpg`` (1-based, the
frame's position in the video, not in the folder: extracting again with another
interval or range produces the same names for the same frames and never renames the
ones already labelled). Beside them, ``seqinfo.ini`` (MOTChallenge's sequence file,
with a few extra keys) records frame rate and size, which the MOT exporter needs.

Qt-free: the GUI runs ``extract_frames`` in a worker and turns ``progress`` into a
progress dialog whose Cancel returns False from the callback.
"""
from __future__ import annotations

import configparser
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from .atomic import atomic_write_text, temp_path_for
from .errors import AnyLabelError
from .i18n import tr

VIDEO_EXTENSIONS: frozenset[str] = frozenset({
    ".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv", ".flv", ".ts", ".mts",
    ".m2ts", ".3gp", ".ogv", ".asf", ".vob", ".mjpeg", ".mjpg",
})
SEQINFO_NAME = "seqinfo.ini"
FRAME_DIGITS = 6

#: ``progress(done, total)``; returning False cancels (frames written so far are kept).
ProgressFn = Callable[[int, int], "bool | None"]


class VideoError(AnyLabelError):
    """A video that cannot be read; the message names the file and the problem."""

    def __init__(self, path: str | os.PathLike[str], problem: str) -> None:
        self.path = os.fspath(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


def is_video_file(path: str | os.PathLike[str]) -> bool:
    """True for a path with a video extension (``anylabel clip.mp4`` opens it as a video)."""
    return os.path.splitext(os.fspath(path))[1].lower() in VIDEO_EXTENSIONS


@dataclass(frozen=True)
class VideoInfo:
    path: Path
    frame_count: int   # as the container reports it (can be an estimate; 0 = unknown)
    fps: float         # 0 when the container does not say
    width: int
    height: int


@dataclass
class ExtractResult:
    folder: Path
    info: VideoInfo
    written: list[Path] = field(default_factory=list)   # frames written by this run
    existing: int = 0           # frames already there and left untouched
    cancelled: bool = False
    #: Set when decoding stopped before the requested end (a truncated or damaged file).
    warning: str | None = None

    @property
    def frame_count(self) -> int:
        return len(self.written) + self.existing


def _open(path: Path):
    import cv2

    if not path.is_file():
        raise VideoError(path, tr("file not found"))
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        cap.release()
        raise VideoError(path, tr("cannot be opened as a video (not a video, damaged, or a codec OpenCV "
                                  "lacks)"))
    return cap


def _info(cap, path: Path) -> VideoInfo:
    import cv2

    fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
    if not np.isfinite(fps) or fps <= 0 or fps > 1000:
        fps = 0.0
    count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
    return VideoInfo(path, max(count, 0), fps, int(cap.get(cv2.CAP_PROP_FRAME_WIDTH) or 0),
                     int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0))


def probe_video(path: str | os.PathLike[str]) -> VideoInfo:
    """Frame count, frame rate and size; raises VideoError if no frame can be decoded."""
    p = Path(path)
    cap = _open(p)
    try:
        info = _info(cap, p)
        ok, frame = cap.read()
        if not ok or frame is None:
            raise VideoError(p, tr("no frame could be decoded (empty or damaged video)"))
        if not info.width or not info.height:
            info = VideoInfo(p, info.frame_count, info.fps, frame.shape[1], frame.shape[0])
        return info
    finally:
        cap.release()


def default_frames_dir(video: str | os.PathLike[str]) -> Path:
    """Where frames go by default: a folder named after the video, beside it."""
    v = Path(video)
    return v.parent / v.stem


def frame_name(video_stem: str, number: int, ext: str = ".jpg") -> str:
    """``clip_000001.jpg`` for frame 1 of ``clip.mp4``."""
    return f"{video_stem}_{number:0{FRAME_DIGITS}d}{ext}"


def _write_frame(path: Path, bgr: np.ndarray, ext: str, quality: int) -> None:
    """Encode, write beside the target and rename: a frame never appears half-written.
    (No fsync per frame: thousands of fsyncs would dominate the extraction time, and a
    frame lost to a power cut is re-extracted, unlike a label file.)"""
    import cv2

    params = [cv2.IMWRITE_JPEG_QUALITY, int(quality)] if ext in (".jpg", ".jpeg") else []
    ok, buf = cv2.imencode(ext, bgr, params)
    if not ok:
        raise VideoError(path, tr("cannot encode a frame as {0}").format(ext))
    tmp = temp_path_for(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(buf.tobytes())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def extract_frames(video: str | os.PathLike[str], out_dir: str | os.PathLike[str] | None = None, *,
                   interval: int = 1, start: int = 1, end: int | None = None, ext: str = ".jpg",
                   quality: int = 95, overwrite: bool = False, progress: ProgressFn | None = None) -> ExtractResult:
    """Write every ``interval``-th frame from ``start`` to ``end`` (1-based, inclusive).

    Existing frame files are kept unless ``overwrite``. Raises VideoError when the video
    cannot be opened or yields no frame; a file that breaks off midway keeps the frames
    decoded so far and says so in ``result.warning``.
    """
    import cv2

    src = Path(video)
    if interval < 1:
        raise ValueError(tr("interval must be at least 1"))
    if start < 1:
        raise ValueError(tr("start must be at least 1 (frames are numbered from 1)"))
    if end is not None and end < start:
        raise ValueError(tr("end ({0}) is before start ({1})").format(end, start))
    ext = ext if ext.startswith(".") else "." + ext
    ext = ext.lower()
    folder = Path(out_dir) if out_dir is not None else default_frames_dir(src)
    cap = _open(src)
    try:
        info = _info(cap, src)
        last = end if end is not None else (info.frame_count or None)
        if info.frame_count and last is not None:
            last = min(last, info.frame_count)
        total = len(range(start, last + 1, interval)) if last is not None else 0
        if start > 1:
            cap.set(cv2.CAP_PROP_POS_FRAMES, start - 1)
            pos = int(cap.get(cv2.CAP_PROP_POS_FRAMES))
            if pos != start - 1:   # the container cannot seek exactly: read up to the start instead
                cap.release()
                cap = _open(src)
                for _ in range(start - 1):
                    if not cap.grab():
                        break
        folder.mkdir(parents=True, exist_ok=True)
        result = ExtractResult(folder, info)
        number = start
        decoded_any = False
        width, height = info.width, info.height
        while last is None or number <= last:
            wanted = (number - start) % interval == 0
            if not cap.grab():
                if last is not None and number <= last and info.frame_count and number <= info.frame_count - 1:
                    result.warning = (f"{src}: decoding stopped at frame {number} of {info.frame_count} "
                                      "(the file may be truncated or damaged)")
                break
            if wanted:
                target = folder / frame_name(src.stem, number, ext)
                if target.exists() and not overwrite:
                    result.existing += 1
                    decoded_any = True
                else:
                    ok, frame = cap.retrieve()
                    if not ok or frame is None:
                        result.warning = f"{src}: frame {number} could not be decoded; stopped there"
                        break
                    decoded_any = True
                    height, width = frame.shape[:2]
                    _write_frame(target, frame, ext, quality)
                    result.written.append(target)
                if progress is not None:
                    done = result.frame_count
                    if progress(done, max(total, done)) is False:
                        result.cancelled = True
                        break
            number += 1
        if not decoded_any:
            raise VideoError(src, tr("no frame could be decoded (empty or damaged video, or start beyond "
                                     "its end)"))
    finally:
        cap.release()
    if width and height and (width, height) != (info.width, info.height):
        info = VideoInfo(info.path, info.frame_count, info.fps, width, height)
        result.info = info
    write_seqinfo(folder, info, interval=interval, start=start, end=number - 1 if not result.cancelled else number,
                  count=sum(1 for _ in folder.glob(f"{glob_escape(src.stem)}_*{ext}")), ext=ext)
    return result


def glob_escape(text: str) -> str:
    import glob

    return glob.escape(text)


def write_seqinfo(folder: Path, info: VideoInfo, *, interval: int, start: int, end: int, count: int,
                  ext: str = ".jpg") -> Path:
    """MOTChallenge ``seqinfo.ini`` plus the keys needed to map frames back to the video."""
    cp = configparser.ConfigParser()
    cp.optionxform = str  # keep MOT's camelCase keys
    rate = info.fps / interval if info.fps else 0.0
    cp["Sequence"] = {
        "name": info.path.stem,
        "imDir": ".",
        "frameRate": f"{rate:g}",
        "seqLength": str(count),
        "imWidth": str(info.width),
        "imHeight": str(info.height),
        "imExt": ext,
        "sourceVideo": info.path.name,
        "sourceFrameRate": f"{info.fps:g}",
        "sourceFrameCount": str(info.frame_count),
        "frameInterval": str(interval),
        "startFrame": str(start),
        "endFrame": str(end),
        "framePattern": f"{info.path.stem}_{{:0{FRAME_DIGITS}d}}{ext}",
    }
    buf = io.StringIO()
    cp.write(buf)
    path = folder / SEQINFO_NAME
    atomic_write_text(path, buf.getvalue())
    return path


def read_seqinfo(folder: str | os.PathLike[str]) -> dict[str, str] | None:
    """The ``[Sequence]`` keys of a frames folder's ``seqinfo.ini`` (None when absent or unreadable)."""
    path = Path(folder) / SEQINFO_NAME
    if not path.is_file():
        return None
    cp = configparser.ConfigParser()
    cp.optionxform = str
    try:
        cp.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    return dict(cp["Sequence"]) if cp.has_section("Sequence") else None
