"""Model files: where a config's path points, and the download cache.

A path in a config is one of
- a URL (``https://...``): downloaded once into ``<cache>/<model name>/<file name>``;
  the cache is ``~/.anylabel/models`` unless ``ANYLABEL_MODELS_DIR`` says otherwise;
- a local path, absolute or relative to the YAML file;
- ``pkg://<python package>/<path inside it>``: a file shipped inside an installed
  package (e.g. the PP-OCR models inside ``rapidocr_onnxruntime``), found without
  importing the package.

Downloads resume a partial file with an HTTP Range request, check the sha256 when the
config gives one, can go through a mirror (``ANYLABEL_MODEL_MIRROR`` or
``set_mirror()``: a base URL that serves the same file names) and, when the network is
unreachable, fail with a message that says what to download by hand and where to put it.
"""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import logging
import os
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import unquote, urlparse

from .config import ModelConfig
from .config_paths import cache_file, package_file
from .runtime import ModelLoadError

log = logging.getLogger(__name__)

#: progress(done_bytes, total_bytes or None, file name)
ProgressCallback = Callable[[int, "int | None", str], None]

CACHE_ENV = "ANYLABEL_MODELS_DIR"
MIRROR_ENV = "ANYLABEL_MODEL_MIRROR"
#: Set to 1 to forbid downloads (offline machines, CI): missing files fail with the offline message.
NO_DOWNLOAD_ENV = "ANYLABEL_NO_DOWNLOAD"
CHUNK = 1 << 16

_mirror_setting: str | None = None
_no_download: contextvars.ContextVar[bool] = contextvars.ContextVar("anylabel_no_download", default=False)
_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


class DownloadError(ModelLoadError):
    """A model file that could not be fetched; the message says what to do instead."""


def cache_root() -> Path:
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".anylabel" / "models"


def set_mirror(base_url: str | None) -> None:
    """App setting for the mirror base URL (the environment variable wins)."""
    global _mirror_setting
    _mirror_setting = base_url or None


def mirror_base() -> str | None:
    return os.environ.get(MIRROR_ENV) or _mirror_setting


@contextlib.contextmanager
def downloads_disabled() -> Iterator[None]:
    """Within this block missing model files fail with the offline message instead of downloading."""
    token = _no_download.set(True)
    try:
        yield
    finally:
        _no_download.reset(token)


def is_url(ref: str) -> bool:
    return urlparse(ref).scheme in ("http", "https", "ftp")


def resolve_package_path(ref: str) -> Path:
    """``pkg://package/sub/file`` -> the file inside the installed package (never outside it)."""
    return package_file(ref)


def cached_path(config: ModelConfig, url: str) -> Path:
    """Where the download of ``url`` is kept: inside the cache, whatever the config says."""
    name = urlparse(url).path.rstrip("/").rsplit("/", 1)[-1] or "model.onnx"
    return cache_file(cache_root(), config.name, unquote(name), config.source)


def _lock_for(path: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(path, threading.Lock())


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def offline_message(url: str, dest: Path, reason: str, config: ModelConfig | None = None) -> str:
    where = f" (or change the path in {config.source})" if config is not None and config.source else ""
    return (f"could not download {url}: {reason}.\n"
            f"If this computer cannot reach that server, download the file by hand from\n  {url}\n"
            f"and put it at\n  {dest}\n"
            f"{where.strip() and where.strip() + chr(10)}"
            f"or set {MIRROR_ENV} to a server that has {dest.name}.")


def _fetch(url: str, part: Path, progress: ProgressCallback | None, timeout: float) -> None:
    """Download ``url`` into ``part``, resuming what is already there."""
    have = part.stat().st_size if part.exists() else 0
    req = urllib.request.Request(url, headers={"User-Agent": "anylabel"})
    if have:
        req.add_header("Range", f"bytes={have}-")
    try:
        resp = urllib.request.urlopen(req, timeout=timeout)  # noqa: S310  # URLs come from model configs
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # the part file is already complete (or longer): start over
            part.unlink()
            return _fetch(url, part, progress, timeout)
        raise
    with resp:
        if have and resp.status != 206:  # the server ignored Range: start from zero
            have = 0
        length = resp.headers.get("Content-Length")
        total = have + int(length) if length is not None else None
        done = have
        with open(part, "ab" if have else "wb") as f:
            while True:
                block = resp.read(CHUNK)
                if not block:
                    break
                f.write(block)
                done += len(block)
                if progress:
                    progress(done, total, part.name[:-5])
        if total is not None and done < total:
            raise urllib.error.URLError(f"connection closed after {done} of {total} bytes")


def download(url: str, dest: Path, sha256: str | None = None, progress: ProgressCallback | None = None,
             timeout: float = 30.0, config: ModelConfig | None = None) -> Path:
    """Fetch ``url`` to ``dest`` (via the mirror first when one is set); returns ``dest``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    sources = []
    mirror = mirror_base()
    if mirror:
        sources.append(mirror.rstrip("/") + "/" + dest.name)
    sources.append(url)
    errors: list[str] = []
    with _lock_for(dest):
        if dest.is_file():
            return dest
        for src in sources:
            try:
                _fetch(src, part, progress, timeout)
            except urllib.error.HTTPError as exc:
                errors.append(f"{src}: HTTP {exc.code} {exc.reason}")
                continue
            except (urllib.error.URLError, OSError, TimeoutError) as exc:
                reason = getattr(exc, "reason", exc)
                errors.append(f"{src}: {reason}")
                continue
            if sha256:
                got = sha256_of(part)
                if got != sha256.lower():
                    part.unlink(missing_ok=True)
                    raise DownloadError(f"{src}: checksum mismatch (sha256 {got}, the config expects "
                                        f"{sha256}); the file was deleted. Try again, or check the "
                                        f"mirror/URL{' in ' + str(config.source) if config and config.source else ''}.")
            os.replace(part, dest)
            log.info("downloaded %s -> %s", src, dest)
            return dest
    raise DownloadError(offline_message(url, dest, "; ".join(errors), config))


def resolve_model_file(config: ModelConfig, key: str = "model_path", progress: ProgressCallback | None = None,
                       allow_download: bool = True) -> Path:
    """The local file for a path key of ``config``, downloading it when it is a URL."""
    ref = getattr(config, key, None)
    where = f"{config.source}" if config.source else f"model {config.name!r}"
    if not ref:
        raise ModelLoadError(f"{where}: {key} is not set")
    ref = str(ref)
    if ref.startswith("pkg://"):
        return resolve_package_path(ref)
    if is_url(ref):
        dest = cached_path(config, ref)
        if dest.is_file():
            return dest
        if not allow_download or _no_download.get() or os.environ.get(NO_DOWNLOAD_ENV) == "1":
            raise DownloadError(offline_message(ref, dest, "downloads are disabled", config))
        return download(ref, dest, config.sha256.get(key), progress, config=config)
    p = Path(ref).expanduser()
    if not p.is_absolute():
        p = config.base_dir() / p
    if not p.is_file():
        raise ModelLoadError(f"{where}: {key} points at {p}, which does not exist")
    return p
