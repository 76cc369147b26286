"""Packaging glue that pyproject.toml alone cannot express.

The model configs live in ``models/configs/`` at the top of the repository (where
users and contributors look for them) but must ship inside the wheel, so that
folder is mapped onto the package ``anylabel.model_configs``; the demo models in
``models/fixtures/`` become ``anylabel.fixtures``, which keeps the configs' relative
paths (``../fixtures/*.onnx``) valid in both places.
"""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["anylabel", "anylabel.*"]) + ["anylabel.model_configs", "anylabel.fixtures"],
    package_dir={"anylabel.model_configs": "models/configs", "anylabel.fixtures": "models/fixtures"},
    package_data={
        "anylabel.model_configs": ["*.yaml", "*.yml", "*.txt", "classes/*.txt"],
        "anylabel.fixtures": ["*.onnx"],
        "anylabel": ["py.typed"],
        "anylabel.qt.i18n": ["*.qm", "*.ts"],  # interface translations (scripts/build_translations.sh)
    },
)
