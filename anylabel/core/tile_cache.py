"""The on-disk cache of image pyramids for huge images (see ``tiled_image.py``).

A 20000 x 20000 PNG cannot be read at an arbitrary place: it is decoded once, as a
stream, into plain row-major level files here, which can be read anywhere. An entry is
keyed by the image's resolved path, modification time and size, so a changed image is
decoded again and never shown stale. The cache is bounded (``ANYLABEL_TILE_CACHE_GB``,
10 GB by default); the least recently opened entries are removed to make room. It lives
in ``ANYLABEL_TILE_CACHE_DIR`` or the user's cache folder (``$XDG_CACHE_HOME/anylabel/tiles``,
``~/.cache/anylabel/tiles``). Entries are built in a ``.partial`` folder of their own and
renamed when complete, so a killed build never leaves an entry that looks finished.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import time
from pathlib import Path

from .errors import AnyLabelError
from .i18n import tr

DIR_ENV = "ANYLABEL_TILE_CACHE_DIR"
LIMIT_ENV = "ANYLABEL_TILE_CACHE_GB"
DEFAULT_LIMIT_GB = 10.0
#: Bumped when the layout of an entry changes: older entries are then never read.
FORMAT_VERSION = 1


#: Numbers the builds of this process (their ``.partial`` folders).
_BUILDS = itertools.count()


class TileCacheError(AnyLabelError):
    """The cache cannot hold an image's pyramid (too small a bound, unwritable folder)."""


def cache_root() -> Path:
    raw = os.environ.get(DIR_ENV)
    if raw:
        return Path(raw)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "anylabel" / "tiles"


def cache_limit_bytes() -> int:
    raw = os.environ.get(LIMIT_ENV)
    try:
        gb = float(raw) if raw else DEFAULT_LIMIT_GB
    except ValueError:
        gb = DEFAULT_LIMIT_GB
    return int(max(gb, 0.0) * 2**30)


def entry_key(path: str | os.PathLike[str]) -> str:
    """Resolved path + mtime + size (+ the entry format): a changed file gets a new key."""
    p = Path(path).resolve()
    st = p.stat()
    raw = f"{FORMAT_VERSION}\0{p}\0{st.st_mtime_ns}\0{st.st_size}"
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _entry_bytes(folder: Path) -> int:
    try:
        return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
    except OSError:
        return 0


class TileCache:
    """Complete entries are ``<root>/<key>/`` with ``meta.json``; builds go to ``<key>.partial``."""

    def __init__(self, root: Path | None = None, limit_bytes: int | None = None) -> None:
        self.root = root if root is not None else cache_root()
        self.limit = cache_limit_bytes() if limit_bytes is None else int(limit_bytes)

    def complete(self, key: str) -> Path | None:
        """The folder of a finished entry, marked as just used; None when there is none."""
        folder = self.root / key
        meta = folder / "meta.json"
        if not meta.is_file():
            return None
        try:
            os.utime(meta)  # least recently *opened* entries go first
        except OSError:
            pass
        return folder

    def read_meta(self, folder: Path) -> dict:
        return json.loads((folder / "meta.json").read_text(encoding="utf-8"))

    def begin(self, key: str, needed_bytes: int, image: str) -> Path:
        """A fresh ``.partial`` folder for a build needing ``needed_bytes``; older entries are
        removed to make room. TileCacheError when the bound cannot hold it at all."""
        if needed_bytes > self.limit:
            raise TileCacheError(
                tr("{0}: its image pyramid needs {1:.1f} GB of cache, more than the {2:.1f} "
                   "GB allowed; set {3} to a larger number of GB (the cache is in {4})").format(
                    image, needed_bytes / 2**30, self.limit / 2**30, LIMIT_ENV, self.root))
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.make_room(needed_bytes, keep=key)
            # One folder per build: the canvas and a model run may build the same image at once.
            partial = self.root / f"{key}.{next(_BUILDS)}.partial.{os.getpid()}"
            shutil.rmtree(partial, ignore_errors=True)
            partial.mkdir()
        except OSError as exc:
            raise TileCacheError(tr("{0}: the tile cache {1} cannot be written ({2})").format(
                image, self.root, exc.strerror or exc)) from None
        return partial

    def finish(self, partial: Path, key: str, meta: dict) -> Path:
        """Write ``meta.json`` and move the build into place (atomic rename). When another build
        of the same file finished first, that entry (the same pixels: same key) is kept, since
        its levels may be open, and this one is dropped."""
        final = self.root / key
        if (final / "meta.json").is_file():
            self.discard(partial)
            return final
        (partial / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        if final.exists():
            shutil.rmtree(final, ignore_errors=True)
        os.replace(partial, final)
        return final

    def discard(self, partial: Path) -> None:
        shutil.rmtree(partial, ignore_errors=True)

    def entries(self) -> list[tuple[float, int, Path]]:
        """(last opened, bytes, folder) of every entry, oldest first; stale partial builds too."""
        out = []
        if not self.root.is_dir():
            return out
        now = time.time()
        for folder in self.root.iterdir():
            if not folder.is_dir():
                continue
            meta = folder / "meta.json"
            try:
                used = meta.stat().st_mtime if meta.exists() else folder.stat().st_mtime
            except OSError:
                continue
            if ".partial." in folder.name:
                pid = folder.name.rsplit(".", 1)[-1]
                if pid.isdigit() and _alive(int(pid)) and now - used < 24 * 3600:
                    continue  # another process is building it now
                used = 0.0  # an abandoned build goes first
            out.append((used, _entry_bytes(folder), folder))
        return sorted(out)

    def make_room(self, needed_bytes: int, keep: str = "") -> None:
        entries = [e for e in self.entries() if e[2].name != keep]
        total = sum(b for _, b, _ in entries)
        for _, size, folder in entries:
            if total + needed_bytes <= self.limit:
                break
            shutil.rmtree(folder, ignore_errors=True)
            total -= size


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
