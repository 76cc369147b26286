"""Render the main window in review mode into docs/screenshots/review.png.

Usage: QT_QPA_PLATFORM=offscreen python docs/screenshots/make_review_screenshot.py
Five darknet photos: two accepted, one rejected with a comment, the dog photo open with a
model's predictions beside a hand-drawn box, one shape carrying a review comment, the Review
menu open. Settings and label files go to a temporary folder.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from qtpy.QtWidgets import QApplication  # noqa: E402

from anylabel.core.label_file import new_annotation_for, write_label_file  # noqa: E402
from anylabel.core.provenance import PREDICTED_KEY, shape_digest  # noqa: E402
from anylabel.core.review import REJECTED, set_review_state, set_shape_comment  # noqa: E402
from make_screenshots import OUT, PHOTOS, _pump, _window, dog_shapes  # noqa: E402


def main() -> int:
    if not PHOTOS.is_dir():
        print(f"{PHOTOS} is missing (install Debian's darknet package)", file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="anylabel_review_shot_"))
    folder = tmp / "photos"
    folder.mkdir()
    names = ("dog.jpg", "eagle.jpg", "giraffe.jpg", "horses.jpg", "person.jpg")
    for name in names:
        shutil.copy(PHOTOS / name, folder / name)
    shapes = dog_shapes()[:3]
    for s in shapes[1:]:
        s.score = 0.87 if s.label == "bicycle" else 0.64
    set_shape_comment(shapes[2], "box misses the cab")
    ann = new_annotation_for(folder / "dog.jpg", shapes, (768, 576))
    ann.extra[PREDICTED_KEY] = {"yolov8n-det": {"config": "demo", "image": {},
                                                "shapes": [shape_digest(s) for s in (shapes[1], dog_shapes()[2])]}}
    write_label_file(folder / "dog.json", ann)
    for name, state in (("eagle", "accepted"), ("giraffe", "accepted"), ("horses", REJECTED)):
        a = new_annotation_for(folder / f"{name}.jpg", [], (100, 100))
        set_review_state(a, state, reviewer="qa-maria", comment="two horses unlabelled" if state == REJECTED else None)
        write_label_file(folder / f"{name}.json", a)
    (tmp / "review.yaml").write_text("review:\n  reviewer: qa-maria\n")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    w = _window(tmp, "review", (1440, 900))
    w.open_folder(folder)
    w.canvas.select_indices([2])
    from qtpy.QtCore import Qt

    w.resizeDocks([w.shape_dock], [470], Qt.Horizontal)  # room for the provenance and the comment
    w.statusBar().showMessage("giraffe.jpg accepted")
    _pump(app)
    w.grab().save(str(OUT / "review.png"))
    w.show_statistics()
    _pump(app)
    from qtpy.QtWidgets import QDialog

    for dlg in w.findChildren(QDialog):
        if dlg.isVisible():
            dlg.grab().save(str(tmp / "review_statistics.png"))
            if os.environ.get("ANYLABEL_SHOT_DIR"):  # to look at the dialog too
                shutil.copy(tmp / "review_statistics.png", os.environ["ANYLABEL_SHOT_DIR"])
            dlg.close()
    w.close()
    report_shot(app, tmp, folder)
    shutil.rmtree(tmp, ignore_errors=True)
    print("wrote", OUT / "review.png", OUT / "compare_report.png")
    return 0


def report_shot(app, tmp: Path, folder: Path) -> None:
    """A second annotator's labels of the dog photo (bicycle missed, truck box shifted, the dog
    called a cat) compared with the first's, the report opened in the window."""
    import numpy as np

    from anylabel.core.label_file import read_label_file
    from anylabel.review.folders import compare_folders
    from anylabel.review.report import write_report

    cand = tmp / "second"
    cand.mkdir()
    for js in folder.glob("*.json"):
        ann = read_label_file(js)
        if js.stem == "dog":
            dog, _bicycle, truck = ann.shapes
            dog.label = "cat"
            truck.points = truck.points + np.array([90.0, 40.0])
            ann.shapes = [dog, truck]
        shutil.copy(js, cand / js.name) if js.stem != "dog" else None
        if js.stem == "dog":
            from anylabel.core.label_file import write_label_file as write

            write(cand / js.name, ann)
    write_report(compare_folders(folder, cand), tmp / "qa", html=False)
    w = _window(tmp, "report", (1440, 900))
    w.open_folder(folder)
    w.review.open_report(str(tmp / "qa" / "report.json"))
    _pump(app)
    w.grab().save(str(OUT / "compare_report.png"))
    w.close()


if __name__ == "__main__":
    sys.exit(main())
