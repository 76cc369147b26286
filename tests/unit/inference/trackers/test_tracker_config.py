"""The tracker: map of a model YAML: X-AnyLabeling keys accepted, mistakes named."""
from __future__ import annotations

import pytest

from anylabel.inference.trackers import (TRACKERS, BotSortTracker, ByteTracker, OcSortTracker, TrackerConfigError,
                                         create_tracker, parse_tracker_config)

XANY = {"tracker_type": "bytetrack", "track_high_thresh": 0.45, "track_low_thresh": 0.05,
        "new_track_thresh": 0.5, "track_buffer": 60, "match_thresh": 0.75, "fuse_score": True}


def test_table_names_the_three_trackers():
    assert set(TRACKERS) == {"bytetrack", "ocsort", "botsort"}


def test_x_anylabeling_keys_are_accepted():
    cfg = parse_tracker_config(XANY)
    assert (cfg.track_high_thresh, cfg.track_low_thresh, cfg.new_track_thresh) == (0.45, 0.05, 0.5)
    assert cfg.track_buffer == 60 and cfg.match_thresh == 0.75 and cfg.fuse_score is True
    assert isinstance(create_tracker(None, XANY), ByteTracker)


@pytest.mark.parametrize("name,cls", [("bytetrack", ByteTracker), ("ocsort", OcSortTracker), ("OC-SORT", OcSortTracker),
                                      ("botsort", BotSortTracker), ("BoT_SORT", BotSortTracker)])
def test_name_wins_over_config(name, cls):
    assert type(create_tracker(name, XANY)) is cls


def test_aliases_and_string_values():
    cfg = parse_tracker_config({"max_age": "40", "det_thresh": "0.3", "fuse_score": "false", "model": "reid.onnx"})
    assert cfg.track_buffer == 40 and cfg.track_high_thresh == 0.3 and cfg.fuse_score is False
    assert cfg.reid_model == "reid.onnx"


def test_buffer_scales_with_frame_rate():
    assert parse_tracker_config({"track_buffer": 30, "frame_rate": 15}).max_time_lost == 15


@pytest.mark.parametrize("raw,needle", [
    ({"track_hihg_thresh": 0.5}, "track_hihg_thresh"),
    ({"match_thresh": 1.5}, "match_thresh"),
    ({"track_buffer": 2.5}, "track_buffer"),
    ({"fuse_score": "maybe"}, "fuse_score"),
    ({"track_low_thresh": 0.6, "track_high_thresh": 0.5}, "track_low_thresh"),
    ({"gmc_method": "orb"}, "gmc_method"),
    ({"asso_func": "giou"}, "asso_func"),
    ([1, 2], "mapping"),
])
def test_bad_settings_name_the_key(raw, needle):
    with pytest.raises(TrackerConfigError, match=needle):
        parse_tracker_config(raw)


def test_unknown_tracker_name():
    with pytest.raises(TrackerConfigError, match="sort9000"):
        create_tracker("sort9000")


def test_missing_reid_model_is_a_clear_error(tmp_path):
    from anylabel.inference.runtime import ModelLoadError

    with pytest.raises(ModelLoadError, match="not found"):
        create_tracker("botsort", {"reid_model": str(tmp_path / "nope.onnx")})


def test_every_inference_config_tracker_key_is_understood():
    """Keys the model-config loader lets through must not be refused here."""
    import importlib

    from anylabel.inference.trackers import TRACKER_KEYS

    CONFIG_KEYS = getattr(importlib.import_module("anylabel.inference.config"), "TRACKER_KEYS", None)
    if CONFIG_KEYS is None:
        pytest.skip("the model-config loader keeps no list of tracker keys")
    assert set(CONFIG_KEYS) <= set(TRACKER_KEYS), set(CONFIG_KEYS) - set(TRACKER_KEYS)


def test_relative_reid_model_is_found_beside_the_yaml(shared_models):
    tr = create_tracker("botsort", {"model": "mobilenetv2_embedder.onnx"}, base_dir=shared_models)
    assert tr.embedder is not None and tr.needs_frames


@pytest.mark.parametrize("value,want", [("sparseOptFlow", "sparseOptFlow"), ("SPARSEOPTFLOW", "sparseOptFlow"),
                                        ("none", None), (None, None)])
def test_gmc_method_values(value, want):
    assert parse_tracker_config({"gmc_method": value}).gmc_method == want
    assert create_tracker("ocsort", {"gmc_method": value}).needs_frames == (want is not None)
