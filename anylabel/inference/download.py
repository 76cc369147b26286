"""Model files: where a config's path points, and the download cache.

A path in a config is one of
- a URL (``https://...``): downloaded once into ``<cache>/<model name>/<file name>``;
  the cache is ``~/.anylabel/models`` unless ``ANYLABEL_MODELS_DIR`` says otherwise;
- a local path, absolute or relative to the YAML file;
- ``pkg://<python package>/<path inside it>``: a file shipped inside an installed
  package (e.g. the PP-OCR models inside ``rapidocr_onnxruntime``), found without
  importing the package.

Downloads resume a partial file with an HTTP Range request, can go through a mirror
(``ANYLABEL_MODEL_MIRROR`` or ``set_mirror()``: a base URL that serves the same file
names) and, when the network is unreachable, fail with a message that says what to
download by hand and where to put it.

Nothing is kept unchecked, whichever source sent it: a download must be a model file
(an HTML error page is not: see ``download_checks``) and have the config's sha256 when it
gives one; the hash of what was kept is pinned beside it (``<file>.pin``). A cached file
is verified again (once per process) before use: against the config's sha256 (a wrong or
broken file is deleted and downloaded again) or else against its pin (a file changed
since its download is refused, with what to do). Where a download lands is confined to
the cache (``config_paths.cache_file``).
"""
from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import unquote, urlparse

from ..core.i18n import tr
from .config import ModelConfig
from .config_paths import cache_file, package_file
from .download_checks import Pin, model_file_problem, sha256_of
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
#: Cached files verified in this process: path -> (size, mtime_ns) when verified.
_verified: dict[Path, tuple[int, int]] = {}


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


def offline_message(url: str, dest: Path, reason: str, config: ModelConfig | None = None) -> str:
    text = tr("could not download {0}: {1}.\nIf this computer cannot reach that server, download the file by "
              "hand from\n  {0}\nand put it at\n  {2}\n").format(url, reason, dest)
    if config is not None and config.source:
        text += tr("(or change the path in {0})").format(config.source) + "\n"
    return text + tr("or set {0} to a server that has {1}.").format(MIRROR_ENV, dest.name)


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
            raise urllib.error.URLError(tr("connection closed after {0} of {1} bytes").format(done, total))


def download(url: str, dest: Path, sha256: str | None = None, progress: ProgressCallback | None = None,
             timeout: float = 30.0, config: ModelConfig | None = None) -> Path:
    """Fetch ``url`` to ``dest`` (via the mirror first when one is set); returns ``dest``.

    A file is kept only when it is a model (``model_file_problem``) and, when ``sha256`` is
    given, has that hash, whichever source sent it; a bad file is deleted and the next
    source tried. The kept file's hash is pinned beside it (``Pin``)."""
    with _lock_for(dest):
        if dest.is_file():
            return dest
        return _download(url, dest, sha256, progress, timeout, config)


def _download(url: str, dest: Path, sha256: str | None, progress: ProgressCallback | None,
              timeout: float, config: ModelConfig | None) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    sources = []
    mirror = mirror_base()
    if mirror:
        sources.append(mirror.rstrip("/") + "/" + dest.name)
    sources.append(url)
    errors: list[str] = []
    bad_files: list[str] = []
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
        problem = model_file_problem(part, dest.name)
        got = sha256_of(part)
        if problem is None and sha256 and got != sha256.lower():
            problem = tr("checksum mismatch (sha256 {0}, the config expects {1})").format(got, sha256.lower())
        if problem is not None:
            part.unlink(missing_ok=True)
            bad_files.append(f"{src}: {problem}")
            continue
        os.replace(part, dest)
        Pin(got, dest.stat().st_size, src).write(dest)
        _verified[dest] = _stamp(dest)
        log.info("downloaded %s -> %s (sha256 %s)", src, dest, got)
        return dest
    if bad_files:
        problems = "; ".join(bad_files + errors)
        if config is not None and config.source:
            raise DownloadError(tr("could not download a good {0}: {1}. The bad download was deleted. Try "
                                   "again, "
                                   "or check the mirror/URL in {2}.").format(dest.name, problems, config.source))
        raise DownloadError(tr("could not download a good {0}: {1}. The bad download was deleted. Try again, "
                               "or check the mirror/URL.").format(dest.name, problems))
    raise DownloadError(offline_message(url, dest, "; ".join(errors), config))


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def check_cached(dest: Path, sha256: str | None) -> str | None:
    """Verify a file already in the cache; None when it is good, else why it is not and
    must be downloaded again. A file that differs from its pin raises DownloadError: it
    was changed after the download, and only the user can say whether on purpose.

    Hashing a 2.5 GB SAM encoder takes seconds, so a file is hashed once per process
    (again only when its size or time stamp changes)."""
    if _verified.get(dest) == _stamp(dest):
        return None
    problem = model_file_problem(dest)
    if problem is not None:
        return problem
    got = sha256_of(dest)
    if sha256 and got != sha256.lower():
        return tr("checksum mismatch (sha256 {0}, the config expects {1})").format(got, sha256.lower())
    pin = Pin.read(dest)
    if pin is not None and not sha256 and pin.sha256 != got:
        raise DownloadError(
            tr("{0}: the file differs from the one downloaded (sha256 {1}, pinned {2} in {3}). "
               "If you replaced it on purpose, delete {4}; otherwise delete {5} to download it "
               "again.").format(dest, got, pin.sha256, Pin.path_for(dest), Pin.path_for(dest).name, dest.name))
    if pin is None or pin.sha256 != got:  # first sight (put there by hand), or a config hash now known
        Pin(got, dest.stat().st_size, pin.url if pin else "").write(dest)
    _verified[dest] = _stamp(dest)
    return None


def _downloads_allowed(allow_download: bool) -> bool:
    return allow_download and not _no_download.get() and os.environ.get(NO_DOWNLOAD_ENV) != "1"


def resolve_model_file(config: ModelConfig, key: str = "model_path", progress: ProgressCallback | None = None,
                       allow_download: bool = True) -> Path:
    """The local file for a path key of ``config``, downloading it when it is a URL."""
    ref = getattr(config, key, None)
    where = f"{config.source}" if config.source else tr("model {0!r}").format(config.name)
    if not ref:
        raise ModelLoadError(tr("{0}: {1} is not set").format(where, key))
    ref = str(ref)
    if ref.startswith("pkg://"):
        return resolve_package_path(ref)
    if is_url(ref):
        dest = cached_path(config, ref)
        expected = config.sha256.get(key)
        with _lock_for(dest):
            reason = tr("downloads are disabled")
            if dest.is_file():
                problem = check_cached(dest, expected)
                if problem is None:
                    return dest
                log.warning("%s: %s; deleted, to be downloaded again", dest, problem)
                dest.unlink()
                Pin.path_for(dest).unlink(missing_ok=True)
                reason = tr("the cached {0} was deleted ({1}) and downloads are disabled").format(
                    dest.name, problem)
            if not _downloads_allowed(allow_download):
                raise DownloadError(offline_message(ref, dest, reason, config))
            return _download(ref, dest, expected, progress, 30.0, config)
    p = Path(ref).expanduser()
    if not p.is_absolute():
        p = config.base_dir() / p
    if not p.is_file():
        raise ModelLoadError(tr("{0}: {1} points at {2}, which does not exist").format(where, key, p))
    return p
