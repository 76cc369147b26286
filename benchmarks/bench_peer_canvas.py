"""Repaint time of X-AnyLabeling's and LabelMe's canvas on the scene of bench_canvas.py.

The scene is the one ``benchmarks/bench_canvas.py`` draws: a 3840 x 2160 gradient image and
N polygons of 50 vertices (same generator, same seed: ``default_rng(N)``), shown in a
1600 x 900 viewport. The peer's own ``Canvas`` widget is used as a black box, inside a
``QScrollArea`` as its main window holds it: its shapes are built the way its label-file
loader builds them, handed to its ``load_pixmap`` / ``load_shapes``, and the widget is
repainted with ``repaint()`` (a synchronous paint event) at fit zoom, at 100 % and while
panning at 200 % (a new view offset before each frame, as the peer's drag-pan sets it).

Prints, in milliseconds: building the peer's shape objects, its ``load_shapes`` call, the first
frame after loading, and the median and worst of ``--runs`` repaints at each zoom. A repaint
that takes longer than ``--give-up`` seconds ends the measurement at that zoom (its time is
then a lower bound of a frame).

Run it inside a peer's environment, offscreen:
    python3.12 -m venv /work/venvs/xal && /work/venvs/xal/bin/pip install "x-anylabeling-cvhub[cpu]==4.2.1"
    python3.12 -m venv /work/venvs/labelme && /work/venvs/labelme/bin/pip install "labelme==7.9.1"
    QT_QPA_PLATFORM=offscreen /work/venvs/xal/bin/python benchmarks/bench_peer_canvas.py --peer xal --polygons 2000 20000
    QT_QPA_PLATFORM=offscreen /work/venvs/labelme/bin/python benchmarks/bench_peer_canvas.py --peer labelme --polygons 2000
Compare with AnyLabel's figures from ``bench_canvas.py`` measured in the same session.

With ``--folder N`` it times instead the scene of ``bench_open_folder.py``: a folder of N
hard links to one 1280 x 720 JPEG, half with a label file (one rectangle), opened in the
peer's main window (X-AnyLabeling's ``import_image_folder``, LabelMe's folder open, the
code behind their Open Dir action) until the first image is on its canvas. Both read and
write their settings under HOME, which this mode points at a temporary folder:
    QT_QPA_PLATFORM=offscreen /work/venvs/xal/bin/python benchmarks/bench_peer_canvas.py --peer xal --folder 100000
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

W, H = 3840, 2160
VIEW = (1600, 900)
LABELS = [f"class_{i}" for i in range(12)]


def polygons(n: int) -> list[tuple[str, np.ndarray]]:
    """The scene of bench_canvas.make_shapes: same seed, same sizes, as (label, points)."""
    rng = np.random.default_rng(n)
    t = np.linspace(0, 2 * np.pi, 50, endpoint=False)
    out = []
    for i in range(n):
        cx, cy = rng.uniform(60, W - 60), rng.uniform(60, H - 60)
        r = rng.uniform(15, 55) * (1 + 0.25 * np.sin(3 * t + rng.uniform(0, 6)))
        out.append((LABELS[i % len(LABELS)], np.stack([cx + r * np.cos(t), cy + r * np.sin(t)], axis=1)))
    return out


def qt(peer: str):
    """The peer's own Qt binding: X-AnyLabeling is built on PyQt6, LabelMe on PySide6."""
    import importlib

    base = {"xal": "PyQt6", "labelme": "PySide6"}[peer]
    return tuple(importlib.import_module(f"{base}.{m}") for m in ("QtCore", "QtGui", "QtWidgets"))


def gradient_pixmap(QtGui):
    QImage, QPixmap = QtGui.QImage, QtGui.QPixmap

    yy, xx = np.mgrid[0:H, 0:W]
    rgb = np.stack([(xx * 255 // W), (yy * 255 // H), ((xx + yy) % 256)], axis=2).astype(np.uint8)
    return QPixmap.fromImage(QImage(rgb.data, W, H, 3 * W, QImage.Format.Format_RGB888).copy())


class XAnyLabeling:
    """X-AnyLabeling 4.2.1: anylabeling.views.labeling.widgets.canvas.Canvas."""

    def __init__(self) -> None:
        from anylabeling.views.labeling.shape import Shape
        from anylabeling.views.labeling.widgets.canvas import Canvas

        self.shape_cls = Shape
        # its main window passes itself as parent (kept as an attribute, used only by drawing modes)
        self.canvas = Canvas(parent=None, epsilon=10.0, double_click="close", num_backups=10)

    def build(self, polys: list) -> list:
        from PyQt6.QtCore import QPointF
        from PyQt6.QtGui import QColor

        shapes = []
        for k, (label, pts) in enumerate(polys):
            s = self.shape_cls(label=label, shape_type="polygon")
            for x, y in pts:
                s.add_point(QPointF(float(x), float(y)))
            s.close()
            c = (40 + 17 * (k % 12), 200 - 13 * (k % 12), 90 + 11 * (k % 12))
            s.line_color, s.fill_color = QColor(*c, 255), QColor(*c, 128)  # its per-label colours
            shapes.append(s)
        return shapes

    def load(self, pixmap, shapes: list) -> None:
        self.canvas.load_pixmap(pixmap)
        self.canvas.load_shapes(shapes)

    def set_scale(self, s: float) -> None:
        self.canvas.scale = s  # what its zoom action does
        self.canvas.adjustSize()

    def pan(self, dx: float, dy: float) -> None:
        from PyQt6.QtCore import QPointF

        self.canvas.pan_offset = self.canvas.pan_offset + QPointF(dx, dy)  # what its drag-pan does


class LabelMe:
    """LabelMe 7.9.1: labelme._widgets._canvas.Canvas."""

    def __init__(self) -> None:
        from labelme._shape import Shape
        from labelme._widgets._canvas import Canvas

        self.shape_cls = Shape
        self.canvas = Canvas(epsilon=10.0, double_click="close", num_backups=10)

    def build(self, polys: list) -> list:
        return [self.shape_cls(label=label, shape_type="polygon", points=pts.astype(np.float64), closed=True)
                for label, pts in polys]

    def load(self, pixmap, shapes: list) -> None:
        self.canvas.load_pixmap(pixmap=pixmap)
        self.canvas.load_shapes(shapes=shapes)

    def set_scale(self, s: float) -> None:
        self.canvas.scale = s  # its setter resizes the widget

    def pan(self, dx: float, dy: float) -> None:
        from PySide6.QtCore import QPointF

        self.canvas.pan_view(step=QPointF(dx, dy))  # what its drag-pan and arrow keys call


PEERS = {"xal": XAnyLabeling, "labelme": LabelMe}


def ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000.0


def frames(canvas, runs: int, give_up_s: float, before=lambda: None) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        before()
        canvas.repaint()
        times.append(ms(t0))
        if times[-1] > give_up_s * 1000.0:
            break
    return times


def run(peer_name: str, n: int, runs: int, give_up_s: float, png: str | None) -> None:
    QtCore, QtGui, QtWidgets = qt(peer_name)
    QApplication, QScrollArea = QtWidgets.QApplication, QtWidgets.QScrollArea
    app = QApplication.instance() or QApplication(sys.argv)
    peer = PEERS[peer_name]()
    area = QScrollArea()
    area.setWidget(peer.canvas)
    area.setWidgetResizable(True)
    area.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)  # the viewport is then exactly VIEW
    area.resize(*VIEW)
    area.show()
    app.processEvents()
    pixmap = gradient_pixmap(QtGui)
    polys = polygons(n)
    fit = min(area.viewport().width() / W, area.viewport().height() / H)

    t0 = time.perf_counter()
    shapes = peer.build(polys)
    build = ms(t0)
    t0 = time.perf_counter()
    peer.load(pixmap, shapes)
    peer.set_scale(fit)
    load = ms(t0)
    t0 = time.perf_counter()
    peer.canvas.repaint()
    first = ms(t0)
    print(f"{peer_name}: {n} polygons x 50 vertices on {W}x{H}, viewport "
          f"{area.viewport().width()}x{area.viewport().height()}, fit zoom {fit:.3f}")
    print(f"  build shapes          {build:9.1f} ms")
    print(f"  load_shapes + zoom    {load:9.1f} ms")
    print(f"  first frame           {first:9.1f} ms")
    if png:  # what the frames draw, to look at
        area.grab().save(png.replace("{n}", str(n)))
    for name, scale in (("repaint at fit", fit), ("repaint at 100%", 1.0), ("pan at 200%", 2.0)):
        peer.set_scale(scale)
        app.processEvents()
        panning = (lambda: peer.pan(-25, -12)) if scale == 2.0 else (lambda: None)
        times = frames(peer.canvas, runs, give_up_s, panning) if first <= give_up_s * 1000.0 else []
        if not times:
            print(f"  {name:<21} not run: the first frame took over {give_up_s:.0f} s")
            continue
        bound = " (stopped: lower bound)" if times[-1] > give_up_s * 1000.0 else ""
        print(f"  {name:<21} median {statistics.median(times):9.1f} ms   worst {max(times):9.1f} ms"
              f"   ({len(times)} frames){bound}")
    area.close()


def make_folder(root: str, n: int) -> str:
    """N hard links to one JPEG, every other one with a LabelMe-format label file."""
    import json

    from PIL import Image

    folder = os.path.join(root, "images")
    os.mkdir(folder)
    src = os.path.join(root, "src.jpg")
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (720, 1280, 3), dtype=np.uint8)).save(src, quality=85)
    label = json.dumps({"version": "5.0.1", "flags": {}, "imageData": None, "imageHeight": 720,
                        "imageWidth": 1280, "shapes": [{"label": "car", "points": [[10, 10], [200, 200]],
                                                        "group_id": None, "shape_type": "rectangle",
                                                        "flags": {}, "description": ""}]})
    import shutil

    for i in range(n):
        if i and i % 60_000 == 0:  # a file system allows ~65,000 links per file
            src = shutil.copy(src, os.path.join(root, f"src{i}.jpg"))
        os.link(src, os.path.join(folder, f"{i:07d}.jpg"))
        if i % 2 == 0:
            with open(os.path.join(folder, f"{i:07d}.json"), "w") as f:
                f.write(label.replace('"imageData"', f'"imagePath": "{i:07d}.jpg", "imageData"'))
    return folder


def open_folder(peer_name: str, n: int, wait_s: float) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["HOME"] = tmp  # the peers' settings files go here, not into the user's home
        t0 = time.perf_counter()
        folder = make_folder(tmp, n)
        print(f"{peer_name}: folder of {n} images ({n // 2} labelled) made in {ms(t0) / 1000:.1f} s")
        QtCore, QtGui, QtWidgets = qt(peer_name)
        app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv)
        t0 = time.perf_counter()
        if peer_name == "xal":
            import anylabeling.config as xal_config
            from anylabeling.resources import resources  # noqa: F401 - its icons, as its launcher loads them
            from anylabeling.views.mainwindow import MainWindow

            rc = os.path.join(tmp, ".xanylabelingrc")  # what its launcher sets: the user's config file
            with open(rc, "w") as f:
                f.write("{}\n")
            xal_config.current_config_file = rc
            win = MainWindow(app, config=xal_config.get_config())
            view = win.labeling_widget.view
            canvas = view.canvas
            start = lambda: view.import_image_folder(folder)  # noqa: E731 - its Open Dir action
            shown = lambda: canvas.pixmap is not None and not canvas.pixmap.isNull()  # noqa: E731
        else:
            from labelme._app import MainWindow

            win = MainWindow()
            canvas = win._canvas_widgets.canvas
            start = lambda: win._load_from_file_or_dir(file_or_dir=folder)  # noqa: E731 - its Open Dir action
            shown = lambda: not canvas.pixmap.isNull()  # noqa: E731
        win.resize(1600, 1000)
        win.show()
        app.processEvents()
        print(f"  empty window          {ms(t0):9.1f} ms")
        t0 = time.perf_counter()
        start()
        while not shown() and time.perf_counter() - t0 < wait_s:
            app.processEvents()
            time.sleep(0.005)
        app.processEvents()
        took = ms(t0)
        if shown():
            print(f"  open folder to image  {took:9.1f} ms")
        else:
            print(f"  open folder: no image shown after {took / 1000:.0f} s (lower bound)")
        import resource

        # ru_maxrss is in KiB on Linux: the process's peak, the folder's making included (small)
        print(f"  peak memory           {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:9.0f} MB")
        win.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer", choices=sorted(PEERS), required=True)
    ap.add_argument("--polygons", type=int, nargs="+", default=[2000])
    ap.add_argument("--runs", type=int, default=5, help="repaints per zoom (median and worst printed)")
    ap.add_argument("--png", help="save the fit-zoom view here ({n} is replaced by N)")
    ap.add_argument("--give-up", type=float, default=60.0, help="seconds: a slower repaint ends that zoom")
    ap.add_argument("--folder", type=int, help="time opening a folder of this many images instead")
    args = ap.parse_args()
    if args.folder:
        open_folder(args.peer, args.folder, args.give_up * 5)
        return
    for n in args.polygons:
        run(args.peer, n, args.runs, args.give_up, args.png)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
