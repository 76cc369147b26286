"""The executables AnyLabel builds (scripts/build_executable.sh TARGET, anylabel.spec)."""
from __future__ import annotations

import os

#: Modules every build needs that PyInstaller's analysis does not find by itself.
COMMON_HIDDEN_IMPORTS = ["qtpy", "PyQt5.sip", "onnxruntime.capi._pybind_state", "shapely", "lap"]

#: Heavy optional parts that are never bundled: training runs Ultralytics in a subprocess of
#: the user's own Python, and Ray is for clusters, not a desktop build.
COMMON_EXCLUDES = ["PyQt6", "PySide2", "PySide6", "tkinter", "torch", "torchvision", "ultralytics", "ray"]

TARGETS: dict[str, dict] = {
    # name: where it builds, which ONNX Runtime wheel its venv has, output folder, console
    "linux-cpu": {"platform": "linux", "runtime": "onnxruntime", "folder": "AnyLabel-linux-cpu",
                  "console": True, "hidden_imports": COMMON_HIDDEN_IMPORTS, "excludes": COMMON_EXCLUDES},
    "win-cpu": {"platform": "win32", "runtime": "onnxruntime", "folder": "AnyLabel-win-cpu",
                "console": False, "hidden_imports": COMMON_HIDDEN_IMPORTS, "excludes": COMMON_EXCLUDES},
    # CUDA inference: the venv is made from requirements-gpu.txt (onnxruntime-gpu).
    "win-gpu": {"platform": "win32", "runtime": "onnxruntime-gpu", "folder": "AnyLabel-win-gpu",
                "console": False, "hidden_imports": COMMON_HIDDEN_IMPORTS, "excludes": COMMON_EXCLUDES},
}


def target_from_env() -> str:
    name = os.environ.get("ANYLABEL_TARGET", "")
    if name not in TARGETS:
        raise SystemExit(f"ANYLABEL_TARGET must be one of {', '.join(TARGETS)} (got {name!r}); "
                         "build with scripts/build_executable.sh TARGET")
    return name
