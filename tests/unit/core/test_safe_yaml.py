"""The one YAML loader: alias bombs, deep nesting, recursion and huge files are refused
with the tool's own error naming the file, wherever YAML is read."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import anylabel
from anylabel.core import safe_yaml
from anylabel.core.errors import AnyLabelError
from anylabel.core.safe_yaml import YamlError, load_yaml_file, load_yaml_text


def alias_bomb(levels: int = 30) -> str:
    """``&a0 [x, x]``, ``&a1 [*a0, *a0]``, ...: a few hundred bytes, 2**levels leaves."""
    lines = ["l0: &a0 [x, x]"]
    lines += [f"l{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_quickly_naming_the_file(tmp_path: Path) -> None:
    p = tmp_path / "data.yaml"
    p.write_text(alias_bomb())
    assert p.stat().st_size < 700
    with pytest.raises(YamlError) as info:  # expanding it would end in a MemoryError after a minute
        load_yaml_file(p)
    assert str(p) in str(info.value) and "aliases" in str(info.value)
    assert isinstance(info.value, AnyLabelError) and isinstance(info.value, yaml.YAMLError)


def test_small_aliases_still_work() -> None:
    data = load_yaml_text("base: &b {conf: 0.5, iou: 0.4}\nmodel:\n  <<: *b\n  conf: 0.3\nlist: [*b, *b]\n")
    assert data["model"] == {"conf": 0.3, "iou": 0.4} and data["list"] == [{"conf": 0.5, "iou": 0.4}] * 2


def test_recursive_alias_and_deep_nesting_are_refused() -> None:
    with pytest.raises(YamlError, match="recursive"):
        load_yaml_text("a: &a [1, *a]\n", "r.yaml")
    with pytest.raises(YamlError, match="nested"):
        load_yaml_text("[" * 150 + "]" * 150, "deep.yaml")
    with pytest.raises(YamlError, match="nested"):
        load_yaml_text("[" * 5000 + "]" * 5000, "deeper.yaml")  # PyYAML's own recursion


def test_big_file_is_refused_before_reading(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(safe_yaml, "MAX_BYTES", 1000)
    p = tmp_path / "big.yaml"
    p.write_text("names: [" + ", ".join(["x"] * 600) + "]\n")
    with pytest.raises(YamlError, match="big.yaml.*bytes"):
        load_yaml_file(p)


def test_syntax_error_names_file_and_position(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("a: [1, 2\nb: 3\n")
    with pytest.raises(YamlError, match=r"bad\.yaml: not valid YAML at line \d+, column \d+") as info:
        load_yaml_file(p)
    assert info.value.problem_mark is not None


def test_model_config_with_alias_bomb_is_a_config_error(tmp_path: Path) -> None:
    from anylabel.inference.config import ConfigError, load_config

    p = tmp_path / "m.yaml"
    p.write_text("type: yolov8\nname: m\nmodel_path: m.onnx\n" + alias_bomb().replace("l0:", "x0:"))
    with pytest.raises(ConfigError, match="aliases"):
        load_config(p, extra_keys=())


def test_dataset_pose_config_and_tracker_settings_with_alias_bomb(tmp_path: Path) -> None:
    from anylabel.cli.cmd_track import load_tracker_settings
    from anylabel.formats.base import FormatError
    from anylabel.formats.driver import load_pose_config

    p = tmp_path / "pose.yaml"
    p.write_text(alias_bomb())
    with pytest.raises(FormatError, match="aliases"):
        load_pose_config(p)
    with pytest.raises(AnyLabelError, match="aliases"):
        load_tracker_settings(str(p))


def test_settings_file_with_alias_bomb_falls_back_to_defaults(tmp_path: Path) -> None:
    from anylabel.core.settings import Settings

    p = tmp_path / "rc"
    p.write_text(alias_bomb())
    s = Settings(p)
    assert s.load_error and "aliases" in s.load_error and str(p) in s.load_error


def test_no_other_yaml_loader_in_the_package() -> None:
    """Every YAML read goes through anylabel.core.safe_yaml."""
    root = Path(anylabel.__file__).parent
    pattern = re.compile(r"\byaml\.(safe_load|load|full_load|unsafe_load|load_all|safe_load_all|"
                         r"compose|compose_all|parse|SafeLoader|Loader|FullLoader|UnsafeLoader|CSafeLoader)\b")
    offenders = []
    for py in sorted(root.rglob("*.py")):
        if py.name == "safe_yaml.py" and py.parent.name == "core":
            continue
        for n, line in enumerate(py.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{py.relative_to(root)}:{n}: {line.strip()}")
    assert offenders == []
