"""File > Open Compare Report...: the images of an ``anylabel compare`` report, worst first,
in a dock; choosing one opens it (from the reference folder) and draws both label sets over
it as a read-only canvas overlay: the reference in blue, the candidate in orange, a thick
outline for a shape without a partner of its label (as in report.html). The reference's own
shapes stay editable on the canvas as usual."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
from qtpy.QtWidgets import QDockWidget, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ...core.errors import AnyLabelError, LabelFileError
from ...core.label_file import ImageAnnotation, read_label_file
from ...review.thumbnails import CANDIDATE_RGB, REFERENCE_RGB, draw_shape, find_image
from .text import translate
from ..window_api import WindowAPI

#: report.json files larger than this are refused before they are read (a 100,000-image
#: report with its per-image detail is about 60 MB).
MAX_REPORT_BYTES = 512 * 1024 * 1024
#: The overlay is drawn at most this many pixels on its longest side (it is stretched over the image).
MAX_OVERLAY_SIDE = 4096


@dataclass
class ReportImage:
    rank: int
    key: str
    errors: int
    f1: float | None
    mean_iou: float | None
    reference_file: Path | None
    candidate_file: Path | None
    detail: dict[str, Any]


@dataclass
class CompareReport:
    path: Path
    reference: Path
    candidate: Path
    overall: dict[str, Any]
    images: list[ReportImage]


def _folder(raw: Any, report: Path, role: str) -> Path:
    if not isinstance(raw, str) or not raw:
        raise AnyLabelError(f"{report}: '{role}' must name the {role} folder")
    p = Path(raw)
    for cand in ([p] if p.is_absolute() else [report.parent / p, report.parent.parent / p, Path.cwd() / p]):
        if cand.is_dir():
            return cand.resolve()
    raise AnyLabelError(f"{report}: the {role} folder {raw} does not exist (moved since the report was written?)")


def _inside(folder: Path, key: str) -> Path | None:
    """``folder/key.json`` when it stays inside ``folder`` and exists (a report cannot name other files)."""
    p = (folder / f"{key}.json").resolve()
    if not p.is_relative_to(folder) or not p.is_file():
        return None
    return p


def _indices(raw: Any) -> list:
    return raw if isinstance(raw, list) else []


def read_report(path: str | os.PathLike[str]) -> CompareReport:
    """Read and check an ``anylabel compare`` report.json; AnyLabelError names what is wrong."""
    p = Path(path)
    if p.is_dir():
        p = p / "report.json"
    try:
        size = p.stat().st_size
        if size > MAX_REPORT_BYTES:
            raise AnyLabelError(f"{p}: {size} bytes is more than a compare report can be ({MAX_REPORT_BYTES})")
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AnyLabelError(f"{p}: cannot be read ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AnyLabelError(f"{p}: not a JSON file ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("images"), list):
        raise AnyLabelError(f"{p}: not an 'anylabel compare' report (no 'images' list)")
    ref, cand = _folder(data.get("reference"), p, "reference"), _folder(data.get("candidate"), p, "candidate")
    images = []
    for n, e in enumerate(data["images"], start=1):
        if not isinstance(e, dict) or not isinstance(e.get("image"), str):
            raise AnyLabelError(f"{p}: image entry {n} has no 'image' name")
        detail = e.get("detail") if isinstance(e.get("detail"), dict) else {}
        num = lambda v: float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None  # noqa: E731
        images.append(ReportImage(int(e.get("rank", n)) if isinstance(e.get("rank"), int) else n, e["image"],
                                  int(e.get("errors", 0)) if isinstance(e.get("errors"), int) else 0,
                                  num(e.get("f1")), num(e.get("mean_iou")),
                                  _inside(ref, e["image"]), _inside(cand, e["image"]), detail))
    overall = data.get("overall") if isinstance(data.get("overall"), dict) else {}
    return CompareReport(p, ref, cand, overall, images)


def _read(path: Path | None) -> ImageAnnotation | None:
    return read_label_file(path) if path is not None else None


def pair_overlay(entry: ReportImage, ref: ImageAnnotation | None, cand: ImageAnnotation | None,
                 size: tuple[int, int]) -> np.ndarray:
    """An RGBA overlay of ``size`` (true image width, height; drawn smaller for big images)
    with both label sets: thick where ``detail`` says a shape found no partner of its label."""
    w, h = size
    scale = min(1.0, MAX_OVERLAY_SIDE / max(w, h, 1))
    out = np.zeros((max(1, round(h * scale)), max(1, round(w * scale)), 4), np.uint8)
    d = entry.detail
    lone_ref = {i for i in _indices(d.get("missed")) if isinstance(i, int)}
    lone_ref |= {m[0] for m in _indices(d.get("relabelled")) if isinstance(m, list) and m and isinstance(m[0], int)}
    lone_cand = {j for j in _indices(d.get("extra")) if isinstance(j, int)}
    lone_cand |= {m[1] for m in _indices(d.get("relabelled")) if isinstance(m, list) and len(m) > 1
                  and isinstance(m[1], int)}
    thin = max(2, round(max(out.shape[:2]) / 500))
    for ann, rgb, lone in ((ref, REFERENCE_RGB, lone_ref), (cand, CANDIDATE_RGB, lone_cand)):
        for i, s in enumerate(ann.shapes if ann is not None else []):
            if len(s.points):
                draw_shape(out, s, scale, (*rgb, 255), thin * 2 if i in lone else thin)
    return out


class CompareReportDock(QDockWidget):
    """The report's images, worst first: arrow keys walk them, each shown with both sets drawn."""

    def __init__(self, window: WindowAPI) -> None:
        super().__init__(translate("Review", "Compare report"), window)
        self.setObjectName("compare_report_dock")
        self.window_ = window
        self.report: CompareReport | None = None
        self.shown: ReportImage | None = None
        self._showing = False
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.legend = QLabel(translate("Review", "<span style='color:#1f77b4'>■ reference</span> · "
                                "<span style='color:#ff7f0e'>■ candidate</span> · thick: no partner"))
        self.list = QListWidget()
        self.list.setObjectName("compare_report_images")
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.summary)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.legend)
        self.setWidget(w)
        self.list.currentRowChanged.connect(self._row_changed)
        window.image_changed.connect(self._image_changed)

    def set_report(self, report: CompareReport) -> None:
        self.report = report
        o = report.overall

        def fig(k: str) -> str:
            v = o.get(k)
            return f"{v:.3f}" if isinstance(v, (int, float)) and not isinstance(v, bool) else "-"

        self.summary.setText(translate("Review", "<b>{0}</b> vs <b>{1}</b>: F1 {2} · precision {3} · "
                                                 "recall {4} · {5} images")
                             .format(report.reference.name, report.candidate.name, fig("f1"), fig("precision"),
                                     fig("recall"), len(report.images)))
        self.list.blockSignals(True)
        self.list.clear()
        for e in report.images:
            f1 = "-" if e.f1 is None else f"{e.f1:.2f}"
            text = translate("Review", "#{0}  {1}   {2} errors · F1 {3}").format(e.rank, e.key, e.errors, f1)
            item = QListWidgetItem(text)
            item.setToolTip(str(e.reference_file or e.key))
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.show()
        self.raise_()
        if report.images:
            self.list.setCurrentRow(0)
            self.list.setFocus()

    def _row_changed(self, row: int) -> None:
        if self.report is not None and 0 <= row < len(self.report.images):
            self.show_image(self.report.images[row])

    def show_image(self, entry: ReportImage) -> bool:
        """Open the entry's image and draw both label sets over it."""
        w = self.window_
        try:
            ref, cand = _read(entry.reference_file), _read(entry.candidate_file)
        except LabelFileError as exc:
            w.report_error(str(exc))
            return False
        image = find_image(SimpleNamespace(ref_path=entry.reference_file, ref_annotation=ref,
                                           cand_path=entry.candidate_file, cand_annotation=cand))
        if image is None:
            w.report_error(translate("Review", "{0}: no image found for it in {1}")
                           .format(entry.key, self.report.reference))
            return False
        self._showing = True
        try:
            idx = w.folder_index
            if idx is not None and Path(idx.folder).resolve() == image.parent.resolve() and image.name in idx.names:
                ok = w.open_image(idx.index_of(image.name))
            else:
                ok = w.open_folder(image.parent, select=image.name)
        finally:
            self._showing = False
        if not ok or w.current_image_path() is None or w.current_image_path().resolve() != image.resolve():
            return False
        self.shown = entry
        w.canvas.set_overlay(pair_overlay(entry, ref, cand, (w.canvas.image_width, w.canvas.image_height)))
        w.statusBar().showMessage(translate("Review", "{0}: {1} errors (blue: reference, orange: candidate)")
                                  .format(entry.key, entry.errors), 8000)
        return True

    def _image_changed(self, _path: str) -> None:
        if not self._showing and self.shown is not None:  # the user moved on by other means
            self.shown = None
            self.window_.canvas.set_overlay(None)
