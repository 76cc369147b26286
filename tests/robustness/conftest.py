"""Hypothesis profiles of the robustness suite (registered in ``fuzzkit``):

- ``quick`` (the default run): a fixed, small example budget, derandomized, so CI runs the
  same examples every time and the suite stays within a few seconds per reader.
- ``deep`` (the slow group, ``scripts/test_heavy.sh``): many more examples, also repeatable.

``HYPOTHESIS_PROFILE=deep`` makes the default-run tests use the deep budget too. No example
database is kept: nothing is written into the repository.
"""
from __future__ import annotations

import os

from hypothesis import settings

import fuzzkit  # noqa: F401  # registers the profiles

settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))
