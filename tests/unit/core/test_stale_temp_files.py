"""Temp files left by a killed save or export are removed when the folder is next opened
or written; temp files of live writers and files that are not this tool's are kept."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from anylabel.core import atomic
from anylabel.core.atomic import atomic_write_text, remove_stale_temp_files, temp_path_for
from anylabel.core.folder_index import scan_folder


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def aged(path: Path, seconds: float, data: bytes = b"partial") -> Path:
    path.write_bytes(data)
    t = time.time() - seconds
    os.utime(path, (t, t))
    return path


@pytest.fixture(autouse=True)
def fresh_process_state(monkeypatch):
    monkeypatch.setattr(atomic, "_cleaned", set())


@pytest.fixture
def live_writer():
    p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield p.pid
    p.kill()
    p.wait()


def test_stale_temp_files_of_dead_writers_are_removed_on_the_first_write(tmp_path: Path, live_writer) -> None:
    gone = dead_pid()
    stale = aged(tmp_path / f".a.json.{gone}.k3j9x0_q.tmp", 10)
    legacy = aged(tmp_path / f".labels.txt.{gone}.tmp", 10)  # written by output.py before
    fresh_dead = aged(tmp_path / f".b.json.{gone}.abcdefgh.tmp", 0)  # grace time: maybe another host
    live = aged(tmp_path / f".c.json.{live_writer}.abcdefgh.tmp", 3600)
    mine = aged(tmp_path / f".d.json.{os.getpid()}.abcdefgh.tmp", 3600)
    ancient_live = aged(tmp_path / f".e.json.{live_writer}.abcdefgh.tmp", 2 * 24 * 3600)
    not_ours = [aged(tmp_path / n, 10 * 24 * 3600) for n in (".notes.tmp", "x.json.123.tmp", ".x.json.tmp")]
    link = tmp_path / f".f.json.{gone}.abcdefgh.tmp"
    link.symlink_to(tmp_path / "elsewhere")
    atomic_write_text(tmp_path / "new.json", "{}")
    assert not stale.exists() and not legacy.exists() and not ancient_live.exists()
    assert fresh_dead.exists() and live.exists() and mine.exists() and link.is_symlink()
    assert all(p.exists() for p in not_ours)
    assert (tmp_path / "new.json").read_text() == "{}"


def test_opening_a_folder_cleans_it(tmp_path: Path) -> None:
    stale = aged(tmp_path / f".img.json.{dead_pid()}.abcdefgh.tmp", 10)
    scan_folder(tmp_path)
    assert not stale.exists()


def test_a_folder_is_cleaned_once_per_process(tmp_path: Path) -> None:
    atomic_write_text(tmp_path / "a.json", "{}")
    late = aged(tmp_path / f".a.json.{dead_pid()}.abcdefgh.tmp", 10)
    atomic_write_text(tmp_path / "b.json", "{}")  # no second scan of a folder already cleaned
    assert late.exists()
    assert remove_stale_temp_files(tmp_path) == [late]


def test_every_writer_uses_the_one_pattern(tmp_path: Path, monkeypatch) -> None:
    """Writers killed between write and rename leave names the cleanup recognises."""
    from anylabel.formats import output

    seen: list[str] = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append(Path(src).name)
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    atomic_write_text(tmp_path / "a.json", "{}")
    output.write_text(tmp_path / "sub" / "b.txt", "x")
    assert len(seen) == 2
    assert all(atomic._TEMP_NAME.match(n) and f".{os.getpid()}." in n for n in seen)
    assert atomic._TEMP_NAME.match(temp_path_for(tmp_path / "c.jpg").name)
