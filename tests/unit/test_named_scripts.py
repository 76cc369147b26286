"""Scripts that the project's own files tell people to run exist and can be run."""
from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_scripts_named_in_pyproject_and_readme_exist() -> None:
    named = set()
    for doc in ("pyproject.toml", "README.md"):
        named |= set(re.findall(r"scripts/[\w.-]+\.(?:sh|py)", (ROOT / doc).read_text(encoding="utf-8")))
    assert "scripts/test_heavy.sh" in named
    missing = sorted(s for s in named if not (ROOT / s).is_file())
    assert missing == []
    not_runnable = sorted(s for s in named if s.endswith(".sh") and not os.access(ROOT / s, os.X_OK))
    assert not_runnable == []
