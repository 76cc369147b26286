"""Writing contract-fixture ONNX models: one checked save loop and one command line for the
fixture builders (build_*_fixtures.py), which differ only in the graphs they build."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Callable, Mapping


def save_models(out_dir: Path, makers: Mapping[str, Callable[[], Any]]) -> dict[str, Path]:
    """Build each model, check it with the ONNX checker (a fixture that does not load is
    no contract) and save it as ``out_dir / name``; returns name -> path."""
    import onnx

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, make in makers.items():
        model = make()
        onnx.checker.check_model(model)
        paths[name] = out_dir / name
        onnx.save(model, str(paths[name]))
    return paths


def run_cli(doc: str, write_all: Callable[[Path], Mapping[str, Path]]) -> None:
    """``python build_X_fixtures.py OUT_DIR``: write the fixtures, print their paths."""
    ap = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    for p in write_all(ap.parse_args().out_dir).values():
        print(p)
