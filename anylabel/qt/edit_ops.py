"""Shape edits, labels and undo/redo of the main window.

Every edit reaches ``on_canvas_edited``, which records ``tuple(canvas.shapes)`` in the
document's undo history (see anylabel/core/undo.py for why snapshots are cheap).
"""
from __future__ import annotations

from ..core.geometry import bounding_box
from ..core.shape import Shape
from .canvas import EDIT
from .canvas.shape_ops import size_text
from .dialogs.label_dialog import LabelDialog, LabelResult
from .i18n import shape_type_title, translate

LABEL_HISTORY_LIMIT = 200
PASTE_OFFSET = 10.0


class EditOpsMixin:
    # ------------------------------------------------------------------ modes
    def set_mode(self, mode: str) -> None:
        if mode != EDIT and self.document is None:
            self.canvas.set_mode(EDIT)  # nothing to draw on
            self.statusBar().showMessage(translate("edit_ops", "Open an image or a folder first (Ctrl+U)"), 4000)
            return
        self.canvas.set_mode(mode)
        self.canvas.setFocus()

    # ------------------------------------------------------------------ labelling
    def _dialog_label_provider(self, initial: LabelResult, shape_type: str) -> LabelResult | None:
        dlg = LabelDialog(self.known_labels(), list(self.settings.get("shape_flags", []) or []), self)
        try:
            return dlg.ask(initial, beside=self._labelled_area())
        finally:
            dlg.deleteLater()

    def _labelled_area(self):
        """Global rectangle of what the label dialog names: the shape just drawn, else the
        selected shapes; None when neither is on screen."""
        from qtpy.QtCore import QPoint, QRect

        c = self.canvas
        shapes = [c.labelling] if getattr(c, "labelling", None) is not None else c.selected_shapes()
        boxes = [bounding_box(s) for s in shapes if len(s.points)]  # a circle's box is not its points'
        if not boxes:
            return None
        xs, ys = [b[0] for b in boxes] + [b[2] for b in boxes], [b[1] for b in boxes] + [b[3] for b in boxes]
        a = c.image_to_widget(min(xs), min(ys)).toPoint()
        b = c.image_to_widget(max(xs), max(ys)).toPoint()
        rect = QRect(c.mapToGlobal(a), c.mapToGlobal(b)).normalized()
        shown = rect.intersected(QRect(c.mapToGlobal(QPoint(0, 0)), c.size()))
        return None if shown.isEmpty() else shown

    def remember_label(self, label: str) -> None:
        """Put ``label`` first in the label history (offered first by the label dialog); public
        for extensions that ask for a label themselves (e.g. Segment Anything)."""
        if not label:
            return
        hist = [label] + [x for x in self.settings.get("label_history", []) if x != label]
        self.settings.set("label_history", hist[:LABEL_HISTORY_LIMIT])

    def on_shape_drawn(self, shape: Shape) -> None:
        """A draft was completed: ask for its label, then commit it (or drop it when cancelled)."""
        initial = LabelResult()
        if self.settings.get("keep_last_label", False):
            hist = self.settings.get("label_history", [])
            initial.label = hist[0] if hist else ""
        result = self.label_provider(initial, shape.shape_type)
        if result is None or not result.label:
            self.statusBar().showMessage(translate("edit_ops", "Shape discarded (no label)"), 3000)
            return
        result.apply(shape)
        self.remember_label(result.label)
        self.canvas.commit_new_shape(shape, select=False)
        if self.settings.get("edit_after_draw", True):
            self.set_mode(EDIT)

    def edit_label(self) -> None:
        sel = self.canvas.selected_indices()
        if not sel:
            return
        first = self.canvas.shapes[sel[0]]
        result = self.label_provider(LabelResult.from_shape(first), first.shape_type)
        if result is None or not result.label:
            return
        changes = {}
        for i in sel:
            new = self.canvas.shapes[i].copy()
            if len(sel) == 1:
                result.apply(new)
            else:
                new.label = result.label  # several shapes: rename only, keep their own details
            changes[i] = new
        self.remember_label(result.label)
        self.canvas.replace_shapes(changes, "Edit label")
        self.canvas.select_indices(sel)

    # ------------------------------------------------------------------ history
    def on_canvas_edited(self, label: str) -> None:
        doc = self.document
        if doc is None:
            return
        doc.history.push(self.canvas.shapes, label)
        self.after_shapes_changed()

    def after_shapes_changed(self) -> None:
        self.refresh_shape_views()
        self.update_title()
        self.update_actions()
        self.update_selection_status()

    def undo(self) -> None:
        doc = self.document
        if doc is None or self.canvas.draft is not None:
            if self.canvas.draft is not None:
                self.canvas.undo_last_vertex()
            return
        snap = doc.history.undo()
        if snap is not None:
            self.canvas.set_shapes(list(snap), keep_selection=True)
            self.after_shapes_changed()

    def redo(self) -> None:
        doc = self.document
        if doc is None:
            return
        snap = doc.history.redo()
        if snap is not None:
            self.canvas.set_shapes(list(snap), keep_selection=True)
            self.after_shapes_changed()

    # ------------------------------------------------------------------ views
    def refresh_shape_views(self) -> None:
        shapes = self.canvas.shapes
        self.shape_dock.set_shapes(shapes, self.canvas.selected_indices())
        self.label_dock.set_labels([s.label for s in shapes])

    def on_selection_changed(self) -> None:
        self.shape_dock.set_selection(self.canvas.selected_indices())
        self.update_selection_status()
        self.update_actions()

    def update_selection_status(self) -> None:
        sel = self.canvas.selected_shapes()
        if len(sel) == 1:
            s = sel[0]
            text = f"{s.label or shape_type_title(s.shape_type)}: {size_text(s)}"
        elif sel:
            text = translate("edit_ops", "{0} shapes selected").format(len(sel))
        else:
            text = ""
        hidden = len(self.canvas.shapes) if not self.canvas.show_all else self.canvas.hidden_count()
        if hidden:  # say so, or hidden shapes look deleted
            hidden_text = translate("edit_ops", "{0} hidden").format(hidden)
            text = f"{text} · {hidden_text}" if text else hidden_text
        self.selection_label.setText(text)

    def update_actions(self) -> None:
        a = self.actions_by_name
        doc = self.document
        has_sel = bool(self.canvas.selected_indices())
        a["undo"].setEnabled(doc is not None and doc.history.can_undo())
        a["redo"].setEnabled(doc is not None and doc.history.can_redo())
        a["save"].setEnabled(doc is not None)
        for name in ("delete", "copy", "duplicate", "edit_label", "group", "ungroup", "hide_selected"):
            a[name].setEnabled(has_sel)
        a["paste"].setEnabled(doc is not None and bool(self._clipboard))

    # ------------------------------------------------------------------ shape edits
    def delete_selected(self) -> None:
        self.canvas.delete_selected()

    def copy_selected(self) -> None:
        self._clipboard = [s.copy() for s in self.canvas.selected_shapes()]
        self.update_actions()
        if self._clipboard:
            self.statusBar().showMessage(translate("edit_ops", "Copied {0} shape(s)").format(len(self._clipboard)), 2000)

    def paste(self) -> None:
        """Paste at the same place (copy shapes between images of one series)."""
        if self.document is None or not self._clipboard:
            return
        self.canvas.add_shapes([s.copy() for s in self._clipboard], "Paste")

    def duplicate_selected(self) -> None:
        from .canvas.shape_ops import translated

        sel = self.canvas.selected_shapes()
        if sel:
            self.canvas.add_shapes([translated(s, PASTE_OFFSET, PASTE_OFFSET) for s in sel], "Duplicate")

    def select_all(self) -> None:
        self.canvas.select_all()

    def group_selected(self) -> None:
        sel = self.canvas.selected_indices()
        if not sel:
            return
        used = [s.group_id for s in self.canvas.shapes if s.group_id is not None]
        gid = max(used, default=-1) + 1
        changes = {}
        for i in sel:
            new = self.canvas.shapes[i].copy()
            new.group_id = gid
            changes[i] = new
        self.canvas.replace_shapes(changes, "Group")
        self.statusBar().showMessage(translate("edit_ops", "Grouped {0} shape(s) as #{1}").format(len(sel), gid), 3000)

    def ungroup_selected(self) -> None:
        changes = {}
        for i in self.canvas.selected_indices():
            if self.canvas.shapes[i].group_id is not None:
                new = self.canvas.shapes[i].copy()
                new.group_id = None
                changes[i] = new
        if changes:
            self.canvas.replace_shapes(changes, "Ungroup")

    def rotate_selected(self, degrees: float) -> None:
        self.canvas.rotate_selected(degrees)

    def reorder_selected(self, step: int) -> None:
        """Move the selection in the drawing order (-1 up, +1 down, -2 to back, +2 to front)."""
        c = self.canvas
        sel = c.selected_indices()
        if not sel:
            return
        n = len(c.shapes)
        order = list(range(n))
        chosen = set(sel)
        if step in (-2, 2):
            rest = [i for i in order if i not in chosen]
            order = (sel + rest) if step == -2 else (rest + sel)
        else:
            seq = sorted(sel, reverse=step > 0)
            for i in seq:
                pos = order.index(i)
                j = pos + step
                if 0 <= j < n and order[j] not in chosen:
                    order[pos], order[j] = order[j], order[pos]
        if order == list(range(n)):
            return
        shapes = [c.shapes[i] for i in order]
        new_sel = [order.index(i) for i in sel]
        c.set_shapes(shapes)
        c.select_indices(new_sel)
        self.on_canvas_edited("Reorder")

    # ------------------------------------------------------------------ view
    def zoom(self, factor: float) -> None:
        self.canvas.zoom_by(factor)

    def zoom_fit(self) -> None:
        self.canvas.zoom_fit()

    def zoom_original(self) -> None:
        self.canvas.zoom_original()

    def hide_selected(self) -> None:
        self.canvas.hide_selected()
        self.update_selection_status()

    def show_hidden(self) -> None:
        self.canvas.show_hidden()
        self.update_selection_status()

    def toggle_all_shapes(self) -> None:
        self.canvas.set_all_visible(not self.canvas.show_all)
        self.update_selection_status()
