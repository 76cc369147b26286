"""Packaging glue that pyproject.toml alone cannot express: the model configs and demo models
live outside the package folder and are mapped into it. The mapping and the data-file list
are in ``build_support/package_layout.py``, which the PyInstaller spec reads too.
"""
import sys
from pathlib import Path

from setuptools import find_packages, setup

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_support.package_layout import PACKAGE_DATA, PACKAGE_DIR  # noqa: E402

setup(
    packages=find_packages(include=["anylabel", "anylabel.*"]) + sorted(PACKAGE_DIR),
    package_dir=dict(PACKAGE_DIR),
    package_data={name: list(patterns) for name, patterns in PACKAGE_DATA.items()},
)
