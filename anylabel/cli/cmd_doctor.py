"""``anylabel doctor``: what this installation runs on, for bug reports and setup checks.

Prints Python, Qt, ONNX Runtime and the execution providers that *really* load (each one
the runtime lists is tried on a small shipped model: a CUDA provider whose libraries are
missing is listed by ONNX Runtime but falls back to CPU), Ray, and the model cache with
its size. Exit code 0 when the app and inference can run, 1 when something they need is
missing.
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import warnings
from pathlib import Path

NAME = "doctor"
HELP = "show Python, Qt, ONNX Runtime (and the providers that really load), Ray and the model cache"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-probe", action="store_true",
                   help="only list providers, do not try to start a session on each")
    # The child process of qt_line in an executable build, which has no ``python -c``.
    p.add_argument("--qt-probe", action="store_true", help=argparse.SUPPRESS)


#: Run by the child process only: the parent, like every CLI command, never loads Qt.
QT_PROBE = "from PyQt5.QtCore import PYQT_VERSION_STR as p, QT_VERSION_STR as q; print(q, p)"


def qt_probe_command() -> list[str]:
    """How to start the Qt check: ``python -c``, or in an executable build (where
    ``sys.executable`` is AnyLabel itself) the hidden ``doctor --qt-probe``."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "doctor", "--qt-probe"]
    return [sys.executable, "-c", QT_PROBE]


def qt_line() -> tuple[str, bool]:
    """The app's Qt binding, loaded in a child process: that proves it really loads (its
    shared libraries are there) while this process, like every CLI command, stays Qt-free."""
    try:
        run = subprocess.run(qt_probe_command(), capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"not checked ({exc})", False
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["no output"])[-1]
        return f"not available ({last}): the desktop app cannot start; the CLI works", False
    qt, pyqt = run.stdout.split()
    return f"Qt {qt}, PyQt5 {pyqt}", True


def probe_model() -> Path | None:
    """A small shipped ONNX model to start sessions on (the demo classifier)."""
    from ..inference.config import shipped_config_dir

    path = shipped_config_dir().parent / "fixtures" / "shapes_cls.onnx"
    return path if path.is_file() else None


def probe_provider(model: Path, provider: str) -> str | None:
    """None when a session on ``provider`` starts and keeps it; else why not."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    chain = [provider] if provider == "CPUExecutionProvider" else [provider, "CPUExecutionProvider"]
    try:
        with warnings.catch_warnings():  # the outcome is reported below, in one line
            warnings.simplefilter("ignore")
            session = ort.InferenceSession(str(model), opts, providers=chain)
    except Exception as exc:  # noqa: BLE001  # each provider fails in its own way
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    if provider not in session.get_providers():
        return "listed, but the session fell back to CPU (missing libraries or no device)"
    return None


def folder_size(root: Path) -> tuple[int, int]:
    files = total = 0
    for dirpath, _dirs, names in os.walk(root):
        for n in names:
            try:
                total += (Path(dirpath) / n).stat().st_size
                files += 1
            except OSError:
                pass
    return files, total


def run(args: argparse.Namespace) -> int:
    if args.qt_probe:
        exec(QT_PROBE, {})  # noqa: S102 - a constant of this module, in the child process only
        return 0
    from .. import __version__
    from ..inference.download import CACHE_ENV, cache_root

    ok = True
    rows: list[tuple[str, str]] = [
        ("AnyLabel", __version__),
        ("Python", f"{platform.python_version()} ({sys.executable})"),
        ("Platform", f"{platform.platform()}, {os.cpu_count()} CPUs"),
    ]
    qt, qt_ok = qt_line()
    rows.append(("Qt", qt))
    try:
        import onnxruntime as ort
    except ImportError as exc:
        rows.append(("ONNX Runtime", f"not installed ({exc}): pip install onnxruntime"))
        ok = False
        ort = None
    if ort is not None:
        rows.append(("ONNX Runtime", ort.__version__))
        listed = list(ort.get_available_providers())
        model = None if args.no_probe else probe_model()
        for provider in listed:
            if args.no_probe:
                state = "listed (not probed)"
            elif model is None:
                state = "listed (no shipped model to probe with)"
            else:
                why = probe_provider(model, provider)
                state = "loads" if why is None else f"does not load: {why}"
            rows.append(("  provider", f"{provider}: {state}"))
    try:
        import ray

        rows.append(("Ray", f"{ray.__version__} (anylabel predict --engine ray)"))
    except ImportError:
        rows.append(("Ray", "not installed (optional: pip install anylabel[ray] for --engine ray)"))
    cache = cache_root()
    if cache.is_dir():
        files, size = folder_size(cache)
        rows.append(("Model cache", f"{cache}: {files} files, {size / 1e6:.1f} MB"))
    else:
        rows.append(("Model cache", f"{cache}: empty (not created yet)"))
    if os.environ.get(CACHE_ENV):
        rows.append(("", f"(from {CACHE_ENV})"))
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    return 0 if ok else 1
