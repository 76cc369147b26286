"""Fuzzing the model-config reader (``anylabel.inference.config.load_config``): shipped
configs with values replaced, keys dropped, aliases, tags, deep nesting, bad UTF-8,
truncation, paths that leave the config folder.

Properties: only the tool's own error (ConfigError, YamlError) escapes; the config folder
keeps its bytes and nothing is written anywhere in the sandbox.
"""
from __future__ import annotations

import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest
import yaml
from hypothesis import strategies as st

from anylabel.inference.config import ConfigError, load_config

from fuzzkit import NASTY_STRINGS, Problems, damaged_bytes, escaped, fuzz_pair, guarded, mutated_json, patch, report, sandbox, snapshot
from test_fuzz_imports import YAML_ATTACKS

CONFIGS = Path(__file__).resolve().parents[2] / "models" / "configs"
SAMPLES = ("fixture_shapes_det.yaml", "fixture_shapes_pose.yaml", "mobile_sam.yaml")


@lru_cache(maxsize=None)
def _template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="anylabel-fuzz-configs-"))
    for name in SAMPLES:
        shutil.copy(CONFIGS / name, folder / name)
    return folder


def _doc(name: str) -> dict:
    return yaml.safe_load((CONFIGS / name).read_text(encoding="utf-8"))


PATHS = ["../../x", "/etc/passwd", "pkg://numpy/../../..", "pkg://../x", "~/.ssh/id_rsa", "a\x00b", "\ud800"]


def _cases() -> st.SearchStrategy:
    per_file = []
    for name in SAMPLES:
        doc = _doc(name)
        targeted = [patch((k,), st.sampled_from(PATHS + NASTY_STRINGS)) for k in ("name", "model_path", "classes", "encoder_model_path")]
        targeted += [patch((k,), st.sampled_from([1e308, float("nan"), -1, 10**25, "x", [], {}])) for k in ("conf_threshold", "iou_threshold", "input_width", "max_det")]  # fmt: skip
        # JSON is a flow-style YAML document: the mutated mapping is written as JSON.
        per_file.append(st.tuples(st.just(name), mutated_json(doc, targeted=targeted)))
        text = (CONFIGS / name).read_bytes()
        per_file.append(st.tuples(st.just(name), damaged_bytes(text)))
        per_file.append(st.tuples(st.just(name), st.sampled_from(YAML_ATTACKS).map(lambda t, text=text: text + t.encode())))
    return st.one_of(*per_file)


def _load_one(case: tuple[str, bytes]) -> None:
    name, data = case
    problems = Problems()
    with sandbox(_template()) as box:
        (box / name).write_bytes(data)
        before = snapshot(box)
        guarded(problems, "load_config", lambda: load_config(box / name))
        problems.compare(before, snapshot(box), allowed_new=lambda rel: False)
        problems.extend(escaped(box))
    report("model YAML", problems)


test_load_config, test_load_config_deep = fuzz_pair(st.deferred(_cases), _load_one)


def test_a_config_that_is_not_utf8_is_named_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"type: yolov8\nname: \xff\n")
    try:
        load_config(path)
    except ConfigError as exc:
        assert str(exc).startswith(f"{path}: not UTF-8 text")
    else:
        raise AssertionError("a config with bad UTF-8 was accepted")


def test_a_yaml_syntax_error_names_the_file_once(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("type: yolov8\nname: [x\n", encoding="utf-8")
    try:
        load_config(path)
    except ConfigError as exc:
        assert str(exc).count("bad.yaml") == 1, str(exc)
        assert "not valid YAML at line" in str(exc)
    else:
        raise AssertionError("a broken YAML was accepted")


@pytest.mark.parametrize("skeleton", ["[5]", "[[1, [2]]]", "[[1, 2, 3]]", "5", "[[a, b]]"])
def test_a_skeleton_that_is_not_index_pairs_is_named(tmp_path: Path, skeleton: str) -> None:
    path = tmp_path / "pose.yaml"
    text = (CONFIGS / "fixture_shapes_pose.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("skeleton: [[0, 1], [1, 2], [2, 0]]", f"skeleton: {skeleton}"), encoding="utf-8")
    with pytest.raises(ConfigError, match="skeleton: expected a list of"):
        load_config(path)


def test_a_class_list_name_too_long_for_the_file_system_is_no_class_list(tmp_path: Path) -> None:
    path = tmp_path / "det.yaml"
    text = (CONFIGS / "fixture_shapes_det.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    doc["classes"] = "x" * 5000  # a file name over NAME_MAX: stat() raises ENAMETOOLONG
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(ConfigError, match="classes: no class list named"):
        load_config(path)


@pytest.mark.parametrize("value", ["1" * 5000, "2024-13-45"])
def test_a_scalar_yaml_cannot_build_is_named(tmp_path: Path, value: str) -> None:
    path = tmp_path / "det.yaml"
    text = (CONFIGS / "fixture_shapes_det.yaml").read_text(encoding="utf-8")
    path.write_text(text + f"\nmax_det: {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="a value cannot be read"):
        load_config(path)  # was a ValueError traceback from PyYAML's constructor
