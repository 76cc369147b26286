"""anylabel.training imports neither Qt nor Ultralytics/torch (AGPL; run only by the runner's Python)."""
import subprocess
import sys


def test_training_package_imports_no_qt_and_no_ultralytics():
    code = (
        "import sys, pkgutil, importlib\n"
        "import anylabel.training as t\n"
        "for m in pkgutil.walk_packages(t.__path__, 'anylabel.training.'):\n"
        "    importlib.import_module(m.name)\n"
        "import anylabel.cli.cmd_train\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PyQt5', 'qtpy', 'ultralytics', 'torch')]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
