"""Atomic file writes: a failed or interrupted save leaves the old file intact.

Every temp file this tool writes is named by ``temp_path_for``:
``.<target name>.<pid of the writer>.<8 random characters>.tmp`` beside the target. A
process killed between writing and renaming leaves one behind (an export's can be
megabytes), so the first write into a folder (and ``scan_folder``) in a process removes
the stale ones there (``remove_stale_temp_files``): a temp file of this tool's pattern
whose writer is no longer running, or that is older than a day. Temp files of live
writers (another AnyLabel saving there now) are left alone.
"""
from __future__ import annotations

import errno
import os
import re
import secrets
import stat
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterable


def _read_umask() -> int:
    # os.umask can only be read by setting it; do that once, at import, because the umask
    # is process-wide and changing it while other threads create files would be a race.
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()

#: ``.<target>.<pid>.<random>.tmp``; also ``.<target>.<pid>.tmp`` written by earlier versions.
_TEMP_NAME = re.compile(r"^\.(?P<target>.+)\.(?P<pid>\d+)(?:\.[a-z0-9_]{8})?\.tmp$")
#: A temp file whose writer still runs is removed only after this long (its pid was reused).
STALE_AFTER_S = 24 * 3600
#: A temp file of a writer that has gone is removed once it is this old: a writer on another
#: computer sharing the folder (whose pid means nothing here) is given time to finish.
DEAD_WRITER_GRACE_S = 2.0

_cleaned: set[str] = set()
_cleaned_guard = threading.Lock()


def temp_path_for(target: Path) -> Path:
    """A fresh temp name beside ``target`` (first use of a folder cleans stale ones there)."""
    clean_folder_once(target.parent)
    return target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"


def _writer_running(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would end the process there: keep the file (age rule only)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    except OSError:
        return True  # cannot tell (e.g. Windows before the process check): keep the file
    return True


def remove_stale_temp_files(folder: str | os.PathLike[str], now: float | None = None,
                            names: "Iterable[str] | None" = None) -> list[Path]:
    """Remove this tool's temp files in ``folder`` whose writer is gone; returns them.

    ``names``: the folder's entry names when the caller has just listed it (a folder index
    of a million files), so the folder is not listed a second time."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    me = os.getpid()
    try:
        entries = list(os.scandir(folder)) if names is None else [n for n in names if _TEMP_NAME.match(n)]
    except OSError:
        return removed
    for entry in entries:
        name = entry if isinstance(entry, str) else entry.name
        m = _TEMP_NAME.match(name)
        if m is None:
            continue
        path = os.path.join(folder, name)
        try:
            st = os.lstat(path) if isinstance(entry, str) else entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode):
                continue
            age = now - st.st_mtime
        except OSError:
            continue
        pid = int(m["pid"])
        if age >= STALE_AFTER_S:
            stale = True
        elif pid == me:
            stale = False  # another thread of this process may be writing it now
        else:
            stale = age >= DEAD_WRITER_GRACE_S and not _writer_running(pid)
        if stale:
            try:
                os.unlink(path)
                removed.append(Path(path))
            except OSError as exc:
                if exc.errno not in (errno.ENOENT, errno.EACCES, errno.EPERM):
                    raise
    return removed


def clean_folder_once(folder: str | os.PathLike[str], names: "Iterable[str] | None" = None) -> None:
    """``remove_stale_temp_files`` the first time this process writes into or opens ``folder``
    (``names``: its entries, when just listed)."""
    key = os.path.abspath(folder)
    with _cleaned_guard:
        if key in _cleaned:
            return
        _cleaned.add(key)
    remove_stale_temp_files(key, names=names)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to a temp file in the same folder, fsync it, then replace ``path``."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_folder_once(target.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            # Keep the permissions the user gave the file.
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(target.parent)


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    atomic_write_bytes(path, text.encode(encoding))


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable; not possible on every platform (e.g. Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ------------------------------------------------------------------ batched saves
# The steps of ``atomic_write_bytes`` one by one, for a caller that saves thousands of files
# and batches the durability work (``anylabel.core.bulk.AtomicBatch``): write every temp
# file, fsync them together, replace the targets, fsync each folder once
# (``docs/adr/0014-import-durability.md``).


def write_temp_beside(target: str | os.PathLike[str], data: bytes) -> Path:
    """Step 1: ``data`` in a fresh temp file beside ``target`` (``temp_path_for``), with the
    permissions the target has (or a new file would get); not fsynced, ``target`` untouched."""
    target = Path(target)
    tmp = temp_path_for(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(tmp, flags, 0o666)
    except FileNotFoundError:  # the folder is made only when missing: one system call less per file
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, flags, 0o666)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        try:
            mode = os.stat(target).st_mode & 0o7777
        except FileNotFoundError:
            mode = None  # created with 0o666 minus the umask, as a new file should be
        if mode is not None and mode != 0o666 & ~_UMASK:
            os.chmod(tmp, mode)  # keep the permissions the user gave the file
    except BaseException:
        discard_temp(tmp)
        raise
    return tmp


def fsync_path(path: str | os.PathLike[str]) -> None:
    """Step 2: the file's bytes on disk (raises OSError, e.g. EIO, when they cannot be)."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))  # Windows syncs writable handles only
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: str | os.PathLike[str]) -> None:
    """Step 4: make the renames in ``folder`` durable (a no-op where folders cannot be synced)."""
    _fsync_dir(Path(folder))


def discard_temp(tmp: str | os.PathLike[str]) -> None:
    """Remove a temp file that will not be committed (already gone is fine)."""
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
