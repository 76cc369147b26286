from pathlib import Path

import yaml

from anylabel.core.settings import DEFAULT_SHORTCUTS, ENV_VAR, Settings, default_settings_path


def test_first_run_creates_file_with_defaults(tmp_path):
    rc = tmp_path / "rc.yaml"
    s = Settings(rc)
    assert rc.exists()
    data = yaml.safe_load(rc.read_text())
    assert data["auto_save"] is True
    assert data["shortcuts"]["create_polygon"] == "P"
    assert s.shortcut("redo") == ["Ctrl+Shift+Z", "Ctrl+Y"]
    assert s.load_error is None


def test_overrides_merge_with_defaults(tmp_path):
    rc = tmp_path / "rc.yaml"
    rc.write_text("auto_save: false\nshortcuts:\n  create_polygon: Ctrl+Alt+P\n  toggle_all: null\n")
    s = Settings(rc)
    assert s.get("auto_save") is False
    assert s.shortcut("create_polygon") == ["Ctrl+Alt+P"]
    assert s.shortcut("toggle_all") == []
    assert s.shortcut("create_rectangle") == [DEFAULT_SHORTCUTS["create_rectangle"]]


def test_bad_yaml_falls_back_and_keeps_the_file(tmp_path):
    rc = tmp_path / "rc.yaml"
    bad = "auto_save: [unclosed\n"
    rc.write_text(bad)
    s = Settings(rc)
    assert s.load_error and str(rc) in s.load_error and "line" in s.load_error
    assert s.get("auto_save") is True
    s.set("auto_save", False)
    s.save()
    assert rc.read_text() == bad  # never overwritten


def test_wrong_types_are_reported(tmp_path):
    rc = tmp_path / "rc.yaml"
    rc.write_text("auto_save: maybe\nshortcuts: 5\n")
    s = Settings(rc)
    assert "'auto_save' must be true or false" in s.load_error
    assert "'shortcuts'" in s.load_error
    rc.write_text("- a list\n")
    assert "mapping" in Settings(rc).load_error


def test_round_trip_and_recent(tmp_path):
    rc = tmp_path / "sub" / "rc.yaml"
    s = Settings(rc)
    for i in range(15):
        s.add_recent_folder(f"/data/{i}")
    s.set("window.geometry", "abcd")
    s.save()
    t = Settings(rc)
    assert t.get("recent_folders")[0] == "/data/14" and len(t.get("recent_folders")) == 10
    assert t.get("last_folder") == "/data/14"
    assert t.get("window.geometry") == "abcd"


def test_env_var_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "x.rc"))
    assert default_settings_path() == tmp_path / "x.rc"
    monkeypatch.delenv(ENV_VAR)
    assert default_settings_path() == Path.home() / ".anylabelrc"


def test_reset_writes_defaults(tmp_path):
    rc = tmp_path / "rc.yaml"
    rc.write_text("auto_save: false\n")
    s = Settings(rc, reset=True)
    assert s.get("auto_save") is True
    assert yaml.safe_load(rc.read_text())["auto_save"] is True
