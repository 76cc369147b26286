"""Canvas frame time on a 3840 x 2160 image with N polygons of 50 vertices.

Prints milliseconds per repaint (median and worst of the runs) for:
- full build: building the whole shape cache (new image, zoom rest, style change), on the
  GUI thread, and in the worker thread used for big scenes (with the GUI frame meanwhile);
- edit commit: the frame after one shape changed (only its area is redrawn), at fit zoom
  and at 100 % (where about four times as many shapes are big enough for a tag);
- fit: a repaint at fit zoom with nothing changed (hover, cursor, crosshair);
- pan: panning at 200 % zoom (a new view offset every frame);
- zoom: wheel zoom steps (the cache is stretched until the wheel rests), and the crisp
  rebuild once it rests;
- hover: a mouse move event in edit mode (hit test of vertices, edges and shapes), then the
  paint it asks for (the hover highlight's old and new areas);
- drag: moving one selected polygon (the selection is drawn live over the cache);
- select all: the call (canvas plus the shape-list dock, synced through the
  canvas's selection signal as the main window does), the next frame and the one after;
  then the same for deselecting.
Usage: QT_QPA_PLATFORM=offscreen python benchmarks/bench_canvas.py [N ...]
       QT_QPA_PLATFORM=offscreen python benchmarks/bench_canvas.py --window [N ...]
       QT_QPA_PLATFORM=offscreen python benchmarks/bench_canvas.py --targets [N [REF]]
The second form opens an image with N polygons in the main window and times its
Select All action (canvas, Shapes dock, status bar and actions all react), the frames
after it, and deselecting.
The third form prints the dense-scene figures (default N = 20,000 polygons, 1,000,000
vertices) beside the same figures for REF polygons (default 2,000) measured in the same
run, each scene in its own process so that its memory figure is its own: first frame
after opening, pan and zoom frames at fit and at 100 %, the frame after an edit, select
all plus the next frame, hover and hit tests, and memory growth over the empty image.
Set BENCH_CODE=/path/to/checkout to measure another checkout's canvas with this script.
"""
from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from qtpy.QtCore import QEvent, QPointF, Qt  # noqa: E402
from qtpy.QtGui import QImage, QMouseEvent  # noqa: E402
from qtpy.QtWidgets import QApplication  # noqa: E402

from anylabel.core.shape import Shape  # noqa: E402
from anylabel.qt.canvas import Canvas  # noqa: E402

W, H = 3840, 2160
VIEW = (1600, 900)
LABELS = [f"class_{i}" for i in range(12)]


def make_image() -> QImage:
    yy, xx = np.mgrid[0:H, 0:W]
    rgb = np.stack([(xx * 255 // W), (yy * 255 // H), ((xx + yy) % 256)], axis=2).astype(np.uint8)
    return QImage(rgb.data, W, H, 3 * W, QImage.Format_RGB888).copy()


def make_shapes(n: int, rng: np.random.Generator) -> list[Shape]:
    shapes = []
    t = np.linspace(0, 2 * np.pi, 50, endpoint=False)
    for i in range(n):
        cx, cy = rng.uniform(60, W - 60), rng.uniform(60, H - 60)
        r = rng.uniform(15, 55) * (1 + 0.25 * np.sin(3 * t + rng.uniform(0, 6)))
        pts = np.stack([cx + r * np.cos(t), cy + r * np.sin(t)], axis=1)
        shapes.append(Shape("polygon", pts, label=LABELS[i % len(LABELS)]))
    return shapes


def frame(canvas: Canvas) -> float:
    t0 = time.perf_counter()
    canvas.repaint()
    return (time.perf_counter() - t0) * 1000.0


def mouse_move(canvas: Canvas, x: float, y: float) -> float:
    """A mouse move to image point (x, y) as the app gets it: the event (hit tests, hover state) and
    then the paint of what it asked to repaint, in ms."""
    p = canvas.image_to_widget(x, y)
    ev = QMouseEvent(QEvent.MouseMove, p, QPointF(canvas.mapToGlobal(p.toPoint())), Qt.NoButton, Qt.NoButton,
                     Qt.NoModifier)
    t0 = time.perf_counter()
    QApplication.sendEvent(canvas, ev)
    QApplication.processEvents()  # the paint it asked for
    return (time.perf_counter() - t0) * 1000.0


def report(name: str, times: list[float]) -> None:
    print(f"  {name:<22} median {statistics.median(times):7.2f} ms   worst {max(times):7.2f} ms   ({len(times)} frames)")


def run(n: int) -> None:
    rng = np.random.default_rng(n)
    canvas = Canvas()
    canvas.resize(*VIEW)
    canvas.show()
    QApplication.processEvents()
    canvas.set_image(make_image())
    canvas.set_shapes(make_shapes(n, rng))
    print(f"{n} polygons x 50 vertices on {W}x{H}, viewport {VIEW[0]}x{VIEW[1]}, fit zoom {canvas.scale:.3f}")

    layer = canvas.shape_layer
    canvas.wait_for_render()
    cold, gui, build = [], [], []
    for _ in range(5):
        layer.async_enabled = False
        layer.invalidate()
        cold.append(frame(canvas))
        layer.async_enabled = True
        layer.invalidate()
        gui.append(frame(canvas))  # the frame shown while a worker builds the layer
        t0 = time.perf_counter()
        canvas.wait_for_render()
        build.append((time.perf_counter() - t0) * 1000.0 + gui[-1])
    report("full build, blocking", cold)
    if layer.async_enabled and n >= layer.ASYNC_MIN_SHAPES:
        report("full build in worker", build)
        report("GUI frame meanwhile", gui)
    from anylabel.qt.canvas.shape_ops import translated
    commit = []
    for k in range(20):  # what committing a move does: one shape replaced by its moved copy
        i = (k * 97) % n
        canvas.shapes[i] = translated(canvas.shapes[i], 3, 2)
        canvas.touch()
        commit.append(frame(canvas))
    report("edit commit (partial)", commit)
    canvas.set_scale(1.0)  # more and bigger tags: the tag layout has ~4x the tags to place
    canvas.wait_for_render()
    x0, y0 = canvas.widget_to_image(QPointF(0, 0))
    x1, y1 = canvas.widget_to_image(QPointF(*VIEW))
    on_screen = canvas.scene_index().visible(x0, y0, x1, y1).tolist()
    commit = []
    for k in range(20):
        i = on_screen[(k * 7) % len(on_screen)]
        canvas.shapes[i] = translated(canvas.shapes[i], 3, 2)
        canvas.touch()
        commit.append(frame(canvas))
    report("edit commit at 100%", commit)
    canvas.zoom_fit()
    canvas.wait_for_render()
    report("fit, unchanged", [frame(canvas) for _ in range(30)])

    canvas.set_scale(2.0)
    frame(canvas)
    pan = []
    for k in range(60):
        canvas.pan_by(-25 if (k // 30) == 0 else 25, -12)
        pan.append(frame(canvas))
    report("pan at 200%", pan)

    canvas.zoom_fit()
    frame(canvas)
    zoom = []
    for k in range(20):
        canvas.interacting_zoom = True  # what a wheel event sets
        canvas.zoom_by(1.1 if k < 10 else 1 / 1.1, QPointF(VIEW[0] * 0.4, VIEW[1] * 0.6))
        zoom.append(frame(canvas))
    report("zoom (wheel steps)", zoom)
    canvas.interacting_zoom = False
    t0 = time.perf_counter()
    rest = frame(canvas)
    canvas.wait_for_render()
    report("zoom rest: GUI frame", [rest])
    report("zoom rest: crisp layer", [(time.perf_counter() - t0) * 1000.0])

    hover = []
    for k in range(40):  # mouse moves in edit mode: hit test (vertex, edge, shape) + the paint they ask for
        hover.append(mouse_move(canvas, rng.uniform(0, W), rng.uniform(0, H)))
    report("hover (hit test+frame)", hover)

    canvas.select_indices([n // 2])
    frame(canvas)
    drag = []
    sel = canvas.shapes[n // 2]
    for k in range(30):
        new = translated(sel, k, k / 2)
        canvas.shapes[n // 2] = new
        canvas.touch(selection_only=True)
        drag.append(frame(canvas))
    report("drag selected shape", drag)
    select_all(canvas)
    canvas.close()


def select_all(canvas: Canvas) -> None:
    """Select all and Esc, with the shape-list dock following the canvas as in the main window."""
    from anylabel.qt.docks.shape_list import ShapeListDock

    dock = ShapeListDock()
    dock.resize(300, 900)
    dock.show()
    dock.set_shapes(canvas.shapes, [])
    sync = lambda: dock.set_selection(canvas.selected_indices())  # noqa: E731 - edit_ops.on_selection_changed
    canvas.selection_changed.connect(sync)
    canvas.select_indices([])
    canvas.wait_for_render()
    rows = {k: [] for k in ("select all: call", "select all: dock sync", "select all: next frame",
                            "select all: frame after", "deselect: call", "deselect: next frame",
                            "deselect: frame after")}
    for _ in range(5):
        canvas.selection_tint.key = None  # a cold tint every round, as after an edit
        for name, action in (("select all", canvas.select_all), ("deselect", lambda: canvas.select_indices([]))):
            canvas.selection_changed.disconnect(sync)
            t0 = time.perf_counter()
            action()
            t1 = time.perf_counter()
            sync()
            t2 = time.perf_counter()
            canvas.selection_changed.connect(sync)
            rows[f"{name}: call"].append((t2 - t0) * 1000.0)
            if name == "select all":
                rows["select all: dock sync"].append((t2 - t1) * 1000.0)
            rows[f"{name}: next frame"].append(frame(canvas))
            rows[f"{name}: frame after"].append(frame(canvas))
            canvas.wait_for_render()
    for name, times in rows.items():
        report(name, times)
    canvas.selection_changed.disconnect(sync)
    dock.close()


def run_window(n: int) -> None:
    import tempfile

    import cv2

    from anylabel.core.label_file import ImageAnnotation, write_label_file
    from anylabel.qt.app import create_main_window

    with tempfile.TemporaryDirectory() as d:
        img = np.zeros((H, W, 3), np.uint8)
        img[:] = (90, 100, 110)
        cv2.imwrite(os.path.join(d, "a.png"), img)
        write_label_file(os.path.join(d, "a.json"), ImageAnnotation(
            shapes=make_shapes(n, np.random.default_rng(n)), image_path="a.png", image_width=W, image_height=H))
        w = create_main_window(settings_path=os.path.join(d, "rc.yaml"), install_extensions=False)
        w.resize(1800, 1000)
        w.show()
        QApplication.processEvents()
        w.open_path(os.path.join(d, "a.png"))
        canvas = w.canvas
        while len(canvas.shapes) < n:
            QApplication.processEvents()
            time.sleep(0.01)
        canvas.wait_for_render()
        print(f"main window: {n} polygons x 50 vertices on {W}x{H}, fit zoom {canvas.scale:.3f}")
        rows = {k: [] for k in ("select all action", "next frame", "frame after", "deselect", "frame after deselect")}
        for _ in range(5):
            canvas.selection_tint.key = None  # a cold tint every round
            t0 = time.perf_counter()
            w.actions_by_name["select_all"].trigger()
            rows["select all action"].append((time.perf_counter() - t0) * 1000.0)
            rows["next frame"].append(frame(canvas))
            rows["frame after"].append(frame(canvas))
            t0 = time.perf_counter()
            canvas.select_indices([])  # Esc
            rows["deselect"].append((time.perf_counter() - t0) * 1000.0)
            rows["frame after deselect"].append(frame(canvas))
            canvas.wait_for_render()
        for name, times in rows.items():
            report(name, times)
        w.close()


def rss_mb() -> float:
    """Resident memory of this process now (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


TARGETS = (  # (figure, target ms or MB, how it is reduced over its frames)
    ("first frame after opening", 500.0), ("first GUI frame (image only)", 16.0),
    ("pan at fit", 16.0), ("zoom step at fit", 16.0), ("zoom rest frame at fit", 16.0),
    ("crisp layer after zoom rest", None),
    ("pan at 100%", 16.0), ("zoom step at 100%", 16.0), ("zoom rest frame at 100%", 16.0),
    ("pan at 200%", 16.0),
    ("edit frame at fit", 16.0), ("edit frame at 100%", 16.0),
    ("select all + next frame", 100.0), ("frame after that", 16.0),
    ("hit test (shape_at)", 2.0), ("hit test (vertex_at)", 2.0), ("hover (hit tests + frame)", 2.0),
    ("memory growth over empty image", 300.0),
)


def measure_targets(n: int) -> dict[str, tuple[float, float]]:
    """(median, worst) of each figure in TARGETS for an n-polygon scene."""
    from anylabel.qt.canvas.shape_ops import translated

    out: dict[str, tuple[float, float]] = {}

    def put(name, times):
        out[name] = (statistics.median(times), max(times))

    rng = np.random.default_rng(n)
    canvas = Canvas()
    canvas.resize(*VIEW)
    canvas.show()
    QApplication.processEvents()
    shapes = make_shapes(n, rng)
    canvas.set_image(make_image())
    canvas.wait_for_render()
    frame(canvas)
    base = rss_mb()
    peak = base
    t0 = time.perf_counter()
    canvas.set_image(make_image())  # opening: the image and its shapes, then frames until the layer is in
    canvas.set_shapes(shapes)
    first_gui = frame(canvas)
    canvas.wait_for_render()
    frame(canvas)
    put("first frame after opening", [(time.perf_counter() - t0) * 1000.0])
    put("first GUI frame (image only)", [first_gui])
    peak = max(peak, rss_mb())

    def pan(k):
        pan_ = []
        for j in range(k):
            canvas.pan_by(-25 if (j // (k // 2)) == 0 else 25, -12)
            pan_.append(frame(canvas))
        return pan_

    def zoom_steps(anchor):
        steps = []
        for k in range(16):
            canvas.interacting_zoom = True  # what a wheel event sets
            canvas.zoom_by(1.1 if k < 8 else 1 / 1.1, anchor)
            steps.append(frame(canvas))
        canvas.interacting_zoom = False
        t0 = time.perf_counter()
        rest = frame(canvas)
        canvas.wait_for_render()
        return steps, rest, (time.perf_counter() - t0) * 1000.0

    put("pan at fit", pan(20))  # the image fits the view: the offset is clamped, a plain repaint
    steps, rest, crisp = zoom_steps(QPointF(VIEW[0] * 0.4, VIEW[1] * 0.6))
    put("zoom step at fit", steps)
    put("zoom rest frame at fit", [rest])
    put("crisp layer after zoom rest", [crisp])
    canvas.zoom_fit()
    canvas.wait_for_render()
    on_fit = canvas.scene_index().visible(0, 0, W, H).tolist()
    times = []
    for k in range(20):  # committing a move: one shape replaced by its moved copy
        i = on_fit[(k * 97) % len(on_fit)]
        canvas.shapes[i] = translated(canvas.shapes[i], 3, 2)
        canvas.touch()
        times.append(frame(canvas))
    put("edit frame at fit", times)
    peak = max(peak, rss_mb())

    canvas.set_scale(1.0)
    canvas.wait_for_render()
    frame(canvas)
    put("pan at 100%", pan(40))
    canvas.wait_for_render()
    steps, rest, _ = zoom_steps(QPointF(VIEW[0] * 0.5, VIEW[1] * 0.5))
    put("zoom step at 100%", steps)
    put("zoom rest frame at 100%", [rest])
    canvas.set_scale(1.0)
    canvas.wait_for_render()
    x0, y0 = canvas.widget_to_image(QPointF(0, 0))
    x1, y1 = canvas.widget_to_image(QPointF(*VIEW))
    on_screen = canvas.scene_index().visible(x0, y0, x1, y1).tolist()
    times = []
    for k in range(20):
        i = on_screen[(k * 7) % len(on_screen)]
        canvas.shapes[i] = translated(canvas.shapes[i], 3, 2)
        canvas.touch()
        times.append(frame(canvas))
    put("edit frame at 100%", times)
    peak = max(peak, rss_mb())
    shape_hits, vertex_hits, hover = [], [], []
    for k in range(60):  # half the points on a shape's vertex, half anywhere in the view
        if k % 2:
            x, y = canvas.shapes[on_screen[k % len(on_screen)]].points[k % 50]
        else:
            x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        t0 = time.perf_counter()
        canvas.shape_at(x, y)
        t1 = time.perf_counter()
        canvas.vertex_at(x, y)
        t2 = time.perf_counter()
        shape_hits.append((t1 - t0) * 1000.0)
        vertex_hits.append((t2 - t1) * 1000.0)
        hover.append(mouse_move(canvas, x, y))
    put("hit test (shape_at)", shape_hits)
    put("hit test (vertex_at)", vertex_hits)
    put("hover (hit tests + frame)", hover)
    canvas.set_scale(2.0)
    canvas.wait_for_render()
    frame(canvas)
    put("pan at 200%", pan(60))
    peak = max(peak, rss_mb())

    canvas.zoom_fit()
    canvas.wait_for_render()
    both, after = [], []
    for _ in range(5):
        canvas.select_indices([])
        canvas.wait_for_render()
        t0 = time.perf_counter()
        canvas.select_all()
        canvas.repaint()
        both.append((time.perf_counter() - t0) * 1000.0)
        after.append(frame(canvas))
        peak = max(peak, rss_mb())
        canvas.shapes[on_fit[0]] = translated(canvas.shapes[on_fit[0]], 1, 1)  # an edit: no tint kept from before
        canvas.touch()
    put("select all + next frame", both)
    put("frame after that", after)
    canvas.set_scale(1.0)
    canvas.wait_for_render()
    frame(canvas)
    peak = max(peak, rss_mb())
    out["memory growth over empty image"] = (peak - base, peak - base)
    canvas.shutdown()
    canvas.close()
    return out


def run_targets(n: int, ref: int) -> None:
    import json
    import subprocess

    env = dict(os.environ)
    code = env.get("BENCH_CODE")
    if code:
        env["PYTHONPATH"] = os.path.abspath(code) + os.pathsep + env.get("PYTHONPATH", "")
    figures = {}
    for count in (n, ref):
        res = subprocess.run([sys.executable, os.path.abspath(__file__), "--one", str(count)], env=env,
                             capture_output=True, text=True, check=True)
        figures[count] = json.loads(res.stdout.strip().splitlines()[-1])
    load = os.getloadavg()[0]
    print(f"{n:,} vs {ref:,} polygons x 50 vertices on {W}x{H}, viewport {VIEW[0]}x{VIEW[1]}"
          f"{' (code: ' + code + ')' if code else ''}, load average {load:.1f}")
    print(f"  {'figure':<32} {n:>8,} median (worst)   {ref:>6,} median   ratio   target")
    for name, target in TARGETS:
        (m, w), (rm, _) = figures[n][name], figures[ref][name]
        unit = "MB" if name.startswith("memory") else "ms"
        verdict = "" if target is None else ("met" if m <= target else "MISSED")
        tgt = "" if target is None else f"< {target:g} {unit}"
        print(f"  {name:<32} {m:8.2f} ({w:8.2f}) {unit}   {rm:8.2f}   {m / max(rm, 1e-9):6.1f}x   {tgt} {verdict}")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--targets"]:
        rest = [int(a) for a in argv[1:]]
        run_targets(rest[0] if rest else 20000, rest[1] if len(rest) > 1 else 2000)
        return
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if argv[:1] == ["--one"]:
        import json

        print(json.dumps(measure_targets(int(argv[1]))))
        return
    window = "--window" in argv
    counts = [int(a) for a in argv if a != "--window"] or [200, 2000]
    for n in counts:
        run_window(n) if window else run(n)
    del app


if __name__ == "__main__":
    main(sys.argv[1:])
