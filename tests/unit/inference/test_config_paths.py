"""Paths in a model config stay in their box: downloads in the model cache, class lists in
the config's folder / the shipped configs / the user's config folder, pkg:// in its package."""
from __future__ import annotations

from pathlib import Path

import pytest

from anylabel.inference import download
from anylabel.inference.config import ConfigError, config_from_dict, load_config, shipped_configs
from anylabel.inference.config_paths import USER_CONFIGS_ENV, cache_file, is_plain_name, package_file
from anylabel.inference.download import cached_path, resolve_model_file
from anylabel.inference.runtime import ModelLoadError


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(download.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv(USER_CONFIGS_ENV, str(tmp_path / "user-configs"))
    return tmp_path / "cache"


def cfg(source: Path, **kw):
    return config_from_dict({"type": "yolov8", "name": "demo", **kw}, source, extra_keys=())


@pytest.mark.parametrize("name", ["../../x", "/tmp/evil", "a/b", "..", "a\\..\\b", "C:evil"])
def test_model_name_cannot_lead_the_download_out_of_the_cache(tmp_path, cache, name) -> None:
    c = cfg(tmp_path / "m.yaml", model_path="http://127.0.0.1:9/m/model.onnx")
    c.name = name
    with pytest.raises(ConfigError, match="name:") as info:
        cached_path(c, "http://127.0.0.1:9/m/model.onnx")
    assert str(tmp_path / "m.yaml") in str(info.value)
    with pytest.raises(ConfigError):  # and no download is attempted
        resolve_model_file(c)
    assert not any(tmp_path.rglob("model.onnx*"))


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/a/..", "http://127.0.0.1:9/a/%2e%2e",
                                 "http://127.0.0.1:9/a/..%2F..%2Fx.onnx"])
def test_url_file_name_cannot_leave_the_model_folder(tmp_path, url) -> None:
    c = cfg(tmp_path / "m.yaml", model_path=url)
    with pytest.raises(ConfigError, match="not a plain file name"):
        cached_path(c, url)


def test_a_link_inside_the_cache_that_points_out_is_refused(tmp_path, cache) -> None:
    cache.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (cache / "demo").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ConfigError, match="outside the model cache"):
        cache_file(cache, "demo", "model.onnx", None)


def test_plain_names_of_real_configs_pass() -> None:
    configs, errors = shipped_configs()
    assert configs and not errors
    assert all(is_plain_name(c.name) for c in configs)
    for c in configs:
        for key in ("model_path", "encoder_model_path", "decoder_model_path"):
            ref = getattr(c, key, None)
            if ref and download.is_url(ref):
                assert cached_path(c, ref).parent.name == c.name


def test_classes_cannot_read_any_file(tmp_path) -> None:
    with pytest.raises(ConfigError, match="outside the folders") as info:
        cfg(tmp_path / "m.yaml", classes="/etc/passwd")
    assert "/etc/passwd" in str(info.value) and "root:" not in str(info.value)
    (tmp_path / "sub").mkdir()
    with pytest.raises(ConfigError, match="outside the folders"):
        cfg(tmp_path / "sub" / "m.yaml", classes="../../../../../../etc/passwd")
    (tmp_path / "leak.txt").symlink_to("/etc/passwd")
    with pytest.raises(ConfigError, match="outside the folders"):
        cfg(tmp_path / "m.yaml", classes="leak.txt")


def test_classes_from_the_allowed_folders(tmp_path) -> None:
    (tmp_path / "mine.txt").write_text("cat\n\ndog\n")
    assert cfg(tmp_path / "m.yaml", classes="mine.txt").classes == ["cat", "dog"]
    assert len(cfg(tmp_path / "m.yaml", classes="coco80").classes) == 80  # shipped classes/coco80.txt
    user = tmp_path / "user-configs"
    user.mkdir()
    (user / "team.txt").write_text("a\nb\n")
    assert cfg(tmp_path / "elsewhere" / "m.yaml", classes="team").classes == ["a", "b"]
    with pytest.raises(ConfigError, match="no class list named"):
        cfg(tmp_path / "m.yaml", classes="nothing-here")


def test_class_list_size_is_bounded(tmp_path, monkeypatch) -> None:
    from anylabel.inference import config_paths

    monkeypatch.setattr(config_paths, "MAX_CLASS_LIST_BYTES", 100)
    (tmp_path / "big.txt").write_text("x\n" * 100)
    with pytest.raises(ConfigError, match="more than a class list may be"):
        cfg(tmp_path / "m.yaml", classes="big.txt")


def test_pkg_paths_stay_inside_their_package(tmp_path) -> None:
    import numpy

    inside = package_file("pkg://numpy/__init__.py")
    assert inside == Path(numpy.__file__)
    for ref in ("pkg://numpy/../../../../../../etc/passwd", "pkg://numpy/..", "pkg://numpy//etc/passwd",
                "pkg://numpy/", "pkg://../etc/passwd", "pkg://os.path/x"):
        with pytest.raises(ModelLoadError) as info:
            resolve_model_file(cfg(tmp_path / "m.yaml", model_path=ref))
        assert ref in str(info.value)


def test_load_config_with_hostile_classes_is_a_config_error(tmp_path) -> None:
    p = tmp_path / "m.yaml"
    p.write_text("type: yolov8\nname: m\nmodel_path: m.onnx\nclasses: /etc/passwd\n")
    with pytest.raises(ConfigError, match="refused"):
        load_config(p, extra_keys=())
