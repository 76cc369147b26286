"""The files the wheel and the executable ship (build_support/package_layout.py) are the
files the shipped configs and the interface need at run time."""
from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from build_support.package_layout import data_files, packaged_model_files  # noqa: E402
from build_support.targets import TARGETS  # noqa: E402

_LOCAL_REF = re.compile(r"^\s*\w*_path:\s*(\.\./fixtures/[^\s#]+)", re.M)


def _bundled() -> set[Path]:
    return {Path(src).resolve() for src, _ in data_files(REPO)}


def test_every_local_model_file_a_shipped_config_names_is_bundled():
    bundled = _bundled()
    configs = sorted((REPO / "models" / "configs").glob("*.yaml"))
    named = [(c, (c.parent / ref).resolve()) for c in configs for ref in _LOCAL_REF.findall(c.read_text())]
    assert named, "the demo configs name ../fixtures/*.onnx files"
    missing = [f"{c.name}: {path}" for c, path in named if path not in bundled]
    assert not missing, missing


def test_every_shipped_config_and_class_list_and_the_translations_are_bundled():
    bundled = _bundled()
    wanted = list((REPO / "models" / "configs").rglob("*.yaml")) + list((REPO / "models" / "configs" / "classes").glob("*.txt"))
    wanted += list((REPO / "anylabel" / "qt" / "i18n").glob("*.qm")) + [REPO / "models" / "configs" / "__init__.py"]
    wanted += list((REPO / "anylabel" / "core" / "i18n").glob("*.mo"))
    assert any(p.suffix == ".mo" for p in wanted)
    missing = [str(p) for p in wanted if p.resolve() not in bundled]
    assert not missing, missing


def test_model_files_from_other_packages_are_read_from_the_configs():
    refs = packaged_model_files(REPO)
    assert ("rapidocr_onnxruntime", "models/ch_PP-OCRv4_det_infer.onnx") in refs
    assert all(not inner.startswith("/") and ".." not in inner for _, inner in refs)


def test_every_target_names_its_folder_and_runtime():
    assert {"linux-cpu", "win-cpu", "win-gpu"} <= set(TARGETS)
    assert TARGETS["win-gpu"]["runtime"] == "onnxruntime-gpu"
    assert len({t["folder"] for t in TARGETS.values()}) == len(TARGETS)
