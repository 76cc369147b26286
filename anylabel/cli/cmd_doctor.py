"""``anylabel doctor``: what this installation runs on, for bug reports and setup checks.

Prints Python, Qt, ONNX Runtime (and which of its builds is installed: onnxruntime,
-gpu, -openvino, -directml replace each other) and the execution providers that *really* load
(each one the runtime lists is tried on a small shipped model: a CUDA provider whose libraries
are missing is listed by ONNX Runtime but falls back to CPU), then each device a user can ask
for (``--device``, a config's ``device:``) with why it would run on CPU, the devices the
model configs ask for, Ray, and the model cache with its size. Exit code 0 when the app and inference can run, 1 when something they need is
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


#: The onnxruntime builds on PyPI; each installs the same ``onnxruntime`` module.
RUNTIME_BUILDS = ("onnxruntime", "onnxruntime-gpu", "onnxruntime-openvino", "onnxruntime-directml")


def runtime_builds() -> list[str]:
    """``name version`` of each onnxruntime build installed in this environment."""
    from importlib import metadata

    found = []
    for name in RUNTIME_BUILDS:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    return found


def device_rows(model: Path | None, listed: list[str]) -> list[tuple[str, str]]:
    """One row per device a user may ask for: where a session on it really runs, or why CPU."""
    from ..inference.providers import DEVICE_PROVIDERS, fallback_reason
    from ..inference.runtime import ModelLoadError, OnnxModel

    rows = []
    for device, chain in DEVICE_PROVIDERS.items():
        if not chain:
            continue
        if model is None or chain[0] not in listed:
            reason = f"runs on CPU: {fallback_reason(chain[0], listed)}" if chain[0] not in listed \
                else "listed (not probed)"
            rows.append(("  device", f"{device}: {reason}"))
            continue
        try:
            session = OnnxModel(model, device=device)  # type: ignore[arg-type]
        except ModelLoadError as exc:
            rows.append(("  device", f"{device}: not checked ({exc})"))
            continue
        state = f"runs on CPU: {session.fallback_reason}" if session.fallback_reason else \
            f"loads ({session.session.get_providers()[0]})"
        rows.append(("  device", f"{device}: {state}"))
    return rows


def configured_device_rows(listed: list[str]) -> list[tuple[str, str]]:
    """Model configs (shipped and the user's) that ask for a device this runtime lacks."""
    from ..inference.config import shipped_configs
    from ..inference.providers import DEVICE_PROVIDERS, fallback_reason

    configs, _errors = shipped_configs()
    rows = []
    for cfg in configs:
        chain = DEVICE_PROVIDERS.get(cfg.device or "auto", ())
        if chain and not any(p in listed for p in chain):
            rows.append(("  configured", f"{cfg.name} asks for device {cfg.device}: runs on CPU: "
                         f"{fallback_reason(chain[0], listed)}"))
    return rows


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
        builds = runtime_builds()
        rows.append(("ONNX Runtime", f"{ort.__version__} ({', '.join(builds) or 'build unknown'})"))
        if len(builds) > 1:
            rows.append(("", "more than one onnxruntime build is installed: they overwrite each other's "
                         "files; uninstall all, then install the one you need"))
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
        rows.extend(device_rows(model, listed))
        rows.extend(configured_device_rows(listed))
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
