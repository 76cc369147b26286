"""The core, formats, inference and CLI must work without a display: no Qt binding may be imported."""
import subprocess
import sys

QT_BINDINGS = ("PyQt5", "PyQt6", "PySide2", "PySide6", "qtpy")


def test_headless_packages_do_not_import_qt():
    code = (
        "import sys, pkgutil, importlib\n"
        "import anylabel\n"
        "for top in ('anylabel.core', 'anylabel.formats', 'anylabel.inference', 'anylabel.cli', 'anylabel.review'):\n"
        "    pkg = importlib.import_module(top)\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, top + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "from anylabel.cli.main import discover_subcommands, build_parser\n"
        "build_parser(discover_subcommands())\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {QT_BINDINGS!r}]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"Qt imported by headless code: {out.stdout}"


def test_headless_sources_have_no_qt_import_even_deferred():
    """An import inside a function (run only by one command) escapes the import test above."""
    import re
    from pathlib import Path

    import anylabel

    root = Path(anylabel.__file__).parent
    pattern = re.compile(r"^\s*(from|import)\s+(" + "|".join(QT_BINDINGS) + r")\b", re.M)
    offenders = [str(py.relative_to(root)) for py in root.rglob("*.py")
                 if py.relative_to(root).parts[0] != "qt" and pattern.search(py.read_text(encoding="utf-8"))]
    assert offenders == [], f"Qt imported outside anylabel/qt: {offenders}"
