"""Render the main window offscreen with labelled shapes into docs/screenshots/.

Usage: QT_QPA_PLATFORM=offscreen python docs/screenshots/make_screenshots.py
Uses Debian's darknet photos (/usr/share/darknet/data); settings go to a temporary file.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from qtpy.QtWidgets import QApplication  # noqa: E402

from anylabel.core.geometry import rotate_corners, sync_direction  # noqa: E402
from anylabel.core.shape import Shape  # noqa: E402
from anylabel.qt.app import create_main_window  # noqa: E402

OUT = Path(__file__).resolve().parent
PHOTOS = Path("/usr/share/darknet/data")


def dog_shapes() -> list[Shape]:
    t = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    wheel = Shape("circle", [[584, 447], [584 + 100, 447]], label="wheel")
    truck = Shape("rotation", rotate_corners(np.array([[470, 75], [690, 75], [690, 170], [470, 170]], float),
                                             np.radians(-4)), label="truck", group_id=1)
    sync_direction(truck)
    return [
        Shape("rectangle", [[125, 215], [325, 545]], label="dog", description="sitting"),
        Shape("polygon", [[125, 335], [175, 255], [265, 205], [330, 230], [455, 250], [520, 245], [560, 280],
                          [690, 330], [690, 380], [600, 440], [480, 430], [390, 440], [300, 460], [200, 450],
                          [140, 420]], label="bicycle"),
        truck,
        wheel,
        Shape("line", [[0, 385], [768, 355]], label="railing"),
        Shape("point", [[283, 267]], label="nose", group_id=2),
        Shape("linestrip", [[40, 570], [150, 540], [300, 550], [420, 520], [560, 535]], label="shadow"),
        Shape("polygon", np.stack([70 + 40 * np.cos(t), 120 + 30 * np.sin(t)], 1), label="motorbike"),
    ]


def main() -> int:
    if not PHOTOS.is_dir():
        print(f"{PHOTOS} is missing (install Debian's darknet package)", file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="anylabel_shots_"))
    folder = tmp / "photos"
    folder.mkdir()
    for name in ("dog.jpg", "eagle.jpg", "giraffe.jpg", "horses.jpg", "person.jpg"):
        shutil.copy(PHOTOS / name, folder / name)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    w = create_main_window(tmp / "rc.yaml", install_extensions=True)
    w.show_error_dialogs = False
    w.resize(1440, 900)
    w.show()
    app.processEvents()
    w.open_folder(folder)
    w.add_shapes(dog_shapes())
    w.save()
    w.canvas.select_indices([2])
    w.update_selection_status()
    w.canvas.cursor_moved.emit(512.0, 300.0)
    app.processEvents()
    w.grab().save(str(OUT / "main_window.png"))
    w.show_statistics()
    app.processEvents()
    for dlg in w.findChildren(__import__("qtpy.QtWidgets", fromlist=["QDialog"]).QDialog):
        if dlg.isVisible():
            dlg.grab().save(str(OUT / "statistics.png"))
            dlg.close()
    print("wrote", OUT / "main_window.png", OUT / "statistics.png")
    w.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
