"""Where the package's non-code files come from, for setup.py and the PyInstaller spec alike.

The wheel and the one-folder executable must carry the same model configs, demo models and
interface translations; keeping one list here means a file added for the wheel cannot be
forgotten in the executable (or the other way round). Paths are relative to the repository.
"""
from __future__ import annotations

import re
from pathlib import Path

#: Packages whose source folder is not their import path: the model configs live in
#: ``models/configs/`` at the top of the repository (where users and contributors look for
#: them) and the demo models in ``models/fixtures/``; both ship inside the package so that
#: the configs' relative paths (``../fixtures/*.onnx``) hold in the repo, the wheel and the
#: executable.
PACKAGE_DIR: dict[str, str] = {
    "anylabel.model_configs": "models/configs",
    "anylabel.fixtures": "models/fixtures",
}

#: Non-code files each package needs at run time (glob patterns inside its folder).
PACKAGE_DATA: dict[str, list[str]] = {
    "anylabel.model_configs": ["*.yaml", "*.yml", "*.txt", "classes/*.txt"],
    "anylabel.fixtures": ["*.onnx"],
    "anylabel": ["py.typed"],
    "anylabel.qt.i18n": ["*.qm"],  # interface translations (scripts/build_translations.sh)
    "anylabel.core.i18n": ["*.mo"],  # translations of the core's messages (the same script)
}


def package_folder(package: str) -> str:
    """The repository folder that holds ``package``."""
    return PACKAGE_DIR.get(package, package.replace(".", "/"))


def data_files(root: Path) -> list[tuple[str, str]]:
    """(source file, destination folder inside the bundle) for every run-time data file,
    plus the ``__init__.py`` of the remapped packages (they are imported at run time)."""
    pairs: list[tuple[str, str]] = []
    for package, patterns in PACKAGE_DATA.items():
        src_dir = root / package_folder(package)
        dest = package.replace(".", "/")
        for pattern in patterns:
            for path in sorted(src_dir.glob(pattern)):
                if path.is_file():
                    rel_parent = path.parent.relative_to(src_dir)
                    pairs.append((str(path), str(Path(dest) / rel_parent)))
    for package, folder in PACKAGE_DIR.items():
        init = root / folder / "__init__.py"
        if init.is_file():
            pairs.append((str(init), package.replace(".", "/")))
    return pairs


#: ``pkg://PACKAGE/PATH`` in a shipped config: a model file inside another installed package.
_PKG_REF = re.compile(r"pkg://([A-Za-z_][A-Za-z0-9_]*)/([^\s'\"]+)")


def packaged_model_files(root: Path) -> list[tuple[str, str]]:
    """(package, path inside it) of every model file the shipped configs take from another
    installed package (the PP-OCR wheels), read from the configs themselves so that a new
    config's files are bundled without a second list to keep."""
    refs: set[tuple[str, str]] = set()
    for config in sorted((root / PACKAGE_DIR["anylabel.model_configs"]).glob("*.y*ml")):
        refs.update(_PKG_REF.findall(config.read_text(encoding="utf-8")))
    return sorted(refs)
