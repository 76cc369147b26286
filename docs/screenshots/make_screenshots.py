"""Render the main window offscreen with labelled shapes into docs/screenshots/.

Usage: QT_QPA_PLATFORM=offscreen python docs/screenshots/make_screenshots.py [NAME ...]
(NAME: main_window_dark, classifier_flags, zh_CN or train_dialog_zh_CN renders only that one / those; no name renders them all.)
Uses Debian's darknet photos (/usr/share/darknet/data); settings go to a temporary file.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from qtpy.QtWidgets import QAction, QApplication  # noqa: E402

from anylabel.core.geometry import rotate_corners, sync_direction  # noqa: E402
from anylabel.core.shape import Shape  # noqa: E402
from anylabel.qt.app import create_main_window  # noqa: E402

OUT = Path(__file__).resolve().parent
ROOT = OUT.parents[1]
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


def main(only: list[str] | None = None) -> int:
    if not PHOTOS.is_dir():
        print(f"{PHOTOS} is missing (install Debian's darknet package)", file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="anylabel_shots_"))
    folder = tmp / "photos"
    folder.mkdir()
    for name in ("dog.jpg", "eagle.jpg", "giraffe.jpg", "horses.jpg", "person.jpg"):
        shutil.copy(PHOTOS / name, folder / name)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if only:  # just the named ones (those that need no other shot first)
        shots = {"main_window_dark": lambda: dark_shot(app, tmp, folder),
                 "classifier_flags": lambda: classifier_shot(app, tmp),
                 "zh_CN": lambda: chinese_shots(app, tmp, folder),
                 "train_dialog_zh_CN": lambda: train_dialog_zh_shot(app, tmp, folder)}
        for name in only:
            shots[name]()
            print("wrote", *(ZH_SHOTS if name == "zh_CN" else [OUT / f"{name}.png"]))
        shutil.rmtree(tmp, ignore_errors=True)
        return 0
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
    w.close()
    autolabel_shot(app, tmp)
    sam_shot(app, tmp, folder)
    tracks_shot(app, tmp)
    dark_shot(app, tmp, folder)
    classifier_shot(app, tmp)
    chinese_shots(app, tmp, folder)
    train_dialog_zh_shot(app, tmp, folder)
    print("wrote", *(OUT / n for n in ("main_window.png", "statistics.png", "autolabel.png", "sam.png", "tracks.png",
                                       "main_window_dark.png", "classifier_flags.png",
                                       "train_dialog_zh_CN.png")), *ZH_SHOTS)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def dark_shot(app, tmp: Path, folder: Path) -> None:
    """The main window's scene (the dog photo and its shapes) with View > Theme > Dark."""
    from anylabel.qt.theme import set_theme

    (tmp / "dark.yaml").write_text("image_flags: [outdoor, blurry]\n")  # listed in the Flags dock
    w = _window(tmp, "dark")
    app.processEvents()
    w.open_folder(folder)
    w.set_shapes(dog_shapes())
    w.document.set_flags({"outdoor": True, "dog": True})
    w.canvas.select_indices([2])
    w.update_selection_status()
    w.canvas.cursor_moved.emit(512.0, 300.0)
    set_theme(w, "dark")
    _pump(app)
    w.grab().save(str(OUT / "main_window_dark.png"))
    for width, height in ZH_SIZES:  # a laptop's screen and a desktop's, as for the Chinese shots
        w.resize(width, height)
        _pump(app)
        w.grab().save(str(OUT / f"main_window_dark_{width}x{height}.png"))
    set_theme(w, "system")
    w.document.history.mark_saved()  # leave the photo's label file as it was
    w.close()


ZH_SIZES = ((1280, 720), (1600, 1000))
ZH_SHOTS = [OUT / f"{kind}_zh_CN_{w}x{h}.png" for kind in ("main_window", "autolabel") for w, h in ZH_SIZES]


def chinese_shots(app, tmp: Path, folder: Path) -> None:
    """The interface in Simplified Chinese (View > Language > 简体中文): the main window with
    the dog photo's shapes, and the auto-labelling panel after a run, at a laptop's 1280x720
    and at 1600x1000."""
    import cv2

    from anylabel.qt.i18n import install_language

    syn = _synthetic_shapes()
    shapes_dir = tmp / "zh_shapes"
    shapes_dir.mkdir(exist_ok=True)
    rng = np.random.default_rng(7)
    for i in range(4):
        img, _ = syn.make_sample(rng, "det", 480, 640, max_objects=4, min_size=70, max_size=150)
        cv2.imwrite(str(shapes_dir / f"shapes_{i + 1}.png"), img[:, :, ::-1])
    try:
        for size in ZH_SIZES:
            tag = f"{size[0]}x{size[1]}"
            (tmp / f"zh_{tag}.yaml").write_text("language: zh_CN\n")
            w = _window(tmp, f"zh_{tag}", size)
            w.open_folder(folder, select="dog.jpg")
            w.set_shapes(dog_shapes())
            w.canvas.select_indices([2])
            w.update_selection_status()
            w.canvas.cursor_moved.emit(512.0, 300.0)
            _pump(app)
            w.grab().save(str(OUT / f"main_window_zh_CN_{tag}.png"))
            w.document.history.mark_saved()  # leave the photo's label file as it was
            w.open_folder(shapes_dir)
            _run_model(app, w, "fixture_shapes_det", until=lambda: bool(w.current_shapes()))
            w.autolabel_panel.run_all()
            _pump(app, until=lambda: w.autolabel_panel._batch is None)
            _pump(app)
            w.grab().save(str(OUT / f"autolabel_zh_CN_{tag}.png"))
            w.close()
    finally:
        install_language(app, "en")


def train_dialog_zh_shot(app, tmp: Path, folder: Path) -> None:
    """Tools > Train a Model... in Simplified Chinese, as it opens on a folder (before a run)."""
    from anylabel.qt.i18n import install_language

    (tmp / "zh_train.yaml").write_text("language: zh_CN\ntraining:\n  python: /usr/bin/python3\n")
    try:
        w = _window(tmp, "zh_train", (1280, 720))
        w.open_folder(folder)
        next(a for a in w.menu("tools").actions() if a.text() == "训练模型(&T)…").trigger()
        _pump(app)
        w.train_dialog.grab().save(str(OUT / "train_dialog_zh_CN.png"))
        w.train_dialog.close()
        w.close()
    finally:
        install_language(app, "en")


def classifier_shot(app, tmp: Path) -> None:
    """The demo classifier run on the open image: its classes in the Flags dock, beside a
    flag of the user's own that the run keeps."""
    import cv2

    from anylabel.core.label_file import new_annotation_for, write_label_file

    syn = _synthetic_shapes()
    folder = tmp / "classify"
    folder.mkdir()
    img, _ = syn.make_sample(np.random.default_rng(11), "det", 160, 160, max_objects=1, min_size=35, max_size=50)
    cv2.imwrite(str(folder / "shape.png"), img[:, :, ::-1])
    ann = new_annotation_for(folder / "shape.png", [], (160, 160))
    ann.flags = {"reviewed": True}
    write_label_file(folder / "shape.json", ann)
    w = _window(tmp, "classify", (1280, 720))
    w.open_folder(folder)
    _run_model(app, w, "fixture_shapes_cls", until=lambda: "triangle" in w.document.flags)
    _pump(app)
    w.grab().save(str(OUT / "classifier_flags.png"))
    w.document.history.mark_saved()
    w.close()


def _synthetic_shapes():
    """scripts/synthetic_shapes.py, the generator the demo models were trained on."""
    import importlib.util

    if "synthetic_shapes" not in sys.modules:
        spec = importlib.util.spec_from_file_location("synthetic_shapes", ROOT / "scripts" / "synthetic_shapes.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules["synthetic_shapes"] = mod
        spec.loader.exec_module(mod)
    return sys.modules["synthetic_shapes"]


def _pump(app, seconds: float = 0.3, until=None) -> None:
    """Process events for a while, or until a condition holds (30 s at most)."""
    end = time.time() + (30 if until else seconds)
    while time.time() < end and not (until and until()):
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()


def _run_model(app, w, name: str, until) -> None:
    """Open the auto-labeling panel (Ctrl+A), load model ``name``, run it on the open image."""
    panel = w.autolabel_panel
    next(a for a in w.findChildren(QAction) if a.shortcut().toString() == "Ctrl+A").trigger()
    panel.select_model(name)
    panel.load_selected()
    _pump(app, until=lambda: panel.model is not None)
    panel.run_current()
    _pump(app, until=until)


def _window(tmp: Path, name: str, size=(1440, 900)):
    w = create_main_window(tmp / f"{name}.yaml", install_extensions=True)
    w.show_error_dialogs = False
    w.resize(*size)
    w.show()
    return w


def autolabel_shot(app, tmp: Path) -> None:
    """The pose demo model on a synthetic image: boxes and keypoints linked by group id."""
    import importlib.util

    import cv2

    spec = importlib.util.spec_from_file_location("synthetic_shapes", ROOT / "scripts" / "synthetic_shapes.py")
    syn = importlib.util.module_from_spec(spec)
    sys.modules["synthetic_shapes"] = syn
    spec.loader.exec_module(syn)
    folder = tmp / "synthetic"
    folder.mkdir()
    rng = np.random.default_rng(5)
    syn.make_sample(rng, "obb", 480, 640, max_objects=5, min_size=70, max_size=150)  # same image as the QA pass
    img, _ = syn.make_sample(rng, "pose", 480, 640, max_objects=4, min_size=90, max_size=160)
    cv2.imwrite(str(folder / "arrows.png"), img[:, :, ::-1])
    w = _window(tmp, "autolabel")
    w.open_folder(folder)
    _run_model(app, w, "fixture_shapes_pose", until=lambda: bool(w.current_shapes()))
    _pump(app)
    w.grab().save(str(OUT / "autolabel.png"))
    w.close()


def sam_shot(app, tmp: Path, folder: Path) -> None:
    """Segment Anything prompt mode (the SAM-contract test models) after two clicks on the dog."""
    from qtpy.QtCore import Qt

    from anylabel.inference.config import config_from_dict
    from anylabel.qt.testing import click, key

    (folder / "dog.json").unlink(missing_ok=True)  # the photo without the main screenshot's shapes
    w = _window(tmp, "sam")
    w.open_folder(folder)
    fixtures = ROOT / "models" / "fixtures"
    w.sam.load_model(config_from_dict({"type": "segment_anything", "name": "sam-contract",
                                       "encoder_model_path": str(fixtures / "sam_contract_encoder.onnx"),
                                       "decoder_model_path": str(fixtures / "sam_contract_decoder.onnx")}))
    _pump(app, until=lambda: w.sam.model is not None)
    key(w.canvas, Qt.Key_Q)
    click(w.canvas, 220, 380)
    _pump(app, until=lambda: w.sam.session is not None and w.sam.session.prediction is not None)
    click(w.canvas, 300, 300)
    _pump(app, 1.0)
    w.grab().save(str(OUT / "sam.png"))
    w.sam.close()
    w.close()


def tracks_shot(app, tmp: Path) -> None:
    """Boxes tracked over six frames, the Tracks dock, View > Colour by Track Id on."""
    from anylabel.core.label_file import new_annotation_for, write_label_file
    from anylabel.core.shape import rectangle

    frames = tmp / "frames"
    frames.mkdir()
    for i in range(6):
        p = frames / f"frame_{i + 1:06d}.png"
        cv2_img = np.full((240, 320, 3), 60 + 8 * i, np.uint8)
        from PIL import Image

        Image.fromarray(cv2_img).save(p)
        boxes = [rectangle(10 + 8 * i, 20, 70 + 8 * i, 80, "car"), rectangle(250 - 8 * i, 120, 300 - 8 * i, 180, "person"),
                 rectangle(120, 60 + 5 * i, 180, 120 + 5 * i, "car")]
        write_label_file(frames / f"frame_{i + 1:06d}.json", new_annotation_for(p, boxes, (320, 240)))
    w = _window(tmp, "tracks", (1280, 720))
    w.open_folder(frames)
    w.tracks_dock.show()
    w.tracks_dock.raise_()
    job = w.video.track_boxes("ocsort")
    _pump(app, until=job.is_finished)
    _pump(app, 0.5)
    w.actions_by_name["toggle_track_colors"].setChecked(True)
    w.open_image(3)
    _pump(app)
    w.grab().save(str(OUT / "tracks.png"))
    w.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or None))
